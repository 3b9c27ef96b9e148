package org.ambulink.drivers.sim;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Changes the sample rate of an integer signal (ADC counts) and returns integer counts again, so
 * that scaled physical values stay exact decimals after resampling.
 *
 * <p>Method: output sample {@code n} lies at input position {@code n * from / to}, computed as an
 * exact fraction; its value is the linear interpolation of the two neighbouring input samples,
 * rounded half up. When the rate goes down, the input first passes a Hamming-windowed sinc low-pass
 * filter (cut-off at 80% of the new Nyquist frequency, unit gain at DC) so that content above the
 * new Nyquist frequency does not alias. Samples beyond either end are taken as equal to the end
 * sample. The same rate returns an exact copy. Output positions that fall on an input sample when
 * the rate goes up return that sample unchanged.
 */
public final class Resampler {
  /** Filter taps on each side of the centre, per unit of the decimation ratio. */
  private static final int TAPS_PER_RATIO = 16;

  private static final double CUTOFF_OF_NYQUIST = 0.8;

  private final double fromHz;
  private final double toHz;
  private final long up;
  private final long down;
  private final double[] kernel; // null when no anti-alias filter is needed

  /**
   * @param fromHz the input rate, e.g. 360
   * @param toHz the output rate, e.g. 500
   * @throws IllegalArgumentException when a rate is not positive and finite, or its ratio needs
   *     more than 6 decimal digits to express
   */
  public Resampler(double fromHz, double toHz) {
    check(fromHz, "input");
    check(toHz, "output");
    this.fromHz = fromHz;
    this.toHz = toHz;
    BigDecimal from = BigDecimal.valueOf(fromHz);
    BigDecimal to = BigDecimal.valueOf(toHz);
    int scale = Math.max(Math.max(from.scale(), to.scale()), 0);
    if (scale > 6) {
      throw new IllegalArgumentException(
          "sample rates " + fromHz + " Hz and " + toHz + " Hz need more than 6 decimals");
    }
    BigInteger f = from.movePointRight(scale).toBigIntegerExact();
    BigInteger t = to.movePointRight(scale).toBigIntegerExact();
    BigInteger g = f.gcd(t);
    this.up = t.divide(g).longValueExact();
    this.down = f.divide(g).longValueExact();
    this.kernel = toHz < fromHz ? lowPass(toHz / fromHz) : null;
  }

  private static void check(double hz, String which) {
    if (!(hz > 0) || Double.isInfinite(hz)) {
      throw new IllegalArgumentException(
          which + " sample rate must be a positive number of Hz, was " + hz);
    }
  }

  public double fromHz() {
    return fromHz;
  }

  public double toHz() {
    return toHz;
  }

  /**
   * Output samples for {@code inputLength} input samples: {@code floor(inputLength * to / from)}.
   */
  public int outputLength(int inputLength) {
    long n = Math.multiplyExact((long) inputLength, up) / down;
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          inputLength + " samples at " + fromHz + " Hz are too many at " + toHz + " Hz");
    }
    return (int) n;
  }

  /** Resamples {@code input}; see the class comment for the method. */
  public int[] resample(int[] input) {
    int out = outputLength(input.length);
    if (up == down) {
      return input.clone();
    }
    int[] y = new int[out];
    if (kernel == null) {
      for (int n = 0; n < out; n++) {
        long pos = n * down;
        int k = (int) (pos / up);
        long r = pos % up;
        if (r == 0) {
          y[n] = input[k];
        } else {
          long a = input[k];
          long b = input[Math.min(k + 1, input.length - 1)];
          y[n] = roundDiv(a * (up - r) + b * r, up);
        }
      }
      return y;
    }
    for (int n = 0; n < out; n++) {
      long pos = n * down;
      int k = (int) (pos / up);
      long r = pos % up;
      double a = filtered(input, k);
      double v = r == 0 ? a : (a * (up - r) + filtered(input, k + 1) * r) / up;
      y[n] = (int) Math.floor(v + 0.5);
    }
    return y;
  }

  /** The low-pass filtered input at sample {@code k}, ends extended with the end samples. */
  private double filtered(int[] x, int k) {
    int half = kernel.length / 2;
    int last = x.length - 1;
    double sum = 0;
    for (int j = 0; j < kernel.length; j++) {
      int i = k + j - half;
      sum += kernel[j] * x[i < 0 ? 0 : Math.min(i, last)];
    }
    return sum;
  }

  /** Hamming-windowed sinc low-pass for a rate ratio {@code to/from < 1}, taps summing to 1. */
  private static double[] lowPass(double ratio) {
    int half = (int) Math.ceil(TAPS_PER_RATIO / ratio);
    double fc = CUTOFF_OF_NYQUIST * ratio / 2; // cycles per input sample
    double[] h = new double[2 * half + 1];
    double sum = 0;
    for (int j = -half; j <= half; j++) {
      double sinc = j == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * j) / (Math.PI * j);
      double window = 0.54 + 0.46 * Math.cos(Math.PI * j / half);
      h[j + half] = sinc * window;
      sum += h[j + half];
    }
    for (int j = 0; j < h.length; j++) {
      h[j] /= sum;
    }
    return h;
  }

  /** {@code num / den} rounded half up, for a positive {@code den}. */
  private static int roundDiv(long num, long den) {
    return Math.toIntExact(Math.floorDiv(2 * num + den, 2 * den));
  }

  @Override
  public String toString() {
    return "Resampler["
        + fromHz
        + " Hz -> "
        + toHz
        + " Hz, linear interpolation"
        + (kernel == null ? "" : ", " + kernel.length + "-tap anti-alias low-pass")
        + "]";
  }
}
