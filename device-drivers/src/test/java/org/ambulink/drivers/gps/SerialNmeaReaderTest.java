package org.ambulink.drivers.gps;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jssc.SerialPort;
import org.ambulink.drivers.gps.NmeaException.Reason;
import org.ambulink.drivers.testing.SocatPtyTest;
import org.ambulink.drivers.transport.serial.SerialHealth.State;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.ambulink.testsupport.SocatPty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The GPS reader over real pseudo-terminals, with socat as the cable and the simulator as GPS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialNmeaReaderTest extends SocatPtyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Instant START = Instant.parse("2026-03-14T14:00:00Z");

  private final List<GpsFix> fixes = new CopyOnWriteArrayList<>();
  private final RouteSimulator route = RouteSimulator.demo(START, 1);

  SerialNmeaReaderTest() {
    super("gps-nmea-reader", WAIT);
  }

  @Test
  void fixes_from_the_simulated_receiver_arrive_with_the_right_positions() throws Exception {
    SocatPty pty = socat();
    SerialNmeaReader reader = read(settings(pty.a()));
    await(() -> reader.health().state() == State.CONNECTED, "the port to open");

    long sent = simulate(pty.b(), 50, Duration.ofSeconds(40), sink -> sink).join();

    assertThat(sent).isEqualTo(40);
    await(() -> fixes.size() == 80, "an RMC and a GGA fix for each of 40 seconds");
    for (GpsFix fix : fixes) {
      GpsFix expected = route.fixAt(Duration.between(START, fix.time()));
      assertThat(fix.latitude()).isCloseTo(expected.latitude(), within(1e-6));
      assertThat(fix.longitude()).isCloseTo(expected.longitude(), within(1e-6));
      assertThat(fix.valid()).isTrue();
    }
    GpsFix last = fixes.get(fixes.size() - 1);
    assertThat(last.time()).isEqualTo(START.plusSeconds(39));
    GpsFix expected = route.fixAt(Duration.ofSeconds(39));
    assertThat(last.speedMps()).isCloseTo(expected.speedMps(), within(1e-3));
    assertThat(last.satellites()).isEqualTo(expected.satellites());
    assertThat(reader.lastValidFix()).contains(last);
    GpsHealth health = reader.health();
    assertThat(health.connected()).isTrue();
    assertThat(health.fixCount()).isEqualTo(80);
    assertThat(health.rejectedCount()).isZero();
    assertThat(health.lastFixAge()).isLessThan(WAIT);
    assertThat(health.reopenCount()).isZero();
  }

  @Test
  void garbage_and_bad_checksums_are_counted_and_skipped_while_fixes_keep_arriving()
      throws Exception {
    SocatPty pty = socat();
    SerialNmeaReader reader = read(settings(pty.a()));
    await(() -> reader.health().state() == State.CONNECTED, "the port to open");

    int seconds = 30;
    simulate(
            pty.b(),
            50,
            Duration.ofSeconds(seconds),
            writer ->
                sentence -> {
                  if (sentence.startsWith("$GPRMC")) {
                    writer.writeRaw(bytes("$GPGGA,1235")); // cut off, no line end
                  }
                  writer.send(sentence);
                  if (sentence.startsWith("$GPGGA")) {
                    writer.send("line noise, not NMEA");
                    int sum = Integer.parseInt(sentence.substring(sentence.length() - 2), 16);
                    writer.send(
                        sentence.substring(0, sentence.length() - 2)
                            + String.format("%02X", sum ^ 0x55));
                    writer.send("z".repeat(300)); // a lost line end
                    writer.writeRaw(new byte[] {0, (byte) 0xff, 0x7f, '\r', '\n'});
                  }
                })
        .join();

    await(() -> fixes.size() == 2 * seconds, "all good sentences");
    await(() -> reader.health().rejectedCount() == 5L * seconds, "all bad lines counted");
    assertThat(reader.health().rejectedByReason())
        .containsOnly(
            entry(Reason.MISSING_CHECKSUM, (long) seconds),
            entry(Reason.NOT_A_SENTENCE, 2L * seconds),
            entry(Reason.TOO_LONG, (long) seconds),
            entry(Reason.BAD_CHECKSUM, (long) seconds));
    assertThat(fixes.stream().map(GpsFix::time).distinct()).hasSize(seconds);
    assertThat(reader.health().state()).isEqualTo(State.CONNECTED);
  }

  @Test
  void cable_pulls_are_reported_and_fixes_resume_after_reopening() throws Exception {
    SocatPty pty = socat();
    SerialSettings settings =
        SerialSettings.builder(pty.a())
            .baud(4800)
            .reopenInitialDelay(Duration.ofMillis(100))
            .reopenMaxDelay(Duration.ofMillis(400))
            .build();
    SerialNmeaReader reader = read(settings);
    await(() -> reader.health().state() == State.CONNECTED, "the port to open");
    var simulator = simulate(pty.b(), 20, null, sink -> sink);
    await(() -> fixes.size() >= 4, "first fixes");
    List<String> threadsWhileUp = threads();
    assertThat(threadsWhileUp).hasSize(1);

    for (int cycle = 1; cycle <= 3; cycle++) {
      int n = cycle;
      pty.close(); // the cable is pulled
      await(() -> reader.health().state() == State.DISCONNECTED, "disconnected #" + n);
      assertThat(simulator.failure()).as("the simulator's end is gone too").isNotNull();
      GpsHealth down = reader.health();
      assertThat(down.connected()).isFalse();
      assertThat(down.lastError()).contains(pty.a()).containsAnyOf("unplugged", "not found");
      assertThat(down.lastFixAt()).isNotNull();

      pty = socat(); // the same link paths: the cable is back
      await(() -> reader.health().reopenCount() == n, "reopened #" + n);
      int before = fixes.size();
      simulator = simulate(pty.b(), 20, null, sink -> sink);
      await(() -> fixes.size() >= before + 4, "fixes after reconnect #" + n);
      assertThat(reader.health().state()).isEqualTo(State.CONNECTED);
      assertThat(threads()).isEqualTo(threadsWhileUp);
    }
    assertThat(reader.health().rejectedCount())
        .as("at most a line cut in half per pull")
        .isLessThanOrEqualTo(3);
  }

  @Test
  void waits_for_a_receiver_that_is_not_plugged_in_yet_and_reports_silence() throws Exception {
    SerialSettings settings =
        SerialSettings.builder(dir.resolve("a").toString())
            .baud(9600)
            .reopenInitialDelay(Duration.ofMillis(50))
            .reopenMaxDelay(Duration.ofMillis(200))
            .silenceWatchdog(Duration.ofMillis(300))
            .build();
    SerialNmeaReader reader = read(settings);

    await(() -> reader.health().lastError() != null, "the open to fail");
    assertThat(reader.health().state()).isEqualTo(State.DISCONNECTED);
    assertThat(reader.health().lastError()).contains(settings.portName(), "not found");
    assertThat(reader.health().lastFixAge()).isNull();

    socat();
    await(() -> reader.health().state() == State.SILENT, "the open port to fall silent");
    assertThat(reader.health().connected()).isTrue();
  }

  @Test
  void close_ends_the_thread_and_frees_the_port() throws Exception {
    SocatPty pty = socat();
    SerialNmeaReader reader = read(settings(pty.a()));
    await(() -> reader.health().state() == State.CONNECTED, "the port to open");
    assertThat(threads()).containsExactly(SerialNmeaReader.threadName(pty.a()));

    reader.close();
    reader.close(); // idempotent

    assertThat(threads()).isEmpty();
    assertThat(reader.health().state()).isEqualTo(State.DISCONNECTED);
    SerialPort again = new SerialPort(pty.a());
    assertThat(again.openPort()).as("the port is free again").isTrue();
    again.closePort();
    assertThatThrownBy(reader::start).isInstanceOf(IllegalStateException.class);
  }

  // --- helpers ---

  /** A simulator run on its own thread; {@link #join} waits for it. */
  private final class Run implements AutoCloseable {
    final GpsSimulator simulator;
    final Thread thread;
    final AtomicReference<Object> result = new AtomicReference<>();

    Run(GpsSimulator simulator, SerialNmeaWriter writer, Duration duration) {
      this.simulator = simulator;
      this.thread =
          new Thread(
              () -> {
                try (writer) {
                  result.set(simulator.run(duration));
                } catch (Exception e) {
                  result.set(e);
                }
              },
              "gps-simulator-test");
      thread.start();
    }

    long join() throws InterruptedException {
      thread.join(WAIT.toMillis());
      assertThat(thread.isAlive()).as("simulator finished").isFalse();
      assertThat(result.get()).isInstanceOf(Long.class);
      return (Long) result.get();
    }

    Exception failure() throws InterruptedException {
      thread.join(WAIT.toMillis());
      return result.get() instanceof Exception e ? e : null;
    }

    @Override
    public void close() throws InterruptedException {
      simulator.stop();
      thread.join(WAIT.toMillis());
    }
  }

  @FunctionalInterface
  private interface Decorator {
    NmeaSink wrap(SerialNmeaWriter writer);
  }

  private Run simulate(String port, double speed, Duration duration, Decorator decorator)
      throws IOException {
    SerialNmeaWriter writer = SerialNmeaWriter.open(settings(port));
    GpsSimulator simulator = new GpsSimulator(route, decorator.wrap(writer), speed);
    Run run = new Run(simulator, writer, duration);
    resources.add(run);
    return run;
  }

  private static SerialSettings settings(String port) {
    return SerialNmeaReader.settings(port, 4800);
  }

  private SerialNmeaReader read(SerialSettings settings) {
    SerialNmeaReader reader = new SerialNmeaReader(settings, fixes::add);
    resources.add(reader);
    reader.start();
    return reader;
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(US_ASCII);
  }
}
