package org.ambulink.console.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * An appliance talking to the console's events API (docs/console-api.md) over real HTTP with its
 * device token. Build the events with {@link Events}.
 */
public final class ApplianceClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String applianceId;
  private final String token;

  public ApplianceClient(String baseUrl, String applianceId, String token) {
    this.base = baseUrl;
    this.applianceId = applianceId;
    this.token = token;
  }

  /** The appliance the test console knows from configuration. */
  public static ApplianceClient of(ConsoleServer server) {
    return new ApplianceClient(
        server.baseUrl(), ConsoleServer.DEVICE_ID, ConsoleServer.DEVICE_TOKEN);
  }

  public String applianceId() {
    return applianceId;
  }

  /** Sends a batch, live (backlog 0). */
  public Answer send(List<? extends JsonNode> events) {
    return send(0, events);
  }

  public Answer send(JsonNode... events) {
    return send(List.of(events));
  }

  public Answer send(long backlog, List<? extends JsonNode> events) {
    return post(Events.batch(applianceId, backlog, events));
  }

  /** Sends a batch that the console must accept whole (200, nothing rejected): its answer. */
  public JsonNode sendAccepted(long backlog, List<? extends JsonNode> events) {
    Answer a = send(backlog, events);
    assertThat(a.status()).as("events answer: %s", a.text()).isEqualTo(200);
    assertThat(a.json().get("rejected").size()).as("rejected: %s", a.text()).isZero();
    return a.json();
  }

  /** POSTs a body as it is, with this appliance's token. */
  public Answer post(String body) {
    return post(body, token);
  }

  /** POSTs a body with the given token ({@code null}: no Authorization header at all). */
  public Answer post(String body, String bearerToken) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/api/appliance/events"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", StaffClient.ACCEPT_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (bearerToken != null) {
      b.header("Authorization", "Bearer " + bearerToken);
    }
    return Http.send(http, b.build());
  }
}
