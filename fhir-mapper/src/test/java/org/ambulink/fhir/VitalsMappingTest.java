package org.ambulink.fhir;

import static org.ambulink.fhir.SimulatedTransport.numeric;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.sim.MonitorCodes;
import org.ambulink.fhir.MappingReport.SkipReason;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.junit.jupiter.api.Test;

class VitalsMappingTest {
  private static final Instant T0 = Instant.parse("2026-12-02T06:07:00Z");
  private static final String DEV = "0123456789ABCDEF";
  private static final MdcCode NONINV_SYS = MdcCode.of(150021, "MDC_PRESS_BLD_NONINV_SYS");
  private static final MdcCode NONINV_DIA = MdcCode.of(150022, "MDC_PRESS_BLD_NONINV_DIA");
  private static final MdcCode ART_SYS = MdcCode.of(150033, "MDC_PRESS_BLD_ART_SYS");
  private static final MdcCode DEGF = MdcCode.of(266560, "MDC_DIM_FAHR");

  private final HandoverBundleBuilder builder = new HandoverBundleBuilder();

  private HandoverBundles map(List<NumericObservation> vitals) {
    HandoverRecord r =
        HandoverRecord.builder("T1", "AMB-07", T0)
            .end(T0.plusSeconds(600))
            .destination(new HandoverRecord.Destination("MGH-ED", "MGH"))
            .patient(new HandoverRecord.PatientInfo("UNK-1", "", null, null))
            .vitals(vitals)
            .build();
    return builder.assemble(r, HandoverBundleBuilder.DEFAULT_MAX_BYTES);
  }

