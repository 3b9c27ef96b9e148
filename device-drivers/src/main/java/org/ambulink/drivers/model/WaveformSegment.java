package org.ambulink.drivers.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A contiguous run of samples of one lead (a WCM waveform OBX). The physical value of sample {@code
 * i} is exactly {@code offset + scale * samples[i]} in {@code unit}: integer samples with a decimal
 * scale keep millivolts exact through every hop.
 *
 * @param lead the lead, e.g. 131330 MDC_ECG_ELEC_POTL_II
 * @param containmentPath OBX-4 of the lead; may be empty
 * @param sampleRateHz samples per second (the MDC_ATTR_SAMP_RATE facet)
 * @param startTime the time of sample 0
 * @param samples the samples; the array is copied in and out, never shared
 * @param scale physical units per sample step, e.g. 0.005 (mV)
 * @param offset physical value of sample 0 counts, usually 0
 * @param unit the MDC unit of the physical value, e.g. 266418 MDC_DIM_MILLI_VOLT
 * @param deviceId the equipment id of the device that sampled it
 */
public record WaveformSegment(
    MdcCode lead,
    String containmentPath,
    double sampleRateHz,
    Instant startTime,
    int[] samples,
    BigDecimal scale,
    BigDecimal offset,
    MdcCode unit,
    String deviceId) {

  public static final MdcCode MILLIVOLT = MdcCode.of(266418, "MDC_DIM_MILLI_VOLT");

  public WaveformSegment {
    Objects.requireNonNull(lead, "lead");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(scale, "scale");
    Objects.requireNonNull(offset, "offset");
    Objects.requireNonNull(unit, "unit");
    if (!(sampleRateHz > 0) || Double.isInfinite(sampleRateHz)) {
      throw new IllegalArgumentException(
          "sample rate must be a positive number of Hz, was " + sampleRateHz);
    }
    if (scale.signum() == 0) {
      throw new IllegalArgumentException("waveform scale must not be zero");
    }
    containmentPath = Objects.toString(containmentPath, "");
    deviceId = Objects.toString(deviceId, "");
    samples = samples.clone();
  }

  @Override
  public int[] samples() {
    return samples.clone();
  }

  public int sampleCount() {
    return samples.length;
  }

  /** Sample {@code i} without copying the array. */
  public int sample(int i) {
    return samples[i];
  }

  /** The exact physical value of sample {@code i}. */
  public BigDecimal physical(int i) {
    return offset.add(scale.multiply(BigDecimal.valueOf(samples[i])));
  }

  /** The time just after the last sample: {@code startTime + count / rate}. */
  public Instant endTime() {
    long nanos = Math.round(samples.length * 1_000_000_000d / sampleRateHz);
    return startTime.plus(Duration.ofNanos(nanos));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WaveformSegment w
        && lead.equals(w.lead)
        && containmentPath.equals(w.containmentPath)
        && Double.compare(sampleRateHz, w.sampleRateHz) == 0
        && startTime.equals(w.startTime)
        && Arrays.equals(samples, w.samples)
        && scale.compareTo(w.scale) == 0
        && offset.compareTo(w.offset) == 0
        && unit.equals(w.unit)
        && deviceId.equals(w.deviceId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lead, containmentPath, sampleRateHz, startTime, Arrays.hashCode(samples));
  }

  @Override
  public String toString() {
    return "WaveformSegment[lead="
        + lead
        + ", rate="
        + sampleRateHz
        + ", start="
        + startTime
        + ", samples="
        + samples.length
        + ", scale="
        + scale
        + ", offset="
        + offset
        + ", device="
        + deviceId
        + "]";
  }
}
