package org.ambulink.fhir;

import java.util.Set;
import java.util.TreeSet;

/**
 * The full URLs every mapper refers to (patient, encounter, devices), and the devices referred to
 * so far, so that a value from a device the record does not list still gets its Device.
 */
final class MappingContext {
  private final HandoverRecord record;
  private final Set<String> usedDevices = new TreeSet<>();

  MappingContext(HandoverRecord record) {
    this.record = record;
  }

  HandoverRecord record() {
    return record;
  }

  String key() {
    return record.key();
  }

  String patientUrl() {
    return Identifiers.fullUrl("Patient", Identifiers.TRANSPORT_PATIENT, record.key());
  }

  String encounterUrl() {
    return Identifiers.fullUrl("Encounter", Identifiers.TRANSPORT, record.key());
  }

  String locationUrl() {
    return Identifiers.fullUrl("Location", Identifiers.DESTINATION_ID, record.destination().id());
  }

  String applianceUrl() {
    return Identifiers.fullUrl("Device", Identifiers.APPLIANCE_ID, record.applianceId());
  }

  /** The Device of a monitor, or null for an empty id (the value then names no device). */
  String deviceUrl(String equipmentId) {
    if (equipmentId.isEmpty()) {
      return null;
    }
    usedDevices.add(equipmentId);
    return Identifiers.fullUrl("Device", Identifiers.EQUIPMENT_ID, equipmentId);
  }

  /** Equipment ids referred to by mapped values, sorted. */
  Set<String> usedDevices() {
    return usedDevices;
  }

  /** The identifier value of a transport-scoped item: {@code applianceId/transportId/parts...}. */
  String itemId(Object... parts) {
    StringBuilder b = new StringBuilder(record.key());
    for (Object p : parts) {
      b.append('/').append(p);
    }
    return b.toString();
  }
}
