package org.ambulink.appliance.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The appliance's HTTP API over real HTTP, as a person's tools (or the crew page) would use it.
 * Bodies in JSON (including problem details) are parsed; I/O failures are unchecked, so that the
 * methods can be called from conditions that are polled.
 */
public final class ApplianceClient {
  /** What the API clients ask for: JSON, and problem details when something is refused. */
  public static final String ACCEPT_JSON = "application/json, application/problem+json";

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String base;

  public ApplianceClient(int port) {
    this.base = "http://localhost:" + port;
  }

  /**
   * An answer.
   *
   * @param body the body parsed, if it was JSON and not empty; else null
   * @param text the body as it came
   */
  public record Response(
      int status,
      Optional<String> contentType,
      Optional<String> location,
      JsonNode body,
      String text) {

    /** The {@code detail} of a problem. */
    public String detail() {
      return body.get("detail").asString();
    }
  }

  /** GET of an API path, asking for JSON. */
  public Response get(String path) {
    return send(request(path).header("Accept", ACCEPT_JSON).GET());
  }

  /** GET of anything (a page, a script), asking for nothing in particular. */
  public Response fetch(String path) {
    return send(request(path).GET());
  }

  /** GET of an API path that must answer 200; its JSON body. */
  public JsonNode ok(String path) {
    Response r = get(path);
    assertThat(r.status()).as("GET %s: %s", path, r.text()).isEqualTo(200);
    return r.body();
  }

  /** POST of a JSON body, or of no body at all if it is null. */
  public Response post(String path, String jsonBody) {
    HttpRequest.Builder b = request(path).header("Accept", ACCEPT_JSON);
    if (jsonBody == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
    }
    return send(b);
  }

  /** Every physical sample value of one lead the appliance holds, in time order. */
  public List<BigDecimal> physicalSamples(int leadCode) {
    List<JsonNode> segments = new ArrayList<>();
    ok("/api/intake/waveforms?lead=" + leadCode).forEach(segments::add);
    segments.sort(Comparator.comparing(s -> s.get("startTime").asString()));
    List<BigDecimal> out = new ArrayList<>();
    for (JsonNode s : segments) {
      BigDecimal scale = s.get("scale").decimalValue();
      BigDecimal offset = s.get("offset").decimalValue();
      for (JsonNode v : s.get("samples")) {
        out.add(offset.add(scale.multiply(BigDecimal.valueOf(v.asInt()))));
      }
    }
    return out;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  private Response send(HttpRequest.Builder request) {
    HttpResponse<String> r;
    try {
      r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    Optional<String> type = r.headers().firstValue("Content-Type");
    boolean isJson = type.map(t -> t.contains("json")).orElse(false);
    return new Response(
        r.statusCode(),
        type,
        r.headers().firstValue("Location"),
        isJson && !r.body().isEmpty() ? json.readTree(r.body()) : null,
        r.body());
  }
}
