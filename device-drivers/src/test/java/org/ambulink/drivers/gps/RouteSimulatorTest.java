package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteSimulatorTest {
  private final RouteSimulator route = RouteSimulator.demo(RouteSimulator.DEFAULT_START, 1);

  @Test
  void drives_the_demo_route_from_the_first_waypoint_to_the_ed_and_parks() {
    List<GpsFix> fixes = route.fixes().toList();

    assertThat(route.lengthMetres()).isBetween(4000.0, 6000.0);
    assertThat(fixes).hasSize((int) route.duration().toSeconds() + 1);
    assertThat(route.duration()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(10));
    GpsFix first = fixes.get(0);
    assertThat(first.time()).isEqualTo(RouteSimulator.DEFAULT_START);
    assertThat(Geo.distanceMetres(first.position(), RouteSimulator.DEMO_ROUTE.get(0)))
        .isLessThan(0.01);
    assertThat(first.speedMps()).isZero();
    GpsFix last = fixes.get(fixes.size() - 1);
    assertThat(Geo.distanceMetres(last.position(), route.destination())).isLessThan(0.01);
    assertThat(last.speedMps()).isZero();
    GpsFix later = route.fixAt(route.duration().plusMinutes(5));
    assertThat(later.position()).isEqualTo(last.position());
    assertThat(later.time()).isEqualTo(last.time().plus(Duration.ofMinutes(5)));
    assertThat(fixes).allSatisfy(f -> assertThat(f.valid()).isTrue());
  }

  @Test
  void speeds_stay_within_the_profile_and_match_the_distance_covered() {
    List<GpsFix> fixes = route.fixes().toList();

    assertThat(fixes).allSatisfy(f -> assertThat(f.speedMps()).isBetween(0.0, 20.0));
    assertThat(fixes.stream().mapToDouble(GpsFix::speedMps).max().orElseThrow()).isGreaterThan(13);
    double driven = 0;
    for (int i = 1; i < fixes.size(); i++) {
      double step = Geo.distanceMetres(fixes.get(i - 1).position(), fixes.get(i).position());
      double meanSpeed = (fixes.get(i - 1).speedMps() + fixes.get(i).speedMps()) / 2;
      assertThat(step).as("second %d", i).isCloseTo(meanSpeed, within(1.5));
      driven += step;
    }
    // Corners cut between one-second samples make the sum of chords a little shorter.
    assertThat(driven).isCloseTo(route.lengthMetres(), within(route.lengthMetres() * 0.01));
  }

  @Test
  void slows_down_at_every_waypoint() {
    List<GeoPoint> waypoints = route.waypoints();
    for (int w = 1; w < waypoints.size() - 1; w++) {
      GeoPoint waypoint = waypoints.get(w);
      GpsFix nearest = null;
      double best = Double.MAX_VALUE;
      for (long tenths = 0; tenths <= route.duration().toMillis() / 100; tenths++) {
        GpsFix fix = route.fixAt(Duration.ofMillis(tenths * 100));
        double d = Geo.distanceMetres(fix.position(), waypoint);
        if (d < best) {
          best = d;
          nearest = fix;
        }
      }
      assertThat(best).as("passes waypoint %d", w).isLessThan(2);
      assertThat(nearest.speedMps()).as("speed at waypoint %d", w).isLessThanOrEqualTo(12.0);
    }
  }

  @Test
  void is_deterministic_for_a_seed() {
    RouteSimulator again = RouteSimulator.demo(RouteSimulator.DEFAULT_START, 1);
    RouteSimulator other = RouteSimulator.demo(RouteSimulator.DEFAULT_START, 2);

    assertThat(again.fixes().toList()).isEqualTo(route.fixes().toList());
    assertThat(again.fixAt(Duration.ofMillis(61_500)))
        .isEqualTo(route.fixAt(Duration.ofMillis(61_500)));
    assertThat(other.duration()).isNotEqualTo(route.duration());
  }

  @Test
  void custom_routes_and_their_validation() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    RouteSimulator straight =
        RouteSimulator.builder(List.of(new GeoPoint(-33.86, 151.20), new GeoPoint(-33.87, 151.20)))
            .start(start)
            .cruiseSpeed(10, 10)
            .build();
    GpsFix middle = straight.fixAt(straight.duration().dividedBy(2));
    assertThat(middle.courseDegrees()).isCloseTo(180, within(0.01));
    assertThat(middle.latitude()).isBetween(-33.87, -33.86);

    assertThatThrownBy(() -> RouteSimulator.builder(List.of(new GeoPoint(0, 0))))
        .hasMessageContaining("at least two waypoints, got 1");
    assertThatThrownBy(
            () -> RouteSimulator.builder(List.of(new GeoPoint(1, 1), new GeoPoint(1, 1))).build())
        .hasMessageContaining("shorter than 1 m");
    assertThatThrownBy(() -> RouteSimulator.builder(RouteSimulator.DEMO_ROUTE).cruiseSpeed(20, 13))
        .hasMessageContaining("20.0-13.0");
    assertThatThrownBy(() -> route.fixAt(Duration.ofSeconds(-1)))
        .hasMessageContaining("before the start");
  }
}
