package org.ambulink.console.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ambulink.console.testing.ConsoleServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The board under load, shortened (the full measurement is {@code bin/bench console}, see
 * docs/benchmarks.md): 20 appliances post a batch a second each (vitals, a position every tenth)
 * for 10 s while 40 board streams are open; every change must reach every board. No latency is
 * asserted (a slow machine is not a bug); the p99 is printed.
 */
class BoardLoadTest {
  static final int APPLIANCES = 20;
  static final int VIEWERS = 40;
  static final Duration LOAD = Duration.ofSeconds(10);
  static final Duration MISS_AFTER = Duration.ofSeconds(5);

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void everyChangeReachesEveryBoard() throws Exception {
    // Open board streams hold a graceful shutdown for its whole timeout (30 s): the console
    // completes them only when its beans are destroyed, after the web server's shutdown phase.
    ConsoleServer.Builder builder =
        ConsoleServer.builder().property("server.shutdown", "immediate");
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put(ConsoleServer.DEVICE_ID, ConsoleServer.DEVICE_TOKEN);
    for (int i = 1; i < APPLIANCES; i++) {
      String id = String.format(Locale.ROOT, "load-%02d", i);
      String token = "load-test-token-" + id + "-0123456789abcdefghij";
      builder.property("ambulink.console.devices[" + i + "].id", id);
      builder.property("ambulink.console.devices[" + i + "].token", token);
      tokens.put(id, token);
    }
    ExecutorService httpThreads = Executors.newCachedThreadPool(daemon("load-http"));
    ScheduledExecutorService ticks = Executors.newScheduledThreadPool(4, daemon("load-appliance"));
    List<Viewer> viewers = new ArrayList<>();
    try (ConsoleServer server = builder.start()) {
      try {
        run(server, tokens, viewers, ticks, httpThreads);
      } finally {
        // before the server closes
        ticks.shutdownNow();
        for (Viewer v : viewers) {
          v.close();
        }
      }
    } finally {
      ticks.shutdownNow();
      httpThreads.shutdownNow();
    }
  }

  private void run(
      ConsoleServer server,
      Map<String, String> tokens,
      List<Viewer> viewers,
      ScheduledExecutorService ticks,
      ExecutorService httpThreads)
      throws Exception {
    {
      URI base = URI.create(server.baseUrl());
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(httpThreads)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      Map<String, Changes> transports = new ConcurrentHashMap<>();
      List<Appliance> appliances = new ArrayList<>();
      tokens.forEach(
          (id, token) -> {
            Appliance a = new Appliance(id, token, base, http, VIEWERS);
            appliances.add(a);
            transports.put(a.changes.transportId, a.changes);
          });
      // one session per account (BCrypt logins are slow); every viewer its own stream
      List<String> sessions =
          List.of(
              login(http, base, ConsoleServer.PHYSICIAN), login(http, base, ConsoleServer.NURSE));
      for (int v = 0; v < VIEWERS; v++) {
        Viewer viewer = new Viewer(v, transports);
        viewers.add(viewer);
        viewer.open(http, base, sessions.get(v % sessions.size()));
      }
      for (Appliance a : appliances) {
        a.post(a.started());
      }
      for (int i = 0; i < appliances.size(); i++) {
        Appliance a = appliances.get(i);
        ticks.scheduleAtFixedRate(
            () -> a.post(a.tick()), 1000L * i / appliances.size(), 1000, TimeUnit.MILLISECONDS);
      }
      Thread.sleep(LOAD.toMillis());
      ticks.shutdown();
      assertThat(ticks.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      long deadline = System.nanoTime() + MISS_AFTER.toNanos();
      while (System.nanoTime() < deadline
          && !transports.values().stream().allMatch(Changes::allSeen)) {
        Thread.sleep(20);
      }

      List<Long> delays = new ArrayList<>();
      viewers.forEach(v -> delays.addAll(v.delays));
      long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
      long changes = appliances.stream().mapToLong(a -> a.changes.count()).sum();
      long missed = 0;
      for (Appliance a : appliances) {
        for (Viewer v : viewers) {
          missed += a.changes.unseen(v.index);
        }
      }
      long late = Arrays.stream(sorted).filter(d -> d > MISS_AFTER.toNanos()).count();
      System.out.printf(
          Locale.ROOT,
          "BoardLoadTest: %d appliances, %d viewers, %.0f s: %d changes, %d deliveries,"
              + " change -> visible p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d missed, %d later"
              + " than %d s%n",
          APPLIANCES,
          VIEWERS,
          LOAD.toMillis() / 1000.0,
          changes,
          sorted.length,
          percentile(sorted, 50) / 1e6,
          percentile(sorted, 99) / 1e6,
          sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
          missed,
          late,
          MISS_AFTER.toSeconds());

      assertThat(appliances.stream().flatMap(a -> a.failures.stream()).toList())
          .as("every batch answered 200 with every event accepted")
          .isEmpty();
      assertThat(viewers.stream().map(v -> v.error).filter(e -> e != null).toList())
          .as("every board stream stayed open")
          .isEmpty();
      assertThat(changes).isGreaterThanOrEqualTo((long) APPLIANCES * (LOAD.toSeconds() - 1));
      assertThat(missed).as("changes some board never showed").isZero();
      assertThat(late).as("changes a board showed only after %s", MISS_AFTER).isZero();
      assertThat(sorted.length).isEqualTo(changes * VIEWERS);
    }
  }

  /** Logs in like the login page; returns the Cookie header of the session. */
  private static String login(HttpClient http, URI base, String username) throws Exception {
    Map<String, String> jar = new LinkedHashMap<>();
    keep(
        http.send(
                HttpRequest.newBuilder(base.resolve("/login.html")).build(),
                HttpResponse.BodyHandlers.discarding())
            .headers(),
        jar);
    String form =
        "username="
            + username
            + "&password="
            + URLEncoder.encode(ConsoleServer.PASSWORD, StandardCharsets.UTF_8)
            + "&_csrf="
            + jar.get("XSRF-TOKEN");
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookies(jar))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    keep(r.headers(), jar);
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("error");
    assertThat(jar).containsKey("JSESSIONID");
    return cookies(jar);
  }

