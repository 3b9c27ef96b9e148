package org.ambulink.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import org.ambulink.drivers.model.MdcCode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** Small builders of FHIR datatypes shared by the mappers. */
final class Fhir {
  /** IEEE 11073-10101 as FHIR names it. */
  static final String MDC = "urn:iso:std:iso:11073:10101";

  static final String OBSERVATION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/observation-category";

  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private Fhir() {}

  static Coding mdc(MdcCode code) {
    Coding c = new Coding().setSystem(MDC).setCode(String.valueOf(code.code()));
    if (!code.refId().isEmpty()) {
      c.setDisplay(code.refId());
    }
    return c;
  }

  static Coding loinc(VitalSign.Loinc loinc) {
    return new Coding()
        .setSystem(VitalSign.LOINC)
        .setCode(loinc.code())
        .setDisplay(loinc.display());
  }

  static CodeableConcept category(String code, String display) {
    return new CodeableConcept()
        .addCoding(new Coding().setSystem(OBSERVATION_CATEGORY).setCode(code).setDisplay(display))
        .setText(display);
  }

  /** A UCUM quantity. */
  static Quantity quantity(BigDecimal value, String ucum, String unitText) {
    return new Quantity()
        .setValue(value)
        .setUnit(unitText)
        .setSystem(SampledDataCodec.UCUM)
        .setCode(ucum);
  }

  /** A dateTime to the millisecond in UTC, e.g. {@code 2026-12-02T06:07:00.250Z}. */
  static DateTimeType dateTime(Instant t) {
    DateTimeType d = new DateTimeType(Date.from(t), TemporalPrecisionEnum.MILLI, UTC);
    d.setTimeZoneZulu(true);
    return d;
  }

  static InstantType instant(Instant t) {
    InstantType i = new InstantType(Date.from(t), TemporalPrecisionEnum.MILLI, UTC);
    i.setTimeZoneZulu(true);
    return i;
  }

  static Reference ref(String fullUrl) {
    return new Reference(fullUrl);
  }
}
