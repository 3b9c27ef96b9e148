package org.ambulink.appliance.journal;

import java.time.Instant;
import java.util.Objects;
import org.ambulink.appliance.transport.TransportEvent;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * One datum the journal keeps: what a monitor measured, sampled or alarmed, what intake had to drop
 * from a message (so that a gap can be explained later), where the vehicle was, or a step in the
 * transport's life. Each journaled entry gets its own sequence number in its stream.
 */
public sealed interface JournalEntry {

  /** The kind, as stored; the codes are part of the on-disk format and never change. */
  Kind kind();

  /** Kinds of entries, with their stable on-disk codes. */
  enum Kind {
    OBSERVATION(1, true),
    WAVEFORM(2, false),
    ALARM(3, true),
    DROPPED(4, true),
    TRANSPORT(5, true),
    POSITION(6, true),
    OUTBOX(7, true);

    final int code;
    final boolean kept;

    Kind(int code, boolean kept) {
      this.code = code;
      this.kept = kept;
    }

    /**
     * Whether disk pressure may never purge this kind from a transport that is still kept: vitals,
     * alarms and the transport's own record are kept; only delivered waveforms are purged.
     */
    public boolean neverPurgedUnderPressure() {
      return kept;
    }

    static Kind ofCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown journal entry kind code " + code);
    }
  }

  /** A numeric vital sign. */
  record Observation(NumericObservation value) implements JournalEntry {
    public Observation {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
      return Kind.OBSERVATION;
    }
  }

  /** A chunk of one waveform lead. */
  record Waveform(WaveformSegment value) implements JournalEntry {
    public Waveform {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
      return Kind.WAVEFORM;
    }
  }

  /** An alarm or event reported by the monitor. */
  record Alarm(AlarmEvent value) implements JournalEntry {
    public Alarm {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
      return Kind.ALARM;
    }
  }

  /** Part of a monitor message that intake could not use, and why. */
  record Dropped(String deviceId, String controlId, Instant at, DroppedItem value)
      implements JournalEntry {
    public Dropped {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(at, "at");
      deviceId = Objects.toString(deviceId, "");
      controlId = Objects.toString(controlId, "");
    }

    @Override
    public Kind kind() {
      return Kind.DROPPED;
    }
  }

  /** A step in the transport's life: started, details changed, handed over, closed. */
  record Transport(TransportEvent value) implements JournalEntry {
    public Transport {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
      return Kind.TRANSPORT;
    }
  }

  /** Where the vehicle was, from GPS. */
  record Position(
      Instant at, double latitude, double longitude, Double speedMetresPerSecond, Double course)
      implements JournalEntry {
    public Position {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Kind kind() {
      return Kind.POSITION;
    }
  }

  /**
   * One part of the transport's record for the hospital EHR (a FHIR R4 transaction Bundle as JSON),
   * journaled at handover as the EHR delivery's outbox. Holds patient data: sealed like every
   * entry.
   *
   * @param part which part this is, from 1
   * @param parts how many parts the record has (a long transport may need several bundles)
   * @param bundleJson the Bundle, as posted
   */
  record Outbox(int part, int parts, String bundleJson) implements JournalEntry {
    public Outbox {
      Objects.requireNonNull(bundleJson, "bundleJson");
      if (parts < 1 || part < 1 || part > parts) {
        throw new IllegalArgumentException("bad outbox part " + part + " of " + parts);
      }
    }

    @Override
    public Kind kind() {
      return Kind.OUTBOX;
    }
  }
}
