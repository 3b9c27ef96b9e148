package org.ambulink.appliance.intake;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the appliance's REST API over real HTTP, as a person's tools would. */
final class ApplianceClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String base;

  ApplianceClient(int port) {
    this.base = "http://localhost:" + port;
  }

  record Response(int status, JsonNode body) {}

  Response get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body().isEmpty() ? null : json.readTree(r.body()));
  }

  JsonNode ok(String path) throws IOException, InterruptedException {
    Response r = get(path);
    if (r.status() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.status() + ": " + r.body());
    }
    return r.body();
  }

  /** Every physical sample value of one lead the appliance holds, in time order. */
  List<BigDecimal> physicalSamples(int leadCode) throws IOException, InterruptedException {
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
}
