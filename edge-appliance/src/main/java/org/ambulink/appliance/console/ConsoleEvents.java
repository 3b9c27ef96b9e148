package org.ambulink.appliance.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.TransportDetails;
import org.ambulink.appliance.transport.TransportEvent;
import org.ambulink.drivers.gps.Eta;
import org.ambulink.drivers.gps.EtaEstimator;
import org.ambulink.drivers.gps.GeoPoint;
import org.ambulink.drivers.gps.GpsFix;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns journal chunks of a transport's stream into console events (docs/console-api.md):
 *
 * <ul>
 *   <li>a transport event → {@code transport} (its step, and the destination, crew, chief complaint
 *       and acuity of the transport's latest details: a handover or close carries none of its own);
 *   <li>the numeric observations of one chunk (one monitor message) → one {@code vitals} event;
 *   <li>an alarm → {@code alarm}, {@code ended} when the monitor reports its end;
 *   <li>a position → {@code position}, with the distance and ETA to the destination from {@link
 *       EtaEstimator} fed with the stream's positions in order;
 *   <li>waveforms, dropped items and the EHR outbox → nothing.
 * </ul>
 *
 * <p>An event's id is {@code <stream>/<seq>/<item>}: the chunk's first sequence number and the
 * item's offset in the chunk (for vitals, the first observation's), so the same journal data always
 * gives the same ids and a batch sent again creates nothing twice at the console.
 *
 * <p>Not thread-safe: one sync thread uses it, with one {@link StreamContext} per stream.
 */
public final class ConsoleEvents {
  private static final Logger log = LoggerFactory.getLogger(ConsoleEvents.class);
  static final int MAX_UNIT = 200;
  static final int MAX_CHIEF_COMPLAINT = 500;
  static final int MAX_ALARM_TEXT = 500;
  static final int MAX_SHORT = 100;

  /** One event and its id. */
  record Event(String eventId, String type, ObjectNode body) {}

  /** What a stream's earlier entries tell about its later ones. */
  static final class StreamContext {
    final String stream;
    TransportDetails details;
    EtaEstimator estimator;
    String estimatorFor = "";

    /** The last sequence number whose entry updated this context (each is taken once). */
    long fedUpTo;

    StreamContext(String stream) {
      this.stream = stream;
    }
  }

  private final JsonMapper json;
  private final Function<String, Optional<Destination>> destinations;

  public ConsoleEvents(JsonMapper json, Function<String, Optional<Destination>> destinations) {
    this.json = json;
    this.destinations = destinations;
  }

  /** How many events {@link #convert} makes of the chunk's items from {@code fromSeq} on. */
  static int count(Journaled chunk, long fromSeq) {
    int n = 0;
    boolean vitals = false;
    for (Journaled.Item item : chunk.items()) {
      if (item.seq() < fromSeq) {
        continue;
      }
      JournalEntry e = item.entry();
      if (e instanceof JournalEntry.Transport
          || e instanceof JournalEntry.Alarm
          || e instanceof JournalEntry.Position) {
        n++;
      } else if (e instanceof JournalEntry.Observation o) {
        vitals |= sendable(o.value());
      }
    }
    return vitals ? n + 1 : n;
  }

  /**
   * Takes the chunk's entries up to {@code upTo} into the context without making events: after a
   * restart, the entries already delivered still say what the transport's details are and where the
   * vehicle has been.
   */
  void replay(Journaled chunk, long upTo, StreamContext ctx) {
    for (Journaled.Item item : chunk.items()) {
      if (item.seq() <= upTo) {
        feed(item, ctx);
      }
    }
  }

