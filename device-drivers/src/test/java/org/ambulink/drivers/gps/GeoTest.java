package org.ambulink.drivers.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeoTest {

  /** Reference distances are WGS-84 geodesics (Vincenty), which the sphere must match to 0.5 %. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Paris - London,        48.8566,    2.3522,  51.5074,   -0.1278,   343923",
    "Boston - New York,     42.3601,  -71.0589,  40.7128,  -74.0060,   306490",
    "Boston - San Francisco, 42.3601, -71.0589,  37.7749, -122.4194,  4344297",
    "Sydney - Melbourne,   -33.8688,  151.2093, -37.8136,  144.9631,   713858",
  })
  void haversine_matches_known_distances_within_half_a_percent(
      String cities, double lat1, double lon1, double lat2, double lon2, double metres) {
    assertThat(Geo.distanceMetres(lat1, lon1, lat2, lon2))
        .isCloseTo(metres, within(metres * 0.005));
    assertThat(Geo.distanceMetres(lat2, lon2, lat1, lon1))
        .isCloseTo(metres, within(metres * 0.005));
  }

  @Test
  void small_and_degenerate_distances() {
    assertThat(Geo.distanceMetres(42.3, -71.0, 42.3, -71.0)).isZero();
    // One minute of latitude is about one nautical mile.
    assertThat(Geo.distanceMetres(42.0, -71.0, 42.0 + 1 / 60.0, -71.0))
        .isCloseTo(1853, within(2.0));
    // Across the antimeridian, not around the world.
    assertThat(Geo.distanceMetres(0, 179.9, 0, -179.9)).isCloseTo(22_239, within(5.0));
    // Antipodes: half the circumference.
    assertThat(Geo.distanceMetres(0, 0, 0, 180))
        .isCloseTo(Math.PI * Geo.EARTH_RADIUS_METRES, within(1.0));
  }

  @Test
  void bearing_and_interpolation() {
    GeoPoint a = new GeoPoint(42.0, -71.0);
    assertThat(Geo.initialBearingDegrees(a, new GeoPoint(43.0, -71.0))).isCloseTo(0, within(1e-9));
    assertThat(Geo.initialBearingDegrees(a, new GeoPoint(41.0, -71.0)))
        .isCloseTo(180, within(1e-9));
    assertThat(Geo.initialBearingDegrees(a, new GeoPoint(42.0, -70.9))).isCloseTo(90, within(0.1));
    assertThat(Geo.initialBearingDegrees(a, new GeoPoint(42.0, -71.1))).isCloseTo(270, within(0.1));

    GeoPoint b = new GeoPoint(42.3, -71.4);
    double whole = Geo.distanceMetres(a, b);
    GeoPoint third = Geo.interpolate(a, b, 1 / 3.0);
    assertThat(Geo.distanceMetres(a, third)).isCloseTo(whole / 3, within(1e-6));
    assertThat(Geo.distanceMetres(third, b)).isCloseTo(whole * 2 / 3, within(1e-6));
    assertThat(Geo.interpolate(a, b, 0)).isEqualTo(a);
    assertThat(Geo.interpolate(a, b, 1).latitude()).isCloseTo(42.3, within(1e-12));
  }
}