  @Test
  void every_vital_sign_gets_its_loinc_first_then_the_mdc_code_and_a_ucum_unit() {
    Bundle b =
        map(List.of(
                numeric(MonitorCodes.HEART_RATE, "72", MonitorCodes.BEATS_PER_MIN, T0, DEV),
                numeric(MonitorCodes.SPO2, "97", MonitorCodes.PERCENT, T0, DEV),
                numeric(MonitorCodes.PULSE_RATE, "71", MonitorCodes.BEATS_PER_MIN, T0, DEV),
                numeric(MonitorCodes.RESP_RATE, "16", MonitorCodes.BREATHS_PER_MIN, T0, DEV),
                numeric(MonitorCodes.TEMPERATURE, "36.9", MonitorCodes.DEGREES_CELSIUS, T0, DEV),
                numeric(MonitorCodes.ETCO2, "37", MonitorCodes.MMHG, T0, DEV)))
            .bundles()
            .get(0);

    assertThat(codes(only(b, "8867-4", "147842")))
        .containsExactly("http://loinc.org|8867-4", "urn:iso:std:iso:11073:10101|147842");
    assertThat(codes(only(b, "2708-6", "150456")))
        .containsExactly(
            "http://loinc.org|2708-6",
            "http://loinc.org|59408-5",
            "urn:iso:std:iso:11073:10101|150456");
    assertThat(codes(only(b, "8889-8", "149530")))
        .containsExactly(
            "http://loinc.org|8867-4",
            "http://loinc.org|8889-8",
            "urn:iso:std:iso:11073:10101|149530");
    assertUnit(only(b, "9279-1", "151562"), "16", "/min");
    assertUnit(only(b, "8310-5", "150344"), "36.9", "Cel");
    assertUnit(only(b, "19891-1", "151708"), "37", "mm[Hg]");
    assertUnit(only(b, "2708-6", "150456"), "97", "%");
    assertUnit(only(b, "8867-4", "147842"), "72", "/min");

    Observation hr = only(b, "8867-4", "147842");
    assertThat(hr.getMeta().getProfile().get(0).getValue())
        .isEqualTo("http://hl7.org/fhir/StructureDefinition/heartrate");
    assertThat(hr.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
    assertThat(hr.getEffectiveDateTimeType().getValueAsString())
        .isEqualTo("2026-12-02T06:07:00.000Z");
    assertThat(hr.getStatus()).isEqualTo(ObservationStatus.FINAL);
    assertThat(hr.getDevice().getReference()).startsWith("urn:uuid:");
    assertThat(hr.getIdentifierFirstRep().getValue())
        .isEqualTo("AMB-07/T1/" + DEV + "/147842/" + T0.toEpochMilli());
    assertThat(only(b, "19891-1", "151708").getMeta().getProfile()).isEmpty();
  }

  @Test
  void blood_pressure_panel_pairs_systolic_diastolic_and_mean_of_the_same_time_and_device() {
    Instant t2 = T0.plusSeconds(300);
    Bundle b =
        map(List.of(
                numeric(MonitorCodes.NIBP_SYS, "128", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.HEART_RATE, "72", MonitorCodes.BEATS_PER_MIN, T0, DEV),
                numeric(MonitorCodes.NIBP_DIA, "79", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.NIBP_MEAN, "95", MonitorCodes.MMHG, T0, DEV),
                numeric(NONINV_DIA, "81", MonitorCodes.MMHG, t2, DEV),
                numeric(NONINV_SYS, "131", MonitorCodes.MMHG, t2, DEV),
                numeric(NONINV_SYS, "140", MonitorCodes.MMHG, t2, "OTHERMONITOR")))
            .bundles()
            .get(0);

    List<Observation> panels = Bundles.withCode(b, "85354-9");
    assertThat(panels).hasSize(3);
    Observation cuff = panels.get(0);
    assertThat(cuff.getMeta().getProfile().get(0).getValue())
        .isEqualTo("http://hl7.org/fhir/StructureDefinition/bp");
    assertThat(cuff.hasValue()).isFalse();
    assertThat(cuff.getComponent())
        .extracting(this::component)
        .containsExactly("8480-6/150301=128", "8462-4/150302=79", "8478-0/150303=95");
    Observation noninv =
        panels.get(1).getDevice().getReference().equals(cuff.getDevice().getReference())
            ? panels.get(1)
            : panels.get(2);
    assertThat(noninv.getComponent())
        .extracting(this::component)
        .containsExactly("8480-6/150021=131", "8462-4/150022=81");
    Observation lone =
        panels.stream().filter(p -> p != cuff && p != noninv).findFirst().orElseThrow();
    assertThat(lone.getComponent())
        .extracting(this::component)
        .containsExactly("8480-6/150021=140", "8462-4=absent:unknown");
  }

  @Test
  void sentinels_demo_values_and_values_not_obtained_are_skipped_and_reported_without_values() {
    NumericObservation demo =
        new NumericObservation(
            MonitorCodes.SPO2,
            new BigDecimal("93.25"),
            MonitorCodes.PERCENT,
            "",
            T0,
            DEV,
            ResultStatus.PRELIMINARY,
            true);
    NumericObservation notObtained =
        new NumericObservation(
            MonitorCodes.RESP_RATE,
            new BigDecimal("17.75"),
            MonitorCodes.BREATHS_PER_MIN,
            "",
            T0,
            DEV,
            ResultStatus.CANNOT_OBTAIN,
            false);
    HandoverBundles result =
        map(
            List.of(
                numeric(MonitorCodes.HEART_RATE, "-999", MonitorCodes.BEATS_PER_MIN, T0, DEV),
                numeric(MonitorCodes.ETCO2, "-99.0", MonitorCodes.MMHG, T0, DEV),
                numeric(
                    MonitorCodes.HEART_RATE,
                    "-9",
                    MonitorCodes.BEATS_PER_MIN,
                    T0.plusSeconds(1),
                    DEV),
                demo,
                notObtained,
                numeric(ART_SYS, "121.345", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.TEMPERATURE, "98.6", DEGF, T0, DEV),
                numeric(MonitorCodes.NIBP_MEAN, "93.5", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.SPO2, "96", MonitorCodes.PERCENT, T0, DEV),
                numeric(MonitorCodes.SPO2, "96", MonitorCodes.PERCENT, T0, DEV)));

    MappingReport report = result.report();
    assertThat(report.skippedByReason())
        .containsEntry(SkipReason.SENTINEL, 2)
        .containsEntry(SkipReason.DEMO, 1)
        .containsEntry(SkipReason.CANNOT_OBTAIN, 1)
        .containsEntry(SkipReason.UNMAPPED_METRIC, 1)
        .containsEntry(SkipReason.UNIT_MISMATCH, 1)
        .containsEntry(SkipReason.BP_INCOMPLETE, 1)
        .containsEntry(SkipReason.DUPLICATE, 1);
    assertThat(report.skipped())
        .filteredOn(s -> s.reason() == SkipReason.UNIT_MISMATCH)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.item()).isEqualTo("150344 MDC_TEMP");
              assertThat(s.detail())
                  .isEqualTo("unit 266560 MDC_DIM_FAHR, expected 268192 MDC_DIM_DEGC");
            });
    // A lone -9 is a plausible value, not a sentinel.
    assertThat(report.mapped("Observation/heart-rate")).isEqualTo(1);
    assertThat(report.mapped("Observation/oxygen-saturation")).isEqualTo(1);
    Bundle b = result.bundles().get(0);
    assertThat(Bundles.observations(b)).hasSize(2);
    String everything = report.toString() + report.summary();
    for (String value : List.of("999", "99.0", "93.25", "17.75", "121.345", "98.6", "93.5")) {
      assertThat(everything).doesNotContain(value);
    }
  }

  @Test
  void result_status_maps_to_final_preliminary_and_amended() {
    Bundle b =
        map(List.of(
                status(ResultStatus.FINAL, 0),
                status(ResultStatus.PRELIMINARY, 1),
                status(ResultStatus.CORRECTED, 2)))
            .bundles()
            .get(0);

    assertThat(Bundles.observations(b))
        .extracting(Observation::getStatus)
        .containsExactly(
            ObservationStatus.FINAL, ObservationStatus.PRELIMINARY, ObservationStatus.AMENDED);
  }

  private static NumericObservation status(ResultStatus s, int second) {
    return new NumericObservation(
        MonitorCodes.HEART_RATE,
        BigDecimal.valueOf(70),
        MonitorCodes.BEATS_PER_MIN,
        "",
        T0.plusSeconds(second),
        DEV,
        s,
        false);
  }

  private String component(ObservationComponentComponent c) {
    String codes = String.join("/", c.getCode().getCoding().stream().map(Coding::getCode).toList());
    return c.hasValueQuantity()
        ? codes + "=" + c.getValueQuantity().getValue().toPlainString()
        : codes + "=absent:" + c.getDataAbsentReason().getCodingFirstRep().getCode();
  }

  private static Observation only(Bundle b, String loinc, String mdc) {
    return Bundles.withCode(b, loinc).stream()
        .filter(o -> o.getCode().getCoding().stream().anyMatch(c -> c.getCode().equals(mdc)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no observation " + loinc + "/" + mdc));
  }

  private static List<String> codes(Observation o) {
    return o.getCode().getCoding().stream().map(c -> c.getSystem() + "|" + c.getCode()).toList();
  }

  private static void assertUnit(Observation o, String value, String ucum) {
    assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo(value);
    assertThat(o.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
    assertThat(o.getValueQuantity().getCode()).isEqualTo(ucum);
  }
}
