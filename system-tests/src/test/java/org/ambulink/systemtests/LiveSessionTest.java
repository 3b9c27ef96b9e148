package org.ambulink.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalKey;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MllpMonitor;
import org.ambulink.testsupport.AppProcess;
import org.ambulink.testsupport.CoturnServer;
import org.ambulink.testsupport.HeadlessChromium;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebRTC issue's acceptance, every part real: a simulated monitor replays a 12-lead PhysioNet
 * ECG at 500 Hz over MLLP to the appliance (its own process, from its exec jar); the appliance's
 * live session signals through the ED console (its own process) and connects to a headless
 * Chromium, logged in as a physician on the live view. The console hands out STUN and TURN (a real
 * coturn, REST-scheme credentials); {@link LiveSessionRelayOnlyTest} runs the same with the
 * relay-only policy, so that the relay is the only path, and adds a relay outage.
 *
 * <ol>
 *   <li>video and ECG reach the browser: the video plays at the configured size with frames
 *       advancing, ECG frames arrive, the ECG canvas is being drawn;
 *   <li>(relay-only) the relay is stopped for 30 s while the monitor keeps sending: the page stops
 *       calling the trace live; the relay comes back and the session recovers on its own (ICE
 *       restart), then the viewer backfills what it missed;
 *   <li>the viewer's record of the ECG is the journal's: same frames, and per lead the same sample
 *       count and checksum as the journal (read from the appliance's journal file after it stops).
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveSessionTest {
  /** Whether the console hands out the relay-only policy. */
  boolean relayOnly() {
    return false;
  }

  private static final String APPLIANCE_ID = "medic-12";
  private static final String PHYSICIAN = "dr.live";
  private static final String MONITOR = "0123456789ABCDEF";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration CONNECT = Duration.ofSeconds(30);
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int VIDEO_WIDTH = 320;
  private static final int VIDEO_HEIGHT = 240;
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir = TempDirs.create("live-session-test");
  private final Path screenshots =
      HeadlessChromium.buildDirectory(LiveSessionTest.class).resolve("screenshots");
  private final List<String> simulatorLines = new CopyOnWriteArrayList<>();
  private final long t0 = System.nanoTime();
  private final String journalKey = Base64.getEncoder().encodeToString(bytes(32));

  private CoturnServer coturn;
  private AppProcess console;
  private AppProcess appliance;
  private HeadlessChromium chromium;
  private ChromeDriver driver;
  private ConsolePage page;
  private ApplianceApi api;
  private MllpMonitor simulator;
  private int consolePort;
  private int applianceHttpPort;
  private int mllpPort;
  private String transportId;
  private boolean failed;

  @BeforeAll
  void everythingRunsAndThePhysicianWatches() throws Exception {
    try {
      start();
    } catch (Throwable e) {
      failed = true;
      printLogs();
      throw e;
    }
  }

  private void start() throws Exception {
    Path applianceJar = AppProcess.execJar("edge-appliance");
    Path consoleJar = AppProcess.execJar("ed-console");
    consolePort = AppProcess.freePort();
    applianceHttpPort = AppProcess.freePort();
    mllpPort = AppProcess.freePort();
    api = new ApplianceApi(applianceHttpPort);
    String deviceToken = secret(32);
    String password = secret(16);
    String turnSecret = CoturnServer.randomSecret();
    coturn = CoturnServer.start(turnSecret);
    mark("coturn on " + coturn.url() + " (pid " + coturn.pid() + ")");

    Path consoleWork = dir.resolve("console");
    console =
        AppProcess.start(
            "console",
            consoleJar,
            consoleWork,
            Map.of(
                "AMBULINK_CONSOLE_DEVICES_0_ID", APPLIANCE_ID,
                "AMBULINK_CONSOLE_DEVICES_0_TOKEN", deviceToken,
                "AMBULINK_CONSOLE_DEMO_PASSWORD", password,
                "AMBULINK_CONSOLE_ADMIN_PASSWORD", secret(16),
                "AMBULINK_CONSOLE_TURN_SECRET", turnSecret),
            List.of(
                "--server.port=" + consolePort,
                "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:h2:file:"
                    + consoleWork.resolve("db/console")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "--ambulink.console.demo-users[0].username=" + PHYSICIAN,
                "--ambulink.console.demo-users[0].role=physician",
                "--ambulink.console.ice.stun-urls[0]=" + coturn.stunUrl(),
                "--ambulink.console.ice.turn-urls[0]=" + coturn.url(),
                "--ambulink.console.ice.relay-only=" + relayOnly()));
    appliance =
        AppProcess.start(
            "appliance",
            applianceJar,
            dir.resolve("appliance"),
            Map.of("AMBULINK_CONSOLE_TOKEN", deviceToken, "AMBULINK_JOURNAL_KEY", journalKey),
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
                "--ambulink.live.video.width=" + VIDEO_WIDTH,
                "--ambulink.live.video.height=" + VIDEO_HEIGHT,
                "--ambulink.live.signaling.max-backoff=2s"));
    chromium = HeadlessChromium.start(1600, 1000);
    driver = chromium.driver();
    page = new ConsolePage(consolePort, driver);
    console.awaitReady(
        page.url("/actuator/health"), body -> body.contains("\"UP\""), START_TIMEOUT);
    appliance.awaitReady(api.url("/api/intake"), body -> true, START_TIMEOUT);
    mark("console and appliance answering");
    await(
        "the appliance's signaling socket to the console",
        CONNECT,
        () -> "connected".equals(api.status().path("live").path("state").asString()));
    mark("appliance signaling connected");

    startSimulator();
    JsonNode transport =
        api.json(
            "POST",
            "/api/transports",
            """
            {"destinationId": "city-general", "crew": ["Medic 12"],
             "chiefComplaint": "Chest pain", "acuity": "EMERGENT"}
            """,
            201);
    transportId = transport.path("id").asString();
    mark("transport " + transportId + " started");

    login(password);
    await(
        "the transport known to the console",
        CONNECT,
        () -> {
          driver.get(page.url("/live.html?transport=" + transportId).toString());
          return Boolean.TRUE.equals(
              page.js(
                  "return !document.getElementById('live').classList.contains('hidden')"
                      + " && !!window.ambulinkLive"));
        });
    mark("live view open");
  }

  @AfterAll
  void stopEverything() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    if (failed) {
      printLogs();
      snapshotQuietly("failure");
    }
    stopSimulator(failures);
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
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("stopping what the test started failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private void stopSimulator(List<Throwable> failures) throws InterruptedException {
    if (simulator != null) {
      try {
        simulator.close();
      } catch (IllegalStateException e) {
        failures.add(e);
      }
      simulator = null;
    }
  }

  // ------------------------------------------------------------------ 1. video and ECG

  @Test
  @Order(1)
  void videoAndEcgReachTheBrowser() throws Exception {
    guard(
        () -> {
          awaitPeerConnection();
          JsonNode pair = selectedPair();
          mark("peer connection connected, selected candidate pair " + pair);
          if (relayOnly()) {
            assertThat(pair.path("local").asString())
                .as("local candidate type %s", pair)
                .isEqualTo("relay");
            assertThat(pair.path("remote").asString())
                .as("remote candidate type %s", pair)
                .isEqualTo("relay");
          } else {
            assertThat(pair.path("local").asString())
                .as("selected pair %s", pair)
                .isIn("host", "srflx", "prflx", "relay");
          }

          await(
              "video playing at " + VIDEO_WIDTH + "x" + VIDEO_HEIGHT,
              CONNECT,
              () -> {
                JsonNode v = video();
                return v.path("playing").asBoolean()
                    && v.path("width").asInt() == VIDEO_WIDTH
                    && v.path("height").asInt() == VIDEO_HEIGHT;
              });
          long frames = video().path("totalFrames").asLong();
          await(
              "video frames advancing",
              CONNECT,
              () -> video().path("totalFrames").asLong() > frames + 10);
          mark("video " + video());

          long live = state().path("framesLive").asLong();
          await(
              "live ECG frames arriving",
              CONNECT,
              () -> state().path("framesLive").asLong() > live + 8);
          String canvas = canvasHash();
          await("the ECG canvas being drawn", CONNECT, () -> !canvasHash().equals(canvas));
          assertThat(text("[data-testid='ecg-overlay']"))
              .as("no 'No live ECG' overlay while live")
              .isEmpty();
          mark("ECG live: " + state());
          chromium.snapshot(screenshots, "live-session");
        });
  }

  private void awaitPeerConnection() {
    await(
        "the peer connection",
        CONNECT,
        () -> "connected".equals(state().path("connection").asString()));
  }

  // ------------------------------------------------------------------ 2. a 30-second outage

  /** The relay outage of {@link LiveSessionRelayOnlyTest}: the relay is the only path there. */
  void relayOutage() throws Exception {
    guard(
        () -> {
          awaitPeerConnection();
          long before = state().path("nextSeq").asLong();
          long cut = System.nanoTime();
          coturn.stopRelay();
          mark("relay stopped (frames up to " + before + ")");
          await(
              "the live view to stop calling the ECG live",
              CONNECT,
              () -> !text("[data-testid='ecg-overlay']").isEmpty());
          mark(
              "live view not live "
                  + millisSince(cut)
                  + " ms after the cut: "
                  + text("[data-testid='ecg-overlay']"));
          chromium.snapshot(screenshots, "live-session-outage");
          long rest = OUTAGE.toMillis() - millisSince(cut);
          if (rest > 0) {
            Thread.sleep(rest); // the outage itself, while the monitor keeps sending
          }
          long nextAtRestore = api.status().path("live").path("nextSeq").asLong();
          assertThat(nextAtRestore)
              .as("the monitor kept sending during the outage")
              .isGreaterThan(before + 100);
          long restored = System.nanoTime();
          coturn.startAgain();
          mark("relay back after " + millisSince(cut) + " ms; appliance at frame " + nextAtRestore);

          long framesBefore = state().path("framesLive").asLong();
          await(
              "live again",
              Duration.ofSeconds(60),
              () -> {
                JsonNode s = state();
                return "connected".equals(s.path("connection").asString())
                    && s.path("framesLive").asLong() > framesBefore
                    && text("[data-testid='ecg-overlay']").isEmpty();
              });
          long toLive = millisSince(restored);
          await(
              "the gap backfilled",
              Duration.ofSeconds(60),
              () -> record().path("lastSeq").asLong() >= nextAtRestore - 1);
          long toFull = millisSince(restored);
          long videoFrames = video().path("totalFrames").asLong();
          await(
              "the video playing again",
              Duration.ofSeconds(30),
              () ->
                  video().path("totalFrames").asLong() > videoFrames + 10
                      && state().path("video").asBoolean());
          mark("restore → live " + toLive + " ms, → gap backfilled " + toFull + " ms; " + state());
          assertThat(state().path("lost").asLong()).as("frames given up").isZero();
          appliance.tail(400).lines().filter(l -> l.contains("live:")).forEach(l -> mark(l));
        });
  }

  // ------------------------------------------------------------------ 3. the record is the
  // journal's

  @Test
  @Order(3)
  void theViewersRecordIsTheJournals() throws Exception {
    guard(
        () -> {
          List<Throwable> failures = new ArrayList<>();
          stopSimulator(failures);
          assertThat(failures).isEmpty();
          long next = api.status().path("live").path("nextSeq").asLong();
          await(
              "the viewer's record complete up to frame " + (next - 1),
              Duration.ofSeconds(60),
              () -> record().path("lastSeq").asLong() >= next - 1);
          JsonNode record = record();
          mark("viewer record " + summary(record));
          assertThat(record.path("clipped").asBoolean()).isFalse();
          assertThat(record.path("frames").asLong())
              .isEqualTo(record.path("lastSeq").asLong() - record.path("firstSeq").asLong() + 1);

          appliance.close(); // SIGTERM: the journal is closed cleanly and can be opened here
          mark("appliance stopped");
          long from = Long.parseLong(record.path("startUs").asString());
          long to = Long.parseLong(record.path("endUs").asString());
          Map<String, long[]> journal = journalDigest(transportId, from, to);
          Map<String, long[]> viewer = new TreeMap<>();
          record
              .path("leads")
              .properties()
              .forEach(
                  e ->
                      viewer.put(
                          e.getKey(),
                          new long[] {
                            e.getValue().path("count").asLong(), e.getValue().path("fnv").asLong()
                          }));
          assertThat(viewer.keySet()).as("leads").isEqualTo(journal.keySet());
          assertThat(viewer).hasSizeGreaterThanOrEqualTo(12);
          for (String lead : journal.keySet()) {
            assertThat(viewer.get(lead)[0])
                .as("samples of lead %s", lead)
                .isEqualTo(journal.get(lead)[0]);
            assertThat(viewer.get(lead)[1])
                .as("FNV-1a of lead %s", lead)
                .isEqualTo(journal.get(lead)[1]);
          }
          long seconds = journal.values().iterator().next()[0] / 500;
          assertThat(seconds).as("seconds of ECG compared").isGreaterThanOrEqualTo(5);
          mark("record = journal: " + journal.size() + " leads, " + seconds + " s each");
        });
  }

  /**
   * Per lead code: sample count and FNV-1a 32 (over int16 little-endian) of the journal's ECG
   * samples of the stream whose segments start in [fromUs, toUs), in time order.
   */
  private Map<String, long[]> journalDigest(String stream, long fromUs, long toUs) {
    Path journalDir = dir.resolve("appliance/journal");
    Map<String, List<WaveformSegment>> byLead = new TreeMap<>();
    try (Journal j =
        Journal.open(
            Journal.Settings.of(
                journalDir.resolve("journal.db"),
                JournalKey.fromBase64(journalKey, "the test's key")))) {
      long seq = 0;
      while (true) {
        Journal.Page page = j.read(stream, seq, 500);
        for (Journaled chunk : page.chunks()) {
          for (Journaled.Item item : chunk.items()) {
            if (item.seq() >= seq && item.entry() instanceof JournalEntry.Waveform w) {
              WaveformSegment s = w.value();
              long us =
                  s.startTime().getEpochSecond() * 1_000_000L + s.startTime().getNano() / 1000;
              if (us >= fromUs && us < toUs && s.unit().sameCode(WaveformSegment.MILLIVOLT)) {
                byLead
                    .computeIfAbsent(Integer.toString(s.lead().code()), k -> new ArrayList<>())
                    .add(s);
              }
            }
          }
        }
        if (page.nextSeq() <= seq) {
          break;
        }
        seq = page.nextSeq();
      }
    }
    Map<String, long[]> out = new TreeMap<>();
    byLead.forEach(
        (lead, segments) -> {
          segments.sort((a, b) -> a.startTime().compareTo(b.startTime()));
          long hash = 0x811c9dc5L;
          long count = 0;
          for (WaveformSegment s : segments) {
            for (int v : s.samples()) {
              short x = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
              hash = fnv(hash, x & 0xff);
              hash = fnv(hash, (x >> 8) & 0xff);
              count++;
            }
          }
          out.put(lead, new long[] {count, hash});
        });
    return out;
  }

  private static long fnv(long hash, int b) {
    return ((hash ^ b) * 0x01000193L) & 0xffffffffL;
  }

  // ------------------------------------------------------------------ the page

  private JsonNode state() {
    return pageJson("return JSON.stringify(window.ambulinkLive.state())");
  }

  private JsonNode record() {
    return pageJson("return JSON.stringify(window.ambulinkLive.record())");
  }

  private JsonNode video() {
    return pageJson("return JSON.stringify(window.ambulinkLive.videoStats())");
  }

  /** The candidate types of the selected pair, from the browser's own stats. */
  private JsonNode selectedPair() {
    Object r =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "window.ambulinkLive.selectedCandidatePair()"
                + ".then(p => done(JSON.stringify(p)), e => done(JSON.stringify({error: String(e)})));");
    return JSON.readTree(String.valueOf(r));
  }

  private String canvasHash() {
    return String.valueOf(
        page.js(
            "const c = document.getElementById('ecg'); const d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; let h = 2166136261;"
                + " for (let i = 0; i < d.length; i += 7) { h = Math.imul(h ^ d[i], 16777619); }"
                + " return String(h >>> 0);"));
  }

  private JsonNode pageJson(String script) {
    return JSON.readTree(String.valueOf(page.js(script)));
  }

  private String text(String css) {
    List<org.openqa.selenium.WebElement> found = driver.findElements(By.cssSelector(css));
    if (found.isEmpty() || !found.get(0).isDisplayed()) {
      return "";
    }
    return found.get(0).getText().strip();
  }

  private void login(String password) {
    page.login(PHYSICIAN, password, CONNECT, this::await);
  }

  private static String summary(JsonNode record) {
    return "frames "
        + record.path("firstSeq").asLong()
        + ".."
        + record.path("lastSeq").asLong()
        + " ("
        + record.path("frames").asLong()
        + ")";
  }

  // ------------------------------------------------------------------ the monitor, the appliance

  /**
   * The simulated monitor in this JVM: PTB s0010_re (12 leads and more) at 500 Hz, 250 ms chunks.
   */
  private void startSimulator() throws IOException {
    simulator = LoopbackMonitor.start(MONITOR, mllpPort, sim -> sim, simulatorLines::add);
  }

  // ------------------------------------------------------------------ plumbing

  private interface Step {
    void run() throws Exception;
  }

  /** Runs a test's steps; on failure prints the apps' logs and saves the page. */
  private void guard(Step step) throws Exception {
    try {
      step.run();
    } catch (Throwable e) {
      failed = true;
      throw e;
    }
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) {
    Poll.until(what, timeout, Duration.ofMillis(100), RuntimeException.class, () -> "", condition);
  }

  private void mark(String what) {
    System.out.printf("LiveSessionTest: %6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, what);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private void snapshotQuietly(String name) {
    if (chromium == null) {
      return;
    }
    try {
      System.out.println(
          "LiveSessionTest: page saved as " + chromium.snapshot(screenshots, "live-" + name));
      System.out.println("LiveSessionTest: browser state " + state());
    } catch (Exception | AssertionError e) {
      System.out.println("LiveSessionTest: no snapshot: " + e);
    }
  }

  private void printLogs() {
    for (AppProcess app : new AppProcess[] {appliance, console}) {
      if (app != null) {
        System.out.println("=============== " + app.name() + " log ===============");
        System.out.println(app.tail(300));
      }
    }
    if (coturn != null) {
      String log = coturn.log();
      System.out.println("=============== coturn log (end) ===============");
      System.out.println(log.substring(Math.max(0, log.length() - 4000)));
    }
    System.out.println("=============== simulator ===============");
    simulatorLines.forEach(System.out::println);
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
