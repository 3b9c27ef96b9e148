package org.ambulink.fhir;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ambulink.drivers.model.DeviceIdentity;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Who and where: the Patient, the Encounter of the transport, the destination as a Location, a
 * Device per monitor and one for the appliance, and the crew's estimate of the patient's age as an
 * Observation (LOINC 30525-0): R4 has no element for an approximate age, and a made-up birthDate
 * would look exact.
 */
final class PartiesMapper {
  static final String AGE_KIND = "Observation/age";

  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority";
  private static final String ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

  private final MappingContext ctx;

  PartiesMapper(MappingContext ctx) {
    this.ctx = ctx;
  }

  Entry patient() {
    HandoverRecord.PatientInfo info = ctx.record().patient();
    Patient p = new Patient();
    p.addIdentifier(
        new Identifier()
            .setUse(Identifier.IdentifierUse.TEMP)
            .setSystem(Identifiers.TEMPORARY_PATIENT_ID)
            .setValue(info.temporaryId()));
    p.addIdentifier(
        new Identifier()
            .setUse(Identifier.IdentifierUse.SECONDARY)
            .setSystem(Identifiers.TRANSPORT_PATIENT)
            .setValue(ctx.key()));
    p.setActive(true);
    if (!info.name().isEmpty()) {
      p.addName(new HumanName().setText(info.name()));
    }
    p.setGender(AdministrativeGender.fromCode(info.sex().fhirCode()));
    return new Entry(
        ctx.patientUrl(),
        p,
        Identifiers.ifNoneExist("identifier", Identifiers.TRANSPORT_PATIENT, ctx.key()),
        "Patient");
  }

  Entry encounter() {
    HandoverRecord r = ctx.record();
    Encounter e = new Encounter();
    e.addIdentifier(new Identifier().setSystem(Identifiers.TRANSPORT).setValue(ctx.key()));
    e.setStatus(
        r.finished() ? Encounter.EncounterStatus.FINISHED : Encounter.EncounterStatus.INPROGRESS);
    e.setClass_(new Coding().setSystem(ACT_CODE).setCode("EMER").setDisplay("emergency"));
    if (r.acuityEsi() != null) {
      e.setPriority(priority(r.acuityEsi()));
    }
    e.setSubject(Fhir.ref(ctx.patientUrl()));
    for (String member : r.crew()) {
      if (!member.isBlank()) {
        e.addParticipant().setIndividual(new Reference().setDisplay(member.strip()));
      }
    }
    Period period = new Period().setStartElement(Fhir.dateTime(r.start()));
    if (r.end() != null) {
      period.setEndElement(Fhir.dateTime(r.end()));
    }
    e.setPeriod(period);
    if (!r.chiefComplaint().isEmpty()) {
      e.addReasonCode(new CodeableConcept().setText(r.chiefComplaint()));
    }
    e.getHospitalization().setDestination(Fhir.ref(ctx.locationUrl()));
    e.addLocation()
        .setLocation(Fhir.ref(ctx.locationUrl()))
        .setStatus(
            r.finished()
                ? Encounter.EncounterLocationStatus.COMPLETED
                : Encounter.EncounterLocationStatus.PLANNED);
    return new Entry(
        ctx.encounterUrl(),
        e,
        Identifiers.ifNoneExist("identifier", Identifiers.TRANSPORT, ctx.key()),
        "Encounter");
  }

  /**
   * ESI has no code system in FHIR R4 core: the level goes into the text, and the urgency into the
   * example binding's v3 ActPriority (1 stat, 2 emergency, 3 urgent, 4 and 5 routine).
   */
  private static CodeableConcept priority(int esi) {
    String[] code =
        switch (esi) {
          case 1 -> new String[] {"S", "stat"};
          case 2 -> new String[] {"EM", "emergency"};
          case 3 -> new String[] {"UR", "urgent"};
          default -> new String[] {"R", "routine"};
        };
    return new CodeableConcept()
        .addCoding(new Coding().setSystem(ACT_PRIORITY).setCode(code[0]).setDisplay(code[1]))
        .setText("ESI " + esi + " (Emergency Severity Index)");
  }

