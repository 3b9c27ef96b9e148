package org.ambulink.appliance.journal;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.appliance.transport.Acuity;
import org.ambulink.appliance.transport.PatientDetails;
import org.ambulink.appliance.transport.TransportDetails;
import org.ambulink.appliance.transport.TransportEvent;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * The journal's binary format for a chunk of entries (the plaintext that {@link RecordSealer}
 * encrypts). Compact and versioned: waveform samples are delta-coded zig-zag varints (an ECG lead
 * takes one or two bytes per sample), everything else is written field by field. A chunk that
 * cannot be decoded raises {@link IllegalArgumentException} naming what was wrong.
 */
final class EntryCodec {
  static final int VERSION = 1;

  private EntryCodec() {}

  /** One decoded chunk: when it was journaled and its entries in sequence order. */
  record Chunk(Instant journaledAt, List<Journaled.Item> items) {}

  static byte[] encode(Instant journaledAt, long firstSeq, List<JournalEntry> entries) {
    Out out = new Out(64 + entries.size() * 96);
    out.write(VERSION);
    out.instant(journaledAt);
    out.varLong(entries.size());
    long seq = firstSeq;
    for (JournalEntry e : entries) {
      out.varLong(seq++);
      entry(out, e);
    }
    return out.toByteArray();
  }

  /** Re-encodes already journaled items, keeping their sequence numbers (used when purging). */
  static byte[] encodeItems(Instant journaledAt, List<Journaled.Item> items) {
    Out out = new Out(64 + items.size() * 96);
    out.write(VERSION);
    out.instant(journaledAt);
    out.varLong(items.size());
    for (Journaled.Item item : items) {
      out.varLong(item.seq());
      JournalEntry e = item.entry();
      entry(out, e);
    }
    return out.toByteArray();
  }

