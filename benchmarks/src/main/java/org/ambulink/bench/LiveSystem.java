package org.ambulink.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.ambulink.drivers.sim.MllpMonitor;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.testsupport.AppProcess;
import org.ambulink.testsupport.CoturnServer;
import org.ambulink.testsupport.HeadlessChromium;
import org.ambulink.testsupport.TempDirs;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything of the live session, for real, as {@code LiveSessionTest} (system-tests) runs it: a
 * coturn relay on loopback (relay-only ICE with REST-scheme credentials from the console), the ED
 * console and the appliance as processes of their own from their exec jars, the simulated monitor
 * in this JVM (PhysioNet s0010_re, 12 leads and more at 500 Hz, 250 ms chunks over MLLP), and a
 * headless Chromium logged in as a physician on the live view. {@link #close()} stops all of it
 * (simulator, Chromium, appliance, console, coturn) and deletes the folder; each part is stopped
 * even when another fails to.
 */
final class LiveSystem implements AutoCloseable {
  static final String APPLIANCE_ID = "medic-bench";
  static final String PHYSICIAN = "dr.bench";
  static final String MONITOR = "0123456789ABCDEF";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration CONNECT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the appliance streams: video size and rate. */
  record Video(int width, int height, int fps) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final Path dir = TempDirs.create("live-bench");
  private final List<String> simulatorLines = new CopyOnWriteArrayList<>();

  CoturnServer coturn;
  AppProcess console;
  AppProcess appliance;
  HeadlessChromium chromium;
  private ChromeDriver driver;
  private MllpMonitor simulator;
  private int consolePort;
  private int applianceHttpPort;
  private int mllpPort;
  String transportId;

  /** Starts coturn only: the floor runs through it before anything else starts. */
  void startRelay() {
    coturn = CoturnServer.start(CoturnServer.randomSecret());
    System.err.println("bench: " + coturn);
  }

  /** Starts the console, the appliance, Chromium and the monitor; opens the live view. */
  void startApps(Path root, String buildOut, List<String> javaOptions, Video video)
      throws Exception {
    Path applianceJar = AppProcess.execJar(root, buildOut, "edge-appliance");
    Path consoleJar = AppProcess.execJar(root, buildOut, "ed-console");
    consolePort = AppProcess.freePort();
    applianceHttpPort = AppProcess.freePort();
    mllpPort = AppProcess.freePort();
    String deviceToken = secret(32);
    String password = secret(16);
    Path consoleWork = dir.resolve("console");
    console =
        AppProcess.start(
            "console",
            consoleJar,
            consoleWork,
            javaOptions,
            Map.of(
                "AMBULINK_CONSOLE_DEVICES_0_ID", APPLIANCE_ID,
                "AMBULINK_CONSOLE_DEVICES_0_TOKEN", deviceToken,
                "AMBULINK_CONSOLE_DEMO_PASSWORD", password,
                "AMBULINK_CONSOLE_ADMIN_PASSWORD", secret(16),
                "AMBULINK_CONSOLE_TURN_SECRET", coturn.sharedSecret()),
            List.of(
                "--server.port=" + consolePort,
                "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:h2:file:"
                    + consoleWork.resolve("db/console")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "--ambulink.console.demo-users[0].username=" + PHYSICIAN,
                "--ambulink.console.demo-users[0].role=physician",
                "--ambulink.console.ice.turn-urls[0]=" + coturn.url(),
                "--ambulink.console.ice.relay-only=true"));
    System.err.println("bench: console starting (pid " + console.pid() + ")");
    appliance =
        AppProcess.start(
            "appliance",
            applianceJar,
            dir.resolve("appliance"),
            javaOptions,
            Map.of(
                "AMBULINK_CONSOLE_TOKEN",
                deviceToken,
                "AMBULINK_JOURNAL_KEY",
                Base64.getEncoder().encodeToString(bytes(32))),
            List.of(
                "--server.port=" + applianceHttpPort,
                "--server.address=127.0.0.1",
                "--ambulink.intake.mllp.port=" + mllpPort,
                "--ambulink.intake.mllp.bind-address=127.0.0.1",
                "--ambulink.journal.directory=" + dir.resolve("appliance/journal"),
                "--ambulink.transport.appliance-id=" + APPLIANCE_ID,
                "--ambulink.console.base-url=http://127.0.0.1:" + consolePort,
                "--ambulink.console.heartbeat-interval=1s",
                "--ambulink.console.retry-max-backoff=2s",
                "--ambulink.live.video.width=" + video.width(),
                "--ambulink.live.video.height=" + video.height(),
                "--ambulink.live.video.fps=" + video.fps(),
                "--ambulink.live.signaling.max-backoff=2s"));
    System.err.println("bench: appliance starting (pid " + appliance.pid() + ")");
    chromium = HeadlessChromium.start(1600, 1000);
    driver = chromium.driver();
    console.awaitReady(
        consoleUrl("/actuator/health"), body -> body.contains("\"UP\""), START_TIMEOUT);
    appliance.awaitReady(applianceUrl("/api/intake"), body -> true, START_TIMEOUT);
    System.err.println("bench: console and appliance answering");
    await(
        "the appliance's signaling socket to the console",
        CONNECT,
        () -> "connected".equals(applianceStatus().path("live").path("state").asString()));

    startSimulator();
    JsonNode transport =
        applianceJson(
            "POST",
            "/api/transports",
            """
            {"destinationId": "city-general", "crew": ["Medic 12"],
             "chiefComplaint": "Chest pain", "acuity": "EMERGENT"}
            """,
            201);
    transportId = transport.path("id").asString();
    System.err.println("bench: transport " + transportId + " started, monitor streaming");

    login(password);
    await(
        "the transport known to the console",
        CONNECT,
        () -> {
          driver.get(consoleUrl("/live.html?transport=" + transportId).toString());
          return Boolean.TRUE.equals(
              js(
                  "return !document.getElementById('live').classList.contains('hidden')"
                      + " && !!window.ambulinkLive"));
        });
    System.err.println("bench: live view open");
  }

  // ------------------------------------------------------------------ the page

  JsonNode state() {
    return pageJson("return JSON.stringify(window.ambulinkLive.state())");
  }

  JsonNode record() {
    return pageJson("return JSON.stringify(window.ambulinkLive.record())");
  }

  JsonNode video() {
    return pageJson("return JSON.stringify(window.ambulinkLive.videoStats())");
  }

  JsonNode selectedPair() {
    Object r =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "window.ambulinkLive.selectedCandidatePair()"
                + ".then(p => done(JSON.stringify(p)), e => done(JSON.stringify({error: String(e)})));");
    return JSON.readTree(String.valueOf(r));
  }

  /** receivedAt(seq) for seq in [from, to): ms since the epoch (the page's clock), or null. */
  JsonNode receivedAt(long from, long to) {
    return pageJson(
        "const out = []; for (let s = arguments[0]; s < arguments[1]; s++) {"
            + " out.push(window.ambulinkLive.receivedAt(s)); } return JSON.stringify(out);",
        from,
        to);
  }

  /**
   * The page's clock against the system's: Date.now() − (performance.timeOrigin +
   * performance.now()) in ms, the median of 21 readings (Date.now() has 1 ms steps).
   */
  double pageClockOffsetMillis() {
    JsonNode a =
        pageJson(
            "const d = []; for (let i = 0; i < 21; i++) {"
                + " d.push(Date.now() - (performance.timeOrigin + performance.now())); }"
                + " d.sort((x, y) => x - y); return JSON.stringify(d);");
    return a.get(10).asDouble();
  }

  private JsonNode pageJson(String script, Object... args) {
    return JSON.readTree(String.valueOf(js(script, args)));
  }

  private Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  private void login(String password) {
    driver.get(consoleUrl("/login.html").toString());
    await(
        "the login form's CSRF field",
        CONNECT,
        () -> !String.valueOf(js("return document.getElementById('csrf').value")).isEmpty());
    driver.findElement(By.cssSelector("[data-testid='username']")).sendKeys(PHYSICIAN);
    driver.findElement(By.cssSelector("[data-testid='password']")).sendKeys(password);
    driver.findElement(By.cssSelector("[data-testid='login-submit']")).click();
    await("leaving the login page", CONNECT, () -> !driver.getCurrentUrl().contains("/login.html"));
  }

  // ------------------------------------------------------------------ the appliance

  JsonNode applianceStatus() {
    return applianceJson("GET", "/api/status", null, 200);
  }

  long applianceNextSeq() {
    return applianceStatus().path("live").path("nextSeq").asLong();
  }

  /** Frame number → decode time (µs since the epoch), for [from, to], in calls of ≤ 20,000. */
  Map<Long, Long> decodeTimes(long from, long to) {
    Map<Long, Long> out = new java.util.TreeMap<>();
    for (long a = from; a <= to; a += 20_000) {
      long b = Math.min(to, a + 19_999);
      applianceJson("GET", "/api/live/decode-times?from=" + a + "&to=" + b, null, 200)
          .properties()
          .forEach(e -> out.put(Long.parseLong(e.getKey()), e.getValue().asLong()));
    }
    return out;
  }

  private JsonNode applianceJson(String method, String path, String body, int expectedStatus) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(applianceUrl(path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json");
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expectedStatus) {
        throw new IllegalStateException(
            method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private URI applianceUrl(String path) {
    return URI.create("http://127.0.0.1:" + applianceHttpPort + path);
  }

  private URI consoleUrl(String path) {
    return URI.create("http://127.0.0.1:" + consolePort + path);
  }

  // ------------------------------------------------------------------ the monitor

  /** The simulated monitor in this JVM: s0010_re at 500 Hz in 250 ms chunks over MLLP. */
  private void startSimulator() throws IOException {
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
            .outputRate(500)
            .chunk(Duration.ofMillis(250))
            .deviceId(MONITOR)
            .start(Instant.now())
            .build();
    simulator =
        MllpMonitor.start(
            sim,
            "127.0.0.1",
            mllpPort,
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            simulatorLines::add);
  }

  // ------------------------------------------------------------------ plumbing

  /** Polls {@code condition} every 100 ms; fails naming {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ok;
      try {
        ok = condition.getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** The apps' logs, coturn's and the simulator's lines, for a failure. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (AppProcess app : new AppProcess[] {appliance, console}) {
      if (app != null) {
        b.append("=============== ").append(app.name()).append(" log (end) ===============\n");
        b.append(app.tail(150)).append('\n');
      }
    }
    if (coturn != null) {
      String log = coturn.log();
      b.append("=============== coturn log (end) ===============\n");
      b.append(log, Math.max(0, log.length() - 3000), log.length()).append('\n');
    }
    b.append("=============== simulator ===============\n");
    simulatorLines.forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }

  @Override
  public void close() {
    List<Throwable> failures = new ArrayList<>();
    if (simulator != null) {
      try {
        simulator.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IllegalStateException e) {
        failures.add(e);
      }
      simulator = null;
    }
    for (AutoCloseable c : new AutoCloseable[] {chromium, appliance, console, coturn}) {
      if (c != null) {
        try {
          c.close();
        } catch (Throwable e) {
          failures.add(e);
        }
      }
    }
    TempDirs.deleteTree(dir);
    for (Throwable f : failures) {
      System.err.println("bench: stopping failed: " + f);
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String secret(int n) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(n));
  }
}
