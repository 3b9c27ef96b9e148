package org.ambulink.console.events;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ambulink.console.board.BoardUpdates;
import org.ambulink.console.devices.DeviceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Stores the events appliances send (docs/console-api.md) exactly once and keeps the board's view
 * of each transport (state, ETA, latest vitals, alarms) up to date. A batch is one database
 * transaction; an event already stored is skipped, so a replay changes nothing. Batches of one
 * appliance are applied one at a time, in order.
 */
@Service
public class EventIngest {
  private static final Logger log = LoggerFactory.getLogger(EventIngest.class);
  private static final Set<String> STEPS = Set.of("STARTED", "UPDATED", "HANDED_OVER", "CLOSED");
  private static final Set<String> PRIORITIES = Set.of("HIGH", "MEDIUM", "LOW");

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final DeviceRegistry devices;
  private final BoardUpdates updates;
  private final Clock clock;
  private final Map<String, Object> deviceLocks = new ConcurrentHashMap<>();

  public EventIngest(
      JdbcClient jdbc,
      TransactionTemplate tx,
      DeviceRegistry devices,
      BoardUpdates updates,
      Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.devices = devices;
    this.updates = updates;
    this.clock = clock;
  }

  /** What became of one event that was not accepted. */
  public record Rejected(String eventId, String reason) {}

  /** The answer to a batch. */
  public record Result(int accepted, int duplicates, List<Rejected> rejected) {}

  /** Stores a batch from an authenticated device. */
  public Result ingest(String deviceId, long backlog, List<JsonNode> events) {
    Set<String> touched = new LinkedHashSet<>();
    Result result;
    synchronized (deviceLocks.computeIfAbsent(deviceId, k -> new Object())) {
      result =
          tx.execute(
              status -> {
                int accepted = 0;
                int duplicates = 0;
                List<Rejected> rejected = new ArrayList<>();
                for (int i = 0; i < events.size(); i++) {
                  JsonNode e = events.get(i);
                  String eventId = null;
                  try {
                    eventId = Fields.text(e, "eventId", 200, true);
                    if (apply(deviceId, eventId, e, touched)) {
                      accepted++;
                    } else {
                      duplicates++;
                    }
                  } catch (BadEventException bad) {
                    String id = eventId == null ? "#" + i : eventId;
                    rejected.add(new Rejected(id, bad.getMessage()));
                  }
                }
                devices.seen(deviceId, backlog);
                return new Result(accepted, duplicates, rejected);
              });
    }
    for (Rejected r : result.rejected()) {
      log.warn("appliance {}: event {} rejected: {}", deviceId, r.eventId(), r.reason());
    }
    updates.deviceSeen(deviceId);
    updates.changed(touched);
    return result;
  }

  /** Applies one event; false when it had been stored before. */
  private boolean apply(String deviceId, String eventId, JsonNode e, Set<String> touched) {
    String transportId = Fields.text(e, "transportId", 100, true);
    String type = Fields.text(e, "type", 20, true);
    Instant at = Fields.instant(e, "at");
    // validate before storing anything, so that a bad event leaves no trace
    Runnable effect =
        switch (type) {
          case "transport" -> transport(deviceId, transportId, at, object(e, "transport"));
          case "vitals" -> vitals(transportId, e.path("vitals"));
          case "alarm" -> alarm(transportId, at, object(e, "alarm"));
          case "position" -> position(transportId, at, object(e, "position"));
          default ->
              throw new BadEventException(
                  "'type' must be transport, vitals, alarm or position, was '"
                      + Fields.clip(type)
                      + "'");
        };
    String owner =
        jdbc.sql("SELECT device_id FROM transport WHERE transport_id = ?")
            .param(transportId)
            .query(String.class)
            .optional()
            .orElse(null);
    if (owner != null && !owner.equals(deviceId)) {
      throw new BadEventException("transport '" + transportId + "' belongs to another appliance");
    }
    int inserted =
        jdbc.sql(
                "INSERT INTO transport_event (device_id, event_id, transport_id, type,"
                    + " occurred_at, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")
            .params(
                deviceId, eventId, transportId, type, utc(at), utc(clock.instant()), e.toString())
            .update();
    if (inserted == 0) {
      return false;
    }
    if (owner == null) {
      jdbc.sql(
              "INSERT INTO transport (transport_id, device_id, state, last_event_at)"
                  + " VALUES (?, ?, 'EN_ROUTE', ?)")
          .params(transportId, deviceId, utc(at))
          .update();
    }
    effect.run();
    jdbc.sql("UPDATE transport SET last_event_at = ? WHERE transport_id = ? AND last_event_at < ?")
        .params(utc(at), transportId, utc(at))
        .update();
    touched.add(transportId);
    return true;
  }

