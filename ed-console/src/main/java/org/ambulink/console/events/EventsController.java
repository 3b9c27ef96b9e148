package org.ambulink.console.events;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.console.ConsoleProperties;
import org.ambulink.console.security.DeviceAuthentication;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;

/** The appliances' door: {@code POST /api/appliance/events} (docs/console-api.md). */
@RestController
public class EventsController {
  static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

  private final EventIngest ingest;
  private final ConsoleProperties properties;

  public EventsController(EventIngest ingest, ConsoleProperties properties) {
    this.ingest = ingest;
    this.properties = properties;
  }

  @PostMapping("/api/appliance/events")
  public EventIngest.Result events(
      DeviceAuthentication device, HttpServletRequest request, @RequestBody JsonNode body) {
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      throw new ResponseStatusException(
          HttpStatus.CONTENT_TOO_LARGE,
          "a batch may have at most " + MAX_BODY_BYTES + " bytes; send fewer events per request");
    }
    if (!body.isObject()) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "the body must be a JSON object with applianceId and events");
    }
    String deviceId = device.device().id();
    JsonNode applianceId = body.path("applianceId");
    if (!applianceId.isString() || !applianceId.stringValue().equals(deviceId)) {
      throw new ResponseStatusException(
          HttpStatus.FORBIDDEN,
          "this token belongs to appliance '"
              + deviceId
              + "', the batch says applianceId "
              + Fields.shown(applianceId));
    }
    JsonNode backlog = body.path("backlog");
    long waiting = 0;
    if (!backlog.isMissingNode() && !backlog.isNull()) {
      if (!backlog.isIntegralNumber() || backlog.asLong() < 0) {
        throw new ResponseStatusException(
            HttpStatus.BAD_REQUEST,
            "'backlog' must be a whole number of 0 or more, was " + Fields.shown(backlog));
      }
      waiting = backlog.asLong();
    }
    JsonNode events = body.path("events");
    if (!events.isArray()) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "'events' must be a list, was " + Fields.shown(events));
    }
    if (events.size() > properties.maxBatchEvents()) {
      throw new ResponseStatusException(
          HttpStatus.CONTENT_TOO_LARGE,
          "a batch may have at most "
              + properties.maxBatchEvents()
              + " events, this one has "
              + events.size());
    }
    List<JsonNode> list = new ArrayList<>(events.values());
    return ingest.ingest(deviceId, waiting, list);
  }
}
