package org.ambulink.console.board;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.ambulink.console.ConsoleProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** What the board and the live view show of a transport, read from the database. */
@Service
public class TransportViews {
  /** Transports handed over longer ago than this leave the board. */
  static final Duration HANDED_OVER_SHOWN_FOR = Duration.ofHours(2);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration linkDownAfter;

  public TransportViews(JdbcClient jdbc, Clock clock, ConsoleProperties properties) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.linkDownAfter = properties.linkDownAfter();
  }

  /** The link between the console and the ambulance's appliance. */
  public enum LinkState {
    LIVE,
    BACKFILLING,
    DOWN
  }

  public record Link(LinkState state, Instant lastSeenAt, long backlog) {}

  public record Vital(String code, String label, String value, String unit, Instant observedAt) {}

  public record Alarm(
      String alarmId,
      String priority,
      String state,
      String text,
      String source,
      Instant raisedAt,
      Instant endedAt,
      String ackedBy,
      Instant ackedAt) {}

  /** One transport as the board and the live view show it. */
  public record Summary(
      String id,
      String deviceId,
      String destinationId,
      String unit,
      String chiefComplaint,
      Integer acuity,
      String state,
      Instant startedAt,
      Instant handedOverAt,
      Instant lastEventAt,
      Long etaSeconds,
      Instant etaAt,
      Double distanceMetres,
      Double latitude,
      Double longitude,
      Instant positionAt,
      Link link,
      List<Vital> vitals,
      List<Alarm> alarms,
      Instant serverTime) {}

  /** The transports staff of an ED see on the board: under way, or handed over recently. */
  public List<Summary> board(String edId) {
    Instant since = clock.instant().minus(HANDED_OVER_SHOWN_FOR);
    return jdbc
        .sql(
            "SELECT t.*, d.last_seen_at, d.backlog FROM transport t JOIN device d ON d.device_id"
                + " = t.device_id WHERE t.destination_id = ? AND (t.state = 'EN_ROUTE' OR"
                + " (t.state = 'HANDED_OVER' AND t.handed_over_at > ?)) ORDER BY t.started_at")
        .params(edId, utc(since))
        .query(this::summaryRow)
        .list()
        .stream()
        .map(this::withDetails)
        .toList();
  }

  /** One transport, when it heads to the given ED (else empty: staff of other EDs see nothing). */
  public Optional<Summary> find(String transportId, String edId) {
    return jdbc.sql(
            "SELECT t.*, d.last_seen_at, d.backlog FROM transport t JOIN device d ON d.device_id"
                + " = t.device_id WHERE t.transport_id = ? AND t.destination_id = ?")
        .params(transportId, edId)
        .query(this::summaryRow)
        .optional()
        .map(this::withDetails);
  }

  /** The ED a transport heads to, if known. */
  public Optional<String> destinationOf(String transportId) {
    return jdbc.sql("SELECT destination_id FROM transport WHERE transport_id = ?")
        .param(transportId)
        .query(String.class)
        .optional();
  }

  /** Transports under way whose appliance is the given one. */
  public List<String> activeOf(String deviceId) {
    return jdbc.sql("SELECT transport_id FROM transport WHERE device_id = ? AND state = 'EN_ROUTE'")
        .param(deviceId)
        .query(String.class)
        .list();
  }

  public LinkState linkState(Instant lastSeenAt, long backlog) {
    if (lastSeenAt == null || lastSeenAt.plus(linkDownAfter).isBefore(clock.instant())) {
      return LinkState.DOWN;
    }
    return backlog > 0 ? LinkState.BACKFILLING : LinkState.LIVE;
  }

  private Summary withDetails(Summary s) {
    List<Vital> vitals =
        jdbc.sql("SELECT * FROM vital_latest WHERE transport_id = ? ORDER BY code")
            .param(s.id())
            .query(
                (rs, n) ->
                    new Vital(
                        rs.getString("code"),
                        rs.getString("label"),
                        rs.getString("reading"),
                        rs.getString("unit"),
                        instant(rs, "observed_at")))
            .list();
    // active alarms, and the ones that ended but nobody acknowledged yet, most urgent first
    List<Alarm> alarms =
        jdbc.sql(
                "SELECT * FROM alarm WHERE transport_id = ? AND (state = 'active' OR acked_at IS"
                    + " NULL) ORDER BY CASE priority WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2"
                    + " END, raised_at DESC LIMIT 50")
            .param(s.id())
            .query(TransportViews::alarmRow)
            .list();
    return new Summary(
        s.id(),
        s.deviceId(),
        s.destinationId(),
        s.unit(),
        s.chiefComplaint(),
        s.acuity(),
        s.state(),
        s.startedAt(),
        s.handedOverAt(),
        s.lastEventAt(),
        s.etaSeconds(),
        s.etaAt(),
        s.distanceMetres(),
        s.latitude(),
        s.longitude(),
        s.positionAt(),
        s.link(),
        vitals,
        alarms,
        clock.instant());
  }

  private Summary summaryRow(ResultSet rs, int n) throws SQLException {
    Instant lastSeen = instant(rs, "last_seen_at");
    long backlog = rs.getLong("backlog");
    return new Summary(
        rs.getString("transport_id"),
        rs.getString("device_id"),
        rs.getString("destination_id"),
        rs.getString("unit"),
        rs.getString("chief_complaint"),
        (Integer) rs.getObject("acuity", Integer.class),
        rs.getString("state"),
        instant(rs, "started_at"),
        instant(rs, "handed_over_at"),
        instant(rs, "last_event_at"),
        (Long) rs.getObject("eta_seconds", Long.class),
        instant(rs, "eta_at"),
        (Double) rs.getObject("distance_metres", Double.class),
        (Double) rs.getObject("latitude", Double.class),
        (Double) rs.getObject("longitude", Double.class),
        instant(rs, "position_at"),
        new Link(linkState(lastSeen, backlog), lastSeen, backlog),
        List.of(),
        List.of(),
        null);
  }

  static Alarm alarmRow(ResultSet rs, int n) throws SQLException {
    return new Alarm(
        rs.getString("alarm_id"),
        rs.getString("priority"),
        rs.getString("state"),
        rs.getString("text"),
        rs.getString("source"),
        instant(rs, "raised_at"),
        instant(rs, "ended_at"),
        rs.getString("acked_by"),
        instant(rs, "acked_at"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