  private Runnable transport(String deviceId, String transportId, Instant at, JsonNode t) {
    String step = Fields.text(t, "step", 20, true);
    if (!STEPS.contains(step)) {
      throw new BadEventException(
          "'transport.step' must be one of " + STEPS + ", was '" + Fields.clip(step) + "'");
    }
    String destination = Fields.text(t, "destinationId", 100, true);
    String unit = Fields.text(t, "unit", 200, false);
    String complaint = Fields.text(t, "chiefComplaint", 500, false);
    Integer acuity = Fields.integer(t, "acuity", 1, 5);
    return () -> {
      jdbc.sql(
              "UPDATE transport SET destination_id = ?, unit = ?, chief_complaint = ?, acuity = ?"
                  + " WHERE transport_id = ?")
          .params(destination, unit, complaint, acuity, transportId)
          .update();
      switch (step) {
        case "STARTED" ->
            jdbc.sql("UPDATE transport SET started_at = ? WHERE transport_id = ?")
                .params(utc(at), transportId)
                .update();
        case "HANDED_OVER" ->
            jdbc.sql(
                    "UPDATE transport SET state = 'HANDED_OVER', handed_over_at = ?"
                        + " WHERE transport_id = ?")
                .params(utc(at), transportId)
                .update();
        case "CLOSED" ->
            jdbc.sql("UPDATE transport SET state = 'CLOSED', closed_at = ? WHERE transport_id = ?")
                .params(utc(at), transportId)
                .update();
        default -> {}
      }
    };
  }

  private Runnable vitals(String transportId, JsonNode list) {
    if (!list.isArray() || list.isEmpty()) {
      throw new BadEventException("'vitals' must be a non-empty list, was " + Fields.shown(list));
    }
    record Vital(String code, String label, String value, String unit, Instant at) {}
    List<Vital> vitals = new ArrayList<>();
    for (JsonNode v : list.values()) {
      vitals.add(
          new Vital(
              Fields.text(v, "code", 100, true),
              Fields.text(v, "label", 40, true),
              Fields.decimal(v, "value"),
              java.util.Objects.toString(Fields.text(v, "unit", 40, false), ""),
              Fields.instant(v, "at")));
    }
    return () -> {
      for (Vital v : vitals) {
        int n =
            jdbc.sql(
                    "UPDATE vital_latest SET label = ?, reading = ?, unit = ?, observed_at = ?"
                        + " WHERE transport_id = ? AND code = ? AND observed_at <= ?")
                .params(
                    v.label(), v.value(), v.unit(), utc(v.at()), transportId, v.code(), utc(v.at()))
                .update();
        if (n == 0) {
          jdbc.sql(
                  "INSERT INTO vital_latest (transport_id, code, label, reading, unit, observed_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
              .params(transportId, v.code(), v.label(), v.value(), v.unit(), utc(v.at()))
              .update();
        }
      }
    };
  }

  private Runnable alarm(String transportId, Instant at, JsonNode a) {
    String alarmId = Fields.text(a, "alarmId", 100, true);
    String priority = Fields.text(a, "priority", 10, true);
    if (!PRIORITIES.contains(priority)) {
      throw new BadEventException(
          "'alarm.priority' must be HIGH, MEDIUM or LOW, was '" + Fields.clip(priority) + "'");
    }
    String state = Fields.text(a, "state", 10, true);
    if (!state.equals("active") && !state.equals("ended")) {
      throw new BadEventException(
          "'alarm.state' must be active or ended, was '" + Fields.clip(state) + "'");
    }
    String text = Fields.text(a, "text", 500, false);
    String source = Fields.text(a, "source", 100, false);
    return () -> {
      boolean exists =
          jdbc.sql("SELECT COUNT(*) FROM alarm WHERE transport_id = ? AND alarm_id = ?")
                  .params(transportId, alarmId)
                  .query(Long.class)
                  .single()
              > 0;
      if (!exists) {
        jdbc.sql(
                "INSERT INTO alarm (transport_id, alarm_id, priority, state, text, source,"
                    + " raised_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .params(
                transportId,
                alarmId,
                priority,
                state,
                text == null ? "" : text,
                source == null ? "" : source,
                utc(at),
                state.equals("ended") ? utc(at) : null)
            .update();
      } else if (state.equals("ended")) {
        jdbc.sql(
                "UPDATE alarm SET state = 'ended', ended_at = ? WHERE transport_id = ? AND"
                    + " alarm_id = ?")
            .params(utc(at), transportId, alarmId)
            .update();
      } else {
        jdbc.sql(
                "UPDATE alarm SET state = 'active', priority = ?, text = ?, ended_at = NULL"
                    + " WHERE transport_id = ? AND alarm_id = ?")
            .params(priority, text == null ? "" : text, transportId, alarmId)
            .update();
      }
    };
  }

  private Runnable position(String transportId, Instant at, JsonNode p) {
    Double lat = Fields.number(p, "latitude", -90, 90);
    Double lon = Fields.number(p, "longitude", -180, 180);
    if (lat == null || lon == null) {
      throw new BadEventException("'position' needs latitude and longitude");
    }
    Integer eta = Fields.integer(p, "etaSeconds", 0, 86_400);
    Double distance = Fields.number(p, "distanceMetres", 0, 1e7);
    return () ->
        jdbc.sql(
                "UPDATE transport SET latitude = ?, longitude = ?, position_at = ?, eta_seconds ="
                    + " ?, eta_at = ?, distance_metres = ? WHERE transport_id = ? AND"
                    + " (position_at IS NULL OR position_at <= ?)")
            .params(
                lat,
                lon,
                utc(at),
                eta,
                eta == null ? null : utc(at.plusSeconds(eta)),
                distance,
                transportId,
                utc(at))
            .update();
  }

  private static JsonNode object(JsonNode e, String field) {
    JsonNode v = e.path(field);
    if (!v.isObject()) {
      throw new BadEventException("'" + field + "' must be an object, was " + Fields.shown(v));
    }
    return v;
  }

  static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
