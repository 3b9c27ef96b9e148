package org.ambulink.console.board;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.ambulink.console.ConsoleProperties;
import org.ambulink.console.audit.AuditLog;
import org.ambulink.console.board.TransportViews.Summary;
import org.ambulink.console.security.StaffUser;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The incoming board and the live view's data, for clinical staff of the destination ED only. A
 * transport heading elsewhere is answered 404, as if it did not exist, and the attempt is audited.
 */
@RestController
public class BoardController {
  private final TransportViews views;
  private final BoardUpdates updates;
  private final AuditLog audit;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final ConsoleProperties properties;

  public BoardController(
      TransportViews views,
      BoardUpdates updates,
      AuditLog audit,
      JdbcClient jdbc,
      Clock clock,
      ConsoleProperties properties) {
    this.views = views;
    this.updates = updates;
    this.audit = audit;
    this.jdbc = jdbc;
    this.clock = clock;
    this.properties = properties;
  }

  @GetMapping("/api/board")
  public List<Summary> board(@AuthenticationPrincipal StaffUser user) {
    return views.board(user.edId());
  }

  @GetMapping(path = "/api/board/stream", produces = "text/event-stream")
  public SseEmitter boardStream(@AuthenticationPrincipal StaffUser user) {
    return updates.subscribeBoard(user.edId());
  }

  @GetMapping("/api/transports/{id}")
  public Summary transport(
      @AuthenticationPrincipal StaffUser user,
      @PathVariable String id,
      HttpServletRequest request) {
    return visible(user, id, request);
  }

  /**
   * The live view opens: audited with the streams it shows, then the transport's updates follow as
   * server-sent events.
   */
  @GetMapping(path = "/api/transports/{id}/stream", produces = "text/event-stream")
  public SseEmitter transportStream(
      @AuthenticationPrincipal StaffUser user,
      @PathVariable String id,
      HttpServletRequest request) {
    Summary s = visible(user, id, request);
    audit.record(
        user.username(),
        "VIEW_LIVE",
        "transport " + id,
        request.getRemoteAddr(),
        "streams: vitals, alarms");
    return updates.subscribeTransport(id, s);
  }

  @PostMapping("/api/transports/{id}/alarms/{alarmId}/ack")
  public Map<String, Object> acknowledge(
      @AuthenticationPrincipal StaffUser user,
      @PathVariable String id,
      @PathVariable String alarmId,
      HttpServletRequest request) {
    visible(user, id, request);
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    int n =
        jdbc.sql(
                "UPDATE alarm SET acked_by = ?, acked_at = ? WHERE transport_id = ? AND alarm_id ="
                    + " ? AND acked_at IS NULL")
            .params(user.username(), now, id, alarmId)
            .update();
    if (n == 0) {
      boolean exists =
          jdbc.sql("SELECT COUNT(*) FROM alarm WHERE transport_id = ? AND alarm_id = ?")
                  .params(id, alarmId)
                  .query(Long.class)
                  .single()
              > 0;
      if (!exists) {
        throw new ResponseStatusException(
            HttpStatus.NOT_FOUND, "transport " + id + " has no alarm '" + alarmId + "'");
      }
      return Map.of("acknowledged", false, "reason", "already acknowledged");
    }
    audit.record(
        user.username(),
        "ALARM_ACK",
        "transport " + id + " alarm " + alarmId,
        request.getRemoteAddr(),
        "");
    updates.changed(List.of(id));
    return Map.of("acknowledged", true);
  }

  /** Who is logged in, for the pages' header. */
  @GetMapping("/api/me")
  public Map<String, Object> me(@AuthenticationPrincipal StaffUser user) {
    return Map.of(
        "username", user.username(),
        "role", user.role().name(),
        "edId", user.edId(),
        "edName", user.edId().equals(properties.edId()) ? properties.edName() : user.edId(),
        "staleAfterSeconds", properties.staleAfter().toSeconds());
  }

  private Summary visible(StaffUser user, String id, HttpServletRequest request) {
    return views
        .find(id, user.edId())
        .orElseThrow(
            () -> {
              if (views.destinationOf(id).isPresent()) {
                audit.record(
                    user.username(),
                    "ACCESS_DENIED",
                    "transport " + id,
                    request.getRemoteAddr(),
                    "the transport heads to another ED");
              }
              return new ResponseStatusException(
                  HttpStatus.NOT_FOUND, "no transport '" + id + "' heading to your ED");
            });
  }
}
