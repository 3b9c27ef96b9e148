package org.ambulink.drivers.gps;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ambulink.drivers.gps.NmeaException.Reason;

/**
 * Parses one NMEA 0183 line into an {@link NmeaSentence}: RMC and GGA from any talker ({@code
 * $GPRMC}, {@code $GNGGA}, {@code $GLRMC}, ...). The checksum is required and checked, every field
 * used is validated, and anything wrong ends in an {@link NmeaException} naming the field and
 * value, never in a wrong position. Well-formed sentences of other types (GSV, VTG, proprietary
 * {@code $P...}) are not errors: receivers send them all the time, so they return empty.
 *
 * <p>Stateless and thread-safe. A receiver without a fix sends its sentences with empty fields
 * (status {@code V}, quality 0); these parse fine, with NaN positions.
 */
public final class NmeaParser {
  /**
   * Longest line accepted, without its CR/LF. NMEA 0183 allows 82 characters including {@code $}
   * and CR/LF; some receivers exceed it (extra decimals, proprietary sentences), hence the slack.
   */
  public static final int MAX_LINE_CHARS = 120;

  private static final double KNOTS_TO_MPS = 1852.0 / 3600.0;
  private static final Pattern ADDRESS = Pattern.compile("[A-Z][A-Z0-9][A-Z]{3}");
  private static final Pattern PROPRIETARY = Pattern.compile("P[A-Z0-9]{1,10}");
  private static final Pattern TIME = Pattern.compile("\\d{6}(\\.\\d{1,9})?");
  private static final Pattern DATE = Pattern.compile("\\d{6}");
  private static final Pattern UNSIGNED = Pattern.compile("\\d+(\\.\\d*)?|\\.\\d+");
  private static final Pattern SIGNED = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)");
  private static final Pattern INTEGER = Pattern.compile("\\d{1,3}");
  private static final int RMC_FIELDS = 12;
  private static final int GGA_FIELDS = 15;

  private NmeaParser() {}

  /**
   * Parses one line; a trailing CR, LF or CRLF is ignored.
   *
   * @return the sentence, or empty for a valid sentence of a type not used here
   * @throws NmeaException when the line is not a valid NMEA sentence or an RMC/GGA field is bad
   */
  public static Optional<NmeaSentence> parse(String line) {
    if (line == null) {
      throw new NmeaException(Reason.NOT_A_SENTENCE, "no line (null)");
    }
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
      end--;
    }
    String s = line.substring(0, end);
    if (s.length() > MAX_LINE_CHARS) {
      throw new NmeaException(
          Reason.TOO_LONG,
          "line of "
              + s.length()
              + " characters is longer than the maximum of "
              + MAX_LINE_CHARS
              + "; a lost line end or a wrong baud rate?");
    }
    if (s.isEmpty()) {
      throw new NmeaException(Reason.NOT_A_SENTENCE, "empty line");
    }
    if (s.charAt(0) != '$' && s.charAt(0) != '!') {
      throw new NmeaException(
          Reason.NOT_A_SENTENCE,
          "line '" + printable(s, 24) + "' does not start with '$'; not an NMEA sentence");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new NmeaException(
            Reason.NOT_A_SENTENCE,
            String.format(
                "character 0x%02X at position %d is not printable ASCII; a wrong baud rate?",
                (int) c, i));
      }
    }
    int star = s.lastIndexOf('*');
    if (star < 0) {
      throw new NmeaException(
          Reason.MISSING_CHECKSUM,
          "sentence '" + printable(s, 10) + "...' has no checksum; it must end in *hh");
    }
    String given = s.substring(star + 1);
    if (given.length() != 2 || hex(given.charAt(0)) < 0 || hex(given.charAt(1)) < 0) {
      throw new NmeaException(
          Reason.BAD_CHECKSUM, "checksum '" + given + "' is not two hex digits after '*'");
    }
    int expected = checksum(s, 1, star);
    int actual = hex(given.charAt(0)) << 4 | hex(given.charAt(1));
    if (actual != expected) {
      throw new NmeaException(
          Reason.BAD_CHECKSUM,
          String.format(
              "checksum *%s does not match the sentence, whose checksum is %02X", given, expected));
    }
    String[] fields = s.substring(1, star).split(",", -1);
    String address = fields[0];
    if (PROPRIETARY.matcher(address).matches()) {
      return Optional.empty();
    }
    if (!ADDRESS.matcher(address).matches()) {
      throw new NmeaException(
          Reason.UNKNOWN_TYPE,
          "address '"
              + address
              + "' is not a talker id and sentence type such as GPRMC; unknown sentence type");
    }
    if (s.charAt(0) == '!') {
      return Optional.empty(); // encapsulated data (e.g. AIS), nothing of ours
    }
    String talker = address.substring(0, 2);
    return switch (address.substring(2)) {
      case "RMC" -> Optional.of(rmc(talker, new Fields(address, fields, RMC_FIELDS)));
      case "GGA" -> Optional.of(gga(talker, new Fields(address, fields, GGA_FIELDS)));
      default -> Optional.empty();
    };
  }

  /**
   * The NMEA checksum: XOR of the characters between {@code $} and {@code *}.
   *
   * @param sentence the text, from which {@code from} (inclusive) to {@code to} (exclusive) is used
   */
  public static int checksum(CharSequence sentence, int from, int to) {
    int sum = 0;
    for (int i = from; i < to; i++) {
      sum ^= sentence.charAt(i) & 0xff;
    }
    return sum;
  }

  private static NmeaSentence.Rmc rmc(String talker, Fields f) {
    String status = f.get(2);
    boolean valid;
    if (status.equals("A")) {
      valid = true;
    } else if (status.equals("V")) {
      valid = false;
    } else {
      throw f.bad("status '" + status + "' is not A (valid) or V (void)");
    }
    // NMEA 2.3+ mode indicator: N = data not valid, whatever the status says.
    if (f.count() > 12 && f.get(12).equals("N")) {
      valid = false;
    }
    String time = f.get(1);
    String date = f.get(9);
    Instant instant = null;
    // Without a fix a receiver may still send its clock's time, often without a date.
    if (valid || (!time.isEmpty() && !date.isEmpty())) {
      LocalTime t = time(f, 1);
      LocalDate d = date(f, 9);
      instant = d.atTime(t).toInstant(ZoneOffset.UTC);
    }
    double[] position = position(f, 3, valid);
    Double speed = optionalUnsigned(f, 7, "speed over ground");
    Double course = optionalUnsigned(f, 8, "course over ground");
    if (course != null && course > 360) {
      throw f.bad("course over ground '" + f.get(8) + "' is beyond 360°");
    }
    return new NmeaSentence.Rmc(
        talker,
        instant,
        valid,
        position[0],
        position[1],
        speed == null ? null : speed * KNOTS_TO_MPS,
        course);
  }

  private static NmeaSentence.Gga gga(String talker, Fields f) {
    String q = f.get(6);
    if (q.length() != 1 || q.charAt(0) < '0' || q.charAt(0) > '8') {
      throw f.bad("fix quality '" + q + "' is not a digit 0-8");
    }
    int quality = q.charAt(0) - '0';
    boolean valid = quality > 0;
    LocalTime time = f.get(1).isEmpty() && !valid ? null : time(f, 1);
    double[] position = position(f, 2, valid);
    Integer satellites = null;
    String sats = f.get(7);
    if (!sats.isEmpty()) {
      if (!INTEGER.matcher(sats).matches()) {
        throw f.bad("satellites in use '" + sats + "' is not a whole number");
      }
      satellites = Integer.parseInt(sats);
    }
    Double hdop = optionalUnsigned(f, 8, "HDOP");
    Double altitude = null;
    String alt = f.get(9);
    if (!alt.isEmpty()) {
      if (!SIGNED.matcher(alt).matches()) {
        throw f.bad("altitude '" + alt + "' is not a number");
      }
      String unit = f.get(10);
      if (!unit.equals("M")) {
        throw f.bad("altitude unit '" + unit + "' is not M (metres)");
      }
      altitude = Double.parseDouble(alt);
    }
    return new NmeaSentence.Gga(
        talker, time, quality, position[0], position[1], satellites, hdop, altitude);
  }

  /** Latitude at {@code i}, its hemisphere at i+1, longitude at i+2 and its hemisphere at i+3. */
  private static double[] position(Fields f, int i, boolean valid) {
    String lat = f.get(i);
    String lon = f.get(i + 2);
    if (lat.isEmpty() && lon.isEmpty()) {
      if (valid) {
        throw f.bad("position is empty although the sentence reports a valid fix");
      }
      return new double[] {Double.NaN, Double.NaN};
    }
    double latitude = angle(f, i, "latitude", 90, 'N', 'S');
    double longitude = angle(f, i + 2, "longitude", 180, 'E', 'W');
    return new double[] {latitude, longitude};
  }

  /** An angle written as (d)ddmm.mmmm with its hemisphere letter in the next field. */
  private static double angle(Fields f, int i, String name, int max, char plus, char minus) {
    String text = f.get(i);
    if (text.isEmpty()) {
      throw f.bad(name + " is empty");
    }
    int dot = text.indexOf('.');
    int wholeDigits = dot < 0 ? text.length() : dot;
    if (!UNSIGNED.matcher(text).matches() || wholeDigits < 3 || wholeDigits > 5) {
      throw f.bad(name + " '" + text + "' is not a number of the form (d)ddmm.mmmm");
    }
    String minutesText = text.substring(wholeDigits - 2);
    int degrees = Integer.parseInt(text.substring(0, wholeDigits - 2));
    double minutes = Double.parseDouble(minutesText);
    if (minutes >= 60) {
      throw f.bad(name + " '" + text + "' has " + minutesText + " minutes; must be below 60");
    }
    double result = degrees + minutes / 60;
    if (result > max) {
      throw f.bad(
          name
              + " '"
              + text
              + "' is "
              + String.format(Locale.ROOT, "%.6f", result)
              + "°, beyond "
              + max
              + "°");
    }
    String hemisphere = f.get(i + 1);
    if (hemisphere.equals(String.valueOf(plus))) {
      return result;
    }
    if (hemisphere.equals(String.valueOf(minus))) {
      return -result;
    }
    throw f.bad(name + " hemisphere '" + hemisphere + "' is not " + plus + " or " + minus);
  }

  private static LocalTime time(Fields f, int i) {
    String text = f.get(i);
    if (!TIME.matcher(text).matches()) {
      throw f.bad("time '" + text + "' is not hhmmss or hhmmss.ss");
    }
    int h = Integer.parseInt(text.substring(0, 2));
    int m = Integer.parseInt(text.substring(2, 4));
    int sec = Integer.parseInt(text.substring(4, 6));
    int nanos = 0;
    if (text.length() > 7) {
      String frac = (text.substring(7) + "000000000").substring(0, 9);
      nanos = Integer.parseInt(frac);
    }
    try {
      return LocalTime.of(h, m, sec, nanos);
    } catch (DateTimeException e) {
      throw f.bad("time '" + text + "' is not a time of day");
    }
  }

  private static LocalDate date(Fields f, int i) {
    String text = f.get(i);
    if (!DATE.matcher(text).matches()) {
      throw f.bad("date '" + text + "' is not ddmmyy");
    }
    int d = Integer.parseInt(text.substring(0, 2));
    int m = Integer.parseInt(text.substring(2, 4));
    int yy = Integer.parseInt(text.substring(4, 6));
    // GPS time starts in 1980; two-digit years before 80 are this century.
    int year = yy >= 80 ? 1900 + yy : 2000 + yy;
    try {
      return LocalDate.of(year, m, d);
    } catch (DateTimeException e) {
      throw f.bad("date '" + text + "' is not a calendar date");
    }
  }

  private static Double optionalUnsigned(Fields f, int i, String name) {
    String text = f.get(i);
    if (text.isEmpty()) {
      return null;
    }
    if (!UNSIGNED.matcher(text).matches()) {
      throw f.bad(name + " '" + text + "' is not a non-negative number");
    }
    return Double.parseDouble(text);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  /** The first {@code max} characters, non-printable ones as {@code \xNN}. */
  private static String printable(String s, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), max); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\x%02X", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > max ? b + "..." : b.toString();
  }

  /** The fields of one sentence, checked for count, with errors naming the sentence. */
  private static final class Fields {
    private final String address;
    private final String[] fields;

    Fields(String address, String[] fields, int required) {
      this.address = address;
      this.fields = fields;
      if (fields.length < required) {
        throw new NmeaException(
            Reason.TRUNCATED,
            address
                + " has "
                + fields.length
                + " fields; expected at least "
                + required
                + " (truncated sentence)");
      }
    }

    String get(int i) {
      return i < fields.length ? fields[i] : "";
    }

    int count() {
      return fields.length;
    }

    NmeaException bad(String message) {
      return new NmeaException(Reason.BAD_FIELD, address + ": " + message);
    }
  }
}
