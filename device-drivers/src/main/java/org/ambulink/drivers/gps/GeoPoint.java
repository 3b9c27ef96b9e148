package org.ambulink.drivers.gps;

/**
 * A position on the WGS-84 ellipsoid in decimal degrees, validated so a swapped or garbled
 * coordinate fails where it is made rather than as a wrong distance later.
 *
 * @param latitude -90 to 90, south negative
 * @param longitude -180 to 180, west negative
 */
public record GeoPoint(double latitude, double longitude) {
  public GeoPoint {
    if (!(latitude >= -90 && latitude <= 90)) {
      throw new IllegalArgumentException("latitude " + latitude + " is not within -90..90");
    }
    if (!(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException("longitude " + longitude + " is not within -180..180");
    }
  }

  @Override
  public String toString() {
    return latitude + "," + longitude;
  }
}
