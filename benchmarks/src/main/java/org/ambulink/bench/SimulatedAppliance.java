package org.ambulink.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One ambulance's appliance as the console sees it (docs/console-api.md): a transport heading to
 * the ED, then one batch per period (vitals: HR, SpO2, NIBP, RR; every tenth batch also a position
 * with ETA; now and then an alarm raised and later ended), posted with its device token and awaited
 * like the real appliance's sender (batches of one appliance never overlap). When it has nothing to
 * send for {@link #HEARTBEAT} it sends an empty batch, as the real appliance does.
 */
final class SimulatedAppliance implements Runnable {
  /** The real appliance's heartbeat interval. */
  static final Duration HEARTBEAT = Duration.ofSeconds(5);

  /** What the appliance does on each tick. */
  enum Mode {
    /** nothing new to send: only heartbeats */
    IDLE,
    /** a batch per tick, not measured */
    SEND,
    /** a batch per tick, measured */
    MEASURE,
    /** the thread ends */
    STOP
  }

  private static final String[] COMPLAINTS = {
    "chest pain", "dyspnoea", "stroke symptoms", "fall, hip pain", "sepsis?", "trauma, RTC"
  };

  final String deviceId;
  final BoardChanges changes;
  private final String token;
  private final String destinationId;
  private final URI events;
  private final HttpClient http;
  private final JsonMapper json;
  private final long periodNanos;
  private final long offsetNanos;
  private final Random random;
  private final Thread thread;
  private volatile Mode mode = Mode.IDLE;

  /** Measured posts: start to response, nanoseconds. */
  final BoardChanges.LongList postNanos = new BoardChanges.LongList();

  final AtomicLong posts = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong heartbeats = new AtomicLong();
  volatile String lastFailure;

  private long seq;
  private int tick;
  private long lastAt;
  private long lastSentNanos;
  private double hr;
  private double spo2;
  private double sys;
  private double dia;
  private double rr;
  private double distance;
  private int alarmSeq;
  private String activeAlarm;
  private int alarmEndsAtTick;

  /**
   * @param offset when in each period this appliance sends (ambulances are not in step)
   */
  SimulatedAppliance(
      String deviceId,
      String token,
      String transportId,
      String destinationId,
      int viewers,
      URI base,
      HttpClient http,
      JsonMapper json,
      Duration period,
      Duration offset,
      long seed) {
    this.deviceId = deviceId;
    this.token = token;
    this.destinationId = destinationId;
    this.changes = new BoardChanges(transportId, viewers);
    this.events = base.resolve("/api/appliance/events");
    this.http = http;
    this.json = json;
    this.periodNanos = period.toNanos();
    this.offsetNanos = offset.toNanos();
    this.random = new Random(seed);
    this.hr = 70 + random.nextInt(50);
    this.spo2 = 92 + random.nextInt(7);
    this.sys = 100 + random.nextInt(60);
    this.dia = 60 + random.nextInt(30);
    this.rr = 12 + random.nextInt(14);
    this.distance = 4_000 + random.nextInt(20_000);
    this.thread = new Thread(this, "appliance-" + deviceId);
    this.thread.setDaemon(true);
  }

  /** Posts the transport's start (must be answered 200), then runs its ticks on its own thread. */
  void start() throws Exception {
    nextAt();
    Map<String, Object> started = event("transport");
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("step", "STARTED");
    t.put("destinationId", destinationId);
    t.put("unit", "M" + deviceId.replaceAll("\\D", "") + " (A. Smith, B. Jones)");
    t.put("chiefComplaint", COMPLAINTS[random.nextInt(COMPLAINTS.length)]);
    t.put("acuity", 1 + random.nextInt(5));
    t.put("note", null);
    started.put("transport", t);
    List<Map<String, Object>> batch = new ArrayList<>(List.of(started, vitals()));
    int index = changes.add(lastAt, System.nanoTime(), false);
    if (!post(batch, false)) {
      changes.failed(index);
      throw new IllegalStateException(
          "appliance " + deviceId + " could not start its transport: " + lastFailure);
    }
    thread.start();
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Stops the thread (after a post in flight) and waits for it. */
  void stop() throws InterruptedException {
    mode = Mode.STOP;
    thread.interrupt();
    thread.join(10_000);
  }

  @Override
  public void run() {
    long next = System.nanoTime() + offsetNanos;
    try {
      while (true) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        next += periodNanos;
        if (next < System.nanoTime() - periodNanos) {
          next = System.nanoTime(); // fell behind (slow posts): no burst to catch up
        }
        Mode m = mode;
        switch (m) {
          case STOP -> {
            return;
          }
          case IDLE -> {
            if (System.nanoTime() - lastSentNanos >= HEARTBEAT.toNanos()) {
              heartbeats.incrementAndGet();
              post(List.of(), false);
            }
          }
          case SEND, MEASURE -> tick(m == Mode.MEASURE);
        }
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  private void tick(boolean measured) {
    tick++;
    nextAt();
    List<Map<String, Object>> batch = new ArrayList<>();
    batch.add(vitals());
    if (tick % 10 == 0) {
      batch.add(position());
    }
    if (activeAlarm == null && random.nextInt(40) == 0) {
      activeAlarm = "bench-" + deviceId + "-" + ++alarmSeq;
      alarmEndsAtTick = tick + 5 + random.nextInt(15);
      batch.add(alarm(activeAlarm, "active"));
    } else if (activeAlarm != null && tick >= alarmEndsAtTick) {
      batch.add(alarm(activeAlarm, "ended"));
      activeAlarm = null;
    }
    int index = changes.add(lastAt, System.nanoTime(), measured);
    if (!post(batch, measured)) {
      changes.failed(index);
    }
  }

  /** Posts a batch and waits for the answer; true when it was 200 with every event accepted. */
  private boolean post(List<Map<String, Object>> batch, boolean measured) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("applianceId", deviceId);
    body.put("backlog", 0);
    body.put("events", batch);
    HttpRequest request =
        HttpRequest.newBuilder(events)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build();
    long start = System.nanoTime();
    lastSentNanos = start;
    posts.incrementAndGet();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      long took = System.nanoTime() - start;
      if (response.statusCode() != 200) {
        return failed("HTTP " + response.statusCode() + ": " + clip(response.body()));
      }
      JsonNode r = json.readTree(response.body());
      if (r.path("accepted").asInt(-1) != batch.size()) {
        return failed("not every event accepted: " + clip(response.body()));
      }
      if (measured) {
        synchronized (postNanos) {
          postNanos.add(took);
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted");
    } catch (Exception e) {
      return failed(e.toString());
    }
  }

  private boolean failed(String why) {
    failures.incrementAndGet();
    lastFailure = why;
    return false;
  }

  /** A new event of the type; its {@code at} is the batch's ({@link #nextAt}). */
  private Map<String, Object> event(String type) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("eventId", "bench/" + ++seq + "/0");
    e.put("transportId", changes.transportId);
    e.put("type", type);
    e.put("at", Instant.ofEpochMilli(lastAt).toString());
    return e;
  }

  /** The next batch's 'at': now, and at least one millisecond after the last batch's. */
  private void nextAt() {
    lastAt = Math.max(System.currentTimeMillis(), lastAt + 1);
  }

  private Map<String, Object> vitals() {
    Map<String, Object> e = event("vitals");
    hr = walk(hr, 40, 180, 2);
    spo2 = walk(spo2, 80, 100, 0.5);
    sys = walk(sys, 70, 200, 2);
    dia = walk(dia, 40, 120, 1.5);
    rr = walk(rr, 6, 40, 0.5);
    String at = (String) e.get("at");
    e.put(
        "vitals",
        List.of(
            vital("MDC_ECG_HEART_RATE", "HR", hr, "/min", at),
            vital("MDC_PULS_OXIM_SAT_O2", "SpO2", spo2, "%", at),
            vital("MDC_PRESS_BLD_NONINV_SYS", "NIBP sys", sys, "mm[Hg]", at),
            vital("MDC_PRESS_BLD_NONINV_DIA", "NIBP dia", dia, "mm[Hg]", at),
            vital("MDC_PRESS_BLD_NONINV_MEAN", "NIBP mean", (sys + 2 * dia) / 3, "mm[Hg]", at),
            vital("MDC_RESP_RATE", "RR", rr, "/min", at)));
    return e;
  }

  private Map<String, Object> position() {
    Map<String, Object> e = event("position");
    distance = Math.max(0, distance - 150 - random.nextInt(100));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("latitude", 48.2 + distance / 111_000.0);
    p.put("longitude", 16.37 + random.nextDouble() / 1000);
    p.put("etaSeconds", (int) (distance / 12));
    p.put("distanceMetres", distance);
    e.put("position", p);
    return e;
  }

  private Map<String, Object> alarm(String id, String state) {
    Map<String, Object> e = event("alarm");
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("alarmId", id);
    a.put("priority", random.nextBoolean() ? "HIGH" : "MEDIUM");
    a.put("state", state);
    a.put("text", "SpO2 low");
    a.put("source", "MDC_PULS_OXIM_SAT_O2");
    e.put("alarm", a);
    return e;
  }

  private static Map<String, Object> vital(
      String code, String label, double value, String unit, String at) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("code", code);
    v.put("label", label);
    v.put("value", String.format(Locale.ROOT, "%.0f", value));
    v.put("unit", unit);
    v.put("at", at);
    return v;
  }

  private double walk(double v, double min, double max, double step) {
    return Math.max(min, Math.min(max, v + (random.nextDouble() * 2 - 1) * step));
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
