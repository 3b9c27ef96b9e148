package org.ambulink.fhir;

import org.ambulink.drivers.model.ResultStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;

/** The parts every handover Observation shares: identifier, subject, encounter, device. */
final class Observations {
  private Observations() {}

  /** An Observation about the transport's patient, in its encounter, from {@code deviceId}. */
  static Observation about(
      MappingContext ctx, ObservationStatus status, CodeableConcept category, String deviceId) {
    Observation o = new Observation();
    o.setStatus(status);
    if (category != null) {
      o.addCategory(category);
    }
    o.setSubject(Fhir.ref(ctx.patientUrl()));
    o.setEncounter(Fhir.ref(ctx.encounterUrl()));
    String device = deviceId == null ? null : ctx.deviceUrl(deviceId);
    if (device != null) {
      o.setDevice(Fhir.ref(device));
    }
    return o;
  }

  /** Gives the Observation its identifier and makes it a bundle entry keyed on it. */
  static Entry entry(Observation o, String identifierValue, String kind) {
    o.getIdentifier()
        .add(0, new Identifier().setSystem(Identifiers.OBSERVATION).setValue(identifierValue));
    return new Entry(
        Identifiers.fullUrl("Observation", Identifiers.OBSERVATION, identifierValue),
        o,
        Identifiers.ifNoneExist("identifier", Identifiers.OBSERVATION, identifierValue),
        kind);
  }

  /** OBX-11 to Observation.status; {@code CANNOT_OBTAIN} values are never mapped. */
  static ObservationStatus status(ResultStatus status) {
    return switch (status) {
      case FINAL -> ObservationStatus.FINAL;
      case PRELIMINARY -> ObservationStatus.PRELIMINARY;
      case CORRECTED -> ObservationStatus.AMENDED;
      case CANNOT_OBTAIN ->
          throw new IllegalArgumentException(
              "a value the device could not obtain has no Observation status");
    };
  }

  static CodeableConcept vitalSignsCategory() {
    return Fhir.category("vital-signs", "Vital Signs");
  }
}
