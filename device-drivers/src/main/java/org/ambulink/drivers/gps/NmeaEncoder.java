package org.ambulink.drivers.gps;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes {@link GpsFix}es as the NMEA 0183 sentences a receiver would send ({@code $GPRMC} and
 * {@code $GPGGA} with correct checksums), for the GPS simulator and for tests. Positions get five
 * decimals of minutes (about 2 cm), speeds three decimals of knots, times centiseconds (truncated,
 * so a time never rounds into the next second). Sentences are returned without CR/LF.
 */
public final class NmeaEncoder {
  /** The talker id of a GPS-only receiver. */
  public static final String GPS = "GP";

  private static final double MPS_TO_KNOTS = 3600.0 / 1852.0;
  private static final Pattern TALKER = Pattern.compile("[A-Z][A-Z0-9]");

  private NmeaEncoder() {}

  /** RMC then GGA for one fix, as a receiver sends them each second. */
  public static List<String> sentences(GpsFix fix) {
    return List.of(rmc(fix), gga(fix));
  }

  /** {@code $GPRMC} for the fix. */
  public static String rmc(GpsFix fix) {
    return rmc(GPS, fix);
  }

  /**
   * RMC for the fix with the given talker id ({@code GP}, {@code GN}, ...): status A or V, speed in
   * knots, course, date; magnetic variation empty; mode indicator A (or N when void).
   *
   * @throws IllegalArgumentException when the fix's year is outside 1980-2079 (two-digit years)
   */
  public static String rmc(String talker, GpsFix fix) {
    Objects.requireNonNull(fix, "fix");
    LocalDateTime t = LocalDateTime.ofInstant(fix.time(), ZoneOffset.UTC);
    if (t.getYear() < 1980 || t.getYear() > 2079) {
      throw new IllegalArgumentException(
          "year " + t.getYear() + " cannot be written as an RMC date (1980-2079)");
    }
    StringBuilder b = new StringBuilder(80);
    b.append(talker(talker)).append("RMC,").append(time(t)).append(',');
    b.append(fix.valid() ? 'A' : 'V').append(',');
    position(b, fix);
    b.append(',');
    if (fix.speedMps() != null) {
      b.append(String.format(Locale.ROOT, "%.3f", fix.speedMps() * MPS_TO_KNOTS));
    }
    b.append(',');
    if (fix.courseDegrees() != null) {
      b.append(String.format(Locale.ROOT, "%.2f", fix.courseDegrees()));
    }
    b.append(',');
    b.append(
        String.format(
            Locale.ROOT, "%02d%02d%02d", t.getDayOfMonth(), t.getMonthValue(), t.getYear() % 100));
    b.append(",,,").append(fix.valid() ? 'A' : 'N');
    return finish(b);
  }

  /** {@code $GPGGA} for the fix. */
  public static String gga(GpsFix fix) {
    return gga(GPS, fix);
  }

  /**
   * GGA for the fix with the given talker id: quality ({@link GpsFix#fixQuality()}, else 1 when
   * valid and 0 when not), satellites, HDOP and altitude when known; geoid separation empty.
   */
  public static String gga(String talker, GpsFix fix) {
    Objects.requireNonNull(fix, "fix");
    LocalDateTime t = LocalDateTime.ofInstant(fix.time(), ZoneOffset.UTC);
    int quality = fix.valid() ? (fix.fixQuality() != null ? fix.fixQuality() : 1) : 0;
    StringBuilder b = new StringBuilder(80);
    b.append(talker(talker)).append("GGA,").append(time(t)).append(',');
    position(b, fix);
    b.append(',').append(quality).append(',');
    if (fix.satellites() != null) {
      b.append(String.format(Locale.ROOT, "%02d", fix.satellites()));
    }
    b.append(',');
    if (fix.hdop() != null) {
      b.append(String.format(Locale.ROOT, "%.1f", fix.hdop()));
    }
    b.append(',');
    if (fix.altitudeMetres() != null) {
      b.append(String.format(Locale.ROOT, "%.1f", fix.altitudeMetres()));
    }
    b.append(",M,,M,,");
    return finish(b);
  }

  /** {@code $} + body + {@code *hh}, the checksum computed over the body. */
  public static String withChecksum(String body) {
    return finish(new StringBuilder(body));
  }

  private static String finish(StringBuilder body) {
    int sum = NmeaParser.checksum(body, 0, body.length());
    return "$" + body + String.format(Locale.ROOT, "*%02X", sum);
  }

  private static String talker(String talker) {
    if (talker == null || !TALKER.matcher(talker).matches()) {
      throw new IllegalArgumentException("talker id '" + talker + "' is not two letters");
    }
    return talker;
  }

  private static String time(LocalDateTime t) {
    return String.format(
        Locale.ROOT,
        "%02d%02d%02d.%02d",
        t.getHour(),
        t.getMinute(),
        t.getSecond(),
        t.getNano() / 10_000_000);
  }

  /** Latitude, N/S, longitude, E/W; four empty fields when the fix has no position. */
  private static void position(StringBuilder b, GpsFix fix) {
    if (!fix.hasPosition()) {
      b.append(",,,");
      return;
    }
    angle(b, fix.latitude(), 2);
    b.append(',').append(fix.latitude() < 0 ? 'S' : 'N').append(',');
    angle(b, fix.longitude(), 3);
    b.append(',').append(fix.longitude() < 0 ? 'W' : 'E');
  }

  private static void angle(StringBuilder b, double degrees, int degreeDigits) {
    // Round in whole units of 0.00001 minute first, so 59.999999 minutes carries into a degree.
    long units = Math.round(Math.abs(degrees) * 60 * 100_000);
    long whole = units / (60 * 100_000);
    long minuteUnits = units % (60 * 100_000);
    b.append(
        String.format(
            Locale.ROOT,
            "%0" + degreeDigits + "d%02d.%05d",
            whole,
            minuteUnits / 100_000,
            minuteUnits % 100_000));
  }
}