  static Chunk decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown journal chunk format version " + version);
      }
      Instant at = instant(in);
      long n = varLong(in);
      if (n < 0 || n > bytes.length) {
        throw new IllegalArgumentException("implausible entry count " + n);
      }
      List<Journaled.Item> items = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        long seq = varLong(in);
        JournalEntry.Kind kind = JournalEntry.Kind.ofCode(in.get() & 0xff);
        JournalEntry entry =
            switch (kind) {
              case OBSERVATION -> new JournalEntry.Observation(observation(in));
              case WAVEFORM -> new JournalEntry.Waveform(waveform(in));
              case ALARM -> new JournalEntry.Alarm(alarm(in));
              case DROPPED -> dropped(in);
              case TRANSPORT -> new JournalEntry.Transport(transport(in));
              case POSITION -> position(in);
              case OUTBOX -> outbox(in);
            };
        items.add(new Journaled.Item(seq, entry));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes left after the last entry");
      }
      return new Chunk(at, items);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("journal chunk ends early (" + bytes.length + " bytes)");
    }
  }

  // --- entries ---------------------------------------------------------------------------------

  private static void entry(Out out, JournalEntry e) {
    out.write(e.kind().code);
    if (e instanceof JournalEntry.Observation o) {
      observation(out, o.value());
    } else if (e instanceof JournalEntry.Waveform w) {
      waveform(out, w.value());
    } else if (e instanceof JournalEntry.Alarm a) {
      alarm(out, a.value());
    } else if (e instanceof JournalEntry.Dropped d) {
      dropped(out, d);
    } else if (e instanceof JournalEntry.Transport t) {
      transport(out, t.value());
    } else if (e instanceof JournalEntry.Position p) {
      position(out, p);
    } else if (e instanceof JournalEntry.Outbox o) {
      outbox(out, o);
    } else {
      throw new IllegalArgumentException("no journal format for " + e.getClass().getName());
    }
  }

  private static void observation(Out out, NumericObservation o) {
    out.mdc(o.metric());
    out.decimal(o.value());
    out.mdc(o.unit());
    out.string(o.containmentPath());
    out.instant(o.observedAt());
    out.string(o.deviceId());
    out.write(o.status().ordinal());
    out.write(o.demo() ? 1 : 0);
  }

  private static NumericObservation observation(ByteBuffer in) {
    return new NumericObservation(
        mdc(in),
        decimal(in),
        mdc(in),
        string(in),
        instant(in),
        string(in),
        ResultStatus.values()[in.get()],
        in.get() != 0);
  }

  private static void waveform(Out out, WaveformSegment w) {
    out.mdc(w.lead());
    out.string(w.containmentPath());
    out.dbl(w.sampleRateHz());
    out.instant(w.startTime());
    out.decimal(w.scale());
    out.decimal(w.offset());
    out.mdc(w.unit());
    out.string(w.deviceId());
    int[] s = w.samples();
    out.varLong(s.length);
    int previous = 0;
    for (int v : s) {
      long delta = (long) v - previous;
      out.varLong((delta << 1) ^ (delta >> 63));
      previous = v;
    }
  }

  private static WaveformSegment waveform(ByteBuffer in) {
    MdcCode lead = mdc(in);
    String path = string(in);
    double rate = in.getDouble();
    Instant start = instant(in);
    BigDecimal scale = decimal(in);
    BigDecimal offset = decimal(in);
    MdcCode unit = mdc(in);
    String device = string(in);
    long n = varLong(in);
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("implausible sample count " + n);
    }
    int[] s = new int[(int) n];
    long previous = 0;
    for (int i = 0; i < n; i++) {
      long z = varLong(in);
      previous += (z >>> 1) ^ -(z & 1);
      s[i] = (int) previous;
    }
    return new WaveformSegment(lead, path, rate, start, s, scale, offset, unit, device);
  }

  private static void alarm(Out out, AlarmEvent a) {
    out.nullableString(a.alarmId());
    out.nullableMdc(a.event());
    out.nullableMdc(a.source());
    out.write(a.priority() == null ? 255 : a.priority().ordinal());
    out.write(a.kind() == null ? 255 : a.kind().ordinal());
    out.nullableString(a.phase());
    out.nullableString(a.state());
    out.nullableString(a.text());
    out.nullableInstant(a.time());
    out.nullableString(a.deviceId());
  }

  private static AlarmEvent alarm(ByteBuffer in) {
    String id = nullableString(in);
    MdcCode event = nullableMdc(in);
    MdcCode source = nullableMdc(in);
    int p = in.get() & 0xff;
    int k = in.get() & 0xff;
    return new AlarmEvent(
        id,
        event,
        source,
        p == 255 ? null : AlarmPriority.values()[p],
        k == 255 ? null : AlarmEvent.Kind.values()[k],
        nullableString(in),
        nullableString(in),
        nullableString(in),
        nullableInstant(in),
        nullableString(in));
  }

  private static void dropped(Out out, JournalEntry.Dropped d) {
    out.string(d.deviceId());
    out.string(d.controlId());
    out.instant(d.at());
    out.nullableString(d.value().location());
    out.nullableString(d.value().reason());
    out.nullableString(d.value().detail());
  }

  private static JournalEntry.Dropped dropped(ByteBuffer in) {
    return new JournalEntry.Dropped(
        string(in),
        string(in),
        instant(in),
        new DroppedItem(nullableString(in), nullableString(in), nullableString(in)));
  }

  private static void transport(Out out, TransportEvent t) {
    out.write(t.type().code);
    out.string(t.transportId());
    out.instant(t.at());
    out.string(t.note());
    TransportDetails d = t.details();
    out.write(d == null ? 0 : 1);
    if (d != null) {
      out.string(d.destinationId());
      out.varLong(d.crew().size());
      for (String c : d.crew()) {
        out.string(c);
      }
      PatientDetails p = d.patient();
      out.string(p.temporaryId());
      out.string(p.name());
      out.write(p.sex().ordinal());
      out.varLong(p.approximateAgeYears() == null ? 0 : p.approximateAgeYears() + 1L);
      out.string(d.chiefComplaint());
      out.write(d.acuity() == null ? 0 : d.acuity().esiLevel);
    }
  }

  private static TransportEvent transport(ByteBuffer in) {
    TransportEvent.Type type = TransportEvent.Type.ofCode(in.get() & 0xff);
    String id = string(in);
    Instant at = instant(in);
    String note = string(in);
    TransportDetails details = null;
    if (in.get() != 0) {
      String destination = string(in);
      long crewCount = varLong(in);
      if (crewCount < 0 || crewCount > in.remaining()) {
        throw new IllegalArgumentException("implausible crew count " + crewCount);
      }
      List<String> crew = new ArrayList<>();
      for (long i = 0; i < crewCount; i++) {
        crew.add(string(in));
      }
      String tempId = string(in);
      String name = string(in);
      PatientDetails.Sex sex = PatientDetails.Sex.values()[in.get()];
      long age = varLong(in);
      PatientDetails patient =
          new PatientDetails(tempId, name, sex, age == 0 ? null : (int) (age - 1));
      String complaint = string(in);
      int esi = in.get();
      details =
          new TransportDetails(
              destination, crew, patient, complaint, esi == 0 ? null : Acuity.ofEsi(esi));
    }
    return new TransportEvent(type, id, at, details, note);
  }

  private static void position(Out out, JournalEntry.Position p) {
    out.instant(p.at());
    out.dbl(p.latitude());
    out.dbl(p.longitude());
    out.dbl(p.speedMetresPerSecond() == null ? Double.NaN : p.speedMetresPerSecond());
    out.dbl(p.course() == null ? Double.NaN : p.course());
  }

  private static JournalEntry.Position position(ByteBuffer in) {
    Instant at = instant(in);
    double lat = in.getDouble();
    double lon = in.getDouble();
    double speed = in.getDouble();
    double course = in.getDouble();
    return new JournalEntry.Position(
        at, lat, lon, Double.isNaN(speed) ? null : speed, Double.isNaN(course) ? null : course);
  }

  private static void outbox(Out out, JournalEntry.Outbox o) {
    out.varLong(o.part());
    out.varLong(o.parts());
    out.string(o.bundleJson());
  }

  private static JournalEntry.Outbox outbox(ByteBuffer in) {
    long part = varLong(in);
    long parts = varLong(in);
    if (parts < 1 || parts > Integer.MAX_VALUE || part < 1 || part > parts) {
      throw new IllegalArgumentException("implausible outbox part " + part + " of " + parts);
    }
    return new JournalEntry.Outbox((int) part, (int) parts, string(in));
  }

  // --- primitives ------------------------------------------------------------------------------

  private static MdcCode mdc(ByteBuffer in) {
    return new MdcCode((int) varLong(in), string(in));
  }

  private static MdcCode nullableMdc(ByteBuffer in) {
    return in.get() == 0 ? null : mdc(in);
  }

  private static BigDecimal decimal(ByteBuffer in) {
    String s = string(in);
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad decimal '" + s + "' in journal chunk");
    }
  }

  private static Instant instant(ByteBuffer in) {
    return Instant.ofEpochSecond(in.getLong(), in.getInt());
  }

  private static Instant nullableInstant(ByteBuffer in) {
    return in.get() == 0 ? null : instant(in);
  }

  private static String string(ByteBuffer in) {
    long n = varLong(in);
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("implausible string length " + n);
    }
    String s = new String(in.array(), in.position(), (int) n, StandardCharsets.UTF_8);
    in.position(in.position() + (int) n);
    return s;
  }

  private static String nullableString(ByteBuffer in) {
    return in.get() == 0 ? null : string(in);
  }

  private static long varLong(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes");
  }

  /** A growable byte buffer with the writers the format needs. */
  private static final class Out extends ByteArrayOutputStream {
    Out(int size) {
      super(size);
    }

    void varLong(long v) {
      while ((v & ~0x7fL) != 0) {
        write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      write((int) v);
    }

    void longValue(long v) {
      for (int i = 7; i >= 0; i--) {
        write((int) (v >>> (i * 8)));
      }
    }

    void intValue(int v) {
      for (int i = 3; i >= 0; i--) {
        write(v >>> (i * 8));
      }
    }

    void dbl(double d) {
      longValue(Double.doubleToLongBits(d));
    }

    void instant(Instant t) {
      longValue(t.getEpochSecond());
      intValue(t.getNano());
    }

    void nullableInstant(Instant t) {
      write(t == null ? 0 : 1);
      if (t != null) {
        instant(t);
      }
    }

    void string(String s) {
      byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
      varLong(b.length);
      write(b, 0, b.length);
    }

    void nullableString(String s) {
      write(s == null ? 0 : 1);
      if (s != null) {
        string(s);
      }
    }

    void mdc(MdcCode c) {
      varLong(Integer.toUnsignedLong(c.code()));
      string(c.refId());
    }

    void nullableMdc(MdcCode c) {
      write(c == null ? 0 : 1);
      if (c != null) {
        mdc(c);
      }
    }

    void decimal(BigDecimal d) {
      string(d.toString());
    }
  }
}
