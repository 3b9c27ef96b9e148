package org.ambulink.fhir;

import java.util.List;
import java.util.Optional;
import org.ambulink.drivers.model.MdcCode;

/**
 * The numeric metrics the handover maps, one Observation each: MDC metric to LOINC code(s), UCUM
 * unit and R4 vital-signs profile. Blood pressure is not here: NIBP values are paired into a panel
 * ({@link BloodPressure}).
 */
enum VitalSign {
  HEART_RATE(
      "heart-rate",
      "http://hl7.org/fhir/StructureDefinition/heartrate",
      List.of(new Loinc("8867-4", "Heart rate")),
      List.of(MdcCode.of(147842, "MDC_ECG_HEART_RATE")),
      MdcCode.of(264864, "MDC_DIM_BEAT_PER_MIN"),
      "/min",
      "beats/minute"),
  /** The oximeter's pulse rate: still a heart rate for the profile, plus its own LOINC code. */
  PULSE_RATE(
      "pulse-rate",
      "http://hl7.org/fhir/StructureDefinition/heartrate",
      List.of(
          new Loinc("8867-4", "Heart rate"), new Loinc("8889-8", "Heart rate by Pulse oximetry")),
      List.of(MdcCode.of(149530, "MDC_PULS_OXIM_PULS_RATE")),
      MdcCode.of(264864, "MDC_DIM_BEAT_PER_MIN"),
      "/min",
      "beats/minute"),
  /** SpO2: the oxygensat profile requires 2708-6; 59408-5 says it was pulse oximetry. */
  SPO2(
      "oxygen-saturation",
      "http://hl7.org/fhir/StructureDefinition/oxygensat",
      List.of(
          new Loinc("2708-6", "Oxygen saturation in Arterial blood"),
          new Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")),
      List.of(MdcCode.of(150456, "MDC_PULS_OXIM_SAT_O2")),
      MdcCode.of(262688, "MDC_DIM_PERCENT"),
      "%",
      "%"),
  RESPIRATORY_RATE(
      "respiratory-rate",
      "http://hl7.org/fhir/StructureDefinition/resprate",
      List.of(new Loinc("9279-1", "Respiratory rate")),
      List.of(MdcCode.of(151562, "MDC_RESP_RATE"), MdcCode.of(151578, "MDC_TTHOR_RESP_RATE")),
      MdcCode.of(264928, "MDC_DIM_RESP_PER_MIN"),
      "/min",
      "breaths/minute"),
  BODY_TEMPERATURE(
      "body-temperature",
      "http://hl7.org/fhir/StructureDefinition/bodytemp",
      List.of(new Loinc("8310-5", "Body temperature")),
      List.of(MdcCode.of(150344, "MDC_TEMP")),
      MdcCode.of(268192, "MDC_DIM_DEGC"),
      "Cel",
      "C"),
  /** End-tidal CO2: not one of the R4 vital signs, so no profile, but the same shape. */
  ETCO2(
      "etco2",
      null,
      List.of(
          new Loinc(
              "19891-1", "Carbon dioxide [Partial pressure] in Exhaled gas --at end expiration")),
      List.of(MdcCode.of(151708, "MDC_CONC_AWAY_CO2_ET")),
      MdcCode.of(266016, "MDC_DIM_MMHG"),
      "mm[Hg]",
      "mmHg");

  /** A LOINC code and its display. */
  record Loinc(String code, String display) {}

  static final String LOINC = "http://loinc.org";

  private final String kind;
  private final String profile;
  private final List<Loinc> loinc;
  private final List<MdcCode> metrics;
  private final MdcCode mdcUnit;
  private final String ucum;
  private final String unitText;

  VitalSign(
      String kind,
      String profile,
      List<Loinc> loinc,
      List<MdcCode> metrics,
      MdcCode mdcUnit,
      String ucum,
      String unitText) {
    this.kind = kind;
    this.profile = profile;
    this.loinc = loinc;
    this.metrics = metrics;
    this.mdcUnit = mdcUnit;
    this.ucum = ucum;
    this.unitText = unitText;
  }

  /** The mapping of an MDC metric, by code. */
  static Optional<VitalSign> of(MdcCode metric) {
    for (VitalSign v : values()) {
      if (v.metric(metric).isPresent()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** Our canonical term for a metric this sign maps (devices disagree on reference ids). */
  Optional<MdcCode> metric(MdcCode metric) {
    return metrics.stream().filter(m -> m.sameCode(metric)).findFirst();
  }

  String kind() {
    return kind;
  }

  /** The R4 vital-signs profile, or null when the sign has none. */
  String profile() {
    return profile;
  }

  List<Loinc> loinc() {
    return loinc;
  }

  List<MdcCode> metrics() {
    return metrics;
  }

  MdcCode mdcUnit() {
    return mdcUnit;
  }

  String ucum() {
    return ucum;
  }

  String unitText() {
    return unitText;
  }
}
