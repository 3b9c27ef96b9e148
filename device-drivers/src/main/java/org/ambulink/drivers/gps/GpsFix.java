package org.ambulink.drivers.gps;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the ambulance was at one moment, as the GPS receiver reported it: what the appliance shows
 * the crew, sends to the ED and uses for the ETA. Built by {@link GpsTracker} from an RMC and/or
 * GGA sentence of the same second, or by {@link RouteSimulator}.
 *
 * <p>Optional values are {@code null} when the receiver did not report them (or reported them
 * empty), never 0, so "stationary" and "unknown" stay distinct.
 *
 * @param time UTC time of the fix, from the receiver (RMC date and time, or GGA time on the last
 *     known date), not the appliance clock
 * @param latitude degrees, south negative; {@link Double#NaN} when the receiver sent no position
 *     (only possible when {@code valid} is false)
 * @param longitude degrees, west negative; {@link Double#NaN} as for latitude
 * @param valid whether the receiver has a fix: RMC status {@code A} and GGA quality above 0. A
 *     position with {@code valid == false} is a stale or dead-reckoned guess; do not plot it as
 *     current
 * @param speedMps speed over ground in m/s (RMC reports knots), or null
 * @param courseDegrees course over ground, degrees true 0-360, or null
 * @param fixQuality GGA quality indicator 0-8 (0 no fix, 1 GPS, 2 DGPS, 4 RTK, 6 estimated, ...),
 *     or null when only RMC was received for this second
 * @param satellites satellites used (GGA), or null
 * @param hdop horizontal dilution of precision (GGA), or null
 * @param altitudeMetres antenna altitude above mean sea level in metres (GGA), or null
 */
public record GpsFix(
    Instant time,
    double latitude,
    double longitude,
    boolean valid,
    Double speedMps,
    Double courseDegrees,
    Integer fixQuality,
    Integer satellites,
    Double hdop,
    Double altitudeMetres) {

  public GpsFix {
    Objects.requireNonNull(time, "time");
    if (Double.isNaN(latitude) != Double.isNaN(longitude)) {
      throw new IllegalArgumentException(
          "latitude and longitude must both be known or both be NaN, got "
              + latitude
              + "/"
              + longitude);
    }
    if (!Double.isNaN(latitude)) {
      new GeoPoint(latitude, longitude); // validates the ranges
    } else if (valid) {
      throw new IllegalArgumentException("a valid fix needs a position");
    }
    if (speedMps != null && !(speedMps >= 0 && speedMps < 1000)) {
      throw new IllegalArgumentException("speed " + speedMps + " m/s is not within 0..1000");
    }
    if (courseDegrees != null && !(courseDegrees >= 0 && courseDegrees <= 360)) {
      throw new IllegalArgumentException("course " + courseDegrees + "° is not within 0..360");
    }
    if (fixQuality != null && (fixQuality < 0 || fixQuality > 9)) {
      throw new IllegalArgumentException("fix quality " + fixQuality + " is not within 0..9");
    }
    if (satellites != null && satellites < 0) {
      throw new IllegalArgumentException("satellites " + satellites + " is negative");
    }
    if (hdop != null && !(hdop >= 0)) {
      throw new IllegalArgumentException("HDOP " + hdop + " is negative");
    }
    if (altitudeMetres != null && !Double.isFinite(altitudeMetres)) {
      throw new IllegalArgumentException("altitude " + altitudeMetres + " is not finite");
    }
  }

  /** A valid fix with a position and speed and course, the rest unknown. */
  public static GpsFix of(
      Instant time, double latitude, double longitude, Double speedMps, Double courseDegrees) {
    return new GpsFix(
        time, latitude, longitude, true, speedMps, courseDegrees, null, null, null, null);
  }

  /** Whether a position was reported (it may still be stale when {@link #valid()} is false). */
  public boolean hasPosition() {
    return !Double.isNaN(latitude);
  }

  /**
   * The position.
   *
   * @throws IllegalStateException when the receiver sent none
   */
  public GeoPoint position() {
    if (!hasPosition()) {
      throw new IllegalStateException("the fix at " + time + " has no position");
    }
    return new GeoPoint(latitude, longitude);
  }
}
