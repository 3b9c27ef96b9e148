package org.ambulink.appliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /api/status, the one poll of the crew page: its shape (the fields app.js reads), the monitor
 * tile following a real MLLP connection, the journal tile counting what is recorded, and the
 * transport and its warnings. The methods run in order: the first one sees an appliance no monitor
 * has talked to yet.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ambulink.intake.mllp.port=0",
      "ambulink.intake.mllp.bind-address=127.0.0.1",
      "ambulink.intake.stale-after=30s",
      "ambulink.journal.generate-key=true"
    })
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusApiTest {

  @DynamicPropertySource
  static void journal(DynamicPropertyRegistry registry) {
    Path dir = TempDirs.create("status-api-journal");
    registry.add("ambulink.journal.directory", dir::toString);
  }

  @LocalServerPort int httpPort;
  @Autowired MllpTcpListener listener;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  private JsonNode status() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/api/status"))
                .header("Accept", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    return json.readTree(r.body());
  }

  private int post(String path, String body) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private static void assertFields(JsonNode node, String... names) {
    assertThat(node).as("object").isNotNull();
    assertThat(node.isObject()).as("%s is an object", node).isTrue();
    for (String name : names) {
      assertThat(node.has(name)).as("field '%s' in %s", name, node).isTrue();
    }
  }

  private static boolean isNumberOrNull(JsonNode n) {
    return n.isNull() || n.isNumber();
  }

  @Test
  @Order(1)
  void theShapeIsWhatTheCrewPageReads() throws Exception {
    JsonNode s = status();
    assertFields(
        s,
        "time",
        "state",
        "transport",
        "monitor",
        "edLink",
        "edDelivery",
        "ehr",
        "gps",
        "journal",
        "warnings");
    assertThat(Duration.between(Instant.parse(s.get("time").asString()), Instant.now()).abs())
        .isLessThan(Duration.ofSeconds(30));
    assertThat(s.get("state").asString()).isEqualTo("IDLE");
    assertThat(s.get("transport").isNull()).isTrue();
    assertThat(s.get("warnings").isArray()).isTrue();
    assertThat(s.get("warnings")).isEmpty();

    JsonNode m = s.get("monitor");
    assertFields(m, "connected", "lastMessageAgeSeconds", "detail");
    assertThat(m.get("connected").isBoolean()).isTrue();
    assertThat(m.get("connected").asBoolean()).isFalse();
    assertThat(m.get("lastMessageAgeSeconds").isNull()).as("no message yet").isTrue();
    assertThat(m.get("detail").asString()).isEqualTo("no monitor connected");

    JsonNode ed = s.get("edLink");
    assertFields(ed, "state", "detail");
    assertThat(ed.get("state").asString()).isNotBlank();
    assertThat(ed.get("detail").isString()).isTrue();

    JsonNode d = s.get("edDelivery");
    assertFields(d, "deliveredUpTo", "pendingEntries");
    assertThat(d.get("deliveredUpTo").isNull()).isTrue();
    assertThat(d.get("pendingEntries").isIntegralNumber()).isTrue();
    assertThat(d.get("pendingEntries").asLong()).isZero();

    JsonNode ehr = s.get("ehr");
    assertFields(ehr, "state", "detail");
    assertThat(ehr.get("state").asString()).isEqualTo("NOT_STARTED");

    JsonNode g = s.get("gps");
    assertFields(
        g,
        "fix",
        "latitude",
        "longitude",
        "speedKmh",
        "ageSeconds",
        "distanceKm",
        "etaMinutes",
        "eta",
        "configured",
        "detail");
    assertThat(g.get("fix").asBoolean()).isFalse();
    assertThat(g.get("configured").asBoolean()).as("ambulink.gps.source=none").isFalse();
    assertThat(g.get("detail").asString()).isEqualTo("no GPS configured");
    for (String n :
        new String[] {"latitude", "longitude", "speedKmh", "distanceKm", "etaMinutes"}) {
      assertThat(g.get(n).isNull()).as(n).isTrue();
    }

    JsonNode j = s.get("journal");
    assertFields(j, "entries", "bytes", "capBytes", "usedPercent", "warnings");
    assertThat(j.get("entries").isIntegralNumber()).isTrue();
    assertThat(j.get("bytes").isIntegralNumber()).isTrue();
    assertThat(j.get("capBytes").asLong()).isEqualTo(DataSize.parse("2GB").toBytes());
    assertThat(j.get("usedPercent").isNumber()).isTrue();
    assertThat(j.get("usedPercent").asDouble()).isBetween(0.0, 1.0);
    assertThat(j.get("warnings").isArray()).isTrue();
    assertThat(isNumberOrNull(m.get("lastMessageAgeSeconds"))).isTrue();
  }

  @Test
  @Order(2)
  void theMonitorTileAndTheJournalFollowARealMonitor() throws Exception {
    JsonNode before = status();
    assertThat(before.get("monitor").get("connected").asBoolean()).isFalse();
    long entriesBefore = before.get("journal").get("entries").asLong();
    long bytesBefore = before.get("journal").get("bytes").asLong();

    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/100"))
            .outputRate(360)
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();
    Hl7Encoder encoder = new Hl7Encoder();
    long sentEntries = 0;
    try (MllpTcpClient client =
        MllpTcpClient.connect("127.0.0.1", listener.port(), Duration.ofSeconds(5))) {
      for (int i = 0; i < 4; i++) {
        MonitorMessage m = sim.next();
        sentEntries += JournalSink.entries(m).size();
        byte[] reply =
            client.exchange(
                encoder.encodeObservationReport(m).getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        assertThat(Hl7Acks.parse(new String(reply, StandardCharsets.UTF_8)).code())
            .isEqualTo(AckCode.AA);
      }
      // still connected, just sent
      JsonNode s = status();
      JsonNode m = s.get("monitor");
      assertThat(m.get("connected").asBoolean()).isTrue();
      assertThat(m.get("detail").asString()).isEqualTo("receiving");
      assertThat(m.get("lastMessageAgeSeconds").asDouble()).isBetween(0.0, 5.0);
      // the ACK follows the commit: the entries are counted already
      assertThat(s.get("journal").get("entries").asLong()).isEqualTo(entriesBefore + sentEntries);
      assertThat(s.get("journal").get("bytes").asLong()).isGreaterThan(bytesBefore);
      assertThat(s.get("journal").get("usedPercent").asDouble()).isPositive();
    }
    // the monitor hung up: not connected, with the age of its last message
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    JsonNode after = status();
    while (after.get("monitor").get("connected").asBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      after = status();
    }
    assertThat(after.get("monitor").get("connected").asBoolean()).isFalse();
    assertThat(after.get("monitor").get("lastMessageAgeSeconds").isNumber()).isTrue();
    assertThat(after.get("state").asString()).isEqualTo("IDLE");
    assertThat(after.get("warnings")).as("no transport, no monitor warning").isEmpty();
  }

  @Test
  @Order(3)
  void aTransportShowsInTheStatusWithItsWarnings() throws Exception {
    assertThat(
            post(
                "/api/transports",
                "{\"destinationId\": \"harbor-medical\", \"crew\": [\"Medic 1\"]}"))
        .isEqualTo(201);
    JsonNode s = status();
    assertThat(s.get("state").asString()).isEqualTo("EN_ROUTE");
    JsonNode t = s.get("transport");
    assertThat(t.get("id").asString()).startsWith("T");
    assertThat(t.get("destination").get("name").asString()).isEqualTo("Harbor Medical Center ED");
    assertThat(t.get("journaledEntries").asLong()).isEqualTo(1);
    assertThat(s.get("edDelivery").get("pendingEntries").asLong()).isEqualTo(1);
    assertThat(s.get("edDelivery").get("deliveredUpTo").isNull()).isTrue();
    // en route without a monitor: the crew is told
    assertThat(s.get("warnings")).anySatisfy(w -> assertThat(w.asString()).startsWith("Monitor:"));

    assertThat(post("/api/transports/current/handover", "{}")).isEqualTo(200);
    s = status();
    assertThat(s.get("state").asString()).isEqualTo("HANDED_OVER");
    assertThat(s.get("warnings")).noneSatisfy(w -> assertThat(w.asString()).startsWith("Monitor:"));
    assertThat(post("/api/transports/current/close", "{}")).isEqualTo(200);
    s = status();
    assertThat(s.get("state").asString()).isEqualTo("IDLE");
    assertThat(s.get("transport").isNull()).isTrue();
  }
}
