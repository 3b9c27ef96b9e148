package org.ambulink.drivers.wfdb;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One signal line of a WFDB header: where the samples are stored and how ADC counts map to physical
 * units. The physical value of a sample is {@code (adc - baseline) / gain} in {@code units}.
 *
 * @param fileName the signal file, relative to the header's directory
 * @param format the storage format code (8, 16, 24, 32, 61, 80, 160, 212)
 * @param samplesPerFrame samples of this signal per frame; this reader supports only 1
 * @param skew samples of skew; this reader supports only 0
 * @param byteOffset bytes to skip at the start of the signal file (the {@code +offset} suffix)
 * @param gain ADC units per physical unit; 200 when the header gives none or 0
 * @param gainGiven whether the header gave a non-zero gain (false: the signal is uncalibrated)
 * @param baseline ADC value of physical zero; {@code adcZero} when the header gives none
 * @param units physical units, {@code mV} when the header gives none
 * @param adcResolution bits of the ADC; the format's natural width when the header gives none
 * @param adcZero ADC value at the middle of the ADC's input range
 * @param initialValue the value of sample 0 (format 8: the start of the first differences)
 * @param checksum 16-bit sum of all samples of the signal
 * @param blockSize block size of the signal file (0 for ordinary files)
 * @param description the signal's description, e.g. {@code MLII} or {@code v5}; may be empty
 */
public record WfdbSignalSpec(
    String fileName,
    int format,
    int samplesPerFrame,
    int skew,
    long byteOffset,
    BigDecimal gain,
    boolean gainGiven,
    int baseline,
    String units,
    int adcResolution,
    int adcZero,
    OptionalInt initialValue,
    OptionalInt checksum,
    int blockSize,
    String description) {

  /** The gain WFDB assumes when a header gives none (ADC units per millivolt). */
  public static final BigDecimal DEFAULT_GAIN = BigDecimal.valueOf(200);

  public WfdbSignalSpec {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(gain, "gain");
    Objects.requireNonNull(initialValue, "initialValue");
    Objects.requireNonNull(checksum, "checksum");
    if (gain.signum() <= 0) {
      throw new IllegalArgumentException("gain must be positive, was " + gain);
    }
    units = Objects.toString(units, "mV");
    description = Objects.toString(description, "");
  }

  /** A short name for messages: the description, or {@code signal N} when it has none. */
  String label(int index) {
    return description.isEmpty() ? "signal " + index : "signal " + index + " (" + description + ")";
  }
}
