package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatorOptionsTest {

  @Test
  void defaults_replay_the_bundled_ptb_record_in_real_time() throws Exception {
    SimulatorOptions o = SimulatorOptions.parse("--tcp", "localhost:2575");

    assertThat(o.record()).isEqualTo("ecg/s0010_re");
    assertThat(o.rate()).isEqualTo(500.0);
    assertThat(o.chunk()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.speed()).isEqualTo(1.0);
    assertThat(o.duration()).isNull();
    assertThat(o.link()).isEqualTo(new SimulatorOptions.Tcp("localhost", 2575));
    assertThat(o.deviceId()).isEqualTo("0123456789ABCDEF");
    assertThat(o.ackTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.nibpInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.demo()).isFalse();
    assertThat(o.help()).isFalse();
  }

  @Test
  void reads_every_option() throws Exception {
    SimulatorOptions o =
        SimulatorOptions.parse(
            "--record",
            "/data/100.hea",
            "--rate",
            "360",
            "--chunk-ms",
            "100",
            "--speed",
            "0",
            "--duration",
            "2.5",
            "--serial",
            "/dev/ttyUSB0",
            "--baud",
            "9600",
            "--data-bits",
            "7",
            "--parity",
            "even",
            "--stop-bits",
            "2",
            "--device-id",
            "00a0b0c0d0e0f001",
            "--ack-timeout-ms",
            "1500",
            "--seed",
            "-7",
            "--nibp-minutes",
            "15",
            "--demo");

    assertThat(o.record()).isEqualTo("/data/100.hea");
    assertThat(o.rate()).isEqualTo(360.0);
    assertThat(o.chunk()).isEqualTo(Duration.ofMillis(100));
    assertThat(o.speed()).isZero();
    assertThat(o.duration()).isEqualTo(Duration.ofMillis(2500));
    SerialSettings s = ((SimulatorOptions.Serial) o.link()).settings();
    assertThat(s.portName()).isEqualTo("/dev/ttyUSB0");
    assertThat(s.lineSettings()).isEqualTo("9600 7E2");
    assertThat(o.deviceId()).isEqualTo("00a0b0c0d0e0f001");
    assertThat(o.ackTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.seed()).isEqualTo(-7);
    assertThat(o.nibpInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(o.demo()).isTrue();
  }

  @Test
  void reads_an_ipv6_listener() throws Exception {
    assertThat(SimulatorOptions.parse("--tcp", "[::1]:2575").link())
        .isEqualTo(new SimulatorOptions.Tcp("::1", 2575));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "--tcp localhost:2575 --rate abc; --rate 'abc' is not a number",
        "--tcp localhost:2575 --rate -5; --rate '-5' must be above 0",
        "--tcp localhost:2575 --chunk-ms 0; --chunk-ms '0' must be from 1",
        "--tcp localhost:2575 --chunk-ms 1.5; --chunk-ms '1.5' is not a whole number",
        "--tcp localhost:2575 --speed -1; --speed '-1' must be 0",
        "--tcp localhost:2575 --duration 0; --duration '0' must be above 0",
        "--tcp localhost; --tcp 'localhost' is not host:port",
        "--tcp localhost:99999; --tcp 'localhost:99999' needs a host and a port from 1 to 65535",
        "--tcp :2575; --tcp ':2575' is not host:port",
        "--tcp a:1 --serial /dev/ttyS0; --tcp 'a:1' and --serial '/dev/ttyS0' both given",
        "--rate 500; no link given",
        "--tcp a:1 --baud 9600; --baud '9600' needs --serial",
        "--serial /dev/ttyS0 --baud 12345; baud 12345 is not a standard rate",
        "--serial /dev/ttyS0 --parity sometimes; parity 'sometimes' is not known",
        "--tcp a:1 --device-id 12-34; --device-id '12-34' is not an EUI-64",
        "--tcp a:1 --ack-timeout-ms soon; --ack-timeout-ms 'soon' is not a whole number",
        "--tcp a:1 --frobnicate; unknown option '--frobnicate'",
        "--tcp a:1 stray; unknown option 'stray' (options start with --)",
        "--tcp a:1 --rate; --rate needs a value",
        "--tcp a:1 --rate --speed 1; --rate needs a value",
        "--tcp a:1 --tcp b:2; --tcp is given twice",
      })
  void bad_arguments_fail_naming_option_and_value(String args, String message) {
    assertThatThrownBy(() -> SimulatorOptions.parse(args.split(" ")))
        .isInstanceOf(SimulatorOptions.UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void help_needs_no_link() throws Exception {
    assertThat(SimulatorOptions.parse("--help").help()).isTrue();
    assertThat(SimulatorOptions.USAGE).contains("--tcp <host:port>").contains("--serial <port>");
  }
}
