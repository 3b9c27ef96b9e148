package org.ambulink.appliance.ehr;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.PatientDetails;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportDetails;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.appliance.transport.TransportProperties;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.fhir.EcgStrip;
import org.ambulink.fhir.EcgStrips;
import org.ambulink.fhir.HandoverBundleBuilder;
import org.ambulink.fhir.HandoverRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The transport's record for the EHR, read back from the journal and mapped by the fhir-mapper:
 * every vital sign, the alarms, and 10-second 12-lead ECG strips at the start, every 5 minutes, at
 * each alarm and just before handover. Strips are placed on the monitor's own clock (the span its
 * waveforms cover), since that is the time axis of the samples. A strip the journal cannot cover
 * whole (a gap while the monitor was off) is left out and logged by its time, not invented.
 */
@Component
public class FhirHandoverBundles implements HandoverBundles {
  private static final Logger log = LoggerFactory.getLogger(FhirHandoverBundles.class);
  private static final int PAGE = 512;

  private final Journal journal;
  private final TransportLifecycle lifecycle;
  private final String applianceId;
  private final HandoverBundleBuilder builder = new HandoverBundleBuilder();

  FhirHandoverBundles(
      Journal journal, TransportLifecycle lifecycle, TransportProperties transportProps) {
    this.journal = journal;
    this.lifecycle = lifecycle;
    this.applianceId = transportProps.applianceId();
  }

  @Override
  public List<String> build(Transport t) {
    HandoverRecord record = record(t);
    return builder.buildJson(record, HandoverBundleBuilder.DEFAULT_MAX_BYTES);
  }

  HandoverRecord record(Transport t) {
    List<NumericObservation> vitals = new ArrayList<>();
    List<AlarmEvent> alarms = new ArrayList<>();
    Set<String> devices = new LinkedHashSet<>();
    Instant first = null;
    Instant last = null;
    for (Journaled chunk : all(t.id())) {
      for (Journaled.Item item : chunk.items()) {
        JournalEntry e = item.entry();
        if (e instanceof JournalEntry.Observation o) {
          vitals.add(o.value());
          addDevice(devices, o.value().deviceId());
        } else if (e instanceof JournalEntry.Alarm a) {
          alarms.add(a.value());
        } else if (e instanceof JournalEntry.Waveform w) {
          WaveformSegment s = w.value();
          addDevice(devices, s.deviceId());
          first = first == null || s.startTime().isBefore(first) ? s.startTime() : first;
          last = last == null || s.endTime().isAfter(last) ? s.endTime() : last;
        }
      }
    }
    List<EcgStrip> strips = first == null ? List.of() : strips(t.id(), first, last, alarms);
    TransportDetails d = t.details();
    PatientDetails p = d.patient();
    Destination dest =
        lifecycle
            .destination(d.destinationId())
            .orElse(new Destination(d.destinationId(), d.destinationId(), 0, 0));
    return HandoverRecord.builder(t.id(), applianceId, t.startedAt())
        .end(t.handedOverAt())
        .destination(new HandoverRecord.Destination(dest.id(), dest.name()))
        .patient(
            new HandoverRecord.PatientInfo(
                p.temporaryId(),
                p.name(),
                HandoverRecord.Sex.valueOf(p.sex().name()),
                p.approximateAgeYears()))
        .chiefComplaint(d.chiefComplaint())
        .acuityEsi(d.acuity() == null ? null : d.acuity().esiLevel)
        .crew(d.crew())
        .devices(devices.stream().map(DeviceIdentity::of).toList())
        .vitals(vitals)
        .strips(strips)
        .alarms(alarms)
        .build();
  }

  private List<EcgStrip> strips(String id, Instant first, Instant last, List<AlarmEvent> alarms) {
    List<Instant> alarmTimes = new ArrayList<>();
    for (AlarmEvent a : alarms) {
      if (a.time() != null) {
        alarmTimes.add(a.time());
      }
    }
    List<EcgStrips.ScheduledStrip> schedule =
        EcgStrips.schedule(first, last, alarmTimes, List.of());
    // Second pass: keep only the segments a strip needs (a long transport's ECG would not fit).
    List<WaveformSegment> needed = new ArrayList<>();
    for (Journaled chunk : all(id)) {
      for (Journaled.Item item : chunk.items()) {
        if (item.entry() instanceof JournalEntry.Waveform w && overlaps(w.value(), schedule)) {
          needed.add(w.value());
        }
      }
    }
    List<EcgStrip> out = new ArrayList<>();
    for (EcgStrips.ScheduledStrip s : schedule) {
      try {
        out.add(EcgStrips.cut(needed, s.start(), EcgStrips.STRIP_LENGTH, s.reason()));
      } catch (IllegalArgumentException gap) {
        log.warn("transport {}: no ECG strip at {} ({})", id, s.start(), gap.getMessage());
      }
    }
    return out;
  }

  private static boolean overlaps(WaveformSegment w, List<EcgStrips.ScheduledStrip> schedule) {
    for (EcgStrips.ScheduledStrip s : schedule) {
      Instant end = s.start().plus(EcgStrips.STRIP_LENGTH);
      if (w.endTime().isAfter(s.start()) && w.startTime().isBefore(end)) {
        return true;
      }
    }
    return false;
  }

  private static void addDevice(Set<String> devices, String id) {
    if (id != null && !id.isBlank()) {
      devices.add(id);
    }
  }

  private Iterable<Journaled> all(String stream) {
    List<Journaled> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Journal.Page page = journal.read(stream, from, PAGE);
      if (!page.damaged().isEmpty()) {
        throw new IllegalStateException(
            page.damaged().size()
                + " damaged journal record(s) in transport "
                + stream
                + ": "
                + page.damaged().get(0).getMessage());
      }
      if (page.chunks().isEmpty()) {
        return out;
      }
      out.addAll(page.chunks());
      from = page.nextSeq();
    }
  }
}
