package org.ambulink.appliance.console;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Posts one batch of console events ({@code POST {base-url}/api/appliance/events}, bearer token)
 * and says what came of it. Knows nothing of the journal or retries; never logs, and its messages
 * carry HTTP statuses and the console's own words about the request, never an event or the token.
 */
final class ConsoleClient {
  private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(10);
  private static final int MAX_TEXT = 200;

  /** What came of a post. */
  sealed interface Outcome permits Accepted, Refused, Failed, Unusable {}

  /** An event the console will never accept, and why (its words). */
  record Rejected(String eventId, String reason) {}

  /** 200: the batch is stored (or was before). */
  record Accepted(int accepted, int duplicates, List<Rejected> rejected) implements Outcome {}

  /** 401 or 403: the console does not accept this appliance's credential. */
  record Refused(int status, String detail) implements Outcome {}

  /**
   * Worth another try soon: 5xx, 408, 429, no answer in time, no connection.
   *
   * @param status the HTTP status, or {@code timeout}, {@code connect}, {@code io}
   * @param retryAfter the server's {@code Retry-After}, or null
   */
  record Failed(String status, String message, Duration retryAfter) implements Outcome {}

  /** Another answer (400, 404, 413, a 200 that is not an events response): tried again slowly. */
  record Unusable(int status, String message) implements Outcome {}

  private final URI target;
  private final String token;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final JsonMapper json;

  ConsoleClient(ConsoleProperties props, String token, JsonMapper json) {
    this.target = props.eventsUri();
    this.token = token;
    this.requestTimeout = props.requestTimeout();
    this.json = json;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(props.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  URI target() {
    return target;
  }

  /**
   * Posts {@code events} (may be empty: a heartbeat).
   *
   * @throws InterruptedException when the sync is stopping
   */
  Outcome post(String applianceId, long backlog, List<ObjectNode> events)
      throws InterruptedException {
    ObjectNode body = json.createObjectNode();
    body.put("applianceId", applianceId);
    body.put("backlog", backlog);
    ArrayNode list = body.putArray("events");
    events.forEach(list::add);
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, application/problem+json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build();
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      return new Failed(
          "timeout",
          "the console did not answer within " + requestTimeout.toMillis() + " ms",
          null);
    } catch (ConnectException e) {
      return new Failed("connect", "cannot connect to the console", null);
    } catch (IOException e) {
      return new Failed("io", "the connection to the console failed", null);
    }
    int status = r.statusCode();
    if (status == 200) {
      return accepted(r.body());
    }
    if (status == 401 || status == 403) {
      return new Refused(status, problem(r.body()));
    }
    if (status >= 500 || status == 408 || status == 429) {
      return new Failed(
          String.valueOf(status),
          "the console answered HTTP " + status,
          retryAfter(r.headers().firstValue("Retry-After").orElse(null)));
    }
    String detail = problem(r.body());
    return new Unusable(
        status,
        "the console answered HTTP " + status + (detail.isEmpty() ? "" : " (" + detail + ")"));
  }

  private Outcome accepted(String body) {
    JsonNode n;
    try {
      n = json.readTree(body);
    } catch (JacksonException e) {
      n = null;
    }
    if (n == null || !n.isObject() || !n.path("accepted").isNumber()) {
      return new Unusable(200, "the console's answer is not an events response");
    }
    List<Rejected> rejected = new ArrayList<>();
    for (JsonNode x : n.path("rejected")) {
      rejected.add(
          new Rejected(
              truncate(x.path("eventId").asString("")), truncate(x.path("reason").asString(""))));
    }
    return new Accepted(n.path("accepted").asInt(), n.path("duplicates").asInt(0), rejected);
  }

  /** The {@code detail} (else {@code title}) of a problem answer; empty when there is none. */
  private String problem(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode n = json.readTree(body);
      String d = n.path("detail").asString("");
      return truncate(d.isBlank() ? n.path("title").asString("") : d);
    } catch (JacksonException e) {
      return "";
    }
  }

  /** {@code Retry-After} in seconds (an HTTP date is not worth parsing here); null if absent. */
  static Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    try {
      long s = Long.parseLong(value.strip());
      if (s < 0) {
        return null;
      }
      Duration d = Duration.ofSeconds(s);
      return d.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : d;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String truncate(String s) {
    String one = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return one.length() <= MAX_TEXT ? one : one.substring(0, MAX_TEXT) + "…";
  }
}
