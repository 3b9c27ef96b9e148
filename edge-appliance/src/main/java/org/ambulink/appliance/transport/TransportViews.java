package org.ambulink.appliance.transport;

import java.time.Instant;
import java.util.List;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.springframework.stereotype.Component;

/** Turns transports and journal entries into the JSON shapes of the appliance's REST API. */
@Component
public class TransportViews {
  private final TransportLifecycle lifecycle;
  private final Journal journal;

  TransportViews(TransportLifecycle lifecycle, Journal journal) {
    this.lifecycle = lifecycle;
    this.journal = journal;
  }

  /** A transport as the crew page and the REST API show it. */
  public record TransportView(
      String id,
      Transport.State state,
      Instant startedAt,
      Instant handedOverAt,
      Instant closedAt,
      Destination destination,
      List<String> crew,
      PatientDetails patient,
      String chiefComplaint,
      Acuity acuity,
      long journaledEntries,
      Instant lastJournaledAt) {}

  public TransportView of(Transport t) {
    TransportDetails d = t.details();
    Journal.StreamInfo s = journal.stream(t.id());
    Instant last = null;
    if (s != null && s.lastSeq() > 0) {
      Journal.Page p = journal.read(t.id(), s.lastSeq(), 1);
      if (!p.chunks().isEmpty()) {
        last = p.chunks().get(0).journaledAt();
      }
    }
    return new TransportView(
        t.id(),
        t.state(),
        t.startedAt(),
        t.handedOverAt(),
        t.closedAt(),
        lifecycle
            .destination(d.destinationId())
            .orElse(new Destination(d.destinationId(), d.destinationId(), 0, 0)),
        d.crew(),
        d.patient(),
        d.chiefComplaint(),
        d.acuity(),
        s == null ? 0 : s.entries(),
        last);
  }

  /** The JSON value of a journal entry: the model record it holds. */
  static Object valueOf(JournalEntry e) {
    if (e instanceof JournalEntry.Observation o) {
      return o.value();
    } else if (e instanceof JournalEntry.Waveform w) {
      return w.value();
    } else if (e instanceof JournalEntry.Alarm a) {
      return a.value();
    } else if (e instanceof JournalEntry.Transport t) {
      return t.value();
    }
    return e;
  }
}
