package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtaEstimatorTest {
  private static final Instant T = Instant.parse("2026-03-14T14:00:00Z");
  private static final GeoPoint ED = new GeoPoint(42.33490, -71.07330);

  @Test
  void counts_down_along_the_demo_route_and_reaches_zero_at_the_ed() {
    RouteSimulator route = RouteSimulator.demo(T, 1);
    EtaEstimator estimator = new EtaEstimator(route.destination());
    List<Eta> everyHalfMinute = new ArrayList<>();
    Eta last = null;
    long seconds = route.duration().toSeconds();
    for (long t = 0; t <= seconds; t++) {
      last = estimator.update(route.fixAt(Duration.ofSeconds(t))).orElseThrow();
      if (t == 0) {
        assertThat(last.known()).as("no speed before the vehicle moved").isFalse();
        assertThat(last.remainingMetres()).isGreaterThan(3000);
      }
      if (t > 0 && t % 30 == 0) {
        everyHalfMinute.add(last);
      }
      if (t == 60) {
        // A straight line is shorter than the road, but the estimate must be in the right range.
        assertThat(last.timeToArrival().toSeconds())
            .isBetween((seconds - 60) / 2, (seconds - 60) * 3 / 2);
      }
    }

    assertThat(everyHalfMinute).hasSizeGreaterThan(5);
    for (int i = 1; i < everyHalfMinute.size(); i++) {
      assertThat(everyHalfMinute.get(i).timeToArrival())
          .as("ETA after %d s", (i + 1) * 30)
          .isLessThan(everyHalfMinute.get(i - 1).timeToArrival());
      assertThat(everyHalfMinute.get(i).remainingMetres())
          .isLessThan(everyHalfMinute.get(i - 1).remainingMetres());
    }
    assertThat(last.arrived()).isTrue();
    assertThat(last.timeToArrival()).isZero();
    assertThat(last.remainingMetres()).isLessThan(1);
    assertThat(last.arrivalTime()).contains(last.at());
    assertThat(last.stopped()).as("arrived is not reported as stopped").isFalse();
  }

  @Test
  void a_stop_at_a_red_light_holds_the_eta_instead_of_letting_it_climb() {
    EtaEstimator estimator = new EtaEstimator(ED);
    GeoPoint p = new GeoPoint(42.3000, -71.0600);
    // Two minutes at 15 m/s due north, towards the ED's latitude.
    Eta moving = null;
    for (int t = 0; t <= 120; t++) {
      p =
          t == 0
              ? p
              : Geo.interpolate(
                  p,
                  new GeoPoint(42.4, -71.06),
                  15 / Geo.distanceMetres(p, new GeoPoint(42.4, -71.06)));
      moving = estimator.update(fix(t, p, 15.0)).orElseThrow();
    }
    assertThat(moving.averageSpeedMps()).isCloseTo(15, within(1e-9));
    Duration beforeTheLight = moving.timeToArrival();
    assertThat(beforeTheLight.toSeconds())
        .isCloseTo((long) (moving.remainingMetres() / 15), within(1L));

    // 90 s standing at the light; the receiver reports 0.1-0.3 m/s of jitter.
    Eta standing = null;
    for (int t = 121; t <= 210; t++) {
      standing = estimator.update(fix(t, p, 0.1 + (t % 3) * 0.1)).orElseThrow();
      assertThat(standing.timeToArrival()).isEqualTo(beforeTheLight);
      assertThat(standing.stopped()).isTrue();
    }
    assertThat(standing.stoppedFor()).isEqualTo(Duration.ofSeconds(89));
    assertThat(standing.averageSpeedMps()).isCloseTo(15, within(1e-9));
    assertThat(standing.arrivalTime().orElseThrow())
        .as("the arrival time slips by the time spent standing")
        .isEqualTo(moving.arrivalTime().orElseThrow().plusSeconds(90));

    // Moving off again.
    Eta off = estimator.update(fix(211, p, 5.0)).orElseThrow();
    assertThat(off.stopped()).isFalse();
    assertThat(off.stoppedFor()).isZero();
    assertThat(off.averageSpeedMps()).isBetween(14.0, 15.0);
  }

  @Test
  void crawling_uses_the_floor_speed_and_a_lost_fix_keeps_the_last_estimate() {
    EtaEstimator estimator = new EtaEstimator(ED, Duration.ofSeconds(10), 3.0, 40);
    GeoPoint p = new GeoPoint(42.3000, -71.0600);
    Eta crawling = null;
    for (int t = 0; t <= 300; t++) {
      crawling = estimator.update(fix(t, p, 1.2)).orElseThrow();
    }
    assertThat(crawling.averageSpeedMps()).isCloseTo(1.2, within(1e-9));
    assertThat(crawling.timeToArrival().toSeconds())
        .isCloseTo((long) (crawling.remainingMetres() / 3.0), within(1L));

    GpsFix tunnel =
        new GpsFix(
            T.plusSeconds(301), p.latitude(), p.longitude(), false, null, null, 0, 0, null, null);
    assertThat(estimator.update(tunnel)).contains(crawling);
  }

  @Test
  void speed_is_derived_from_positions_when_the_receiver_gives_none() {
    EtaEstimator estimator = new EtaEstimator(ED);
    GeoPoint start = new GeoPoint(42.3000, -71.0600);
    GeoPoint north = new GeoPoint(42.4000, -71.0600);
    double total = Geo.distanceMetres(start, north);
    Eta eta = null;
    for (int t = 0; t <= 30; t++) {
      eta =
          estimator
              .update(fix(t, Geo.interpolate(start, north, 10.0 * t / total), null))
              .orElseThrow();
    }
    assertThat(eta.averageSpeedMps()).isCloseTo(10, within(0.01));

    assertThat(
            new EtaEstimator(ED)
                .update(new GpsFix(T, Double.NaN, Double.NaN, false, null, null, 0, 0, null, null)))
        .as("no estimate before the first valid fix")
        .isEmpty();
  }

  @Test
  void plain_estimate() {
    GpsFix fix = fix(0, new GeoPoint(42.3000, -71.0733), 10.0);
    double distance = Geo.distanceMetres(fix.position(), ED);

    Eta eta = Eta.estimate(fix, ED, 10, 3, 40);
    assertThat(eta.remainingMetres()).isEqualTo(distance);
    assertThat(eta.timeToArrival().toMillis()).isCloseTo(Math.round(distance * 100), within(1L));
    assertThat(Eta.estimate(fix, ED, 0.5, 3, 40).timeToArrival().toMillis())
        .isCloseTo(Math.round(distance / 3 * 1000), within(1L));
    assertThat(Eta.estimate(fix, ED, Double.NaN, 3, 40).known()).isFalse();
    assertThat(Eta.estimate(fix, ED, 10, 3, distance + 1).arrived()).isTrue();
  }

  private static GpsFix fix(int second, GeoPoint p, Double speed) {
    return new GpsFix(
        T.plusSeconds(second), p.latitude(), p.longitude(), true, speed, 0.0, 1, 9, 0.9, 10.0);
  }
}
