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
  private final Tap tap;

  /**
   * Sees each message as it goes to the journal, in append order, before the commit: the live
   * stream to the ED (which must not wait for the commit's fsync) numbers its frames here.
   */
  public interface Tap {
    /**
     * Called in journal append order (under the sink's lock): be quick. Returns what {@link
     * #journaled} gets back, or null.
     */
    Object appending(String stream, List<JournalEntry> entries, String dedupeKey);

    /** The append finished: {@code appended} or {@code failure} is set. */
    void journaled(Object token, Journal.Appended appended, Throwable failure);

    Tap NONE =
        new Tap() {
          @Override
          public Object appending(String stream, List<JournalEntry> entries, String dedupeKey) {
            return null;
          }

          @Override
          public void journaled(Object token, Journal.Appended appended, Throwable failure) {}
        };
  }

  public JournalSink(Journal journal, Supplier<String> stream, MonitorIntake.Sink afterCommit) {
    this(journal, stream, afterCommit, Tap.NONE);
  }

  public JournalSink(
      Journal journal, Supplier<String> stream, MonitorIntake.Sink afterCommit, Tap tap) {
    this.journal = journal;
    this.stream = stream;
    this.afterCommit = afterCommit;
    this.tap = tap;
  }

  @Override
  public CompletionStage<Void> accept(MonitorMessage m, String peer) {
    List<JournalEntry> entries = entries(m);
    if (entries.isEmpty()) {
      return afterCommit.accept(m, peer);
    }
    String key = dedupeKey(m);
    CompletableFuture<Journal.Appended> append;
    Object token;
    synchronized (this) { // the tap numbers messages in the order the journal appends them
      String s = stream.get();
      token = tap.appending(s, entries, key);
      append = journal.append(s, entries, key);
    }
    append.whenComplete((a, failure) -> tap.journaled(token, a, failure));
    return append.thenCompose(
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
