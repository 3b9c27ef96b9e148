package org.ambulink.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
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
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MllpMonitor;
import org.ambulink.drivers.sim.MonitorCodes;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.testsupport.AppProcess;
import org.ambulink.testsupport.HeadlessChromium;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * The ED console issue's acceptance, with every part real: the simulated patient monitor replays a
 * 12-lead ECG record with vital signs over MLLP/TCP to the appliance, which runs as a process of
 * its own from its exec jar (journal, transports, console sync); the appliance posts its events to
 * the ED console, also a process of its own from its exec jar (H2 file database); a headless
 * Chromium logs in to the console as a physician. Nothing is posted to the console by hand.
 *
 * <p>Steps: the board shows the transport the crew starts on the appliance (unit, complaint), then
 * the monitor's heart rate as the appliance has it; an alarm the monitor raises reaches the board
 * and the live view, which shows the vital sign tiles; the appliance is killed (SIGKILL) and both
 * pages say LINK DOWN; the appliance restarts on the same journal and the link is LIVE again with
 * fresh vitals; the crew hands over and the board and the live view say so.
 */
class AmbulanceToEdTest {
  private static final String APPLIANCE_ID = "medic-12";
  private static final String PHYSICIAN = "dr.system";
  private static final String MONITOR = "0123456789ABCDEF";
  private static final String ALARM_TEXT = "HR HIGH 152 > 120";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** How long the pages may take to show what the appliance journaled. */
  private static final Duration SHOWN = Duration.ofSeconds(10);

  private static final SecureRandom RANDOM = new SecureRandom();

  private static Path applianceJar;
  private static Path consoleJar;

  private final Path dir = TempDirs.create("system-test");
  private final Path screenshots =
      HeadlessChromium.buildDirectory(AmbulanceToEdTest.class).resolve("screenshots");
  private final List<String> simulatorLines = new CopyOnWriteArrayList<>();
  private final List<String> timings = new ArrayList<>();
  private final long t0 = System.nanoTime();

  private AppProcess console;
  private AppProcess appliance;
  private final List<AppProcess> earlierAppliances = new ArrayList<>();
  private HeadlessChromium chromium;
  private ChromeDriver driver;
  private ConsolePage page;
  private ApplianceApi api;
  private MllpMonitor simulator;

  private int consolePort;
  private int applianceHttpPort;
  private int mllpPort;
  private String deviceToken;
  private String password;

  @BeforeAll
  static void theAppsAreBuilt() {
    applianceJar = AppProcess.execJar("edge-appliance");
    consoleJar = AppProcess.execJar("ed-console");
  }

