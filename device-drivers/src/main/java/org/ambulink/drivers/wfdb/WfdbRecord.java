package org.ambulink.drivers.wfdb;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A WFDB record in memory: its header and every sample of every signal as ADC counts, with exact
 * decimal physical values so replayed millivolts match the published record digit for digit.
 */
public final class WfdbRecord {
  private final WfdbHeader header;
  private final int[][] samples;
  private final BigDecimal[] scales;

  /**
   * @param header the parsed header
   * @param samples ADC counts, {@code samples[signal][i]}; all signals the same length. Taken as
   *     is, not copied: callers hand over ownership.
   */
  WfdbRecord(WfdbHeader header, int[][] samples) {
    this.header = Objects.requireNonNull(header, "header");
    if (samples.length != header.signalCount()) {
      throw new IllegalArgumentException(
          "header has " + header.signalCount() + " signals, samples " + samples.length);
    }
    for (int[] s : samples) {
      if (s.length != samples[0].length) {
        throw new IllegalArgumentException("signals differ in length");
      }
    }
    this.samples = samples;
    this.scales = new BigDecimal[samples.length];
  }

  public WfdbHeader header() {
    return header;
  }

  public String name() {
    return header.recordName();
  }

  /** Samples per second per signal. */
  public double samplingFrequency() {
    return header.samplingFrequency();
  }

  public int signalCount() {
    return samples.length;
  }

  /** Samples per signal. */
  public int length() {
    return samples.length == 0 ? 0 : samples[0].length;
  }

  public WfdbSignalSpec signal(int sig) {
    return header.signal(sig);
  }

  /** The index of the first signal whose description equals {@code description}, ignoring case. */
  public OptionalInt signalIndex(String description) {
    String wanted = description.strip().toLowerCase(Locale.ROOT);
    for (int s = 0; s < samples.length; s++) {
      if (signal(s).description().strip().toLowerCase(Locale.ROOT).equals(wanted)) {
        return OptionalInt.of(s);
      }
    }
    return OptionalInt.empty();
  }

  /** Sample {@code i} of signal {@code sig} in ADC counts. */
  public int sample(int sig, int i) {
    return samples[sig][i];
  }

  /** A copy of all samples of signal {@code sig} in ADC counts. */
  public int[] samples(int sig) {
    return samples[sig].clone();
  }

  /**
   * Physical units per ADC count, exactly {@code 1 / gain} (0.005 for gain 200, 0.0005 for gain
   * 2000).
   *
   * @throws ArithmeticException naming the signal and gain when {@code 1 / gain} is not a finite
   *     decimal (e.g. gain 3), because then no exact decimal physical value exists
   */
  public BigDecimal scale(int sig) {
    BigDecimal s = scales[sig];
    if (s == null) {
      BigDecimal gain = signal(sig).gain();
      try {
        s = BigDecimal.ONE.divide(gain);
      } catch (ArithmeticException e) {
        throw new ArithmeticException(
            "record "
                + name()
                + " "
                + signal(sig).label(sig)
                + ": gain "
                + gain.toPlainString()
                + " has no exact decimal reciprocal, so its physical values are not exact decimals");
      }
      scales[sig] = s;
    }
    return s;
  }

  /**
   * The exact physical value of sample {@code i} of signal {@code sig}: {@code (adc - baseline) /
   * gain} in the signal's units.
   *
   * @throws ArithmeticException as {@link #scale} does
   */
  public BigDecimal physical(int sig, int i) {
    long counts = (long) samples[sig][i] - signal(sig).baseline();
    return scale(sig).multiply(BigDecimal.valueOf(counts));
  }

  @Override
  public String toString() {
    return "WfdbRecord["
        + name()
        + ", "
        + signalCount()
        + " signals, "
        + length()
        + " samples at "
        + samplingFrequency()
        + " Hz]";
  }
}
