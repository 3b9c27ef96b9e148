package org.ambulink.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.parser.IParser;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;

class SampledDataCodecTest {
  private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");

  @Test
  void all_twelve_leads_of_a_simulated_strip_round_trip_exactly_through_fhir_json() {
    SimulatedTransport t =
        SimulatedTransport.run(
            Duration.ofSeconds(12), Duration.ofSeconds(5), Duration.ofMinutes(5));
    EcgStrip strip = t.strip(t.start.plusSeconds(1), EcgStrip.Reason.CREW_CAPTURE);
    IParser json = FhirR4.context().newJsonParser();

    assertThat(strip.leads()).hasSize(12);
    for (WaveformSegment lead : strip.leads()) {
      Observation o = new Observation().setValue(SampledDataCodec.encode(lead));
      Observation parsed = json.parseResource(Observation.class, json.encodeResourceToString(o));

      SampledData sd = parsed.getValueSampledData();
      BigDecimal[] decoded = SampledDataCodec.decode(sd);

      assertThat(sd.getPeriod()).isEqualByComparingTo("2");
      assertThat(sd.getDimensions()).isEqualTo(1);
      assertThat(sd.getOrigin().getCode()).isEqualTo("mV");
      assertThat(decoded).hasSize(lead.sampleCount());
      for (int i = 0; i < decoded.length; i++) {
        if (decoded[i].compareTo(lead.physical(i)) != 0) {
          throw new AssertionError(
              EcgLeads.displayName(lead.lead())
                  + " sample "
                  + i
                  + ": decoded "
                  + decoded[i]
                  + " but physical "
                  + lead.physical(i));
        }
      }
    }
  }

  @Test
  void an_offset_and_a_decimal_scale_stay_exact() {
    WaveformSegment w =
        new WaveformSegment(
            EcgLeads.V2,
            "",
            360,
            T0,
            new int[] {-2048, 0, 7, 2047},
            new BigDecimal("0.00488"),
            new BigDecimal("-0.125"),
            WaveformSegment.MILLIVOLT,
            "dev");

    SampledData sd = SampledDataCodec.encode(w);

    assertThat(sd.getData()).isEqualTo("-2048 0 7 2047");
    assertThat(sd.getPeriod()).isEqualByComparingTo("2.777777777777778");
    BigDecimal[] decoded = SampledDataCodec.decode(sd);
    for (int i = 0; i < 4; i++) {
      assertThat(decoded[i]).isEqualByComparingTo(w.physical(i));
    }
    assertThat(decoded[0]).isEqualByComparingTo("-10.11924");
  }

  @Test
  void period_is_exact_when_it_terminates() {
    assertThat(SampledDataCodec.periodMillis(500)).isEqualTo(new BigDecimal("2"));
    assertThat(SampledDataCodec.periodMillis(1000)).isEqualTo(new BigDecimal("1"));
    assertThat(SampledDataCodec.periodMillis(250)).isEqualTo(new BigDecimal("4"));
    assertThat(SampledDataCodec.periodMillis(128)).isEqualTo(new BigDecimal("7.8125"));
  }

  @Test
  void decode_names_a_value_that_is_not_a_number() {
    SampledData sd =
        new SampledData()
            .setOrigin(new Quantity().setValue(0))
            .setFactor(BigDecimal.ONE)
            .setDimensions(1)
            .setData("1 2 E 4");

    assertThatThrownBy(() -> SampledDataCodec.decode(sd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value 2 is 'E'");
  }

  @Test
  void encode_refuses_a_unit_other_than_millivolts() {
    WaveformSegment microvolts =
        new WaveformSegment(
            EcgLeads.I,
            "",
            500,
            T0,
            new int[] {1},
            BigDecimal.ONE,
            BigDecimal.ZERO,
            MdcCode.of(266419, "MDC_DIM_MICRO_VOLT"),
            "");

    assertThatThrownBy(() -> SampledDataCodec.encode(microvolts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("266419^MDC_DIM_MICRO_VOLT^MDC");
  }
}
