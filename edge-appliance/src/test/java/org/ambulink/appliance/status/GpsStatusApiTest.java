package org.ambulink.appliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.ambulink.appliance.testing.ApplianceClient;
import org.ambulink.appliance.testing.ApplianceServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The GPS tile of GET /api/status with the simulated route at 20 times real time: parked until a
 * transport starts, then driving towards its destination with a speed, a shrinking distance and an
 * ETA, while positions are journaled in the transport's stream.
 */
@TestPropertySource(
    properties = {
      "ambulink.gps.source=simulated",
      "ambulink.gps.simulation-speed=20",
      "ambulink.transport.position-interval=1s"
    })
class GpsStatusApiTest extends ApplianceServerTest {

  private JsonNode get(String path) {
    return api.ok(path);
  }

  private JsonNode post(String path, String body) {
    ApplianceClient.Response r = api.post(path, body);
    assertThat(r.status()).as("POST %s: %s", path, r.text()).isBetween(200, 201);
    return r.body();
  }

  /** Polls the GPS tile until {@code condition} holds; fails with the last tile seen. */
  private JsonNode awaitGps(String what, Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    JsonNode gps = get("/api/status").get("gps");
    while (!condition.test(gps)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 8 s: " + what + "; last GPS tile " + gps);
      }
      Thread.sleep(50);
      gps = get("/api/status").get("gps");
    }
    return gps;
  }

  private List<JsonNode> positions(String transportId) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : get("/api/transports/" + transportId + "/journal?max=1000").get("entries")) {
      if (e.get("kind").asString().equals("POSITION")) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void afterStartTheVehicleDrivesWithASpeedAShrinkingDistanceAndAnEta() throws Exception {
    // parked before any transport: a fix, but nothing to go to
    JsonNode parked = awaitGps("a fix", g -> g.get("fix").asBoolean());
    assertThat(parked.get("configured").asBoolean()).isTrue();
    assertThat(parked.get("detail").asString()).isEqualTo("simulated route");
    assertThat(parked.get("latitude").asDouble()).isBetween(42.29, 42.34);
    assertThat(parked.get("distanceKm").isNull()).isTrue();
    assertThat(parked.get("etaMinutes").isNull()).isTrue();

    // city-general is the end of the demo route
    JsonNode t =
        post("/api/transports", "{\"destinationId\": \"city-general\", \"crew\": [\"M\"]}");
    String id = t.get("id").asString();

    JsonNode moving =
        awaitGps(
            "a speed and an ETA",
            g ->
                g.get("fix").asBoolean()
                    && g.get("speedKmh").isNumber()
                    && g.get("speedKmh").asDouble() > 0
                    && g.get("etaMinutes").isNumber()
                    && g.get("distanceKm").isNumber());
    double distance = moving.get("distanceKm").asDouble();
    assertThat(distance).isBetween(0.1, 6.0);
    assertThat(moving.get("etaMinutes").asDouble()).isPositive();
    assertThat(moving.get("eta").isNull()).isFalse();
    assertThat(Instant.parse(moving.get("eta").asString())).isAfter(Instant.now().minusSeconds(5));
    assertThat(moving.get("ageSeconds").asDouble()).isBetween(0.0, 10.0);

    awaitGps(
        "the distance to shrink from " + distance + " km",
        g -> g.get("distanceKm").isNumber() && g.get("distanceKm").asDouble() < distance);

    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    List<JsonNode> positions = positions(id);
    while (positions.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      positions = positions(id);
    }
    assertThat(positions).hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode p : positions) {
      assertThat(p.get("value").get("latitude").asDouble()).isBetween(42.29, 42.34);
      assertThat(p.get("value").get("longitude").asDouble()).isBetween(-71.08, -71.05);
    }
    assertThat(positions.get(1).get("seq").asLong())
        .isGreaterThan(positions.get(0).get("seq").asLong());

    post("/api/transports/current/handover", "{}");
    post("/api/transports/current/close", "{}");
  }
}
