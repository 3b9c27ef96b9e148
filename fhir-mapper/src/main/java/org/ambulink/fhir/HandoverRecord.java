package org.ambulink.fhir;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.NumericObservation;

/**
 * Everything a transport hands over to the EHR: who and where, the devices, the vital signs, the
 * ECG strips and the alarms. Built by the appliance from its journal; immutable, the lists are
 * copies.
 *
 * @param transportId the appliance's transport id, e.g. {@code T20261202-060700-ABCD}
 * @param applianceId the appliance's id; with the transport id it makes every identifier unique
 *     across ambulances
 * @param start when the crew pressed Start transport
 * @param end when the crew pressed Handover; null while the transport is open
 * @param destination the receiving emergency department
 * @param patient what the crew knows about the patient
 * @param chiefComplaint short free text, may be empty
 * @param acuityEsi Emergency Severity Index 1 (most urgent) to 5; null when not triaged
 * @param crew crew names or call signs as entered
 * @param devices the monitors attached during the transport; devices that only appear as the {@code
 *     deviceId} of a value are added with their id alone
 * @param vitals numeric observations as intake decoded them, sentinels and demo values included:
 *     the mapper filters and reports those
 * @param strips ECG strips cut from the journal ({@link EcgStrips#cut})
 * @param alarms alarms raised during the transport; they choose strips and are not posted
 */
public record HandoverRecord(
    String transportId,
    String applianceId,
    Instant start,
    Instant end,
    Destination destination,
    PatientInfo patient,
    String chiefComplaint,
    Integer acuityEsi,
    List<String> crew,
    List<DeviceIdentity> devices,
    List<NumericObservation> vitals,
    List<EcgStrip> strips,
    List<AlarmEvent> alarms) {

  public HandoverRecord {
    requireText(transportId, "transportId");
    requireText(applianceId, "applianceId");
    Objects.requireNonNull(start, "start");
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException(
          "transport " + transportId + " ends at " + end + ", before its start " + start);
    }
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(patient, "patient");
    chiefComplaint = Objects.toString(chiefComplaint, "").strip();
    if (acuityEsi != null && (acuityEsi < 1 || acuityEsi > 5)) {
      throw new IllegalArgumentException(
          "acuity must be an ESI level from 1 to 5 or null, was " + acuityEsi);
    }
    crew = List.copyOf(crew);
    devices = List.copyOf(devices);
    vitals = List.copyOf(vitals);
    strips = List.copyOf(strips);
    alarms = List.copyOf(alarms);
  }

  /** A builder for the record of transport {@code transportId} of appliance {@code applianceId}. */
  public static Builder builder(String transportId, String applianceId, Instant start) {
    return new Builder(transportId, applianceId, start);
  }

  /**
   * Builds a {@link HandoverRecord}; each setter states its default, and {@link #build} fails fast
   * naming what is missing or wrong.
   */
  public static final class Builder {
    private final String transportId;
    private final String applianceId;
    private final Instant start;
    private Instant end;
    private Destination destination;
    private PatientInfo patient;
    private String chiefComplaint = "";
    private Integer acuityEsi;
    private List<String> crew = List.of();
    private List<DeviceIdentity> devices = List.of();
    private List<NumericObservation> vitals = List.of();
    private List<EcgStrip> strips = List.of();
    private List<AlarmEvent> alarms = List.of();

    private Builder(String transportId, String applianceId, Instant start) {
      this.transportId = transportId;
      this.applianceId = applianceId;
      this.start = start;
    }

    /** When the patient was handed over; default null, an open transport. */
    public Builder end(Instant end) {
      this.end = end;
      return this;
    }

    /** The receiving emergency department; required. */
    public Builder destination(Destination destination) {
      this.destination = destination;
      return this;
    }

    /** What is known of the patient; required. */
    public Builder patient(PatientInfo patient) {
      this.patient = patient;
      return this;
    }

    /** Default empty. */
    public Builder chiefComplaint(String chiefComplaint) {
      this.chiefComplaint = chiefComplaint;
      return this;
    }

    /** ESI level 1 to 5; default null, not triaged. */
    public Builder acuityEsi(Integer acuityEsi) {
      this.acuityEsi = acuityEsi;
      return this;
    }

    /** Default none. */
    public Builder crew(List<String> crew) {
      this.crew = crew;
      return this;
    }

    /** Default none. */
    public Builder devices(List<DeviceIdentity> devices) {
      this.devices = devices;
      return this;
    }

    /** Default none. */
    public Builder vitals(List<NumericObservation> vitals) {
      this.vitals = vitals;
      return this;
    }

    /** Default none. */
    public Builder strips(List<EcgStrip> strips) {
      this.strips = strips;
      return this;
    }

    /** Default none. */
    public Builder alarms(List<AlarmEvent> alarms) {
      this.alarms = alarms;
      return this;
    }

    /**
     * @throws NullPointerException naming the missing destination or patient
     * @throws IllegalArgumentException naming a blank id, an end before the start or an ESI level
     *     outside 1 to 5
     */
    public HandoverRecord build() {
      return new HandoverRecord(
          transportId,
          applianceId,
          start,
          end,
          destination,
          patient,
          chiefComplaint,
          acuityEsi,
          crew,
          devices,
          vitals,
          strips,
          alarms);
    }
  }

  /** {@code applianceId/transportId}: the prefix of every transport-scoped identifier value. */
  public String key() {
    return applianceId + "/" + transportId;
  }

  /** Whether the crew has handed the patient over. */
  public boolean finished() {
    return end != null;
  }

  /** The receiving emergency department. */
  public record Destination(String id, String name) {
    public Destination {
      requireText(id, "destination id");
      name = Objects.toString(name, "").strip();
    }
  }

  /**
   * What the crew knows about the patient; usually little.
   *
   * @param temporaryId the id the appliance made up for an unidentified patient, e.g. {@code
   *     UNK-7K3QX2}
   * @param name the name when known, else empty
   * @param sex administrative sex as far as known
   * @param approximateAgeYears the crew's estimate, null when unknown
   */
  public record PatientInfo(String temporaryId, String name, Sex sex, Integer approximateAgeYears) {
    public PatientInfo {
      requireText(temporaryId, "temporaryId");
      name = Objects.toString(name, "").strip();
      sex = sex == null ? Sex.UNKNOWN : sex;
      if (approximateAgeYears != null && (approximateAgeYears < 0 || approximateAgeYears > 130)) {
        throw new IllegalArgumentException(
            "approximate age must be between 0 and 130 years, was " + approximateAgeYears);
      }
    }
  }

  /** Administrative sex with FHIR's codes. */
  public enum Sex {
    MALE("male"),
    FEMALE("female"),
    OTHER("other"),
    UNKNOWN("unknown");

    private final String fhirCode;

    Sex(String fhirCode) {
      this.fhirCode = fhirCode;
    }

    public String fhirCode() {
      return fhirCode;
    }
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
