package org.ambulink.drivers.gps;

import java.time.Instant;
import java.time.LocalTime;

/**
 * One parsed NMEA sentence of a type the appliance uses. Positions are decimal degrees (south and
 * west negative), {@link Double#NaN} when the receiver left them empty because it has no fix.
 * Optional values are {@code null} when the field was empty.
 */
public sealed interface NmeaSentence permits NmeaSentence.Rmc, NmeaSentence.Gga {

  /** The talker id: {@code GP} (GPS), {@code GN} (combined GNSS), {@code GL}, {@code GA}, ... */
  String talker();

  /**
   * Recommended minimum data: date, time, position, speed and course.
   *
   * @param time UTC date and time, or null when a receiver without a fix left them empty
   * @param valid status {@code A} (and mode indicator, when present, not {@code N})
   * @param speedMps speed over ground converted from knots, or null
   * @param courseDegrees course over ground, degrees true, or null
   */
  record Rmc(
      String talker,
      Instant time,
      boolean valid,
      double latitude,
      double longitude,
      Double speedMps,
      Double courseDegrees)
      implements NmeaSentence {}

  /**
   * Fix data: time of day (no date), position, fix quality, satellites, HDOP and altitude.
   *
   * @param time UTC time of day, or null when a receiver without a fix left it empty
   * @param quality 0 no fix, 1 GPS, 2 DGPS, 3 PPS, 4 RTK, 5 float RTK, 6 estimated, 7 manual, 8
   *     simulation
   * @param altitudeMetres antenna altitude above mean sea level, or null
   */
  record Gga(
      String talker,
      LocalTime time,
      int quality,
      double latitude,
      double longitude,
      Integer satellites,
      Double hdop,
      Double altitudeMetres)
      implements NmeaSentence {}
}