  /** The events of the chunk's items from {@code fromSeq} on, in journal order. */
  List<Event> convert(Journaled chunk, long fromSeq, StreamContext ctx) {
    List<Event> out = new ArrayList<>();
    long chunkSeq = chunk.firstSeq();
    String stream = chunk.stream();
    ArrayNode vitals = null;
    for (Journaled.Item item : chunk.items()) {
      if (item.seq() < fromSeq) {
        continue;
      }
      String id = stream + "/" + chunkSeq + "/" + (item.seq() - chunkSeq);
      JournalEntry entry = item.entry();
      if (entry instanceof JournalEntry.Transport t) {
        feed(item, ctx);
        out.add(event(id, stream, "transport", t.value().at(), transport(t.value(), ctx)));
      } else if (entry instanceof JournalEntry.Observation o) {
        if (!sendable(o.value())) {
          continue;
        }
        if (vitals == null) {
          vitals = json.createArrayNode();
          ObjectNode e = base(id, stream, "vitals", o.value().observedAt());
          e.set("vitals", vitals);
          out.add(new Event(id, "vitals", e));
        }
        vitals.add(vital(o.value()));
      } else if (entry instanceof JournalEntry.Alarm a) {
        out.add(event(id, stream, "alarm", a.value().time(), alarm(a.value())));
      } else if (entry instanceof JournalEntry.Position p) {
        boolean seen = item.seq() <= ctx.fedUpTo;
        Eta eta = seen ? estimateAgain(p, ctx) : feed(item, ctx);
        out.add(event(id, stream, "position", p.at(), position(p, eta)));
      }
      // waveforms, dropped items, the EHR outbox: not for the console
    }
    return out;
  }

  /**
   * The live view's messages for one monitor message's entries (docs/webrtc.md, the {@code events}
   * data channel): one {@code vitals} message with its numerics, one {@code alarm} per alarm, in
   * the same shapes as the console events.
   */
  public List<ObjectNode> live(List<JournalEntry> entries) {
    List<ObjectNode> out = new ArrayList<>();
    ArrayNode items = null;
    for (JournalEntry entry : entries) {
      if (entry instanceof JournalEntry.Observation o && sendable(o.value())) {
        if (items == null) {
          ObjectNode v = json.createObjectNode();
          v.put("type", "vitals");
          v.put("at", o.value().observedAt().toString());
          items = v.putArray("items");
          out.add(v);
        }
        items.add(vital(o.value()));
      } else if (entry instanceof JournalEntry.Alarm a) {
        ObjectNode al = alarm(a.value());
        al.put("type", "alarm");
        al.put("at", a.value().time().toString());
        out.add(al);
      }
    }
    return out;
  }

  /** Whether a numeric goes to the console: not a header row, not flagged simulated. */
  private static boolean sendable(NumericObservation n) {
    return n.status() != ResultStatus.CANNOT_OBTAIN && !n.demo();
  }

  /**
   * Updates the context with a transport event or a position (once per sequence number); returns
   * the position's ETA when it was fed to the estimator now.
   */
  private Eta feed(Journaled.Item item, StreamContext ctx) {
    if (item.seq() <= ctx.fedUpTo) {
      return null;
    }
    ctx.fedUpTo = item.seq();
    if (item.entry() instanceof JournalEntry.Transport t && t.value().details() != null) {
      ctx.details = t.value().details();
    } else if (item.entry() instanceof JournalEntry.Position p) {
      EtaEstimator e = estimator(ctx);
      if (e != null) {
        try {
          return e.update(
                  GpsFix.of(
                      p.at(), p.latitude(), p.longitude(), p.speedMetresPerSecond(), p.course()))
              .orElse(null);
        } catch (IllegalArgumentException bad) {
          log.warn("transport {}: a journaled position is not usable for the ETA", ctx.stream);
        }
      }
    }
    return null;
  }

  /** A position sent again after its ETA was computed: the distance, at the speed now known. */
  private Eta estimateAgain(JournalEntry.Position p, StreamContext ctx) {
    EtaEstimator e = estimator(ctx);
    if (e == null) {
      return null;
    }
    try {
      return Eta.estimate(
          GpsFix.of(p.at(), p.latitude(), p.longitude(), p.speedMetresPerSecond(), p.course()),
          e.destination(),
          e.averageSpeedMps(),
          EtaEstimator.DEFAULT_FLOOR_SPEED_MPS,
          EtaEstimator.DEFAULT_ARRIVAL_RADIUS_METRES);
    } catch (IllegalArgumentException bad) {
      return null;
    }
  }

