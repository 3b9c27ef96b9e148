package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ambulink.testsupport.MainRunner;
import org.ambulink.testsupport.SocatPty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GpsSimulatorMainTest {
  private final MainRunner main = new MainRunner(GpsSimulatorMain::run);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "--baud 4800; --serial is missing",
        "--serial /dev/null --baud 12345; baud 12345 is not a standard rate",
        "--serial /dev/null --baud fast; --baud 'fast' is not a whole number",
        "--serial /dev/null --speed fast; --speed 'fast' is not a number",
        "--serial /dev/null --speed 0; --speed '0.0' is not within 0..1000",
        "--serial /dev/null --seconds -3; --seconds '-3' is negative",
        "--serial /dev/null --colour red; unknown option '--colour'",
        "--serial; --serial needs a value",
      })
  void bad_arguments_exit_with_2_naming_the_value_and_showing_the_usage(
      String args, String message) {
    assertThat(run(args.split(" "))).isEqualTo(2);
    assertThat(main.err()).startsWith("gps-simulator: ").contains(message).contains("Usage:");
    assertThat(main.out()).isEmpty();
  }

  @Test
  void help_prints_the_usage() {
    assertThat(run("--help")).isZero();
    assertThat(main.out()).contains("--serial PORT", "--baud", "--speed");
  }

  @Test
  void a_missing_port_exits_with_1(@TempDir Path dir) {
    String port = dir.resolve("nothing").toString();
    assertThat(run("--serial", port)).isEqualTo(1);
    assertThat(main.err()).contains(port, "not found");
  }

  @Test
  void sends_the_demo_route_to_a_serial_port(@TempDir Path dir) throws Exception {
    SocatPty.requireSocat();
    List<GpsFix> fixes = new CopyOnWriteArrayList<>();
    try (SocatPty pty = SocatPty.start(dir);
        SerialNmeaReader reader =
            new SerialNmeaReader(SerialNmeaReader.settings(pty.a(), 4800), fixes::add)) {
      reader.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!reader.health().connected() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }

      int status = run("--serial", pty.b(), "--speed", "100", "--seconds", "20", "--seed", "3");

      assertThat(status).as(main.err()).isZero();
      assertThat(main.out()).contains("demo route", pty.b(), "4800 8N1", "sent 20 fixes");
      while (fixes.size() < 40 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(fixes).hasSize(40);
      GpsFix first = fixes.get(0);
      assertThat(first.latitude())
          .isCloseTo(RouteSimulator.DEMO_ROUTE.get(0).latitude(), within(1e-6));
      assertThat(first.longitude())
          .isCloseTo(RouteSimulator.DEMO_ROUTE.get(0).longitude(), within(1e-6));
      assertThat(Duration.between(first.time(), fixes.get(39).time())).hasSeconds(19);
      assertThat(reader.health().rejectedCount()).isZero();
    }
  }

  private int run(String... args) {
    return main.run(args);
  }
}
