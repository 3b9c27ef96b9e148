package org.ambulink.appliance.transport;

import java.util.Objects;

/**
 * What the crew knows about the patient. Usually little: a temporary identifier the appliance makes
 * up, perhaps sex and an approximate age. Patient data: never logged.
 *
 * @param temporaryId identifier for an unidentified patient, unique per transport
 * @param name the patient's name when known, else empty
 * @param sex administrative sex as far as known
 * @param approximateAgeYears estimated age in years, null when unknown
 */
public record PatientDetails(
    String temporaryId, String name, Sex sex, Integer approximateAgeYears) {

  /** Administrative sex, with FHIR's codes. */
  public enum Sex {
    MALE("male"),
    FEMALE("female"),
    OTHER("other"),
    UNKNOWN("unknown");

    public final String fhirCode;

    Sex(String fhirCode) {
      this.fhirCode = fhirCode;
    }
  }

  public PatientDetails {
    Objects.requireNonNull(temporaryId, "temporaryId");
    name = Objects.toString(name, "");
    sex = sex == null ? Sex.UNKNOWN : sex;
    if (approximateAgeYears != null && (approximateAgeYears < 0 || approximateAgeYears > 130)) {
      throw new IllegalArgumentException(
          "approximate age must be between 0 and 130 years, was " + approximateAgeYears);
    }
  }
}
