package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HL7 DTM timestamps as devices send them. */
class Hl7TimeTest {
  @ParameterizedTest
  @CsvSource({
    "20240315143005-0500, 2024-03-15T19:30:05Z",
    "20240315143005.1+0100, 2024-03-15T13:30:05.100Z",
    "20240315143005.123+0000, 2024-03-15T14:30:05.123Z",
    "20240315143005.1234-0330, 2024-03-15T18:00:05.123400Z",
    "20240315143005.123456789+0000, 2024-03-15T14:30:05.123456789Z",
    "20240315143005, 2024-03-15T14:30:05Z",
    "202403151430, 2024-03-15T14:30:00Z",
    "2024031514, 2024-03-15T14:00:00Z",
    "20240315, 2024-03-15T00:00:00Z",
    "202403, 2024-03-01T00:00:00Z",
    "2024, 2024-01-01T00:00:00Z",
    "' 20240315143005 ', 2024-03-15T14:30:05Z",
  })
  void parses(String dtm, String expected) {
    assertThat(Hl7Time.parse(dtm, ZoneOffset.UTC)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2024x",
        "20241345120000",
        "20240230120000",
        "20240315250000",
        "20240315143005.",
        "202403151430.5",
        "20240315143005+25",
        "20240315143005+01:00",
        "2024-03-15T14:30:05Z",
        "20240315143005.1234567890",
        "203"
      })
  void refuses(String dtm) {
    assertThatThrownBy(() -> Hl7Time.parse(dtm, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "2024-03-15T14:30:05Z, 20240315143005.000+0000",
    "2024-03-15T14:30:05.007Z, 20240315143005.007+0000",
    "2024-03-15T14:30:05.1234Z, 20240315143005.1234+0000",
    "2024-03-15T14:30:05.12345678Z, 20240315143005.1234+0000",
    "1999-12-31T23:59:59.999Z, 19991231235959.999+0000",
  })
  void writes_utc_with_milliseconds(String instant, String dtm) {
    assertThat(Hl7Time.format(Instant.parse(instant))).isEqualTo(dtm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Vienna", "America/New_York", "Asia/Kolkata"})
  void times_without_offset_use_the_given_zone(String zone) {
    Instant t = Hl7Time.parse("20240715120000", ZoneId.of(zone));

    assertThat(t)
        .isEqualTo(
            java.time.LocalDateTime.of(2024, 7, 15, 12, 0).atZone(ZoneId.of(zone)).toInstant());
  }
}
