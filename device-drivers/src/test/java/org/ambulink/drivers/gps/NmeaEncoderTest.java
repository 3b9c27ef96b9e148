package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NmeaEncoderTest {

  @Test
  void writes_the_reference_sentences() {
    GpsFix fix =
        new GpsFix(
            Instant.parse("1994-03-23T12:35:19Z"),
            48 + 7.038 / 60,
            11 + 31.0 / 60,
            true,
            22.4 * 1852 / 3600,
            84.4,
            1,
            8,
            0.9,
            545.4);

    assertThat(NmeaEncoder.rmc(fix))
        .isEqualTo("$GPRMC,123519.00,A,4807.03800,N,01131.00000,E,22.400,84.40,230394,,,A*62");
    assertThat(NmeaEncoder.gga(fix))
        .isEqualTo("$GPGGA,123519.00,4807.03800,N,01131.00000,E,1,08,0.9,545.4,M,,M,,*7C");
    assertThat(NmeaEncoder.sentences(fix))
        .allSatisfy(s -> assertThat(NmeaParser.parse(s)).isPresent())
        .allSatisfy(s -> assertThat(s.length() + 2).isLessThanOrEqualTo(82));
  }

  @Test
  void round_trips_through_the_parser_anywhere_on_earth() {
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      Instant time =
          Instant.parse("1980-01-01T00:00:00Z")
              .plusMillis((long) (random.nextDouble() * 3_155_000_000_000L))
              .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              .plusMillis(random.nextInt(100) * 10L);
      double lat = random.nextDouble() * 180 - 90;
      double lon = random.nextDouble() * 360 - 180;
      GpsFix fix =
          new GpsFix(
              time,
              lat,
              lon,
              true,
              random.nextDouble() * 60,
              random.nextDouble() * 359.99,
              1 + random.nextInt(5),
              random.nextInt(30),
              Math.round(random.nextDouble() * 50) / 10.0,
              Math.round((random.nextDouble() * 9000 - 400) * 10) / 10.0);

      GpsTracker tracker = new GpsTracker();
      tracker.accept(NmeaEncoder.rmc("GN", fix));
      GpsFix back = tracker.accept(NmeaEncoder.gga("GN", fix)).orElseThrow();

      assertThat(back.time()).isEqualTo(fix.time());
      assertThat(back.latitude()).as("latitude").isCloseTo(lat, within(2e-7));
      assertThat(back.longitude()).as("longitude").isCloseTo(lon, within(2e-7));
      assertThat(back.valid()).isTrue();
      assertThat(back.speedMps()).isCloseTo(fix.speedMps(), within(1e-3));
      assertThat(back.courseDegrees()).isCloseTo(fix.courseDegrees(), within(0.005));
      assertThat(back.fixQuality()).isEqualTo(fix.fixQuality());
      assertThat(back.satellites()).isEqualTo(fix.satellites());
      assertThat(back.hdop()).isEqualTo(fix.hdop());
      assertThat(back.altitudeMetres()).isEqualTo(fix.altitudeMetres());
    }
  }

  @Test
  void minutes_that_round_to_sixty_carry_into_the_degree() {
    GpsFix fix =
        GpsFix.of(Instant.parse("2026-01-01T00:00:00Z"), 41.9999999999, -70.9999999999, 0.0, 0.0);

    assertThat(NmeaEncoder.rmc(fix)).contains(",4200.00000,N,07100.00000,W,");
  }

  @Test
  void a_fix_without_position_is_void_with_empty_fields() {
    GpsFix noFix =
        new GpsFix(
            Instant.parse("2026-01-01T10:00:00Z"),
            Double.NaN,
            Double.NaN,
            false,
            null,
            null,
            null,
            0,
            null,
            null);

    String rmc = NmeaEncoder.rmc(noFix);
    String gga = NmeaEncoder.gga(noFix);

    assertThat(rmc).startsWith("$GPRMC,100000.00,V,,,,,,,010126,,,N*");
    assertThat(gga).startsWith("$GPGGA,100000.00,,,,,0,00,,,M,,M,,*");
    NmeaSentence.Rmc parsed = (NmeaSentence.Rmc) NmeaParser.parse(rmc).orElseThrow();
    assertThat(parsed.valid()).isFalse();
    assertThat(((NmeaSentence.Gga) NmeaParser.parse(gga).orElseThrow()).quality()).isZero();
  }

  @Test
  void refuses_what_nmea_cannot_express() {
    GpsFix old = GpsFix.of(Instant.parse("1979-12-31T23:59:59Z"), 0, 0, null, null);
    assertThatThrownBy(() -> NmeaEncoder.rmc(old)).hasMessageContaining("year 1979");
    GpsFix fix = GpsFix.of(Instant.parse("2026-01-01T00:00:00Z"), 0, 0, null, null);
    assertThatThrownBy(() -> NmeaEncoder.rmc("G", fix)).hasMessageContaining("talker id 'G'");
  }
}
