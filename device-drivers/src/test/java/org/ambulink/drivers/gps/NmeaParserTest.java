package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ambulink.drivers.gps.NmeaException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NmeaParserTest {
  /** The RMC example of the NMEA 0183 references, with its published checksum. */
  static final String RMC = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";

  /** The GGA example of the same references. */
  static final String GGA = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";

  private static final double KNOT = 1852.0 / 3600.0;

  @Test
  void parses_the_reference_rmc() {
    NmeaSentence.Rmc rmc = (NmeaSentence.Rmc) NmeaParser.parse(RMC).orElseThrow();

    assertThat(rmc.talker()).isEqualTo("GP");
    assertThat(rmc.time()).isEqualTo(Instant.parse("1994-03-23T12:35:19Z"));
    assertThat(rmc.valid()).isTrue();
    assertThat(rmc.latitude()).isCloseTo(48 + 7.038 / 60, within(1e-9)); // 48.1173
    assertThat(rmc.longitude()).isCloseTo(11 + 31.0 / 60, within(1e-9)); // 11.516667
    assertThat(rmc.speedMps()).isCloseTo(22.4 * KNOT, within(1e-9)); // 11.5236 m/s
    assertThat(rmc.speedMps()).isCloseTo(11.5236, within(1e-4));
    assertThat(rmc.courseDegrees()).isEqualTo(84.4);
  }

  @Test
  void parses_the_reference_gga() {
    NmeaSentence.Gga gga = (NmeaSentence.Gga) NmeaParser.parse(GGA).orElseThrow();

    assertThat(gga.talker()).isEqualTo("GP");
    assertThat(gga.time()).isEqualTo(LocalTime.of(12, 35, 19));
    assertThat(gga.quality()).isEqualTo(1);
    assertThat(gga.latitude()).isCloseTo(48.1173, within(1e-9));
    assertThat(gga.longitude()).isCloseTo(11.5166667, within(1e-7));
    assertThat(gga.satellites()).isEqualTo(8);
    assertThat(gga.hdop()).isEqualTo(0.9);
    assertThat(gga.altitudeMetres()).isEqualTo(545.4);
  }

  @Test
  void west_and_south_are_negative() {
    // gpsd's documented example, published checksum 68: Vancouver, 19 November 1994.
    NmeaSentence.Rmc west =
        (NmeaSentence.Rmc)
            NmeaParser.parse("$GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E*68")
                .orElseThrow();
    assertThat(west.time()).isEqualTo(Instant.parse("1994-11-19T22:54:46Z"));
    assertThat(west.latitude()).isCloseTo(49.274167, within(1e-6));
    assertThat(west.longitude()).isCloseTo(-123.185333, within(1e-6));
    assertThat(west.speedMps()).isCloseTo(0.5 * KNOT, within(1e-9));

    // Sydney Opera House, 33°51.419' S 151°12.906' E.
    String south =
        NmeaEncoder.withChecksum(
            "GNGGA,081530.50,3351.41900,S,15112.90600,E,2,12,0.7,4.2,M,22.1,M,1.0,0131");
    NmeaSentence.Gga gga = (NmeaSentence.Gga) NmeaParser.parse(south).orElseThrow();
    assertThat(gga.latitude()).isCloseTo(-33.856983, within(1e-6));
    assertThat(gga.longitude()).isCloseTo(151.2151, within(1e-6));
    assertThat(gga.time()).isEqualTo(LocalTime.of(8, 15, 30, 500_000_000));
    assertThat(gga.quality()).isEqualTo(2);

    String southWest =
        NmeaEncoder.withChecksum("GPRMC,000001,A,3436.000,S,05822.500,W,1.0,10.0,010126,,,A");
    NmeaSentence.Rmc rmc = (NmeaSentence.Rmc) NmeaParser.parse(southWest).orElseThrow();
    assertThat(rmc.latitude()).isCloseTo(-34.6, within(1e-9));
    assertThat(rmc.longitude()).isCloseTo(-58.375, within(1e-9));
    assertThat(rmc.time()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GN", "GL", "GA", "GB", "BD"})
  void other_constellations_talkers_are_read(String talker) {
    String line = NmeaEncoder.withChecksum(talker + RMC.substring(3, RMC.indexOf('*')));

    NmeaSentence sentence = NmeaParser.parse(line).orElseThrow();

    assertThat(sentence.talker()).isEqualTo(talker);
    assertThat(((NmeaSentence.Rmc) sentence).latitude()).isCloseTo(48.1173, within(1e-9));
    String gga = NmeaEncoder.withChecksum(talker + GGA.substring(3, GGA.indexOf('*')));
    assertThat(NmeaParser.parse(gga)).get().isInstanceOf(NmeaSentence.Gga.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n", "\n", "\r", ""})
  void a_trailing_line_end_and_a_lower_case_checksum_are_fine(String end) {
    assertThat(NmeaParser.parse(RMC + end)).isPresent();
    assertThat(NmeaParser.parse(GGA + end)).isPresent();
    assertThat(NmeaParser.parse(RMC.replace("*6A", "*6a") + end)).isPresent();
  }

  @Test
  void a_receiver_without_a_fix_is_a_void_sentence_not_an_error() {
    NmeaSentence.Rmc rmc =
        (NmeaSentence.Rmc) NmeaParser.parse("$GPRMC,,V,,,,,,,,,,N*53").orElseThrow();
    assertThat(rmc.valid()).isFalse();
    assertThat(rmc.time()).isNull();
    assertThat(rmc.latitude()).isNaN();
    assertThat(rmc.speedMps()).isNull();

    NmeaSentence.Gga gga =
        (NmeaSentence.Gga) NmeaParser.parse("$GPGGA,,,,,,0,00,99.99,,,,,,*48").orElseThrow();
    assertThat(gga.quality()).isZero();
    assertThat(gga.time()).isNull();
    assertThat(gga.longitude()).isNaN();
    assertThat(gga.satellites()).isZero();

    // Status V with a stale position: parsed, and still not valid.
    String stale =
        NmeaEncoder.withChecksum(RMC.substring(1, RMC.indexOf('*')).replace(",A,", ",V,"));
    NmeaSentence.Rmc voided = (NmeaSentence.Rmc) NmeaParser.parse(stale).orElseThrow();
    assertThat(voided.valid()).isFalse();
    assertThat(voided.latitude()).isCloseTo(48.1173, within(1e-9));

    // NMEA 2.3 mode indicator N overrides status A.
    String modeN =
        NmeaEncoder.withChecksum("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,,,N");
    assertThat(((NmeaSentence.Rmc) NmeaParser.parse(modeN).orElseThrow()).valid()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74",
        "$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48",
        "$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39",
        "$PUBX,00,081350.00,4717.113210,N,00833.915187,E,546.589,G3,2.1,2.0,0.007,77.52,0.007,,0.92,1.19,0.77,9,0,0*5F",
        "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C"
      })
  void valid_sentences_of_other_types_are_ignored(String line) {
    String fixed = NmeaEncoder.withChecksum(line.substring(1, line.indexOf('*')));
    String sentence = line.charAt(0) + fixed.substring(1);
    assertThat(NmeaParser.parse(sentence)).isEmpty();
  }

  static Stream<Arguments> badSentences() {
    String rmcBody = RMC.substring(1, RMC.indexOf('*'));
    String ggaBody = GGA.substring(1, GGA.indexOf('*'));
    return Stream.of(
        bad(Reason.BAD_CHECKSUM, RMC.replace("*6A", "*6B"), "checksum *6B", "is 6A"),
        bad(Reason.BAD_CHECKSUM, RMC.replace("4807.038", "4807.039"), "checksum *6A", "is 6B"),
        bad(Reason.BAD_CHECKSUM, RMC.replace("*6A", "*G1"), "checksum 'G1' is not two hex"),
        bad(Reason.BAD_CHECKSUM, RMC.replace("*6A", "*6"), "checksum '6' is not two hex"),
        bad(Reason.BAD_CHECKSUM, RMC.replace("*6A", "*6A0"), "checksum '6A0'"),
        bad(Reason.MISSING_CHECKSUM, "$" + rmcBody, "has no checksum", "*hh"),
        bad(
            Reason.NOT_A_SENTENCE,
            "GPRMC,123519,A*12",
            "'GPRMC,123519,A*12' does not start with '$'"),
        bad(Reason.NOT_A_SENTENCE, "", "empty line"),
        bad(Reason.NOT_A_SENTENCE, "\r\n", "empty line"),
        bad(Reason.NOT_A_SENTENCE, null, "null"),
        bad(Reason.NOT_A_SENTENCE, "$GPRMC,12\u00e9519*00", "character 0xE9 at position 9"),
        bad(Reason.TOO_LONG, "$GPTXT," + "x".repeat(200) + "*00", "210 characters", "120"),
        bad(Reason.UNKNOWN_TYPE, sum("GPR1C,123519"), "address 'GPR1C'"),
        bad(Reason.UNKNOWN_TYPE, sum("XY,1,2"), "address 'XY'", "unknown sentence type"),
        bad(Reason.UNKNOWN_TYPE, sum(""), "address ''"),
        bad(Reason.UNKNOWN_TYPE, sum("gprmc,123519"), "address 'gprmc'"),
        bad(
            Reason.TRUNCATED,
            sum("GPRMC,123519,A,4807.038,N"),
            "GPRMC has 5 fields",
            "at least 12"),
        bad(
            Reason.TRUNCATED,
            sum("GNGGA,123519,4807.038,N,01131.000,E,1"),
            "GNGGA has 7 fields",
            "15"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("4807.038", "48O7.038")),
            "latitude '48O7.038' is not a number"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("4807.038", "9107.038")),
            "latitude '9107.038'",
            "beyond 90°"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("4807.038", "-4807.038")),
            "latitude '-4807.038'"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("4807.038", "4867.038")),
            "latitude '4867.038' has 67.038"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("4807.038,N", "4807.038,X")),
            "latitude hemisphere 'X'"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("01131.000", "18131.000")),
            "longitude '18131.000'",
            "beyond 180°"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("01131.000,E", "01131.000,")),
            "longitude hemisphere ''"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace("01131.000", "")), "longitude is empty"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("4807.038,N,01131.000,E", ",,,")),
            "position is empty"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace(",A,", ",X,")), "status 'X'"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace("123519", "12351")), "time '12351'"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("123519", "253519")),
            "time '253519' is not a time of day"),
        bad(
            Reason.BAD_FIELD,
            sum(rmcBody.replace("230394", "320394")),
            "date '320394' is not a calendar date"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace("230394", "")), "date '' is not ddmmyy"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace("022.4", "fast")), "speed over ground 'fast'"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace("022.4", "-2.4")), "speed over ground '-2.4'"),
        bad(Reason.BAD_FIELD, sum(rmcBody.replace("084.4", "384.4")), "course over ground '384.4'"),
        bad(Reason.BAD_FIELD, sum(ggaBody.replace(",1,08,", ",9,08,")), "fix quality '9'"),
        bad(Reason.BAD_FIELD, sum(ggaBody.replace(",1,08,", ",,08,")), "fix quality ''"),
        bad(Reason.BAD_FIELD, sum(ggaBody.replace(",08,", ",eight,")), "satellites in use 'eight'"),
        bad(Reason.BAD_FIELD, sum(ggaBody.replace(",0.9,", ",-0.9,")), "HDOP '-0.9'"),
        bad(Reason.BAD_FIELD, sum(ggaBody.replace("545.4", "5e2")), "altitude '5e2'"),
        bad(Reason.BAD_FIELD, sum(ggaBody.replace("545.4,M", "545.4,F")), "altitude unit 'F'"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badSentences")
  void bad_sentences_fail_naming_the_offending_value(
      Reason reason, String line, List<String> fragments) {
    Throwable thrown = catchThrowable(() -> NmeaParser.parse(line));

    assertThat(thrown).isInstanceOf(NmeaException.class);
    NmeaException e = (NmeaException) thrown;
    assertThat(e.getMessage()).contains(fragments);
    assertThat(e.reason()).isEqualTo(reason);
  }

  @Test
  void mangled_sentences_never_fail_with_anything_but_an_nmea_exception() {
    Random random = new Random(7);
    String alphabet = "0123456789.,*$ANSEWVMabc-\r\n\u00ff";
    List<String> seeds =
        List.of(RMC, GGA, "$GPRMC,,V,,,,,,,,,,N*53", "$GPGGA,,,,,,0,00,99.99,,,,,,*48");
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && b.length() > 1; e++) {
        int at = random.nextInt(b.length());
        switch (random.nextInt(3)) {
          case 0 -> b.deleteCharAt(at);
          case 1 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      // Half of them with a correct checksum, so the field checks are reached.
      String line = b.toString();
      int star = line.lastIndexOf('*');
      if (random.nextBoolean() && line.startsWith("$") && star > 0) {
        line = NmeaEncoder.withChecksum(line.substring(1, star));
      }
      String attempt = line;
      Throwable thrown = catchThrowable(() -> NmeaParser.parse(attempt));
      if (thrown == null) {
        parsed++;
      } else {
        assertThat(thrown).as(attempt).isInstanceOf(NmeaException.class);
        assertThat(thrown.getMessage()).as(attempt).isNotBlank();
      }
    }
    assertThat(parsed).as("some mutations are still valid").isPositive();
  }

  @Test
  void checksum_is_the_xor_between_dollar_and_star() {
    String body = RMC.substring(1, RMC.indexOf('*'));
    assertThat(NmeaParser.checksum(body, 0, body.length())).isEqualTo(0x6A);
    assertThat(NmeaEncoder.withChecksum(body)).isEqualTo(RMC);
    assertThatThrownBy(() -> NmeaParser.parse(RMC.replace("*6A", "*6a").replace("$", "")))
        .isInstanceOf(NmeaException.class);
    assertThat(NmeaParser.parse(RMC.replace("*6A", "*6a"))).isPresent();
  }

  private static String sum(String body) {
    return NmeaEncoder.withChecksum(body);
  }

  private static Arguments bad(Reason reason, String line, String... fragments) {
    return Arguments.of(reason, line, new ArrayList<>(List.of(fragments)));
  }
}
