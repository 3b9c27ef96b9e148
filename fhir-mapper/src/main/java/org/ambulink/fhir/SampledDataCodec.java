package org.ambulink.fhir;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;
import org.ambulink.drivers.model.WaveformSegment;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SampledData;

/**
 * Encodes a waveform segment as FHIR R4 {@code SampledData} and decodes it back, exactly: the
 * integer samples become {@code data}, the segment's scale {@code factor} and its offset the {@code
 * origin}, so {@code origin + factor * data[i]} is the segment's {@link WaveformSegment#physical}
 * value to the last digit.
 */
public final class SampledDataCodec {
  /** UCUM, the unit system of {@code origin}. */
  public static final String UCUM = "http://unitsofmeasure.org";

  private static final BigDecimal MS_PER_SECOND = BigDecimal.valueOf(1000);

  private SampledDataCodec() {}

  /**
   * The segment as SampledData: origin in mV (the offset), period in ms, factor (the scale),
   * dimensions 1 and the samples as space-separated integers. Limits are not set: the device model
   * does not carry them. A period that is not a terminating decimal (e.g. 360 Hz) is rounded to 16
   * significant digits; sample values are never rounded.
   *
   * @throws IllegalArgumentException when the segment is not in millivolts
   */
  public static SampledData encode(WaveformSegment segment) {
    if (!segment.unit().sameCode(WaveformSegment.MILLIVOLT)) {
      throw new IllegalArgumentException(
          "lead " + segment.lead() + " is in " + segment.unit() + "; only millivolts are encoded");
    }
    StringBuilder data = new StringBuilder(segment.sampleCount() * 5);
    for (int i = 0; i < segment.sampleCount(); i++) {
      if (i > 0) {
        data.append(' ');
      }
      data.append(segment.sample(i));
    }
    return new SampledData()
        .setOrigin(
            new Quantity().setValue(segment.offset()).setUnit("mV").setSystem(UCUM).setCode("mV"))
        .setPeriod(periodMillis(segment.sampleRateHz()))
        .setFactor(segment.scale())
        .setDimensions(1)
        .setData(data.toString());
  }

  /** Milliseconds between samples at {@code rateHz}, exact when it terminates. */
  public static BigDecimal periodMillis(double rateHz) {
    BigDecimal rate = BigDecimal.valueOf(rateHz);
    BigDecimal period;
    try {
      period = MS_PER_SECOND.divide(rate);
    } catch (ArithmeticException nonTerminating) {
      period = MS_PER_SECOND.divide(rate, MathContext.DECIMAL64);
    }
    period = period.stripTrailingZeros();
    return period.scale() < 0 ? period.setScale(0) : period;
  }

  /**
   * The physical values of one-dimensional SampledData: {@code origin + factor * data[i]} (factor 1
   * when absent), exact.
   *
   * @throws IllegalArgumentException when the data has more than one dimension, has no origin
   *     value, or holds a token that is not a number (such as {@code E}, {@code L} or {@code U}),
   *     naming its index
   */
  public static BigDecimal[] decode(SampledData sampled) {
    Objects.requireNonNull(sampled, "sampled");
    if (sampled.hasDimensions() && sampled.getDimensions() != 1) {
      throw new IllegalArgumentException(
          "SampledData has " + sampled.getDimensions() + " dimensions; decode handles 1");
    }
    if (!sampled.hasOrigin() || sampled.getOrigin().getValue() == null) {
      throw new IllegalArgumentException("SampledData has no origin value");
    }
    BigDecimal origin = sampled.getOrigin().getValue();
    BigDecimal factor = sampled.hasFactor() ? sampled.getFactor() : BigDecimal.ONE;
    String text = sampled.hasData() ? sampled.getData().strip() : "";
    if (text.isEmpty()) {
      return new BigDecimal[0];
    }
    String[] tokens = text.split("\\s+");
    BigDecimal[] values = new BigDecimal[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      BigDecimal raw;
      try {
        raw = new BigDecimal(tokens[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "SampledData value "
                + i
                + " is '"
                + tokens[i]
                + "', not a number (E, L and U mark error, below and above limits)",
            e);
      }
      values[i] = origin.add(factor.multiply(raw));
    }
    return values;
  }
}
