package org.ambulink.appliance.transport;

import java.util.List;
import java.util.Objects;

/**
 * What the crew enters at Start transport.
 *
 * @param destinationId id of the receiving ED, one of the configured destinations
 * @param crew crew member names or call signs as entered (at least one)
 * @param patient what is known about the patient; an unknown patient is the normal case
 * @param chiefComplaint short free text, may be empty
 * @param acuity triage level, null when not given
 */
public record TransportDetails(
    String destinationId,
    List<String> crew,
    PatientDetails patient,
    String chiefComplaint,
    Acuity acuity) {

  public TransportDetails {
    Objects.requireNonNull(destinationId, "destinationId");
    Objects.requireNonNull(patient, "patient");
    crew = List.copyOf(crew);
    chiefComplaint = Objects.toString(chiefComplaint, "");
  }
}
