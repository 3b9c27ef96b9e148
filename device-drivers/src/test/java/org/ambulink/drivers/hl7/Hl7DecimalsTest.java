package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Exact decimal reading and writing of NM values and waveform samples. */
class Hl7DecimalsTest {
  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "+2", "97.5", "-0.0005", ".5", "5.", "-.25", "007"})
  void numbers(String s) {
    assertThat(Decimals.isNumber(s)).isTrue();
    assertThat(Decimals.parse(s))
        .isEqualByComparingTo(new BigDecimal(s.endsWith(".") ? s + "0" : s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", ".", "1e3", "1,5", "---", "1.2.3", " 1", "NaN", "١٢"})
  void not_numbers(String s) {
    assertThat(Decimals.isNumber(s)).isFalse();
  }

  @Test
  void parse_keeps_the_scale_as_sent() {
    assertThat(Decimals.parse("36.80").scale()).isEqualTo(2);
    assertThat(Decimals.parse("120").scale()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "-999, true",
    "-9999, true",
    "-99, true",
    "-999.0, true",
    "-999.00, true",
    "-9, false",
    "999, false",
    "-998, false",
    "-999.5, false",
    "-0.999, false",
    "-99.9, false"
  })
  void sentinels(String s, boolean sentinel) {
    assertThat(Decimals.isSentinel(s)).isEqualTo(sentinel);
  }

  @Test
  void a_column_uses_the_largest_scale_of_its_values() {
    Decimals.SampleColumn c = new Decimals.SampleColumn(2);
    String raw = "0.1^-2^ 0.0025 ^1.50^-0";
    int from = 0;
    for (String token : raw.split("\\^")) {
      assertThat(c.add(raw, from, from + token.length())).isEqualTo(Decimals.Token.OK);
      from += token.length() + 1;
    }

    int[] samples = new int[c.count()];
    assertThat(c.toSamples(samples)).isEqualTo(-1);

    assertThat(c.maxScale()).isEqualTo(4);
    assertThat(samples).containsExactly(1000, -20000, 25, 15000, 0);
  }

  @Test
  void a_column_reports_what_it_cannot_hold() {
    Decimals.SampleColumn c = new Decimals.SampleColumn(1);
    assertThat(c.add("", 0, 0)).isEqualTo(Decimals.Token.EMPTY);
    assertThat(c.add("1e3", 0, 3)).isEqualTo(Decimals.Token.NOT_A_NUMBER);
    assertThat(c.add("\\S\\", 0, 3)).isEqualTo(Decimals.Token.NOT_A_NUMBER);
    assertThat(c.add("1234567890123456789", 0, 19)).isEqualTo(Decimals.Token.TOO_LONG);
    assertThat(c.add("3000000000", 0, 10)).isEqualTo(Decimals.Token.OK);
    assertThat(c.toSamples(new int[1])).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "0, 3, 0",
    "1500, 3, 1.5",
    "-25, 4, -0.0025",
    "-2000, 3, -2",
    "7, 0, 7",
    "120, 1, 12",
    "5, -2, 500"
  })
  void writes_plain_decimals_without_trailing_zeros(long unscaled, int scale, String text) {
    StringBuilder b = new StringBuilder();
    Decimals.appendPlain(b, unscaled, scale);
    assertThat(b).hasToString(text);
  }

  @ParameterizedTest
  @CsvSource({
    "0.005, 0, 3, 0.015",
    "0.005, 0, -41, -0.205",
    "0.0005, 0, 2000, 1",
    "2.5, -1.5, 3, 6",
    "5E+1, 0.0005, -2, -99.9995",
    "0.001, 1024, -1024000, 0",
    "0.1, 0, 2147483647, 214748364.7",
    "12345678901234567890, 0, 2, 24691357802469135780"
  })
  void physical_values_are_exact(String scale, String offset, int sample, String expected) {
    StringBuilder b = new StringBuilder();
    new Decimals.PhysicalWriter(new BigDecimal(scale), new BigDecimal(offset)).append(b, sample);
    assertThat(b).hasToString(expected);
  }
}
