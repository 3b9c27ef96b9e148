package org.ambulink.drivers.gps;

/**
 * Great-circle geometry on a spherical Earth: distances for the ETA and the simulated route. The
 * sphere's error against the WGS-84 ellipsoid is below 0.5 %, far less than the difference between
 * a straight line and the road.
 */
public final class Geo {
  /** Mean Earth radius (IUGG), in metres. */
  public static final double EARTH_RADIUS_METRES = 6_371_008.8;

  private Geo() {}

  /** Haversine distance in metres between two positions given in degrees. */
  public static double distanceMetres(double lat1, double lon1, double lat2, double lon2) {
    double phi1 = Math.toRadians(lat1);
    double phi2 = Math.toRadians(lat2);
    double dPhi = phi2 - phi1;
    double dLambda = Math.toRadians(lon2 - lon1);
    double h = sq(Math.sin(dPhi / 2)) + Math.cos(phi1) * Math.cos(phi2) * sq(Math.sin(dLambda / 2));
    return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** Haversine distance in metres. */
  public static double distanceMetres(GeoPoint a, GeoPoint b) {
    return distanceMetres(a.latitude(), a.longitude(), b.latitude(), b.longitude());
  }

  /** Initial bearing from {@code from} towards {@code to}, degrees true in [0, 360). */
  public static double initialBearingDegrees(GeoPoint from, GeoPoint to) {
    double phi1 = Math.toRadians(from.latitude());
    double phi2 = Math.toRadians(to.latitude());
    double dLambda = Math.toRadians(to.longitude() - from.longitude());
    double y = Math.sin(dLambda) * Math.cos(phi2);
    double x =
        Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLambda);
    double bearing = Math.toDegrees(Math.atan2(y, x));
    return (bearing + 360) % 360;
  }

  /**
   * The point a {@code fraction} (0 to 1) of the way from {@code a} to {@code b} along the great
   * circle, so its {@link #distanceMetres} from {@code a} is that fraction of the whole.
   */
  public static GeoPoint interpolate(GeoPoint a, GeoPoint b, double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction " + fraction + " is not within 0..1");
    }
    double delta = distanceMetres(a, b) / EARTH_RADIUS_METRES;
    if (delta < 1e-12) {
      return a;
    }
    double phi1 = Math.toRadians(a.latitude());
    double lambda1 = Math.toRadians(a.longitude());
    double phi2 = Math.toRadians(b.latitude());
    double lambda2 = Math.toRadians(b.longitude());
    double wa = Math.sin((1 - fraction) * delta) / Math.sin(delta);
    double wb = Math.sin(fraction * delta) / Math.sin(delta);
    double x = wa * Math.cos(phi1) * Math.cos(lambda1) + wb * Math.cos(phi2) * Math.cos(lambda2);
    double y = wa * Math.cos(phi1) * Math.sin(lambda1) + wb * Math.cos(phi2) * Math.sin(lambda2);
    double z = wa * Math.sin(phi1) + wb * Math.sin(phi2);
    double lat = Math.toDegrees(Math.atan2(z, Math.sqrt(x * x + y * y)));
    double lon = Math.toDegrees(Math.atan2(y, x));
    return new GeoPoint(Math.max(-90, Math.min(90, lat)), Math.max(-180, Math.min(180, lon)));
  }

  private static double sq(double x) {
    return x * x;
  }
}
