package org.ambulink.drivers.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.ambulink.drivers.transport.serial.SerialSettings.Parity;
import org.ambulink.drivers.transport.serial.SerialSettings.StopBits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SerialSettingsTest {

  @Test
  void defaults_match_the_documented_ones() {
    SerialSettings s = SerialSettings.of("/dev/ttyUSB0");

    assertThat(s.baud()).isEqualTo(115_200);
    assertThat(s.dataBits()).isEqualTo(8);
    assertThat(s.parity()).isEqualTo(Parity.NONE);
    assertThat(s.stopBits()).isEqualTo(StopBits.ONE);
    assertThat(s.reopenInitialDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.reopenMaxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.silenceWatchdog()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.maxFrameBytes()).isEqualTo(1 << 20);
    assertThat(s.lineSettings()).isEqualTo("115200 8N1");
  }

  @Test
  void parses_config_strings() {
    SerialSettings s =
        SerialSettings.parse(
            Map.of(
                "port-name", "/dev/ttyS1",
                "baud", "9600",
                "data-bits", "7",
                "parity", "even",
                "stop-bits", "1.5",
                "reopen-initial-delay", "250ms",
                "reopen-max-delay", "PT1M",
                "silence-watchdog", "3s",
                "max-frame-bytes", "65536",
                "max-in-flight-frames", "4"));

    assertThat(s)
        .isEqualTo(
            new SerialSettings(
                "/dev/ttyS1",
                9600,
                7,
                Parity.EVEN,
                StopBits.ONE_POINT_FIVE,
                Duration.ofMillis(250),
                Duration.ofMinutes(1),
                Duration.ofSeconds(3),
                65536,
                4));
    assertThat(s.lineSettings()).isEqualTo("9600 7E1.5");
  }

  @ParameterizedTest
  @CsvSource({
    "none, NONE",
    "N, NONE",
    "odd, ODD",
    "EVEN, EVEN",
    "e, EVEN",
    "Mark, MARK",
    "space, SPACE"
  })
  void parses_parity(String text, Parity expected) {
    assertThat(Parity.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "1, ONE",
    "1.5, ONE_POINT_FIVE",
    "2, TWO",
    " 2 , TWO",
    "one_point_five, ONE_POINT_FIVE"
  })
  void parses_stop_bits(String text, StopBits expected) {
    assertThat(StopBits.parse(text)).isEqualTo(expected);
  }

  static Stream<Arguments> invalid_settings() {
    return Stream.of(
        bad(b -> b.baud(12345), "baud 12345 is not a standard rate"),
        bad(b -> b.baud(0), "baud 0 is not a line speed"),
        bad(b -> b.baud(-9600), "baud -9600"),
        bad(b -> b.dataBits(9), "data-bits 9 is out of range"),
        bad(b -> b.dataBits(4), "data-bits 4"),
        bad(b -> b.portName(" "), "port-name is missing"),
        bad(b -> b.reopenInitialDelay(Duration.ZERO), "reopen-initial-delay PT0S"),
        bad(
            b -> b.reopenInitialDelay(Duration.ofSeconds(5)).reopenMaxDelay(Duration.ofSeconds(1)),
            "reopen-max-delay PT1S is shorter than reopen-initial-delay PT5S"),
        bad(b -> b.silenceWatchdog(Duration.ofSeconds(-1)), "silence-watchdog PT-1S"),
        bad(b -> b.maxFrameBytes(0), "max-frame-bytes 0"),
        bad(b -> b.maxInFlightFrames(0), "max-in-flight-frames 0"),
        bad(b -> b.set("parity", "evn"), "parity 'evn' is not known"),
        bad(b -> b.set("stop-bits", "3"), "stop-bits '3' is not known"),
        bad(b -> b.set("baud", "fast"), "baud 'fast' is not a whole number"),
        bad(
            b -> b.set("silence-watchdog", "10 sec"),
            "silence-watchdog '10 sec' is not a duration"),
        bad(b -> b.set("flow-control", "rts"), "serial setting 'flow-control' is not known"));
  }

  @ParameterizedTest
  @MethodSource
  void invalid_settings(UnaryOperator<SerialSettings.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(SerialSettings.builder("/dev/ttyUSB0")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void a_non_standard_rate_error_lists_the_allowed_ones() {
    assertThatThrownBy(() -> SerialSettings.builder("/dev/ttyUSB0").baud(12345).build())
        .hasMessageContaining("9600, 19200, 38400, 57600, 115200, 230400");
  }

  @Test
  void a_silence_watchdog_of_zero_turns_it_off() {
    assertThat(SerialSettings.builder("p").set("silence-watchdog", "0").build().silenceWatchdog())
        .isZero();
  }

  @Test
  void a_config_without_port_name_is_refused() {
    assertThatThrownBy(() -> SerialSettings.parse(Map.of("baud", "9600")))
        .hasMessageContaining("port-name is missing");
  }

  private static Arguments bad(UnaryOperator<SerialSettings.Builder> change, String message) {
    return Arguments.of(change, message);
  }
}