  private static void keep(HttpHeaders headers, Map<String, String> jar) {
    for (String c : headers.allValues("Set-Cookie")) {
      String[] pair = c.split(";", 2)[0].split("=", 2);
      if (pair.length == 2) {
        jar.put(pair[0].trim(), pair[1].trim());
      }
    }
  }

  private static String cookies(Map<String, String> jar) {
    List<String> pairs = new ArrayList<>();
    jar.forEach((k, v) -> pairs.add(k + "=" + v));
    return String.join("; ", pairs);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * One transport's changes (batches: every event of one has the same 'at', so a summary with
   * lastEventAt at or after it shows it) and how far each viewer has seen them.
   */
  static final class Changes {
    final String transportId;
    private final List<long[]> changes = new ArrayList<>(); // {at ms, post start ns, failed 0/1}
    private final int[] cursors;

    Changes(String transportId, int viewers) {
      this.transportId = transportId;
      this.cursors = new int[viewers];
    }

    synchronized long[] add(long at, long postNanos) {
      long[] c = {at, postNanos, 0};
      changes.add(c);
      return c;
    }

    synchronized void seen(int viewer, long lastEventAt, long arrival, List<Long> delays) {
      int i = cursors[viewer];
      while (i < changes.size() && changes.get(i)[0] <= lastEventAt) {
        delays.add(arrival - changes.get(i)[1]);
        i++;
      }
      cursors[viewer] = i;
    }

    synchronized long count() {
      return changes.size();
    }

    synchronized int unseen(int viewer) {
      return changes.size() - cursors[viewer];
    }

    synchronized boolean allSeen() {
      return Arrays.stream(cursors).allMatch(c -> c == changes.size());
    }
  }

  /** A simulated appliance: its transport, a batch per tick, posted and awaited. */
  final class Appliance {
    final String id;
    final Changes changes;
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final String token;
    private final URI events;
    private final HttpClient http;
    private int seq;
    private int tick;
    private long lastAt;

    Appliance(String id, String token, URI base, HttpClient http, int viewers) {
      this.id = id;
      this.token = token;
      this.events = base.resolve("/api/appliance/events");
      this.http = http;
      this.changes = new Changes("T-" + id, viewers);
    }

    List<Map<String, Object>> started() {
      nextAt();
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("step", "STARTED");
      t.put("destinationId", ConsoleServer.ED);
      t.put("unit", "M" + id);
      t.put("chiefComplaint", "chest pain");
      t.put("acuity", 2);
      Map<String, Object> e = event("transport");
      e.put("transport", t);
      return List.of(e, vitals());
    }

