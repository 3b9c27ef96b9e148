package org.ambulink.console.events;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.console.ConsoleProperties;
import org.ambulink.console.security.DeviceAuthentication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The appliances' door: {@code POST /api/appliance/events} (docs/console-api.md). */
@RestController
public class EventsController {
  static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

  /** A body over the limit is still read this far, so that its sender gets the 413. */
  static final long MAX_DRAINED_BYTES = 64L * 1024 * 1024;

  private final EventIngest ingest;
  private final ConsoleProperties properties;
  private final JsonMapper json;

  public EventsController(EventIngest ingest, ConsoleProperties properties, JsonMapper json) {
    this.ingest = ingest;
    this.properties = properties;
    this.json = json;
  }

  @PostMapping(path = "/api/appliance/events", consumes = MediaType.APPLICATION_JSON_VALUE)
  public EventIngest.Result events(DeviceAuthentication device, HttpServletRequest request)
      throws IOException {
    JsonNode body = read(request);
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

  /**
   * The body as JSON, read with a limit: a body over it gets a 413 whether its length was declared
   * or not (a chunked body has none), without holding more than the limit in memory.
   */
  private JsonNode read(HttpServletRequest request) throws IOException {
    InputStream in = request.getInputStream();
    byte[] bytes =
        request.getContentLengthLong() > MAX_BODY_BYTES
            ? null
            : in.readNBytes((int) MAX_BODY_BYTES + 1);
    if (bytes == null || bytes.length > MAX_BODY_BYTES) {
      byte[] skip = new byte[64 * 1024];
      long drained = 0;
      for (int n; drained < MAX_DRAINED_BYTES && (n = in.read(skip)) >= 0; ) {
        drained += n;
      }
      throw new ResponseStatusException(
          HttpStatus.CONTENT_TOO_LARGE,
          "a batch may have at most " + MAX_BODY_BYTES + " bytes; send fewer events per request");
    }
    try {
      return json.readTree(bytes);
    } catch (JacksonException e) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "the body is not JSON: " + e.getOriginalMessage());
    }
  }
}
