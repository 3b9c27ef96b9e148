package org.ambulink.appliance.live;

import dev.onvoid.webrtc.RTCIceConnectionState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ambulink.appliance.console.ConsoleEvents;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.appliance.webrtc.IceCandidate;
import org.ambulink.appliance.webrtc.IceServer;
import org.ambulink.appliance.webrtc.RtcEngine;
import org.ambulink.appliance.webrtc.RtcPeer;
import org.ambulink.appliance.webrtc.SessionDescription;
import org.ambulink.appliance.webrtc.VideoFeed;
import org.ambulink.appliance.webrtc.VideoSettings;
import org.ambulink.drivers.ecgframe.EcgFrame;
import org.ambulink.drivers.ecgframe.EcgFrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live session from the ambulance to the ED (docs/webrtc.md, "The live session protocol"): the
 * signaling socket to the console, one peer connection per viewer with the dash camera's video and
 * the {@code ecg} and {@code events} data channels, live ECG frames numbered as the journal has
 * them, backfill from the journal, and recovery (signaling reconnect, ICE restart, new session).
 *
 * <p>Threads: the journal sink's callers number frames ({@link #appending}, under the sink's lock);
 * everything about peers and signaling runs on one {@code live} thread; blocking work (fetching ICE
 * servers, reading the journal for backfill, tearing a peer down) on {@code live-io}.
 */