    List<Map<String, Object>> tick() {
      tick++;
      nextAt();
      List<Map<String, Object>> batch = new ArrayList<>(List.of(vitals()));
      if (tick % 10 == 0) {
        Map<String, Object> e = event("position");
        e.put(
            "position",
            Map.of(
                "latitude",
                48.2,
                "longitude",
                16.37,
                "etaSeconds",
                600 - tick,
                "distanceMetres",
                9000.0 - tick * 10));
        batch.add(e);
      }
      return batch;
    }

    void post(List<Map<String, Object>> batch) {
      long[] change = changes.add(lastAt, System.nanoTime());
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(events)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            json.writeValueAsString(
                                Map.of("applianceId", id, "backlog", 0, "events", batch))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200
            || json.readTree(r.body()).path("accepted").asInt() != batch.size()) {
          failures.add(r.statusCode() + " " + r.body());
          change[2] = 1;
        }
      } catch (Exception e) {
        failures.add(e.toString());
      }
    }

    private void nextAt() {
      lastAt = Math.max(System.currentTimeMillis(), lastAt + 1);
    }

    private Map<String, Object> event(String type) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("eventId", "load/" + ++seq + "/0");
      e.put("transportId", changes.transportId);
      e.put("type", type);
      e.put("at", Instant.ofEpochMilli(lastAt).toString());
      return e;
    }

    private Map<String, Object> vitals() {
      Map<String, Object> e = event("vitals");
      String at = (String) e.get("at");
      e.put(
          "vitals",
          List.of(
              vital("MDC_ECG_HEART_RATE", "HR", 80 + tick % 20, "/min", at),
              vital("MDC_PULS_OXIM_SAT_O2", "SpO2", 95 + tick % 4, "%", at),
              vital("MDC_PRESS_BLD_NONINV_SYS", "NIBP sys", 130 + tick % 10, "mm[Hg]", at),
              vital("MDC_PRESS_BLD_NONINV_DIA", "NIBP dia", 80 + tick % 5, "mm[Hg]", at),
              vital("MDC_RESP_RATE", "RR", 16 + tick % 3, "/min", at)));
      return e;
    }

    private static Map<String, Object> vital(
        String code, String label, int value, String unit, String at) {
      return Map.of(
          "code", code, "label", label, "value", String.valueOf(value), "unit", unit, "at", at);
    }
  }

  /** A board: reads /api/board/stream on a thread of its own. */
  final class Viewer implements Runnable {
    final int index;
    final List<Long> delays = new ArrayList<>();
    volatile String error;
    private final Map<String, Changes> transports;
    private final Thread thread;
    private volatile InputStream body;
    private volatile boolean closing;

    Viewer(int index, Map<String, Changes> transports) {
      this.index = index;
      this.transports = transports;
      this.thread = new Thread(this, "load-viewer-" + index);
      this.thread.setDaemon(true);
    }

    void open(HttpClient http, URI base, String cookies) throws Exception {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/board/stream"))
                  .header("Cookie", cookies)
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      body = r.body();
      thread.start();
    }

    void close() throws InterruptedException {
      closing = true;
      try {
        if (body != null) {
          body.close();
        }
      } catch (IOException e) {
        // closing anyway
      }
      thread.join(10_000);
    }

    @Override
    public void run() {
      StringBuilder data = new StringBuilder();
      String event = "";
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          long now = System.nanoTime();
          if (line.isEmpty()) {
            if (data.length() > 0) {
              JsonNode node = json.readTree(data.toString());
              if (event.equals("board")) {
                node.forEach(s -> summary(s, now));
              } else if (event.equals("transport")) {
                summary(node, now);
              }
            }
            data.setLength(0);
            event = "";
          } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          }
        }
        if (!closing) {
          error = "the console ended the stream";
        }
      } catch (IOException | RuntimeException e) {
        if (!closing) {
          error = e.toString();
        }
      }
    }

    private void summary(JsonNode s, long arrival) {
      Changes c = transports.get(s.path("id").asString(""));
      if (c != null && s.path("lastEventAt").isString()) {
        c.seen(
            index,
            Instant.parse(s.path("lastEventAt").stringValue()).toEpochMilli(),
            arrival,
            delays);
      }
    }
  }
}
