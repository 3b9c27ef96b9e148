package org.ambulink.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.fhir.MappingReport.SkipReason;

/**
 * A handover record to its resources: the ones every bundle repeats (patient, encounter,
 * destination, devices) and the units that are posted once (observations, ECG strips), in time
 * order, without duplicates, with the report of what was left out.
 */
final class HandoverMapper {
  private HandoverMapper() {}

  /**
   * @param common Patient, Encounter, Location, the appliance's Device, the monitors' Devices
   * @param units observations and ECG strips in time order
   * @param recorded when the record was made: the end of the transport, or for an open one the time
   *     of its latest datum
   */
  record Mapped(
      HandoverRecord record,
      List<Entry> common,
      String applianceUrl,
      List<Unit> units,
      Instant recorded,
      MappingReport report) {}

  static Mapped map(HandoverRecord record) {
    MappingContext ctx = new MappingContext(record);
    MappingReport.Builder report = new MappingReport.Builder();
    PartiesMapper parties = new PartiesMapper(ctx);

    List<Unit> units = new ArrayList<>();
    Unit age = parties.age();
    if (age != null) {
      units.add(age);
    }
    units.addAll(new VitalsMapper(ctx, report).map(record.vitals()));
    units.addAll(new EcgMapper(ctx).map(record.strips()));
    for (AlarmEvent alarm : record.alarms()) {
      report.skip(
          SkipReason.ALARM_NOT_POSTED,
          "alarm " + VitalsMapper.label(alarm.event()),
          alarm.deviceId(),
          alarm.time(),
          alarm.source() == null ? "" : "about " + VitalsMapper.label(alarm.source()));
    }

    units.sort(Comparator.comparing(Unit::at).thenComparing(Unit::identifier));
    List<Unit> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Unit u : units) {
      if (seen.add(u.key())) {
        kept.add(u);
      } else {
        Entry first = u.entries().get(0);
        report.skip(SkipReason.DUPLICATE, first.kind(), "", u.at(), "identifier " + u.identifier());
      }
    }

    List<Entry> common = new ArrayList<>();
    common.add(parties.patient());
    common.add(parties.encounter());
    common.add(parties.location());
    common.add(parties.appliance());
    common.addAll(parties.monitors());

    common.forEach(e -> report.mapped(e.kind()));
    kept.forEach(u -> u.entries().forEach(e -> report.mapped(e.kind())));

    Instant recorded = record.end();
    if (recorded == null) {
      recorded = record.start();
      for (Unit u : kept) {
        recorded = u.at().isAfter(recorded) ? u.at() : recorded;
      }
    }
    return new Mapped(
        record,
        List.copyOf(common),
        ctx.applianceUrl(),
        List.copyOf(kept),
        recorded,
        report.build());
  }
}