  @AfterEach
  void stopEverything() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    if (simulator != null) {
      try {
        simulator.close();
      } catch (IllegalStateException e) {
        failures.add(e);
      }
    }
    if (chromium != null) {
      try {
        chromium.close();
      } catch (Throwable e) {
        failures.add(e);
      }
    }
    List<AppProcess> apps = new ArrayList<>(earlierAppliances);
    apps.add(appliance);
    apps.add(console);
    for (AppProcess app : apps) {
      if (app != null) {
        try {
          app.close();
        } catch (Throwable e) {
          failures.add(e);
        }
      }
    }
    TempDirs.deleteTree(dir);
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("stopping what the test started failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  @Test
  void theEdSeesTheAmbulanceTheMonitorAndTheLinkLive() throws Throwable {
    try {
      run();
    } catch (Throwable e) {
      printLogs();
      snapshotQuietly("failure");
      throw e;
    } finally {
      System.out.println("AmbulanceToEdTest timings:\n  " + String.join("\n  ", timings));
    }
  }

  private void run() throws Exception {
    consolePort = AppProcess.freePort();
    applianceHttpPort = AppProcess.freePort();
    mllpPort = AppProcess.freePort();
    api = new ApplianceApi(applianceHttpPort);
    deviceToken = secret(32);
    password = secret(16);

    // Both apps start at once (each takes a while on a small machine); then the browser.
    startConsole();
    startAppliance();
    chromium = HeadlessChromium.start(1600, 1000);
    driver = chromium.driver();
    page = new ConsolePage(consolePort, driver);
    console.awaitReady(
        page.url("/actuator/health"), body -> body.contains("\"UP\""), START_TIMEOUT);
    mark("console healthy");
    awaitApplianceReady();
    mark("appliance answering");

    startSimulator();
    await(
        "the monitor's heart rate at the appliance",
        Duration.ofSeconds(15),
        () -> applianceHeartRate() != null);
    mark("monitor streaming to the appliance");
    await(
        "the appliance's console link to be UP",
        Duration.ofSeconds(30),
        () -> "UP".equals(api.status().path("console").path("link").asString()));
    mark("appliance's console link UP");

    // ------------------------------------------------------------ the board
    login();
    driver.get(page.url("/").toString());
    await(
        "the board to load",
        SHOWN,
        () -> "open".equals(page.js("return document.body.dataset.stream")));
    assertThat(text("[data-testid='board-count']")).isEqualTo("0 en route");

    long start = System.nanoTime();
    JsonNode transport =
        api.json(
            "POST",
            "/api/transports",
            """
            {"destinationId": "city-general", "crew": ["Medic 12", "Medic 7"],
             "chiefComplaint": "Chest pain, diaphoretic", "acuity": "EMERGENT"}
            """,
            201);
    String id = transport.path("id").asString();
    assertThat(id).isNotBlank();
    String card = "[data-testid='transport-card'][data-transport-id='" + id + "']";
    await("the transport's card on the board", SHOWN, () -> exists(card));
    mark("card on the board " + millisSince(start) + " ms after Start transport");
    assertThat(text(card + " [data-testid='unit']")).isEqualTo("Medic 12, Medic 7");
    assertThat(text(card + " [data-testid='complaint']")).isEqualTo("Chest pain, diaphoretic");
    assertThat(text(card + " [data-testid='esi']")).isEqualTo("ESI 2");
    assertThat(attribute(card, "data-state")).isEqualTo("EN_ROUTE");

    // The heart rate on the card is the one the appliance has from the monitor (it changes from
    // second to second, so wait until both agree).
    String[] agreed = new String[2];
    await(
        "the card's HR to match the appliance's",
        SHOWN,
        () -> {
          agreed[0] = text(card + " [data-testid='vital-HR-value']");
          BigDecimal hr = applianceHeartRate();
          agreed[1] = hr == null ? null : hr.setScale(0, RoundingMode.HALF_UP).toPlainString();
          return agreed[0] != null && agreed[0].matches("\\d+") && agreed[0].equals(agreed[1]);
        });
    mark("card HR " + agreed[0] + " = appliance HR " + agreed[1]);
    assertThat(Integer.parseInt(agreed[0])).isBetween(30, 250);
    await(
        "SpO2 on the card",
        SHOWN,
        () -> text(card + " [data-testid='vital-SpO2-value']").matches("\\d+"));
    await(
        "the card's link state LIVE",
        SHOWN,
        () -> "LIVE".equals(attribute(card + " [data-testid='link-state']", "data-state")));

    // The monitor raises an alarm (IHE PCD-04 over MLLP; the simulator itself sends none).
    start = System.nanoTime();
    sendAlarm("start", "active");
    await("the alarm on the card", SHOWN, () -> exists(card + " [data-testid='alarm-banner']"));
    mark("alarm on the card " + millisSince(start) + " ms after the monitor sent it");
    assertThat(text(card + " [data-testid='alarm-banner']")).isEqualTo("HIGH · " + ALARM_TEXT);
    assertThat(attribute(card + " [data-testid='alarm-banner']", "data-priority"))
        .isEqualTo("HIGH");
    chromium.snapshot(screenshots, "system-board");

    // ------------------------------------------------------------ the live view
    clickCard(card);
    await(
        "the live view",
        SHOWN,
        () -> driver.getCurrentUrl().contains("/live.html?transport=") && shown("live"));
    assertThat(text("#live [data-testid='unit']")).isEqualTo("Medic 12, Medic 7");
    assertThat(text("#live [data-testid='complaint']")).isEqualTo("Chest pain, diaphoretic");
    await(
        "the live view's link state LIVE",
        SHOWN,
        () -> "LIVE".equals(attribute("#live [data-testid='link-state']", "data-state")));
    for (String tile : List.of("HR", "SpO2", "RR", "etCO2", "Temp", "PR")) {
      await(
          tile + " tile with a value",
          SHOWN,
          () -> text("[data-testid='tile-" + tile + "-value']").matches("\\d+(\\.\\d+)?"));
    }
    // NIBP measured before Start transport is standby data and is not sent: the next one is.
    await(
        "NIBP tile with a value",
        SHOWN,
        () -> text("[data-testid='tile-NIBP-value']").matches("\\d+/\\d+"));
    await(
        "fresh HR tile",
        SHOWN,
        () -> "false".equals(attribute("[data-testid='tile-HR']", "data-stale")));
    assertThat(text("[data-testid='tile-HR-unit']")).isNotBlank();
    await(
        "the alarm in the live view's list",
        SHOWN,
        () ->
            ALARM_TEXT.equals(text("[data-testid='alarm'] [data-testid='alarm-text']"))
                && "HIGH".equals(attribute("[data-testid='alarm']", "data-priority"))
                && "active".equals(attribute("[data-testid='alarm']", "data-state")));
    mark(
        "live view: HR "
            + text("[data-testid='tile-HR-value']")
            + ", SpO2 "
            + text("[data-testid='tile-SpO2-value']")
            + ", alarm shown");
    chromium.snapshot(screenshots, "system-live");

    // ------------------------------------------------------------ the link
    long killed = System.nanoTime();
    appliance.kill();
    mark("appliance killed (SIGKILL, pid " + appliance.pid() + ")");
    await(
        "LINK DOWN in the live view",
        SHOWN,
        () ->
            "DOWN".equals(attribute("#live [data-testid='link-state']", "data-state"))
                && shown("link-banner"));
    mark("live view LINK DOWN " + millisSince(killed) + " ms after the kill (link-down-after 3s)");
    assertThat(text("#live [data-testid='link-state']")).isEqualTo("LINK DOWN");
    await(
        "the HR tile greyed out",
        SHOWN,
        () -> "true".equals(attribute("[data-testid='tile-HR']", "data-stale")));
    chromium.snapshot(screenshots, "system-live-link-down");
    driver.get(page.url("/").toString());
    await(
        "LINK DOWN on the board",
        SHOWN,
        () -> "DOWN".equals(attribute(card + " [data-testid='link-state']", "data-state")));
    assertThat(text(card + " [data-testid='link-state']")).isEqualTo("LINK DOWN");
    assertThat(attribute(card, "data-stale")).isEqualTo("true");

    long restarted = System.nanoTime();
    earlierAppliances.add(appliance);
    startAppliance();
    awaitApplianceReady();
    mark("appliance restarted on the same journal in " + millisSince(restarted) + " ms");
    JsonNode current = api.json("GET", "/api/transports/current", null, 200);
    assertThat(current.path("id").asString()).as("transport resumed after restart").isEqualTo(id);
    await(
        "LIVE again on the board",
        Duration.ofSeconds(20),
        () ->
            "LIVE".equals(attribute(card + " [data-testid='link-state']", "data-state"))
                && "false".equals(attribute(card, "data-stale")));
    mark("board LIVE again " + millisSince(restarted) + " ms after the restart began");
    clickCard(card);
    await(
        "LIVE again in the live view",
        SHOWN,
        () ->
            "LIVE".equals(attribute("#live [data-testid='link-state']", "data-state"))
                && !shown("link-banner"));
    await(
        "fresh vitals after the restart",
        SHOWN,
        () -> "false".equals(attribute("[data-testid='tile-HR']", "data-stale")));

    // ------------------------------------------------------------ handover
    start = System.nanoTime();
    JsonNode handedOver =
        api.json("POST", "/api/transports/current/handover", "{\"note\": \"to Dr. System\"}", 200);
    assertThat(handedOver.path("state").asString()).isEqualTo("HANDED_OVER");
    await(
        "handover in the live view",
        SHOWN,
        () -> text("#live [data-testid='handover-status']").startsWith("Handed over "));
    mark("live view handed over " + millisSince(start) + " ms after Handover");
    chromium.snapshot(screenshots, "system-live-handed-over");
    driver.get(page.url("/").toString());
    await(
        "handover on the board",
        SHOWN,
        () ->
            "HANDED_OVER".equals(attribute(card, "data-state"))
                && text(card + " [data-testid='handover-status']").startsWith("Handed over "));
    assertThat(text("[data-testid='board-count']")).isEqualTo("0 en route, 1 handed over");
    chromium.snapshot(screenshots, "system-board-handed-over");
    mark("done");
  }

  // ------------------------------------------------------------------ the parts

  private void startConsole() throws IOException {
    Path work = dir.resolve("console");
    console =
        AppProcess.start(
            "console",
            consoleJar,
            work,
            Map.of(
                "AMBULINK_CONSOLE_DEVICES_0_ID", APPLIANCE_ID,
                "AMBULINK_CONSOLE_DEVICES_0_TOKEN", deviceToken,
                "AMBULINK_CONSOLE_DEMO_PASSWORD", password,
                "AMBULINK_CONSOLE_ADMIN_PASSWORD", secret(16)),
            List.of(
                "--server.port=" + consolePort,
                "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:h2:file:"
                    + work.resolve("db/console")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "--ambulink.console.demo-users[0].username=" + PHYSICIAN,
                "--ambulink.console.demo-users[0].role=physician",
                "--ambulink.console.link-down-after=3s"));
  }

  /** Starts the appliance (again) on the same ports and the same journal. */
  private void startAppliance() throws IOException {
    appliance =
        AppProcess.start(
            "appliance-" + (earlierAppliances.size() + 1),
            applianceJar,
            dir.resolve("appliance"),
            Map.of("AMBULINK_CONSOLE_TOKEN", deviceToken),
            List.of(
                "--server.port=" + applianceHttpPort,
                "--server.address=127.0.0.1",
                "--ambulink.intake.mllp.port=" + mllpPort,
                "--ambulink.intake.mllp.bind-address=127.0.0.1",
                "--ambulink.journal.directory=" + dir.resolve("appliance/journal"),
                "--ambulink.journal.generate-key=true",
                "--ambulink.transport.appliance-id=" + APPLIANCE_ID,
                "--ambulink.console.base-url=http://127.0.0.1:" + consolePort,
                "--ambulink.console.heartbeat-interval=1s",
                // The console may still be starting when the appliance first posts: retry soon.
                "--ambulink.console.retry-max-backoff=2s"));
  }

  private void awaitApplianceReady() throws IOException, InterruptedException {
    // /actuator/health is DOWN until a monitor sends; the intake API answers once it runs.
    appliance.awaitReady(api.url("/api/intake"), body -> true, START_TIMEOUT);
  }

  /** The simulated monitor in this JVM, replaying PTB s0010_re at 500 Hz in 250 ms messages. */
  private void startSimulator() throws IOException {
    simulator =
        LoopbackMonitor.start(
            MONITOR,
            mllpPort,
            // the cuff's default is 5 minutes
            sim -> sim.nibpInterval(Duration.ofSeconds(5)),
            simulatorLines::add);
  }

  /** One ORU^R40 from the monitor: a high-priority heart-rate alarm. */
  private void sendAlarm(String phase, String state) throws Exception {
    Instant now = Instant.now();
    AlarmEvent alarm =
        new AlarmEvent(
            "hr-high-1",
            MdcCode.of(196648, "MDC_EVT_HI"),
            MonitorCodes.HEART_RATE,
            AlarmPriority.HIGH,
            AlarmEvent.Kind.PHYSIOLOGICAL,
            phase,
            state,
            ALARM_TEXT,
            now,
            MONITOR);
    MonitorMessage m =
        new MonitorMessage(
            "ALARM-" + now.toEpochMilli(),
            "ORU^R40",
            DeviceIdentity.of(MONITOR),
            now,
            List.of(),
            List.of(),
            List.of(alarm),
            List.of());
    byte[] payload = new Hl7Encoder().encodeAlarmReport(m).getBytes(StandardCharsets.UTF_8);
    try (MllpTcpClient monitor =
        MllpTcpClient.connect("127.0.0.1", mllpPort, Duration.ofSeconds(5))) {
      AckResult ack =
          Hl7Acks.parse(
              new String(monitor.exchange(payload, Duration.ofSeconds(5)), StandardCharsets.UTF_8));
      assertThat(ack.code()).as("ACK of the alarm: %s", ack).isEqualTo(AckCode.AA);
    }
  }

  private void login() {
    page.login(PHYSICIAN, password, SHOWN, this::await);
    mark("logged in as " + PHYSICIAN);
  }

  // ------------------------------------------------------------------ the appliance's API

  /** The latest heart rate (MDC_ECG_HEART_RATE) the appliance has from the monitor, or null. */
  private BigDecimal applianceHeartRate() {
    for (JsonNode v : api.json("GET", "/api/intake/vitals", null, 200)) {
      if (v.path("metric").path("code").asInt() == MonitorCodes.HEART_RATE.code()) {
        return v.path("value").decimalValue();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the page

  /** The text of the first element matching a CSS selector; "" when there is none. */
  private String text(String css) {
    Object t =
        page.js(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css);
    return t == null ? "" : t.toString().trim();
  }

  /** An attribute of the first element matching a CSS selector; null when absent. */
  private String attribute(String css, String name) {
    Object v =
        page.js(
            "const e = document.querySelector(arguments[0]);"
                + " return e ? e.getAttribute(arguments[1]) : null;",
            css,
            name);
    return v == null ? null : v.toString();
  }

  private boolean exists(String css) {
    return Boolean.TRUE.equals(
        page.js("return document.querySelector(arguments[0]) !== null;", css));
  }

  /** Whether the element of a test id (or id) is there and not hidden. */
  private boolean shown(String testIdOrId) {
    return Boolean.TRUE.equals(
        page.js(
            "const e = document.querySelector(\"[data-testid='\" + arguments[0] + \"']\")"
                + " || document.getElementById(arguments[0]);"
                + " return !!e && !e.classList.contains('hidden') && e.offsetParent !== null;",
            testIdOrId));
  }

  /** Clicks a board card (the board re-renders every second; try again if it did meanwhile). */
  private void clickCard(String css) {
    if (!driver.getCurrentUrl().endsWith("/")) {
      driver.get(page.url("/").toString());
      await("the card on the board", SHOWN, () -> exists(css));
    }
    for (int attempt = 0; ; attempt++) {
      try {
        WebElement card = driver.findElement(By.cssSelector(css + " [data-testid='complaint']"));
        card.click();
        return;
      } catch (StaleElementReferenceException e) {
        if (attempt >= 5) {
          throw e;
        }
      }
    }
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) {
    Poll.until(
        what,
        timeout,
        Duration.ofMillis(50),
        StaleElementReferenceException.class,
        () -> driver == null ? "" : " (page " + driver.getCurrentUrl() + ")",
        condition);
  }

  // ------------------------------------------------------------------ reporting

  private void mark(String what) {
    String line = String.format("%6.1f s  %s", (System.nanoTime() - t0) / 1e9, what);
    timings.add(line);
    System.out.println("AmbulanceToEdTest: " + line);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private void snapshotQuietly(String name) {
    if (chromium == null) {
      return;
    }
    try {
      Path png = chromium.snapshot(screenshots, "system-" + name);
      System.out.println("AmbulanceToEdTest: page at failure saved as " + png);
    } catch (Exception | AssertionError e) {
      System.out.println("AmbulanceToEdTest: no snapshot at failure: " + e);
    }
  }

  private void printLogs() {
    List<AppProcess> apps = new ArrayList<>(earlierAppliances);
    apps.add(appliance);
    apps.add(console);
    for (AppProcess app : apps) {
      if (app != null) {
        System.out.println(
            "=============== " + app.name() + " log (" + app.log() + ") ===============");
        System.out.println(app.tail(400));
      }
    }
    System.out.println("=============== simulator ===============");
    simulatorLines.forEach(System.out::println);
  }

  private static String secret(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
