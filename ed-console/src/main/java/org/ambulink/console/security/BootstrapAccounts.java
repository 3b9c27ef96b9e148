package org.ambulink.console.security;

import java.io.PrintStream;
import java.security.SecureRandom;
import org.ambulink.console.ConsoleProperties;
import org.ambulink.console.ConsoleProperties.Role;
import org.ambulink.console.audit.AuditLog;
import org.ambulink.console.devices.DeviceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Creates, at start, the accounts configuration asks for: the first administrator, the demo's
 * staff, the appliances listed in configuration. Passwords come from the environment or are
 * generated; a generated password is printed once on standard output (never to the log files),
 * since whoever starts the console needs it to log in.
 *
 * <p>Runs once every bean is ready and before the web server opens its port (not as an {@code
 * ApplicationRunner}, which runs after): otherwise, for a moment after each start, a configured
 * appliance's token is unknown and its posts are refused with 401 (the appliance then waits its
 * longest backoff, 30 s, before trying again) and the demo logins fail.
 */
@Component
public class BootstrapAccounts implements SmartInitializingSingleton {
  static final String ADMIN_PASSWORD_ENV = "AMBULINK_CONSOLE_ADMIN_PASSWORD";
  static final String DEMO_PASSWORD_ENV = "AMBULINK_CONSOLE_DEMO_PASSWORD";
  private static final Logger log = LoggerFactory.getLogger(BootstrapAccounts.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private final ConsoleProperties properties;
  private final StaffAccounts staff;
  private final DeviceRegistry devices;
  private final AuditLog audit;
  private final Environment environment;
  private final PrintStream out;

  public BootstrapAccounts(
      ConsoleProperties properties,
      StaffAccounts staff,
      DeviceRegistry devices,
      AuditLog audit,
      Environment environment) {
    this.properties = properties;
    this.staff = staff;
    this.devices = devices;
    this.audit = audit;
    this.environment = environment;
    this.out = System.out;
  }

  @Override
  public void afterSingletonsInstantiated() {
    String admin = properties.bootstrapAdmin();
    if (staff.find(admin).isEmpty()) {
      String given = environment.getProperty(ADMIN_PASSWORD_ENV);
      String password = given == null || given.isBlank() ? generate() : given;
      staff.create(admin, password, Role.ADMIN, properties.edId());
      audit.record("console", "USER_CREATED", "user " + admin, "", "role ADMIN (bootstrap)");
      log.info("created the first administrator '{}'", admin);
      if (given == null || given.isBlank()) {
        out.println(
            "ED console: administrator '"
                + admin
                + "' created with password "
                + password
                + "   (set "
                + ADMIN_PASSWORD_ENV
                + " to choose it; shown only now)");
      }
    }
    String demoGiven = environment.getProperty(DEMO_PASSWORD_ENV);
    for (ConsoleProperties.DemoUser u : properties.demoUsers()) {
      String ed = u.edId() == null || u.edId().isBlank() ? properties.edId() : u.edId();
      String password = demoGiven == null || demoGiven.isBlank() ? generate() : demoGiven;
      if (staff.find(u.username()).isEmpty()) {
        staff.create(u.username(), password, u.role(), ed);
        audit.record(
            "console", "USER_CREATED", "user " + u.username(), "", "role " + u.role() + " (demo)");
      } else {
        staff.setPassword(u.username(), password);
      }
      out.println(
          "ED console demo login: "
              + u.username()
              + " / "
              + password
              + "   ("
              + u.role().name().toLowerCase()
              + ", "
              + ed
              + ")");
    }
    for (ConsoleProperties.Device d : properties.devices()) {
      if (devices.find(d.id()).isEmpty()) {
        devices.register(d.id(), d.token(), d.description());
        audit.record("console", "DEVICE_REGISTERED", "device " + d.id(), "", "from configuration");
        log.info("registered appliance {} from configuration", d.id());
      } else if (devices.updateToken(d.id(), d.token())) {
        audit.record(
            "console", "DEVICE_TOKEN_CHANGED", "device " + d.id(), "", "from configuration");
        log.info("appliance {} has a new token from configuration", d.id());
      }
    }
  }

  static String generate() {
    StringBuilder b = new StringBuilder(16);
    for (int i = 0; i < 16; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
