package org.ambulink.fhir;

import java.util.List;
import java.util.Optional;
import org.ambulink.drivers.model.MdcCode;

/**
 * The parts of a non-invasive blood pressure: both MDC families (MDC_PRESS_BLD_NONINV_* and
 * MDC_PRESS_CUFF_*) map to the R4 {@code bp} profile's panel 85354-9 and its components.
 */
enum BloodPressure {
  SYSTOLIC(
      "8480-6",
      "Systolic blood pressure",
      MdcCode.of(150021, "MDC_PRESS_BLD_NONINV_SYS"),
      MdcCode.of(150301, "MDC_PRESS_CUFF_SYS")),
  DIASTOLIC(
      "8462-4",
      "Diastolic blood pressure",
      MdcCode.of(150022, "MDC_PRESS_BLD_NONINV_DIA"),
      MdcCode.of(150302, "MDC_PRESS_CUFF_DIA")),
  /** Not required by the profile; an extra component of the open slicing. */
  MEAN(
      "8478-0",
      "Mean blood pressure",
      MdcCode.of(150023, "MDC_PRESS_BLD_NONINV_MEAN"),
      MdcCode.of(150303, "MDC_PRESS_CUFF_MEAN"));

  static final String PROFILE = "http://hl7.org/fhir/StructureDefinition/bp";
  static final VitalSign.Loinc PANEL =
      new VitalSign.Loinc("85354-9", "Blood pressure panel with all children optional");
  static final MdcCode MMHG = MdcCode.of(266016, "MDC_DIM_MMHG");
  static final String UCUM = "mm[Hg]";
  static final String UNIT_TEXT = "mmHg";
  static final String KIND = "blood-pressure";

  private final VitalSign.Loinc loinc;
  private final List<MdcCode> metrics;

  BloodPressure(String loinc, String display, MdcCode... metrics) {
    this.loinc = new VitalSign.Loinc(loinc, display);
    this.metrics = List.of(metrics);
  }

  /** The part an MDC metric measures, by code, with our canonical term for it. */
  static Optional<Part> of(MdcCode metric) {
    for (BloodPressure p : values()) {
      for (MdcCode m : p.metrics) {
        if (m.sameCode(metric)) {
          return Optional.of(new Part(p, m));
        }
      }
    }
    return Optional.empty();
  }

  VitalSign.Loinc loinc() {
    return loinc;
  }

  /** A part and the exact MDC term a device used for it. */
  record Part(BloodPressure part, MdcCode metric) {}
}