  Entry location() {
    HandoverRecord.Destination d = ctx.record().destination();
    Location l = new Location();
    l.addIdentifier(new Identifier().setSystem(Identifiers.DESTINATION_ID).setValue(d.id()));
    l.setStatus(Location.LocationStatus.ACTIVE);
    if (!d.name().isEmpty()) {
      l.setName(d.name());
    }
    l.setMode(Location.LocationMode.INSTANCE);
    l.addType(
        new CodeableConcept()
            .addCoding(
                new Coding().setSystem(ROLE_CODE).setCode("ER").setDisplay("Emergency room")));
    return new Entry(
        ctx.locationUrl(),
        l,
        Identifiers.ifNoneExist("identifier", Identifiers.DESTINATION_ID, d.id()),
        "Location");
  }

  Entry appliance() {
    Device d = new Device();
    d.addIdentifier(
        new Identifier().setSystem(Identifiers.APPLIANCE_ID).setValue(ctx.record().applianceId()));
    d.setManufacturer("AmbuLink");
    d.addDeviceName()
        .setName("AmbuLink edge appliance")
        .setType(Device.DeviceNameType.USERFRIENDLYNAME);
    return new Entry(
        ctx.applianceUrl(),
        d,
        Identifiers.ifNoneExist("identifier", Identifiers.APPLIANCE_ID, ctx.record().applianceId()),
        "Device/appliance");
  }

  /**
   * The monitors: those the record lists, then those only named by a value, in id order. The MDS,
   * VMD and channel levels are not modelled as child Devices: the device model carries the numeric
   * containment path but not the VMD and channel codes that would give them a type.
   */
  List<Entry> monitors() {
    Map<String, DeviceIdentity> byId = new LinkedHashMap<>();
    for (DeviceIdentity d : ctx.record().devices()) {
      byId.putIfAbsent(d.equipmentId(), d);
    }
    for (String id : ctx.usedDevices()) {
      byId.putIfAbsent(id, DeviceIdentity.of(id));
    }
    List<Entry> entries = new ArrayList<>();
    for (DeviceIdentity identity : byId.values()) {
      entries.add(monitor(identity));
    }
    return entries;
  }

  private static Entry monitor(DeviceIdentity identity) {
    Device d = new Device();
    d.addIdentifier(
        new Identifier().setSystem(Identifiers.EQUIPMENT_ID).setValue(identity.equipmentId()));
    if (!identity.manufacturer().isEmpty()) {
      d.setManufacturer(identity.manufacturer());
    }
    if (!identity.model().isEmpty()) {
      d.setModelNumber(identity.model());
    }
    if (!identity.name().isEmpty()) {
      d.addDeviceName().setName(identity.name()).setType(Device.DeviceNameType.USERFRIENDLYNAME);
    }
    return new Entry(
        Identifiers.fullUrl("Device", Identifiers.EQUIPMENT_ID, identity.equipmentId()),
        d,
        Identifiers.ifNoneExist("identifier", Identifiers.EQUIPMENT_ID, identity.equipmentId()),
        "Device/monitor");
  }

  /** The crew's estimate of the age, or null when they gave none. */
  Unit age() {
    Integer years = ctx.record().patient().approximateAgeYears();
    if (years == null) {
      return null;
    }
    Observation o =
        Observations.about(ctx, ObservationStatus.FINAL, Fhir.category("exam", "Exam"), null);
    o.setCode(
        new CodeableConcept()
            .addCoding(Fhir.loinc(new VitalSign.Loinc("30525-0", "Age")))
            .setText("Age (estimated)"));
    o.setEffective(Fhir.dateTime(ctx.record().start()));
    o.setValue(Fhir.quantity(BigDecimal.valueOf(years), "a", "years"));
    o.setMethod(new CodeableConcept().setText("estimated by the ambulance crew"));
    return new Unit(
        ctx.record().start(), List.of(Observations.entry(o, ctx.itemId("age"), AGE_KIND)));
  }
}
