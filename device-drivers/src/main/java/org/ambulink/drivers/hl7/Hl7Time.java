package org.ambulink.drivers.hl7;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * HL7 v2 DTM timestamps: {@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}. Parsing is
 * tolerant of up to nine fraction digits (some devices send micro- or nanoseconds); writing uses
 * UTC with milliseconds (or four digits, the most DTM allows, when the time is finer).
 */
final class Hl7Time {
  private Hl7Time() {}

  /**
   * @param zone the zone to assume when the timestamp has no offset
   * @throws IllegalArgumentException when the text is not a DTM or names an impossible date
   */
  static Instant parse(String text, ZoneId zone) {
    String s = text.trim();
    int n = s.length();
    int zoneAt = Math.max(s.indexOf('+'), s.indexOf('-'));
    String local = zoneAt >= 0 ? s.substring(0, zoneAt) : s;
    String offset = zoneAt >= 0 ? s.substring(zoneAt) : null;
    int dot = local.indexOf('.');
    String whole = dot >= 0 ? local.substring(0, dot) : local;
    String fraction = dot >= 0 ? local.substring(dot + 1) : "";
    int wl = whole.length();
    boolean knownLength = wl == 4 || wl == 6 || wl == 8 || wl == 10 || wl == 12 || wl == 14;
    if (n == 0
        || !knownLength
        || !digits(whole)
        || !digits(fraction)
        || (dot >= 0 && (wl != 14 || fraction.isEmpty() || fraction.length() > 9))) {
      throw new IllegalArgumentException("not an HL7 timestamp");
    }
    try {
      int year = num(whole, 0, 4);
      int month = whole.length() >= 6 ? num(whole, 4, 6) : 1;
      int day = whole.length() >= 8 ? num(whole, 6, 8) : 1;
      int hour = whole.length() >= 10 ? num(whole, 8, 10) : 0;
      int minute = whole.length() >= 12 ? num(whole, 10, 12) : 0;
      int second = whole.length() >= 14 ? num(whole, 12, 14) : 0;
      int nanos = 0;
      if (!fraction.isEmpty()) {
        nanos = Integer.parseInt(fraction) * POW10[9 - fraction.length()];
      }
      LocalDateTime t = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
      ZoneId z = zone;
      if (offset != null) {
        if (offset.length() != 5 || !digits(offset.substring(1))) {
          throw new IllegalArgumentException("bad offset");
        }
        int hh = num(offset, 1, 3);
        int mm = num(offset, 3, 5);
        int sign = offset.charAt(0) == '-' ? -1 : 1;
        z = ZoneOffset.ofHoursMinutes(sign * hh, sign * mm);
      }
      return t.atZone(z).toInstant();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("not a valid date or time", e);
    }
  }

  private static final int[] POW10 = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int num(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  /**
   * Writes {@code yyyyMMddHHmmss.SSS+0000} in UTC; {@code .SSSS} when the time has a
   * sub-millisecond part (truncated to 100 µs, the finest DTM allows).
   */
  static StringBuilder append(StringBuilder b, Instant t) {
    LocalDateTime u = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    pad(b, u.getYear(), 4);
    pad(b, u.getMonthValue(), 2);
    pad(b, u.getDayOfMonth(), 2);
    pad(b, u.getHour(), 2);
    pad(b, u.getMinute(), 2);
    pad(b, u.getSecond(), 2);
    int nanos = t.getNano();
    b.append('.');
    if (nanos % 1_000_000 == 0) {
      pad(b, nanos / 1_000_000, 3);
    } else {
      pad(b, nanos / 100_000, 4);
    }
    return b.append("+0000");
  }

  static String format(Instant t) {
    return append(new StringBuilder(24), t).toString();
  }

  private static void pad(StringBuilder b, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    b.append(s);
  }
}