public final class LiveService implements JournalSink.Tap, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int MAX_BACKFILL = 2000;
  private static final long EVENTS_HIGH_WATER = 256 * 1024;
  private static final long ECG_CONGESTED = 16 * 1024;
  private static final int TIMING_RING = 1 << 15;

  private final LiveProperties props;
  private final Journal journal;
  private final TransportLifecycle lifecycle;
  private final URI consoleBase;
  private final String token;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();
  private final ConsoleEvents liveEvents;
  private final HttpClient http;
  private final ExecutorService live;
  private final ExecutorService io;
  private final ScheduledExecutorService timer;
  private final Set<String> numbering = ConcurrentHashMap.newKeySet();
  private final Map<String, LivePeer> peers = new LinkedHashMap<>(); // live thread only
  private final AtomicLong framesSent = new AtomicLong();
  private final AtomicLong backfillFramesSent = new AtomicLong();
  private final long[] decodedOrdinal = new long[TIMING_RING];
  private final long[] decodedMicros = new long[TIMING_RING];

  private volatile EcgIndex index; // of the transport being streamed
  private volatile String notRunning;
  private volatile List<Map<String, Object>> viewerStatus = List.of();
  private RtcEngine engine; // live thread only
  private VideoFeed video; // live thread only
  private SignalingClient signaling;
  private IceConfig iceConfig; // live thread only
  private volatile boolean running;

  /** ICE servers as the console hands them out. */
  record IceConfig(List<IceServer> servers, boolean relayOnly, Instant expiresAt) {}

  /**
   * @param consoleBase the console's base URL; null: no live session (the status says why)
   * @param notRunning why the live session does not run, or null
   */
  public LiveService(
      LiveProperties props,
      Journal journal,
      TransportLifecycle lifecycle,
      URI consoleBase,
      String token,
      Clock clock,
      String notRunning) {
    this.props = props;
    this.journal = journal;
    this.lifecycle = lifecycle;
    this.consoleBase = consoleBase;
    this.token = token;
    this.clock = clock;
    this.notRunning = notRunning;
    this.liveEvents = new ConsoleEvents(json, lifecycle::destination);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.live = Executors.newSingleThreadExecutor(r -> daemon(r, "live"));
    this.io = Executors.newFixedThreadPool(2, r -> daemon(r, "live-io"));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "live-timer"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts the engine and the signaling socket; a failure leaves the appliance running. */
  public void start() {
    if (notRunning != null) {
      log.info("live session to the ED is off: {}", notRunning);
      return;
    }
    try {
      engine = new RtcEngine();
    } catch (Throwable e) { // the native library may be missing (libpulse0)
      notRunning = "the WebRTC engine cannot start: " + e;
      log.error("live session to the ED is off: {}", notRunning, e);
      return;
    }
    running = true;
    String base = consoleBase.toString().replaceAll("/+$", "");
    URI ws = URI.create(base.replaceFirst("^http", "ws") + "/api/appliance/signal");
    signaling = new SignalingClient(ws, token, props.signaling(), new Signals(), timer);
    signaling.start();
    timer.scheduleWithFixedDelay(() -> live.execute(this::tick), 500, 500, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ numbering (sink's lock)

  private record Pending(EcgIndex index, int slot, String dedupeKey) {}

  @Override
  public Object appending(String stream, List<JournalEntry> entries, String dedupeKey) {
    if (!running || Journal.STANDBY.equals(stream)) {
      return null;
    }
    EcgIndex idx = indexOf(stream);
    if (journal.holds(dedupeKey) || !numbering.add(dedupeKey)) {
      return null; // a repeat of a message already journaled (or on its way): not a new frame
    }
    List<EcgFrame> frames = EcgFramer.frames(entries, idx.nextOrdinal(), false);
    int slot = frames.isEmpty() ? -1 : idx.add(frames.size(), frames.get(0).startMicros());
    List<ObjectNode> events = liveEvents.live(entries);
    if (!frames.isEmpty() || !events.isEmpty()) {
      long decoded = micros(clock.instant());
      live.execute(() -> fanOut(stream, frames, events, decoded));
    }
    return new Pending(idx, slot, dedupeKey);
  }

  @Override
  public void journaled(Object token, Journal.Appended appended, Throwable failure) {
    if (!(token instanceof Pending p)) {
      return;
    }
    synchronized (numbering) {
      numbering.remove(p.dedupeKey());
      numbering.notifyAll();
    }
    if (p.slot() < 0) {
      return;
    }
    if (failure != null || appended.duplicate()) {
      // frames were numbered for a message the journal does not hold: renumber from the journal
      log.warn(
          "live: a message of transport {} was not journaled; viewers restart their record",
          p.index().stream());
      synchronized (this) {
        if (index == p.index()) {
          index = null;
        }
      }
      live.execute(() -> resetViewers(p.index().stream()));
      return;
    }
    p.index().committed(p.slot(), appended.firstSeq());
  }

  private synchronized EcgIndex indexOf(String stream) {
    EcgIndex idx = index;
    if (idx == null || !idx.stream().equals(stream)) {
      awaitInFlight();
      idx = EcgIndex.build(journal, stream);
      index = idx;
    }
    return idx;
  }

  /**
   * Before numbering from the journal alone, lets the appends already numbered finish (a few
   * milliseconds; at most 5 s): an append still on its way when the index is built would be in the
   * journal but not in the index.
   */
  private void awaitInFlight() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    synchronized (numbering) { // woken by journaled() as each append finishes
      while (!numbering.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(numbering, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  // ------------------------------------------------------------------ live thread

  private void fanOut(String stream, List<EcgFrame> frames, List<ObjectNode> events, long decoded) {
    for (EcgFrame f : frames) {
      int i = (int) (f.sequence() & (TIMING_RING - 1));
      synchronized (decodedOrdinal) {
        decodedOrdinal[i] = f.sequence();
        decodedMicros[i] = decoded;
      }
    }
    if (peers.isEmpty()) {
      return;
    }
    List<byte[]> encoded = frames.stream().map(EcgFrameCodec::encode).toList();
    List<String> texts = events.stream().map(json::writeValueAsString).toList();
    for (LivePeer p : peers.values()) {
      if (!p.transportId.equals(stream)) {
        continue;
      }
      if (p.rtc.ecg().isOpen()) {
        for (byte[] b : encoded) {
          try {
            p.rtc.ecg().send(b);
            framesSent.incrementAndGet();
          } catch (IllegalStateException e) {
            break; // closing or full: the viewer asks for it again
          }
        }
      }
      if (p.rtc.events().isOpen()) {
        for (String t : texts) {
          sendText(p, t);
        }
      }
    }
  }

  private void sendText(LivePeer p, String text) {
    try {
      p.rtc.events().sendText(text);
    } catch (IllegalStateException e) {
      log.debug("live: events channel of viewer {} not writable: {}", p.viewerId, e.getMessage());
    }
  }

  private void resetViewers(String stream) {
    for (LivePeer p : peers.values()) {
      if (p.transportId.equals(stream) && p.rtc.events().isOpen()) {
        sendHello(p);
      }
    }
  }

  private void sendHello(LivePeer p) {
    EcgIndex idx = indexOf(p.transportId);
    ObjectNode hello = json.createObjectNode();
    hello.put("type", "hello");
    hello.put("transportId", p.transportId);
    hello.put("epoch", idx.epoch());
    hello.put("firstSeq", idx.windowStart(props.window().toNanos() / 1000));
    hello.put("nextSeq", idx.nextOrdinal());
    sendText(p, json.writeValueAsString(hello));
  }

  private void tick() {
    long now = System.nanoTime();
    EcgIndex idx = index;
    List<Map<String, Object>> status = new ArrayList<>();
    for (LivePeer p : List.copyOf(peers.values())) {
      if (p.rtc.events().isOpen() && idx != null && idx.stream().equals(p.transportId)) {
        ObjectNode head = json.createObjectNode();
        head.put("type", "head");
        head.put("nextSeq", idx.nextOrdinal());
        head.put("at", clock.instant().toString());
        sendText(p, json.writeValueAsString(head));
      }
      recover(p, now);
      pace(p);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("viewer", p.viewerId.substring(0, Math.min(6, p.viewerId.length())));
      s.put("transportId", p.transportId);
      s.put("connection", p.state());
      s.put("ice", p.rtc.iceConnectionState().name().toLowerCase(java.util.Locale.ROOT));
      s.put("restarts", p.restarts);
      s.put("videoBitrate", p.videoBitrate);
      status.add(s);
    }
    viewerStatus = List.copyOf(status);
  }

  /** ICE restart when the path is down, a new session when restarts do not help. */
  private void recover(LivePeer p, long now) {
    if (p.connected()) {
      p.troubleSinceNanos = 0;
      p.everConnected = true;
      return;
    }
    if (p.troubleSinceNanos == 0) {
      p.troubleSinceNanos = now;
    }
    long trouble = now - p.troubleSinceNanos;
    if (trouble >= props.newSessionAfter().toNanos()
        || (p.everConnected && !clock.instant().isBefore(p.credentialsExpireAt))) {
      log.info(
          "live: viewer {} not connected for {} s (or its TURN credentials expired): new session",
          p.viewerId,
          trouble / 1e9);
      newSession(p.viewerId, p.transportId);
      return;
    }
    boolean failed = p.rtc.iceConnectionState() == RTCIceConnectionState.FAILED;
    boolean down = p.rtc.iceConnectionState() == RTCIceConnectionState.DISCONNECTED;
    if (p.everConnected
        && (failed || (down && trouble >= props.iceRestartAfter().toNanos()))
        && now - p.lastRestartNanos >= props.iceRestartEvery().toNanos()) {
      p.lastRestartNanos = now;
      p.restarts++;
      log.info("live: viewer {}: ICE {}, restarting ICE", p.viewerId, p.rtc.iceConnectionState());
      offer(p, true);
    }
  }

  /** Video gives way before ECG: bitrate first, then frame rate, back up slowly when clear. */
  private void pace(LivePeer p) {
    if (p.videoBitrate == 0) {
      return;
    }
    LiveProperties.Video v = props.video();
    long buffered = p.rtc.ecg().isOpen() ? p.rtc.ecg().bufferedAmount() : 0;
    if (buffered > ECG_CONGESTED) {
      p.quietTicks = 0;
      if (p.videoBitrate > v.minBitrate()) {
        p.videoBitrate = Math.max(v.minBitrate(), p.videoBitrate / 2);
      } else {
        p.videoFps = Math.max(1, p.videoFps / 2);
      }
      p.rtc.setVideoLimits(p.videoBitrate, p.videoFps);
    } else if (++p.quietTicks >= 5 && (p.videoBitrate < v.maxBitrate() || p.videoFps < v.fps())) {
      p.quietTicks = 0;
      if (p.videoFps < v.fps()) {
        p.videoFps = Math.min(v.fps(), p.videoFps * 2);
      } else {
        p.videoBitrate = Math.min(v.maxBitrate(), p.videoBitrate * 5 / 4);
      }
      p.rtc.setVideoLimits(p.videoBitrate, p.videoFps);
    }
  }

  // ------------------------------------------------------------------ signaling

  private final class Signals implements SignalingClient.Listener {
    @Override
    public void opened() {}

    @Override
    public void message(String text) {
      live.execute(() -> handle(text));
    }

    @Override
    public void closed(String reason) {}
  }

  private void handle(String text) {
    JsonNode m;
    try {
      m = json.readTree(text);
    } catch (RuntimeException e) {
      log.warn("signaling: unreadable message from the console: {}", e.getMessage());
      return;
    }
    String type = m.path("type").asString("");
    String viewer = m.path("viewerId").asString("");
    LivePeer p = peers.get(viewer);
    switch (type) {
      case "viewer-joined" -> {
        String transportId = m.path("transportId").asString("");
        if (p != null && p.connected()) {
          return; // the console re-announces viewers after a reconnect
        }
        newSession(viewer, transportId);
      }
      case "viewer-left" -> close(peers.remove(viewer), "viewer left");
      case "answer" -> {
        if (p != null) {
          p.rtc
              .acceptAnswer(
                  new SessionDescription(SessionDescription.ANSWER, m.path("sdp").asString("")))
              .exceptionally(
                  e -> {
                    log.warn("live: viewer {}'s answer refused: {}", viewer, e.getMessage());
                    return null;
                  });
        }
      }
      case "candidate" -> {
        JsonNode c = m.path("candidate");
        if (p != null && c.path("candidate").isString()) {
          p.rtc.addRemoteCandidate(
              new IceCandidate(
                  c.path("sdpMid").asString("0"),
                  c.path("sdpMLineIndex").asInt(0),
                  c.path("candidate").asString()));
        }
      }
      case "restart" -> {
        if (p != null && p.everConnected) {
          p.lastRestartNanos = System.nanoTime();
          p.restarts++;
          offer(p, true); // the viewer saw its connection fail: an ICE restart, now
        } else if (p != null) {
          newSession(viewer, p.transportId);
        }
      }
      case "error" -> log.warn("signaling: the console says: {}", m.path("reason").asString(""));
      default -> log.debug("signaling: ignored a '{}' message", type);
    }
  }

  private void sendSignal(ObjectNode m) {
    if (signaling == null || !signaling.send(json.writeValueAsString(m))) {
      log.debug("signaling: not connected, '{}' not sent", m.path("type").asString());
    }
  }

  private void bye(String viewer, String reason) {
    ObjectNode b = json.createObjectNode();
    b.put("type", "bye");
    b.put("viewerId", viewer);
    b.put("reason", reason);
    sendSignal(b);
  }

  /** A new peer connection for the viewer (replacing any it had). */
  private void newSession(String viewer, String transportId) {
    close(peers.remove(viewer), "new session");
    Transport t = lifecycle.current().orElse(null);
    if (t == null || !t.id().equals(transportId)) {
      bye(viewer, "transport '" + transportId + "' is not under way on this appliance");
      return;
    }
    io.execute(
        () -> {
          IceConfig ice;
          try {
            ice = iceServers();
          } catch (Exception e) {
            log.warn("live: no ICE servers from the console: {}", e.getMessage());
            live.execute(() -> bye(viewer, "the appliance could not get ICE servers"));
            return;
          }
          live.execute(() -> createPeer(viewer, transportId, ice));
        });
  }

  private void createPeer(String viewer, String transportId, IceConfig ice) {
    if (!running || peers.containsKey(viewer)) {
      return;
    }
    String session = hex(8);
    RtcPeer rtc =
        new RtcPeer(
            engine,
            ice.servers(),
            ice.relayOnly(),
            c -> {
              ObjectNode m = json.createObjectNode();
              m.put("type", "candidate");
              m.put("viewerId", viewer);
              ObjectNode cand = m.putObject("candidate");
              cand.put("candidate", c.candidate());
              cand.put("sdpMid", c.sdpMid());
              cand.put("sdpMLineIndex", c.sdpMLineIndex());
              sendSignal(m);
            });
    LivePeer p = new LivePeer(viewer, transportId, session, rtc, ice.expiresAt());
    peers.put(viewer, p);
    try {
      if (video == null) {
        video = VideoFeed.open(engine, videoSettings());
      }
      rtc.addVideo(video.track(), "ambulance");
      p.videoBitrate = props.video().maxBitrate();
      p.videoFps = props.video().fps();
      rtc.setVideoLimits(p.videoBitrate, p.videoFps);
    } catch (RuntimeException e) {
      log.warn("live: no video for viewer {}: {}", viewer, e.getMessage());
    }
    rtc.events().onText(text -> live.execute(() -> onViewerText(p, text)));
    rtc.events().opened().thenRun(() -> live.execute(() -> sendHello(p)));
    log.info("live: viewer {} watches transport {} (session {})", viewer, transportId, session);
    offer(p, false);
  }

  private VideoSettings videoSettings() {
    LiveProperties.Video v = props.video();
    return new VideoSettings(v.width(), v.height(), v.fps(), v.maxBitrate(), v.device());
  }

  private void offer(LivePeer p, boolean iceRestart) {
    p.rtc
        .createOffer(iceRestart)
        .thenAccept(
            sdp -> {
              ObjectNode m = json.createObjectNode();
              m.put("type", "offer");
              m.put("viewerId", p.viewerId);
              m.put("session", p.session);
              m.put("sdp", sdp.sdp());
              sendSignal(m);
            })
        .exceptionally(
            e -> {
              log.warn("live: no offer for viewer {}: {}", p.viewerId, e.getMessage());
              return null;
            });
  }

  private void close(LivePeer p, String why) {
    if (p != null) {
      log.info("live: closing viewer {}'s peer ({})", p.viewerId, why);
      io.execute(p.rtc::close);
    }
  }

  private IceConfig iceServers() throws Exception {
    IceConfig c = iceConfig;
    if (c != null && clock.instant().isBefore(c.expiresAt().minus(Duration.ofMinutes(5)))) {
      return c;
    }
    String base = consoleBase.toString().replaceAll("/+$", "");
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/api/appliance/ice-servers"))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IllegalStateException(
          "GET /api/appliance/ice-servers answered " + res.statusCode());
    }
    JsonNode body = json.readTree(res.body());
    List<IceServer> servers = new ArrayList<>();
    for (JsonNode s : body.path("iceServers")) {
      List<String> urls = new ArrayList<>();
      s.path("urls").forEach(u -> urls.add(u.asString()));
      servers.add(
          new IceServer(
              urls,
              s.path("username").isString() ? s.path("username").asString() : null,
              s.path("credential").isString() ? s.path("credential").asString() : null));
    }
    boolean relay = "relay".equals(body.path("iceTransportPolicy").asString(""));
    Instant expires =
        body.path("expiresAt").isString()
            ? Instant.parse(body.path("expiresAt").asString())
            : clock.instant().plus(Duration.ofMinutes(10));
    c = new IceConfig(List.copyOf(servers), relay, expires);
    iceConfig = c;
    return c;
  }

  // ------------------------------------------------------------------ the viewer's requests

  private void onViewerText(LivePeer p, String text) {
    JsonNode m;
    try {
      m = json.readTree(text);
    } catch (RuntimeException e) {
      reply(p, "not a JSON message: " + e.getMessage());
      return;
    }
    String type = m.path("type").asString("");
    if (!"backfill".equals(type)) {
      reply(p, "unknown message type '" + type + "'");
      return;
    }
    JsonNode from = m.path("from");
    JsonNode to = m.path("to");
    if (!from.canConvertToLong() || !to.canConvertToLong()) {
      reply(p, "backfill needs whole numbers 'from' and 'to', got " + from + " and " + to);
      return;
    }
    long a = from.asLong();
    long b = to.asLong();
    if (a < 0 || b < a || b - a >= MAX_BACKFILL) {
      reply(
          p,
          "backfill range ["
              + a
              + ", "
              + b
              + "] is not 0 <= from <= to with fewer than "
              + MAX_BACKFILL
              + " frames");
      return;
    }
    EcgIndex idx = indexOf(p.transportId);
    io.execute(() -> backfill(p, idx, a, b));
  }

  private void reply(LivePeer p, String reason) {
    log.warn("live: viewer {}: {}", p.viewerId, reason);
    ObjectNode e = json.createObjectNode();
    e.put("type", "error");
    e.put("reason", reason);
    sendText(p, json.writeValueAsString(e));
  }

  /** Resends frames {@code [from, to]} from the journal on the reliable channel (io thread). */
  private void backfill(LivePeer p, EcgIndex idx, long from, long to) {
    long end = Math.min(to, idx.committedOrdinal() - 1);
    int sent = 0;
    long o = from;
    try {
      while (o <= end && running) {
        long[] at = idx.locate(o);
        if (at == null) {
          o++;
          continue;
        }
        Journal.Page page = journal.read(p.transportId, at[0], 1);
        Journaled chunk = page.chunks().isEmpty() ? null : page.chunks().get(0);
        if (chunk == null || chunk.firstSeq() != at[0]) {
          o++; // purged or damaged: the viewer learns from "backfilled" that it will not come
          continue;
        }
        List<EcgFrame> frames =
            EcgFramer.frames(
                chunk.items().stream().map(Journaled.Item::entry).toList(), at[1], true);
        for (EcgFrame f : frames) {
          if (f.sequence() < o || f.sequence() > end) {
            continue;
          }
          // pacing: the live ECG shares the association
          if (!p.rtc.events().awaitBufferedAtMost(EVENTS_HIGH_WATER, Duration.ofSeconds(30))) {
            throw new IllegalStateException("the events channel closed or stopped draining");
          }
          p.rtc.events().send(EcgFrameCodec.encode(f));
          sent++;
          backfillFramesSent.incrementAndGet();
        }
        o = Math.max(o + 1, at[1] + frames.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (IllegalStateException e) {
      log.info("live: backfill for viewer {} stopped: {}", p.viewerId, e.getMessage());
      return;
    }
    ObjectNode done = json.createObjectNode();
    done.put("type", "backfilled");
    done.put("from", from);
    done.put("to", end);
    done.put("sent", sent);
    sendText(p, json.writeValueAsString(done));
  }

  // ------------------------------------------------------------------ status, shutdown

  /** For the crew page ({@code /api/status} → {@code live}). */
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    if (notRunning != null) {
      s.put("state", "off");
      s.put("reason", notRunning);
      return s;
    }
    SignalingClient sc = signaling;
    String state = sc == null ? "starting" : sc.state().name().toLowerCase(java.util.Locale.ROOT);
    s.put("state", state);
    if (sc != null && !sc.lastError().isEmpty()) {
      s.put("lastError", sc.lastError());
    }
    s.put("viewers", viewerStatus);
    s.put("framesSent", framesSent.get());
    s.put("backfillFramesSent", backfillFramesSent.get());
    EcgIndex idx = index;
    s.put("nextSeq", idx == null ? 0 : idx.nextOrdinal());
    return s;
  }

  /** When frame {@code ordinal} was decoded (µs since the epoch), if still remembered. */
  public Long decodedAt(long ordinal) {
    int i = (int) (ordinal & (TIMING_RING - 1));
    synchronized (decodedOrdinal) {
      return decodedOrdinal[i] == ordinal && decodedMicros[i] != 0 ? decodedMicros[i] : null;
    }
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() {
    running = false;
    if (signaling != null) {
      signaling.close();
    }
    timer.shutdownNow();
    try {
      live.submit(
              () -> {
                peers.values().forEach(p -> p.rtc.close());
                peers.clear();
                if (video != null) {
                  video.close();
                }
                if (engine != null) {
                  engine.close();
                }
              })
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("live: shutdown incomplete: {}", e.toString());
    }
    live.shutdownNow();
    io.shutdownNow();
  }
}
