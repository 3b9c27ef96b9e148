package org.ambulink.drivers.hl7;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Exact decimal text for HL7 NM values and waveform samples. Samples are parsed without BigDecimal
 * (they are most of every message) into integers with a common power-of-ten scale, and written back
 * as plain decimals without trailing zeros, so that physical values survive encode and decode
 * unchanged.
 */
final class Decimals {
  static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private Decimals() {}

  /** Whether the text is an HL7 NM: optional sign, digits, optional decimal point; no exponent. */
  static boolean isNumber(String s) {
    int i = 0;
    int n = s.length();
    if (n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      i++;
    }
    int digits = 0;
    boolean dot = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digits > 0;
  }

  /** The exact value of an NM text that passed {@link #isNumber}, keeping its scale as sent. */
  static BigDecimal parse(String s) {
    String t = s.charAt(0) == '+' ? s.substring(1) : s;
    if (t.endsWith(".")) {
      t = t.substring(0, t.length() - 1);
    }
    return new BigDecimal(
        t.startsWith(".") ? "0" + t : t.startsWith("-.") ? "-0" + t.substring(1) : t);
  }

  /**
   * Whether an NM text is a "no value" sentinel: a negative number made only of nines, at least two
   * of them ({@code -99}, {@code -999}, {@code -9999}; {@code -999.0}). A lone {@code -9} is kept:
   * it is a plausible real value (e.g. base excess).
   */
  static boolean isSentinel(String s) {
    if (s.length() < 3 || s.charAt(0) != '-') {
      return false;
    }
    int i = 1;
    int nines = 0;
    while (i < s.length() && s.charAt(i) == '9') {
      i++;
      nines++;
    }
    if (nines < 2) {
      return false;
    }
    if (i == s.length()) {
      return true;
    }
    if (s.charAt(i) != '.') {
      return false;
    }
    for (i++; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  /** Outcome of reading one sample token. */
  enum Token {
    OK,
    EMPTY,
    NOT_A_NUMBER,
    TOO_LONG
  }

  /**
   * The samples of one waveform channel as read: integer mantissas and their decimal scales, turned
   * into integer samples over the largest scale seen (scale = 10^-digits, offset 0).
   */
  static final class SampleColumn {
    private long[] mantissas;
    private int[] scales;
    private int count;
    private int maxScale;

    SampleColumn(int capacity) {
      mantissas = new long[Math.max(capacity, 8)];
      scales = new int[mantissas.length];
    }

    int count() {
      return count;
    }

    /** Reads {@code s[from, to)} as one decimal and appends it. */
    Token add(String s, int from, int to) {
      while (from < to && s.charAt(from) == ' ') {
        from++;
      }
      while (to > from && s.charAt(to - 1) == ' ') {
        to--;
      }
      if (from == to) {
        return Token.EMPTY;
      }
      boolean negative = false;
      char first = s.charAt(from);
      if (first == '-' || first == '+') {
        negative = first == '-';
        from++;
      }
      long m = 0;
      int digits = 0;
      int significant = 0;
      int scale = -1;
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
          digits++;
          if (m != 0 || c != '0') {
            significant++;
          }
          if (significant > 18) {
            return Token.TOO_LONG;
          }
          m = m * 10 + (c - '0');
          if (scale >= 0) {
            scale++;
          }
        } else if (c == '.' && scale < 0) {
          scale = 0;
        } else {
          return Token.NOT_A_NUMBER;
        }
      }
      if (digits == 0) {
        return Token.NOT_A_NUMBER;
      }
      if (scale < 0) {
        scale = 0;
      }
      if (count == mantissas.length) {
        mantissas = Arrays.copyOf(mantissas, count * 2);
        scales = Arrays.copyOf(scales, count * 2);
      }
      mantissas[count] = negative ? -m : m;
      scales[count] = scale;
      count++;
      if (scale > maxScale) {
        maxScale = scale;
      }
      return Token.OK;
    }

    /** The common scale exponent: samples are in units of 10^-maxScale. */
    int maxScale() {
      return maxScale;
    }

    /**
     * @return the index of the first sample that does not fit an int at the common scale, or -1
     */
    int toSamples(int[] out) {
      for (int i = 0; i < count; i++) {
        int shift = maxScale - scales[i];
        long v = mantissas[i];
        if (shift > 0) {
          if (shift >= POW10.length || Math.abs(v) > Long.MAX_VALUE / POW10[shift]) {
            return i;
          }
          v *= POW10[shift];
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          return i;
        }
        out[i] = (int) v;
      }
      return -1;
    }
  }

  /** Appends {@code unscaled * 10^-scale} as a plain decimal without trailing zeros. */
  static void appendPlain(StringBuilder b, long unscaled, int scale) {
    while (scale > 0 && unscaled % 10 == 0) {
      unscaled /= 10;
      scale--;
    }
    if (unscaled == Long.MIN_VALUE) {
      b.append(BigDecimal.valueOf(unscaled, scale).toPlainString());
      return;
    }
    if (unscaled < 0) {
      b.append('-');
      unscaled = -unscaled;
    }
    String digits = Long.toString(unscaled);
    if (scale <= 0) {
      b.append(digits);
      for (int i = 0; i < -scale; i++) {
        b.append('0');
      }
      return;
    }
    int point = digits.length() - scale;
    if (point > 0) {
      b.append(digits, 0, point).append('.').append(digits, point, digits.length());
    } else {
      b.append("0.");
      for (int i = point; i < 0; i++) {
        b.append('0');
      }
      b.append(digits);
    }
  }

  /** Appends a BigDecimal as a plain decimal without trailing zeros. */
  static void appendPlain(StringBuilder b, BigDecimal v) {
    if (v.signum() == 0) {
      b.append('0');
      return;
    }
    b.append(v.stripTrailingZeros().toPlainString());
  }

  /**
   * Writes the physical values {@code offset + scale * sample} of one waveform, with long
   * arithmetic when the numbers allow (the usual case) and BigDecimal otherwise.
   */
  static final class PhysicalWriter {
    private final BigDecimal scale;
    private final BigDecimal offset;
    private final boolean fast;
    private final long scaleUnscaled;
    private final long offsetUnscaled;
    private final int commonScale;

    PhysicalWriter(BigDecimal scale, BigDecimal offset) {
      this.scale = scale;
      this.offset = offset;
      BigDecimal s = scale.scale() < 0 ? scale.setScale(0) : scale;
      BigDecimal o = offset.scale() < 0 ? offset.setScale(0) : offset;
      int common = Math.max(s.scale(), o.scale());
      boolean ok = common < POW10.length;
      long su = 0;
      long ou = 0;
      if (ok) {
        try {
          su = s.setScale(common).unscaledValue().longValueExact();
          ou = o.setScale(common).unscaledValue().longValueExact();
          ok = Math.abs(su) < (1L << 31) && Math.abs(ou) < (1L << 61);
        } catch (ArithmeticException e) {
          ok = false;
        }
      }
      this.fast = ok;
      this.scaleUnscaled = su;
      this.offsetUnscaled = ou;
      this.commonScale = common;
    }

    void append(StringBuilder b, int sample) {
      if (fast) {
        appendPlain(b, offsetUnscaled + scaleUnscaled * sample, commonScale);
      } else {
        appendPlain(b, offset.add(scale.multiply(BigDecimal.valueOf(sample))));
      }
    }
  }
}
