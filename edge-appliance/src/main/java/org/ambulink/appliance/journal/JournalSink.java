package org.ambulink.appliance.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.ambulink.drivers.intake.MonitorIntake;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * Where monitor intake puts a decoded message: into the journal first, as one append to the stream
 * being recorded (the current transport, or standby), keyed by the device and message control id so
 * that a message the monitor resends is kept once. The returned stage completes after the commit,
 * so the monitor's ACK means "on disk". Only then is the message handed to the live consumers.
 */
public final class JournalSink implements MonitorIntake.Sink {
  private final Journal journal;
  private final Supplier<String> stream;
  private final MonitorIntake.Sink afterCommit;

  public JournalSink(Journal journal, Supplier<String> stream, MonitorIntake.Sink afterCommit) {
    this.journal = journal;
    this.stream = stream;
    this.afterCommit = afterCommit;
  }

  @Override
  public CompletionStage<Void> accept(MonitorMessage m, String peer) {
    List<JournalEntry> entries = entries(m);
    if (entries.isEmpty()) {
      return afterCommit.accept(m, peer);
    }
    return journal
        .append(stream.get(), entries, dedupeKey(m))
        .thenCompose(
            appended ->
                appended.duplicate()
                    ? CompletableFuture.<Void>completedFuture(null)
                    : afterCommit.accept(m, peer));
  }

  /** The identity of a monitor message: the sending device and its MSH-10 control id. */
  public static String dedupeKey(MonitorMessage m) {
    return m.device().equipmentId() + "|" + m.controlId();
  }

  /** The journal entries of one monitor message, in the order they were in the message. */
  public static List<JournalEntry> entries(MonitorMessage m) {
    List<JournalEntry> out =
        new ArrayList<>(
            m.observations().size()
                + m.waveforms().size()
                + m.alarms().size()
                + m.dropped().size());
    for (NumericObservation o : m.observations()) {
      out.add(new JournalEntry.Observation(o));
    }
    for (WaveformSegment w : m.waveforms()) {
      out.add(new JournalEntry.Waveform(w));
    }
    for (AlarmEvent a : m.alarms()) {
      out.add(new JournalEntry.Alarm(a));
    }
    for (DroppedItem d : m.dropped()) {
      out.add(
          new JournalEntry.Dropped(m.device().equipmentId(), m.controlId(), m.messageTime(), d));
    }
    return out;
  }
}
