package org.ambulink.appliance.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ambulink.appliance.ApplianceApplication;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is ever lost: the appliance runs as its own process, a simulated monitor
 * streams real 12-lead ECG to it over MLLP as fast as it acknowledges, and the process is killed
 * with SIGKILL at a random moment, several rounds in a row. After each restart the monitor resends
 * what was not acknowledged (as a real monitor does), and the transport started before the first
 * kill must resume. At the end the journal must open cleanly, every record must pass its integrity
 * check, and every acknowledged message must be in it exactly once, sample for sample.
 */
class CrashSafetyTest {
  private static final int ROUNDS = 5;
  private static final int MESSAGES = 2000;
  private static final int WINDOW = 16;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Path dir = TempDirs.create("crash-safety");

  @AfterEach
  void stopEverything() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("appliance pid %d stopped", p.pid()).isTrue();
    }
    TempDirs.deleteTree(dir);
  }

  @Test
  void everyAcknowledgedMessageSurvivesRepeatedKillNineExactlyOnce() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("CrashSafetyTest seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
            .outputRate(500)
            .chunk(Duration.ofMillis(250))
            .start(Instant.parse("2026-12-02T08:00:00Z"))
            .build();
    Hl7Encoder encoder = new Hl7Encoder();
    List<MonitorMessage> messages = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      MonitorMessage m = sim.next();
      messages.add(m);
      frames.add(encoder.encodeObservationReport(m).getBytes(StandardCharsets.UTF_8));
    }

    Set<String> acked = new HashSet<>();
    int next = 0; // first message not yet acknowledged
    String transportId = null;
    int kills = 0;
    for (int round = 0; round <= ROUNDS && next < MESSAGES; round++) {
      boolean last = round == ROUNDS;
      Appliance app = start();
      if (transportId == null) {
        String body =
            app.post(
                "/api/transports", "{\"destinationId\":\"city-general\",\"crew\":[\"Medic 12\"]}");
        transportId = field(body, "id");
      } else {
        String current = app.get("/api/transports/current");
        assertThat(field(current, "id"))
            .as("transport resumed after kill -9")
            .isEqualTo(transportId);
        assertThat(field(current, "state")).isEqualTo("EN_ROUTE");
      }
      ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
      // at a random moment after the round's first ACK, i.e. while the journal is committing
      long killAfterMs = random.nextInt(1000);
      Runnable onFirstAck =
          last
              ? () -> {}
              : () ->
                  killer.schedule(
                      () -> app.process.destroyForcibly(), killAfterMs, TimeUnit.MILLISECONDS);
      long sendStart = System.nanoTime();
      int before = next;
      try {
        next = send(app.mllpPort, frames, messages, next, acked, onFirstAck);
      } finally {
        killer.shutdownNow();
      }
      if (!last) {
        assertThat(app.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(app.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        kills++;
      } else {
        app.process.destroy(); // an orderly stop at the end
        assertThat(app.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      System.out.printf(
          "round %d: %s, %d acknowledged in %.1f s, %d so far%n",
          round,
          last ? "orderly stop" : "killed " + killAfterMs + " ms after the first ACK",
          next - before,
          (System.nanoTime() - sendStart) / 1e9,
          acked.size());
    }
    assertThat(kills).isEqualTo(ROUNDS);
    assertThat(acked).as("the last round sends the rest").hasSize(MESSAGES);

    // the journal opens cleanly, every record authenticates, every message is there once
    Path keyFile = dir.resolve("journal/journal.key");
    try (Journal journal =
        Journal.open(
            Journal.Settings.of(
                dir.resolve("journal/journal.db"), JournalKey.fromFile(keyFile, false)))) {
      assertThat(journal.verify()).isEmpty();
      Map<String, Integer> seen = new HashMap<>();
      Map<String, WaveformSegment> journaled = new HashMap<>();
      for (String stream : List.of(transportId, Journal.STANDBY)) {
        long from = 1;
        while (true) {
          Journal.Page page = journal.read(stream, from, 500);
          assertThat(page.damaged()).isEmpty();
          if (page.chunks().isEmpty()) {
            break;
          }
          for (Journaled c : page.chunks()) {
            for (Journaled.Item item : c.items()) {
              if (item.entry() instanceof JournalEntry.Waveform w) {
                String key = key(w.value());
                seen.merge(key, 1, Integer::sum);
                journaled.put(key, w.value());
              }
            }
          }
          from = page.nextSeq();
        }
      }
      for (MonitorMessage m : messages) {
        for (WaveformSegment w : m.waveforms()) {
          assertThat(seen.get(key(w)))
              .as("message %s lead %s journaled exactly once", m.controlId(), w.lead().refId())
              .isEqualTo(1);
          assertThat(millivolts(journaled.get(key(w)))).isEqualTo(millivolts(w));
        }
      }
      assertThat(seen.values()).allMatch(n -> n == 1);
      assertThat(journal.streams()).extracting(Journal.StreamInfo::stream).contains(transportId);
    }
  }

  /** The samples in mV, scale-independent (intake may pick another scale than the monitor). */
  private static List<String> millivolts(WaveformSegment w) {
    List<String> out = new ArrayList<>(w.sampleCount());
    for (int i = 0; i < w.sampleCount(); i++) {
      out.add(w.physical(i).stripTrailingZeros().toPlainString());
    }
    return out;
  }

  private static String key(WaveformSegment w) {
    return w.lead().code() + "@" + w.startTime();
  }

  /**
   * Sends messages from {@code from} on, keeping a window in flight, until all are acknowledged or
   * the appliance goes away; returns the first message not acknowledged.
   */
  private static int send(
      int port,
      List<byte[]> frames,
      List<MonitorMessage> messages,
      int from,
      Set<String> acked,
      Runnable onFirstAck)
      throws Exception {
    int next = from;
    try (MllpTcpClient client = MllpTcpClient.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
      int sent = from;
      while (next < frames.size()) {
        while (sent < frames.size() && sent - next < WINDOW) {
          client.sendAsync(frames.get(sent++));
        }
        AckResult ack =
            Hl7Acks.parse(
                new String(client.awaitReply(Duration.ofSeconds(10)), StandardCharsets.UTF_8));
        assertThat(ack.code())
            .as("ACK of %s: %s", ack.controlId(), ack.text())
            .isEqualTo(AckCode.AA);
        assertThat(ack.controlId()).isEqualTo(messages.get(next).controlId());
        acked.add(ack.controlId());
        if (next++ == from) {
          onFirstAck.run();
        }
      }
    } catch (IOException gone) {
      // the appliance was killed: what was not acknowledged is resent after the restart
    }
    return next;
  }

  private record Appliance(Process process, int httpPort, int mllpPort, HttpClient http) {
    String get(String path) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
      return r.body();
    }

    String post(String path, String json) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(201);
      return r.body();
    }
  }

  /** Starts the appliance as a separate JVM on free ports and waits until it answers. */
  private Appliance start() throws Exception {
    int httpPort = freePort();
    int mllpPort = freePort();
    Path log = Files.createTempFile(dir, "appliance-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                ApplianceApplication.class.getName(),
                "--server.port=" + httpPort,
                "--server.address=127.0.0.1",
                "--ambulink.intake.mllp.port=" + mllpPort,
                "--ambulink.intake.mllp.bind-address=127.0.0.1",
                "--ambulink.journal.directory=" + dir.resolve("journal"),
                "--ambulink.journal.generate-key=true",
                "--spring.main.banner-mode=off")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(p);
    Appliance app = new Appliance(p, httpPort, mllpPort, http);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new AssertionError("the appliance exited at start:\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/journal"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          assertThat(r.body())
              .as("journal health after restart; appliance log:%n%s", Files.readString(log))
              .doesNotContain("damaged");
          return app;
        }
      } catch (IOException notYet) {
        // still starting
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the appliance did not start in time:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    assertThat(m.find()).as("field %s in %s", name, json).isTrue();
    return m.group(1);
  }
}