  private EtaEstimator estimator(StreamContext ctx) {
    if (ctx.details == null) {
      return null;
    }
    String dest = ctx.details.destinationId();
    if (!dest.equals(ctx.estimatorFor)) {
      ctx.estimatorFor = dest;
      ctx.estimator =
          destinations
              .apply(dest)
              .map(d -> new EtaEstimator(new GeoPoint(d.latitude(), d.longitude())))
              .orElse(null);
    }
    return ctx.estimator;
  }

  private Event event(String id, String stream, String type, Instant at, ObjectNode payload) {
    ObjectNode e = base(id, stream, type, at);
    e.set(type, payload);
    return new Event(id, type, e);
  }

  private ObjectNode base(String id, String stream, String type, Instant at) {
    ObjectNode e = json.createObjectNode();
    e.put("eventId", id);
    e.put("transportId", stream);
    e.put("type", type);
    e.put("at", at.toString());
    return e;
  }

  private ObjectNode transport(TransportEvent ev, StreamContext ctx) {
    TransportDetails d = ev.details() != null ? ev.details() : ctx.details;
    ObjectNode t = json.createObjectNode();
    t.put("step", ev.type().name());
    if (d == null) {
      log.warn(
          "transport {}: {} without known details (destination unknown to the console)",
          ev.transportId(),
          ev.type());
      t.putNull("destinationId");
      t.putNull("unit");
      t.putNull("chiefComplaint");
      t.putNull("acuity");
    } else {
      t.put("destinationId", d.destinationId());
      t.put("unit", truncate(String.join(", ", d.crew()), MAX_UNIT));
      t.put("chiefComplaint", truncate(d.chiefComplaint(), MAX_CHIEF_COMPLAINT));
      if (d.acuity() == null) {
        t.putNull("acuity");
      } else {
        t.put("acuity", d.acuity().esiLevel);
      }
    }
    t.put("note", ev.note());
    return t;
  }

  private ObjectNode vital(NumericObservation n) {
    ObjectNode v = json.createObjectNode();
    v.put("code", truncate(VitalTerms.code(n.metric()), MAX_SHORT));
    v.put("label", VitalTerms.label(n.metric()));
    v.put("value", n.value().toPlainString());
    v.put("unit", VitalTerms.ucum(n.unit()));
    v.put("at", n.observedAt().toString());
    return v;
  }

  private ObjectNode alarm(AlarmEvent a) {
    ObjectNode o = json.createObjectNode();
    o.put("alarmId", truncate(a.alarmId(), MAX_SHORT));
    o.put("priority", priority(a.priority()));
    o.put("state", ended(a) ? "ended" : "active");
    String text = a.text().isBlank() ? VitalTerms.code(a.event()) : a.text();
    o.put("text", truncate(text, MAX_ALARM_TEXT));
    o.put("source", a.source() == null ? "" : truncate(VitalTerms.code(a.source()), MAX_SHORT));
    return o;
  }

  /**
   * Whether the monitor says the alarm is over: the IHE PCD-04 event phase {@code end} (or {@code
   * stop}, {@code reset}), or the alarm state {@code inactive}. Anything else, including a latched
   * alarm and a point-in-time event ({@code tpoint}), is {@code active}.
   */
  static boolean ended(AlarmEvent a) {
    String phase = a.phase().strip().toLowerCase(Locale.ROOT);
    String state = a.state().strip().toLowerCase(Locale.ROOT);
    return phase.equals("end")
        || phase.equals("stop")
        || phase.equals("reset")
        || state.equals("inactive");
  }

  /** HIGH, MEDIUM or LOW; an alarm of no priority (PCD-04 {@code PN}) is LOW. */
  static String priority(AlarmPriority p) {
    return switch (p) {
      case HIGH -> "HIGH";
      case MEDIUM -> "MEDIUM";
      case LOW, NONE -> "LOW";
    };
  }

  private ObjectNode position(JournalEntry.Position p, Eta eta) {
    ObjectNode o = json.createObjectNode();
    o.put("latitude", p.latitude());
    o.put("longitude", p.longitude());
    if (eta != null && eta.known()) {
      o.put("etaSeconds", eta.timeToArrival().toSeconds());
    } else {
      o.putNull("etaSeconds");
    }
    if (eta != null) {
      o.put("distanceMetres", Math.round(eta.remainingMetres()));
    } else {
      o.putNull("distanceMetres");
    }
    return o;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
