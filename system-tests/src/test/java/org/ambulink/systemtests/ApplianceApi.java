package org.ambulink.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The appliance's HTTP API on a loopback port, as the system tests call it. */
final class ApplianceApi {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int port;

  ApplianceApi(int port) {
    this.port = port;
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * {@code method path} with a JSON {@code body} (or none); asserts the answer's status and returns
   * its body as JSON.
   */
  JsonNode json(String method, String path, String body, int expectedStatus) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(url(path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json");
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode())
          .as("%s %s answered %s", method, path, r.body())
          .isEqualTo(expectedStatus);
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** {@code GET /api/status}. */
  JsonNode status() {
    return json("GET", "/api/status", null, 200);
  }
}
