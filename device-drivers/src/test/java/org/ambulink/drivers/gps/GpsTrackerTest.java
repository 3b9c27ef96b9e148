package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.ambulink.drivers.gps.NmeaException.Reason;
import org.junit.jupiter.api.Test;

class GpsTrackerTest {
  private static final Instant T = Instant.parse("2026-03-14T14:00:00Z");

  private final GpsTracker tracker =
      new GpsTracker(Clock.fixed(Instant.parse("2026-03-10T08:00:00Z"), ZoneOffset.UTC));

  @Test
  void merges_rmc_and_gga_of_the_same_second_into_one_fix() {
    GpsFix rmcOnly = tracker.accept(NmeaParserTest.RMC).orElseThrow();
    assertThat(rmcOnly.time()).isEqualTo(Instant.parse("1994-03-23T12:35:19Z"));
    assertThat(rmcOnly.speedMps()).isCloseTo(11.5236, within(1e-4));
    assertThat(rmcOnly.satellites()).isNull();
    assertThat(rmcOnly.fixQuality()).isNull();

    GpsFix merged = tracker.accept(NmeaParserTest.GGA).orElseThrow();

    assertThat(merged.time()).as("GGA dated by the RMC").isEqualTo(rmcOnly.time());
    assertThat(merged.latitude()).isCloseTo(48.1173, within(1e-9));
    assertThat(merged.longitude()).isCloseTo(11.5166667, within(1e-7));
    assertThat(merged.valid()).isTrue();
    assertThat(merged.speedMps()).isEqualTo(rmcOnly.speedMps());
    assertThat(merged.courseDegrees()).isEqualTo(84.4);
    assertThat(merged.fixQuality()).isEqualTo(1);
    assertThat(merged.satellites()).isEqualTo(8);
    assertThat(merged.hdop()).isEqualTo(0.9);
    assertThat(merged.altitudeMetres()).isEqualTo(545.4);
    assertThat(tracker.latest()).contains(merged);
    assertThat(tracker.acceptedCount()).isEqualTo(2);
  }

  @Test
  void the_next_second_starts_afresh() {
    GpsFix first = fix(T, 42.3, -71.05, 12.0);
    tracker.accept(NmeaEncoder.rmc(first));
    tracker.accept(NmeaEncoder.gga(first));

    GpsFix next = fix(T.plusSeconds(1), 42.3001, -71.05, 12.0);
    GpsFix ggaOnly = tracker.accept(NmeaEncoder.gga(next)).orElseThrow();

    assertThat(ggaOnly.time()).isEqualTo(T.plusSeconds(1));
    assertThat(ggaOnly.speedMps()).as("no RMC for this second yet").isNull();
    assertThat(ggaOnly.satellites()).isEqualTo(9);
  }

  @Test
  void gga_just_after_midnight_is_dated_the_next_day() {
    tracker.accept(NmeaEncoder.rmc(fix(Instant.parse("2026-03-14T23:59:59Z"), 42.3, -71.0, 3.0)));

    GpsFix afterMidnight =
        tracker
            .accept(NmeaEncoder.gga(fix(Instant.parse("2026-03-15T00:00:00Z"), 42.3, -71.0, 3.0)))
            .orElseThrow();

    assertThat(afterMidnight.time()).isEqualTo(Instant.parse("2026-03-15T00:00:00Z"));
  }

  @Test
  void gga_before_any_rmc_takes_the_date_from_the_clock() {
    GpsFix fix =
        tracker
            .accept("$GPGGA,075959,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*4D")
            .orElseThrow();

    assertThat(fix.time()).isEqualTo(Instant.parse("2026-03-10T07:59:59Z"));
    assertThat(fix.valid()).isTrue();
  }

  @Test
  void a_void_fix_is_reported_as_no_fix_and_the_last_valid_one_is_kept() {
    GpsFix good = fix(T, 42.3, -71.05, 12.0);
    tracker.accept(NmeaEncoder.rmc(good));

    String voided =
        NmeaEncoder.withChecksum("GPRMC,140001.00,V,4218.00000,N,07103.00000,W,,,140326,,,N");
    GpsFix lost = tracker.accept(voided).orElseThrow();

    assertThat(lost.valid()).isFalse();
    assertThat(tracker.latest()).contains(lost);
    assertThat(tracker.lastValid()).get().extracting(GpsFix::time).isEqualTo(T);

    GpsFix noPosition = tracker.accept("$GPGGA,,,,,,0,00,99.99,,,,,,*48").orElseThrow();
    assertThat(noPosition.valid()).isFalse();
    assertThat(noPosition.hasPosition()).isFalse();
    assertThat(noPosition.time())
        .as("appliance clock")
        .isEqualTo(Instant.parse("2026-03-10T08:00:00Z"));
    assertThat(tracker.lastValid()).get().extracting(GpsFix::time).isEqualTo(T);
  }

  @Test
  void gga_quality_zero_voids_the_second_even_with_a_valid_rmc() {
    GpsFix good = fix(T, 42.3, -71.05, 12.0);
    tracker.accept(NmeaEncoder.rmc(good));
    String noFixGga =
        NmeaEncoder.withChecksum("GPGGA,140000.00,4218.00000,N,07103.00000,W,0,03,9.9,,M,,M,,");

    assertThat(tracker.accept(noFixGga)).get().extracting(GpsFix::valid).isEqualTo(false);
  }

  @Test
  void counts_rejected_lines_by_reason_and_ignores_other_types() {
    tracker.accept(NmeaParserTest.RMC.replace("*6A", "*00"));
    tracker.accept(NmeaParserTest.RMC.replace("*6A", "*01"));
    tracker.accept("garbage");
    tracker.accept(NmeaEncoder.withChecksum("GPRMC,1"));
    tracker.accept("$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48");
    tracker.reject(Reason.TOO_LONG);

    assertThat(tracker.rejectedCount()).isEqualTo(5);
    assertThat(tracker.rejectedByReason())
        .containsOnly(
            entry(Reason.BAD_CHECKSUM, 2L),
            entry(Reason.NOT_A_SENTENCE, 1L),
            entry(Reason.TRUNCATED, 1L),
            entry(Reason.TOO_LONG, 1L));
    assertThat(tracker.ignoredCount()).isEqualTo(1);
    assertThat(tracker.acceptedCount()).isZero();
    assertThat(tracker.latest()).isEmpty();
  }

  static GpsFix fix(Instant time, double lat, double lon, double speed) {
    return new GpsFix(time, lat, lon, true, speed, 90.0, 1, 9, 0.8, 10.0);
  }
}
