package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.drivers.ecgframe.EcgFrame;
import org.ambulink.drivers.ecgframe.EcgFrameCodec;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The viewer's side of the live session ({@code /js/live-rtc.js}) in a real headless Chromium on
 * the live view page, without an appliance peer: ECG frames encoded in Java from real ECG by {@link
 * EcgFrameCodec} and the {@code events} channel's control messages are fed through {@code
 * window.ambulinkLive._test}, and the backfill requests the page would send are captured. The
 * page's clock for the head/retry rules is moved forward by the test ({@code _test.advance}), so
 * nothing here depends on how fast the machine is.
 */
class LiveRtcLogicTest {
  private static final AtomicInteger TRANSPORTS = new AtomicInteger();

  /** Feeds [base64, backfill] pairs to the page as channel messages. */
  private static final String FEED =
      """
      const t = window.ambulinkLive._test;
      arguments[0].forEach(function (p) {
        const bin = atob(p[0]);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        t.frame(bytes.buffer, p[1]);
      });
      """;

  private static ConsoleServer server;
  private static Appliance appliance;
  private static ScheduledExecutorService heartbeat;

  private ConsoleBrowser browser;

  @BeforeAll
  static void startConsole() {
    server = ConsoleServer.start();
    appliance = new Appliance(server);
    // like the real appliance: a heartbeat every few seconds keeps its link LIVE
    heartbeat = Executors.newSingleThreadScheduledExecutor();
    heartbeat.scheduleWithFixedDelay(
        () -> {
          try {
            appliance.heartbeat();
          } catch (Throwable t) {
            // the next one may get through
          }
        },
        0,
        2,
        TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopConsole() throws InterruptedException {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void startBrowser() {
    browser = ConsoleBrowser.start(server.baseUrl());
    browser.login(ConsoleServer.PHYSICIAN);
  }

  @AfterEach
  void stopBrowser(TestInfo info) {
    if (browser == null) {
      return;
    }
    try {
      browser.finish(info);
    } finally {
      browser = null;
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A new transport heading to the physician's ED, its live view open, backfill captured. */
  private String openLiveView() {
    String id = "T-rtc-" + TRANSPORTS.incrementAndGet();
    appliance.post(
        appliance.started(id, "Medic 4", "chest pain", 2), appliance.position(id, 420, 6000.0));
    browser.open("/live.html?transport=" + id);
    browser.waitFor("the live view", () -> browser.shown("live"));
    browser.waitFor(
        "the live session",
        () -> Boolean.TRUE.equals(browser.js("return !!(window.ambulinkLive._test);")));
    browser.js("window.ambulinkLive._test.capture();");
    return id;
  }

  /** Frames of real ECG (PhysioNet s0010_re, 12 leads, 500 Hz, 250 ms each) from a start time. */
  private static List<EcgFrame> realFrames(long firstSeq, int count, Instant start)
      throws Exception {
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re")).start(start).build();
    List<EcgFrame> out = new ArrayList<>();
    long seq = firstSeq;
    for (int i = 0; i < count; i++) {
      out.add(EcgFrameCodec.frame(seq, sim.next().waveforms(), false));
      seq = EcgFrameCodec.nextSequence(seq);
    }
    return out;
  }

  private static List<Object> message(EcgFrame frame, boolean backfill) {
    EcgFrame f =
        backfill
            ? new EcgFrame(
                frame.sequence(),
                frame.startMicros(),
                frame.sampleRateHz(),
                frame.nanovoltsPerCount(),
                frame.flags() | EcgFrameCodec.FLAG_BACKFILL,
                frame.leadCodes(),
                frame.samples())
            : frame;
    return List.of(Base64.getEncoder().encodeToString(EcgFrameCodec.encode(f)), backfill);
  }

  private void feed(List<List<Object>> messages) {
    browser.js(FEED, messages);
  }

  private void event(String json) {
    browser.js("window.ambulinkLive._test.event(arguments[0]);", json);
  }

  private void advance(long ms) {
    browser.js("window.ambulinkLive._test.advance(arguments[0]);", ms);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> state() {
    return (Map<String, Object>) browser.js("return window.ambulinkLive.state();");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> record() {
    return (Map<String, Object>) browser.js("return window.ambulinkLive.record();");
  }

  /** The captured backfill requests as [from, to] pairs, then forgotten. */
  @SuppressWarnings("unchecked")
  private List<long[]> takeRequests() {
    List<Map<String, Object>> sent =
        (List<Map<String, Object>>) browser.js("return window.ambulinkLive._test.sent();");
    browser.js("window.ambulinkLive._test.clearSent();");
    List<long[]> out = new ArrayList<>();
    for (Map<String, Object> m : sent) {
      assertThat(m.get("type")).isEqualTo("backfill");
      out.add(
          new long[] {((Number) m.get("from")).longValue(), ((Number) m.get("to")).longValue()});
    }
    return out;
  }

  private static long number(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).longValue();
  }

  /** FNV-1a 32 over each sample as int16 little-endian, in frame order, per lead code. */
  private static Map<String, long[]> javaChecksums(List<EcgFrame> frames) {
    Map<String, int[]> state = new LinkedHashMap<>();
    for (EcgFrame f : frames) {
      for (int l = 0; l < f.leadCount(); l++) {
        int[] s = state.computeIfAbsent(Integer.toString(f.leadCodes()[l]), k -> new int[2]);
        if (s[1] == 0) {
          s[0] = 0x811c9dc5;
        }
        int h = s[0];
        for (short v : f.samples(l)) {
          h = (h ^ (v & 0xff)) * 0x01000193;
          h = (h ^ ((v >> 8) & 0xff)) * 0x01000193;
        }
        s[0] = h;
        s[1] += f.samplesPerLead();
      }
    }
    Map<String, long[]> out = new LinkedHashMap<>();
    state.forEach((k, v) -> out.put(k, new long[] {v[1], Integer.toUnsignedLong(v[0])}));
    return out;
  }

  // ------------------------------------------------------------------ tests

  @Test
  @SuppressWarnings("unchecked")
  void the_first_copy_of_a_frame_wins_and_the_record_matches_the_java_checksums() throws Exception {
    openLiveView();
    Instant start = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.MILLIS);
    List<EcgFrame> frames = realFrames(100, 40, start);
    // other ECG with the same sequence numbers (10 s further on): copies that must lose
    List<EcgFrame> others = realFrames(60, 80, start).subList(40, 80);
    EcgFrame otherOf = others.get(5);

    event("{\"type\":\"hello\",\"transportId\":\"x\",\"firstSeq\":100,\"nextSeq\":120}");
    List<long[]> asked = takeRequests();
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0)).containsExactly(100, 119);
    assertThat(browser.shown("backfill-banner")).isTrue();
    assertThat(browser.text("backfill-banner")).startsWith("Catching up: filling a gap");

    List<List<Object>> messages = new ArrayList<>();
    // the live frames from 120 on, out of order (the channel is unordered), two of them twice
    for (int i = 39; i >= 20; i--) {
      messages.add(message(frames.get(i), false));
    }
    messages.add(message(frames.get(25), false));
    messages.add(message(others.get(30), false)); // a late live copy of 130 with other samples
    // the backfill of 100..119, and a backfill copy of a live frame already held
    for (int i = 0; i < 20; i++) {
      messages.add(message(frames.get(i), true));
    }
    messages.add(message(otherOf, true)); // 105 again: already held
    messages.add(message(others.get(22), true)); // 122 again, backfilled: already held
    feed(messages);
    event("{\"type\":\"backfilled\",\"from\":100,\"to\":119,\"sent\":20}");
    event("{\"type\":\"head\",\"nextSeq\":140,\"at\":\"2025-01-01T00:00:00Z\"}");

    Map<String, Object> s = state();
    assertThat(number(s, "framesLive")).isEqualTo(20);
    assertThat(number(s, "framesBackfill")).isEqualTo(20);
    assertThat(number(s, "duplicates")).isEqualTo(4);
    assertThat(number(s, "firstSeq")).isEqualTo(100);
    assertThat(number(s, "nextSeq")).isEqualTo(140);
    assertThat(number(s, "missing")).isZero();
    assertThat(number(s, "lost")).isZero();
    assertThat(number(s, "backfillRequests")).isEqualTo(1);
    browser.waitFor("the backfill banner to go", () -> !browser.shown("backfill-banner"));

    Map<String, Object> r = record();
    assertThat(number(r, "firstSeq")).isEqualTo(100);
    assertThat(number(r, "lastSeq")).isEqualTo(139);
    assertThat(number(r, "frames")).isEqualTo(40);
    assertThat(r.get("startUs")).isEqualTo(Long.toString(frames.get(0).startMicros()));
    EcgFrame last = frames.get(39);
    long endUs = last.startMicros() + Math.round(last.samplesPerLead() * 1e6 / last.sampleRateHz());
    assertThat(r.get("endUs")).isEqualTo(Long.toString(endUs));
    assertThat(r.get("clipped")).isEqualTo(false);
    Map<String, Map<String, Object>> leads = (Map<String, Map<String, Object>>) r.get("leads");
    Map<String, long[]> expected = javaChecksums(frames);
    assertThat(leads.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(expected).hasSize(12);
    expected.forEach(
        (code, v) -> {
          assertThat(number(leads.get(code), "count"))
              .as("samples of lead %s", code)
              .isEqualTo(v[0]);
          assertThat(number(leads.get(code), "fnv")).as("FNV-1a of lead %s", code).isEqualTo(v[1]);
        });
    // the other ECG would have given other sums: the copies really lost
    assertThat(javaChecksums(others).get("131330")[1]).isNotEqualTo(expected.get("131330")[1]);

    assertThat(browser.js("return window.ambulinkLive.receivedAt(100);"))
        .isInstanceOf(Number.class);
    assertThat(browser.js("return window.ambulinkLive.receivedAt(99);")).isNull();
    // the renderer has the leads of the frames
    assertThat((List<String>) browser.js("return window.ambulinkEcg.leads();"))
        .containsExactly("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");
  }

  @Test
  void hello_asks_for_the_record_in_chunks_below_2000_and_across_the_wrap() {
    openLiveView();
    event("{\"type\":\"hello\",\"transportId\":\"x\",\"firstSeq\":4294962000,\"nextSeq\":1500}");
    List<long[]> asked = takeRequests();
    // 4294962000..4294967295 then 0..1499: 6,796 frames
    long total = 0;
    long expectNext = 4294962000L;
    for (long[] r : asked) {
      assertThat(r[0]).as("requests follow each other").isEqualTo(expectNext);
      assertThat(r[1] - r[0]).as("to - from of %s..%s", r[0], r[1]).isBetween(0L, 1998L);
      total += r[1] - r[0] + 1;
      expectNext = (r[1] + 1) % (1L << 32);
    }
    assertThat(total).isEqualTo(6796);
    assertThat(expectNext).isEqualTo(1500);
    Map<String, Object> s = state();
    assertThat(number(s, "missing")).isEqualTo(6796);
    assertThat(number(s, "backfillRequests")).isEqualTo(asked.size());
    assertThat(number(s, "firstSeq")).isEqualTo(4294962000L);
    assertThat(number(s, "nextSeq")).isEqualTo(1500);

    // asked already: a head and its grace ask for nothing more while the requests are out
    event("{\"type\":\"head\",\"nextSeq\":1504,\"at\":\"2025-01-01T00:00:00Z\"}");
    advance(1500);
    List<long[]> more = takeRequests();
    assertThat(more).hasSize(1);
    assertThat(more.get(0)).containsExactly(1500, 1503);
  }

  @Test
  void a_frame_missing_one_second_after_a_head_is_asked_for_once_then_again_after_five()
      throws Exception {
    openLiveView();
    List<EcgFrame> frames = realFrames(0, 16, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    event("{\"type\":\"hello\",\"transportId\":\"x\",\"firstSeq\":0,\"nextSeq\":0}");
    assertThat(takeRequests()).isEmpty();
    List<List<Object>> live = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      if (i != 10 && i != 12) {
        live.add(message(frames.get(i), false));
      }
    }
    feed(live);
    event("{\"type\":\"head\",\"nextSeq\":14,\"at\":\"2025-01-01T00:00:00Z\"}");
    assertThat(number(state(), "missing")).isEqualTo(2);
    advance(500);
    assertThat(takeRequests()).as("before the head's second is up").isEmpty();
    advance(600);
    List<long[]> asked = takeRequests();
    assertThat(asked).extracting(r -> r[0] + ".." + r[1]).containsExactly("10..10", "12..12");
    assertThat(browser.shown("backfill-banner")).isTrue();

    // one outstanding request per range: more heads ask for nothing new
    event("{\"type\":\"head\",\"nextSeq\":14,\"at\":\"2025-01-01T00:00:01Z\"}");
    advance(1100);
    event("{\"type\":\"head\",\"nextSeq\":14,\"at\":\"2025-01-01T00:00:02Z\"}");
    advance(1100);
    assertThat(takeRequests()).isEmpty();
    // still missing five seconds after asking: asked again
    advance(3000);
    assertThat(takeRequests())
        .extracting(r -> r[0] + ".." + r[1])
        .containsExactly("10..10", "12..12");
    assertThat(number(state(), "backfillRequests")).isEqualTo(4);

    // 10 comes backfilled, 12 late on the live channel; nothing is missing, nothing more asked
    feed(List.of(message(frames.get(10), true), message(frames.get(12), false)));
    event("{\"type\":\"backfilled\",\"from\":10,\"to\":10,\"sent\":1}");
    event("{\"type\":\"backfilled\",\"from\":12,\"to\":12,\"sent\":0}");
    advance(6000);
    assertThat(takeRequests()).isEmpty();
    Map<String, Object> s = state();
    assertThat(number(s, "missing")).isZero();
    assertThat(number(s, "lost")).isZero();
    assertThat(number(record(), "lastSeq")).isEqualTo(13);
    browser.waitFor("the backfill banner to go", () -> !browser.shown("backfill-banner"));
  }

  @Test
  void backfilled_gives_up_what_did_not_come() throws Exception {
    openLiveView();
    List<EcgFrame> frames = realFrames(10, 20, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    event("{\"type\":\"hello\",\"transportId\":\"x\",\"firstSeq\":10,\"nextSeq\":30}");
    List<long[]> asked = takeRequests();
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0)).containsExactly(10, 29);
    List<List<Object>> backfill = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      if (i != 5 && i != 6) {
        backfill.add(message(frames.get(i), true));
      }
    }
    feed(backfill);
    event("{\"type\":\"backfilled\",\"from\":10,\"to\":29,\"sent\":18}");
    Map<String, Object> s = state();
    assertThat(number(s, "lost")).isEqualTo(2);
    assertThat(number(s, "missing")).isEqualTo(2);
    assertThat(number(s, "framesBackfill")).isEqualTo(18);
    // given up: never asked for again
    event("{\"type\":\"head\",\"nextSeq\":30,\"at\":\"2025-01-01T00:00:00Z\"}");
    advance(1100);
    advance(6000);
    assertThat(takeRequests()).isEmpty();
    browser.waitFor("the backfill banner to go", () -> !browser.shown("backfill-banner"));
    // the record stops before the first frame given up
    Map<String, Object> r = record();
    assertThat(number(r, "lastSeq")).isEqualTo(14);
    assertThat(number(r, "frames")).isEqualTo(5);
    Map<String, long[]> expected = javaChecksums(frames.subList(0, 5));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> leads = (Map<String, Map<String, Object>>) r.get("leads");
    expected.forEach(
        (code, v) ->
            assertThat(number(leads.get(code), "fnv")).as("lead %s", code).isEqualTo(v[1]));
  }

  @Test
  void the_ecg_is_not_live_when_the_connection_drops_or_the_frames_stop() throws Exception {
    openLiveView();
    browser.waitFor(
        "the link to be live",
        () -> "LIVE".equals(browser.js("return document.body.dataset.link;")));
    // two minutes of real ECG, fed on the live channel every 250 ms as it happens
    List<EcgFrame> frames =
        realFrames(0, 480, Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(500));
    List<String> b64 =
        frames.stream()
            .map(f -> Base64.getEncoder().encodeToString(EcgFrameCodec.encode(f)))
            .toList();
    browser.js(
        """
        const frames = arguments[0];
        let i = 0;
        function next() {
          if (i >= frames.length) return;
          const bin = atob(frames[i++]);
          const bytes = new Uint8Array(bin.length);
          for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
          window.ambulinkLive._test.frame(bytes.buffer, false);
        }
        next();
        window.__ecgFeed = setInterval(next, 250);
        """,
        b64);
    // frames, but no connected peer: not live
    browser.waitFor("frames arriving", () -> number(state(), "framesLive") > 0);
    assertThat(browser.js("return window.ambulinkLive.state().ecgLive;")).isEqualTo(false);
    browser.waitFor("ECG not live", () -> browser.text("ecg-overlay-text").equals("ECG not live"));

    browser.js("window.ambulinkLive._test.connection('connected');");
    browser.waitFor("the ECG live", () -> !browser.shown("ecg-overlay"));
    assertThat(browser.js("return document.body.dataset.ecg;")).isEqualTo("live");

    browser.js("window.ambulinkLive._test.connection('disconnected');");
    browser.waitFor(
        "ECG not live after the connection dropped",
        () ->
            browser.shown("ecg-overlay")
                && browser.text("ecg-overlay-text").equals("ECG not live"));
    assertThat(browser.js("return window.ambulinkEcg.status().live;")).isEqualTo(false);

    browser.js("window.ambulinkLive._test.connection('connected');");
    browser.waitFor("the ECG live again", () -> !browser.shown("ecg-overlay"));
    browser.snapshot("live-rtc-ecg-live");

    // the frames stop: the trace freezes and says so
    browser.js("clearInterval(window.__ecgFeed);");
    browser.waitFor(
        "ECG not live after the frames stopped",
        () ->
            browser.shown("ecg-overlay")
                && browser.text("ecg-overlay-text").equals("ECG not live"));
    browser.waitFor(
        "the session and the page marked not live",
        () ->
            Boolean.FALSE.equals(browser.js("return window.ambulinkLive.state().ecgLive;"))
                && "not-live".equals(browser.js("return document.body.dataset.ecg;")));
    assertThat(browser.js("return window.ambulinkEcg.status().live;")).isEqualTo(false);
    browser.snapshot("live-rtc-ecg-not-live");
  }

  @Test
  void vitals_of_the_events_channel_show_in_the_tiles_and_the_video_waits_for_a_peer() {
    openLiveView();
    assertThat(browser.text("video-overlay")).isEqualTo("video not connected");
    assertThat(browser.shown("video-overlay")).isTrue();
    @SuppressWarnings("unchecked")
    Map<String, Object> video =
        (Map<String, Object>) browser.js("return window.ambulinkLive.videoStats();");
    assertThat(video.get("playing")).isEqualTo(false);
    assertThat(number(video, "totalFrames")).isZero();
    assertThat(state().get("connection")).isEqualTo("none");
    // the console's signaling relay takes the watch of this transport (no appliance connected)
    browser.waitFor(
        "watching through /api/signal",
        () -> "open".equals(state().get("signaling")) && state().get("viewerId") != null);
    assertThat(state().get("appliance")).isEqualTo("offline");

    event(
        "{\"type\":\"vitals\",\"at\":\""
            + Instant.now()
            + "\",\"items\":[{\"code\":\"MDC_ECG_HEART_RATE\",\"label\":\"HR\",\"value\":\"131\","
            + "\"unit\":\"/min\"},{\"code\":\"MDC_PULS_OXIM_SAT_O2\",\"label\":\"SpO2\","
            + "\"value\":\"89\",\"unit\":\"%\"}]}");
    browser.waitFor("the HR tile", () -> browser.text("tile-HR-value").equals("131"));
    assertThat(browser.text("tile-SpO2-value")).isEqualTo("89");
  }
}
