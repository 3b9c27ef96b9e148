package org.ambulink.console.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ambulink.console.ConsoleApplication;
import org.ambulink.testsupport.TempDirs;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A console running in this JVM on a free port, with a fresh database (H2 in a temporary folder
 * unless a JDBC URL is given, e.g. a real PostgreSQL's), one appliance credential and staff
 * accounts with known passwords. Close it to stop it and delete its folder.
 */
public final class ConsoleServer implements AutoCloseable {
  public static final String DEVICE_ID = "medic-12";
  public static final String DEVICE_TOKEN = "test-device-token-0123456789abcdefghijklmnop";
  public static final String PASSWORD = "correct horse battery";
  public static final String ADMIN = "admin";
  public static final String PHYSICIAN = "dr.house";
  public static final String NURSE = "nurse.joy";

  /** A physician of another ED: must never see this ED's transports. */
  public static final String OTHER_ED_PHYSICIAN = "dr.other";

  public static final String ED = "city-general";
  public static final String OTHER_ED = "st-marys";

  private final ConfigurableApplicationContext context;
  private final Path dir;

  private ConsoleServer(ConfigurableApplicationContext context, Path dir) {
    this.context = context;
    this.dir = dir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts with defaults: H2, the accounts above. */
  public static ConsoleServer start() {
    return builder().start();
  }

  public static final class Builder {
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private final Map<String, String> properties = new LinkedHashMap<>();

    public Builder database(String url, String user, String password) {
      this.jdbcUrl = url;
      this.jdbcUser = user;
      this.jdbcPassword = password;
      return this;
    }

    /** Any other setting, e.g. {@code ambulink.console.login-max-failures=3}. */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    public ConsoleServer start() {
      Path dir = TempDirs.create("console");
      List<String> args = new ArrayList<>();
      args.add("--server.port=0");
      args.add("--server.address=127.0.0.1");
      args.add("--spring.main.banner-mode=off");
      if (jdbcUrl == null) {
        args.add(
            "--spring.datasource.url=jdbc:h2:file:"
                + dir.resolve("db/console")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
      } else {
        args.add("--spring.datasource.url=" + jdbcUrl);
        args.add("--spring.datasource.username=" + jdbcUser);
        args.add("--spring.datasource.password=" + jdbcPassword);
      }
      args.add("--ambulink.console.ed-id=" + ED);
      args.add("--AMBULINK_CONSOLE_ADMIN_PASSWORD=" + PASSWORD);
      args.add("--AMBULINK_CONSOLE_DEMO_PASSWORD=" + PASSWORD);
      String[][] users = {
        {PHYSICIAN, "physician", ED},
        {NURSE, "nurse", ED},
        {OTHER_ED_PHYSICIAN, "physician", OTHER_ED}
      };
      for (int i = 0; i < users.length; i++) {
        args.add("--ambulink.console.demo-users[" + i + "].username=" + users[i][0]);
        args.add("--ambulink.console.demo-users[" + i + "].role=" + users[i][1]);
        args.add("--ambulink.console.demo-users[" + i + "].ed-id=" + users[i][2]);
      }
      args.add("--ambulink.console.devices[0].id=" + DEVICE_ID);
      args.add("--ambulink.console.devices[0].token=" + DEVICE_TOKEN);
      properties.forEach((k, v) -> args.add("--" + k + "=" + v));
      ConfigurableApplicationContext ctx =
          new SpringApplicationBuilder(ConsoleApplication.class).run(args.toArray(String[]::new));
      return new ConsoleServer(ctx, dir);
    }
  }

  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
    TempDirs.deleteTree(dir);
  }
}
