package org.ambulink.drivers.ecgframe;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * One decoded ECG frame (format in {@code docs/ecg-frames.md}): the samples of one or more leads
 * that share a first-sample time, a sample rate and a scale. Immutable: the arrays are copied in
 * and out.
 *
 * @param sequence the transport-scoped sequence number, 0..2^32-1
 * @param startMicros time of sample 0 of every lead, microseconds since the epoch
 * @param sampleRateHz samples per second, 1..65535
 * @param nanovoltsPerCount the scale: physical value of one sample step in nV, never 0
 * @param flags the flag byte ({@link EcgFrameCodec#FLAG_BACKFILL}, {@link
 *     EcgFrameCodec#FLAG_CLIPPED})
 * @param leadCodes the MDC code of each lead, e.g. 131330 for MDC_ECG_ELEC_POTL_II
 * @param samples the int16 samples, {@code samples[lead][i]}, all leads the same length
 */
public record EcgFrame(
    long sequence,
    long startMicros,
    int sampleRateHz,
    int nanovoltsPerCount,
    int flags,
    int[] leadCodes,
    short[][] samples) {

  public EcgFrame {
    Objects.requireNonNull(leadCodes, "leadCodes");
    Objects.requireNonNull(samples, "samples");
    if (sequence < 0 || sequence > EcgFrameCodec.MAX_SEQUENCE) {
      throw new EcgFrameException("sequence must be a uint32, was " + sequence);
    }
    if (sampleRateHz < 1 || sampleRateHz > 65535) {
      throw new EcgFrameException("sample rate must be 1..65535 Hz, was " + sampleRateHz);
    }
    if (nanovoltsPerCount == 0) {
      throw new EcgFrameException("scale must not be 0 nV per count");
    }
    if ((flags & ~EcgFrameCodec.KNOWN_FLAGS) != 0) {
      throw new EcgFrameException(String.format("unknown flag bits 0x%02x", flags));
    }
    if (leadCodes.length < 1 || leadCodes.length > EcgFrameCodec.MAX_LEADS) {
      throw new EcgFrameException(
          "lead count must be 1.." + EcgFrameCodec.MAX_LEADS + ", was " + leadCodes.length);
    }
    if (samples.length != leadCodes.length) {
      throw new EcgFrameException(
          "lead count mismatch: " + leadCodes.length + " codes, " + samples.length + " leads");
    }
    leadCodes = leadCodes.clone();
    for (int i = 0; i < leadCodes.length; i++) {
      if (leadCodes[i] < 0) {
        throw new EcgFrameException("lead code must not be negative, was " + leadCodes[i]);
      }
      for (int j = 0; j < i; j++) {
        if (leadCodes[j] == leadCodes[i]) {
          throw new EcgFrameException("duplicate lead code " + leadCodes[i]);
        }
      }
    }
    short[][] copy = new short[samples.length][];
    for (int l = 0; l < samples.length; l++) {
      copy[l] = Objects.requireNonNull(samples[l], "samples of lead " + l).clone();
      if (copy[l].length != copy[0].length) {
        throw new EcgFrameException(
            "samples per lead mismatch: lead "
                + leadCodes[l]
                + " has "
                + copy[l].length
                + ", lead "
                + leadCodes[0]
                + " has "
                + copy[0].length);
      }
    }
    if (copy[0].length < 1 || copy[0].length > 65535) {
      throw new EcgFrameException("samples per lead must be 1..65535, was " + copy[0].length);
    }
    samples = copy;
  }

  @Override
  public int[] leadCodes() {
    return leadCodes.clone();
  }

  @Override
  public short[][] samples() {
    short[][] copy = new short[samples.length][];
    for (int l = 0; l < samples.length; l++) {
      copy[l] = samples[l].clone();
    }
    return copy;
  }

  public int leadCount() {
    return leadCodes.length;
  }

  public int samplesPerLead() {
    return samples[0].length;
  }

  /** The MDC code of lead {@code l} (with its ref id if it is one of the standard 12 leads). */
  public MdcCode lead(int l) {
    int code = leadCodes[l];
    for (MdcCode c : EcgLeads.TWELVE_LEAD) {
      if (c.code() == code) {
        return c;
      }
    }
    return MdcCode.of(code, "");
  }

  /** The index of the lead with this code, or -1. */
  public int indexOf(MdcCode lead) {
    for (int l = 0; l < leadCodes.length; l++) {
      if (leadCodes[l] == lead.code()) {
        return l;
      }
    }
    return -1;
  }

  /** The samples of lead {@code l} (a copy). */
  public short[] samples(int l) {
    return samples[l].clone();
  }

  public short sample(int l, int i) {
    return samples[l][i];
  }

  public boolean backfill() {
    return (flags & EcgFrameCodec.FLAG_BACKFILL) != 0;
  }

  /** Some sample of the source was outside int16 and was clipped to -32768 or 32767. */
  public boolean clipped() {
    return (flags & EcgFrameCodec.FLAG_CLIPPED) != 0;
  }

  public Instant startTime() {
    return Instant.ofEpochSecond(
        Math.floorDiv(startMicros, 1_000_000L), Math.floorMod(startMicros, 1_000_000L) * 1000L);
  }

  /** The scale in mV per count, exact: {@code nanovoltsPerCount / 10^6}. */
  public BigDecimal millivoltsPerCount() {
    return BigDecimal.valueOf(nanovoltsPerCount, 6);
  }

  /** The exact physical value of sample {@code i} of lead {@code l} in mV. */
  public BigDecimal millivolts(int l, int i) {
    return BigDecimal.valueOf((long) nanovoltsPerCount * samples[l][i], 6);
  }

  /** The exact physical values of lead {@code l} in mV. */
  public BigDecimal[] millivolts(int l) {
    BigDecimal[] mv = new BigDecimal[samples[l].length];
    for (int i = 0; i < mv.length; i++) {
      mv[i] = millivolts(l, i);
    }
    return mv;
  }

  /** The frame as waveform segments (offset 0, unit mV), e.g. to compare with the journal. */
  public List<WaveformSegment> toSegments(String deviceId) {
    List<WaveformSegment> out = new ArrayList<>(leadCodes.length);
    for (int l = 0; l < leadCodes.length; l++) {
      int[] values = new int[samples[l].length];
      for (int i = 0; i < values.length; i++) {
        values[i] = samples[l][i];
      }
      out.add(
          new WaveformSegment(
              lead(l),
              "",
              sampleRateHz,
              startTime(),
              values,
              millivoltsPerCount().stripTrailingZeros(),
              BigDecimal.ZERO,
              WaveformSegment.MILLIVOLT,
              deviceId));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EcgFrame f
        && sequence == f.sequence
        && startMicros == f.startMicros
        && sampleRateHz == f.sampleRateHz
        && nanovoltsPerCount == f.nanovoltsPerCount
        && flags == f.flags
        && Arrays.equals(leadCodes, f.leadCodes)
        && Arrays.deepEquals(samples, f.samples);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        sequence,
        startMicros,
        sampleRateHz,
        nanovoltsPerCount,
        flags,
        Arrays.hashCode(leadCodes),
        Arrays.deepHashCode(samples));
  }

  @Override
  public String toString() {
    return "EcgFrame[seq="
        + sequence
        + ", startMicros="
        + startMicros
        + ", rate="
        + sampleRateHz
        + ", nV/count="
        + nanovoltsPerCount
        + ", flags="
        + flags
        + ", leads="
        + Arrays.toString(leadCodes)
        + ", samplesPerLead="
        + samples[0].length
        + "]";
  }
}
