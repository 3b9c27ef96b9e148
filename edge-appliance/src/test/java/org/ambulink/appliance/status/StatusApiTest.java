package org.ambulink.appliance.status;

import static org.ambulink.appliance.testing.StatusContract.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.appliance.testing.ApplianceClient;
import org.ambulink.appliance.testing.ApplianceServerTest;
import org.ambulink.appliance.testing.Monitors;
import org.ambulink.appliance.testing.StatusContract;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/status, the one poll of the crew page: its shape (the fields app.js reads), the monitor
 * tile following a real MLLP connection, the journal tile counting what is recorded, and the
 * transport and its warnings. The methods run in order: the first one sees an appliance no monitor
 * has talked to yet.
 */
@TestPropertySource(properties = "ambulink.intake.stale-after=30s")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusApiTest extends ApplianceServerTest {
  @Autowired MllpTcpListener listener;

  private JsonNode status() {
    ApplianceClient.Response r = api.get("/api/status");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.contentType()).get().asString().startsWith("application/json");
    return r.body();
  }

  private int post(String path, String body) {
    return api.post(path, body).status();
  }

  private static boolean isNumberOrNull(JsonNode n) {
    return n.isNull() || n.isNumber();
  }

  @Test
  @Order(1)
  void theShapeIsWhatTheCrewPageReads() throws Exception {
    JsonNode s = status();
    assertFields(s, "status", StatusContract.STATUS);
    assertThat(Duration.between(Instant.parse(s.get("time").asString()), Instant.now()).abs())
        .isLessThan(Duration.ofSeconds(30));
    assertThat(s.get("state").asString()).isEqualTo("IDLE");
    assertThat(s.get("transport").isNull()).isTrue();
    assertThat(s.get("warnings").isArray()).isTrue();
    assertThat(s.get("warnings")).isEmpty();

    JsonNode m = s.get("monitor");
    assertFields(m, "monitor", StatusContract.MONITOR);
    assertThat(m.get("connected").isBoolean()).isTrue();
    assertThat(m.get("connected").asBoolean()).isFalse();
    assertThat(m.get("lastMessageAgeSeconds").isNull()).as("no message yet").isTrue();
    assertThat(m.get("detail").asString()).isEqualTo("no monitor connected");

    JsonNode ed = s.get("edLink");
    assertFields(ed, "edLink", StatusContract.ED_LINK);
    assertThat(ed.get("state").asString()).isNotBlank();
    assertThat(ed.get("detail").isString()).isTrue();

    JsonNode d = s.get("edDelivery");
    assertFields(d, "edDelivery", StatusContract.ED_DELIVERY);
    assertThat(d.get("deliveredUpTo").isNull()).isTrue();
    assertThat(d.get("pendingEntries").isIntegralNumber()).isTrue();
    assertThat(d.get("pendingEntries").asLong()).isZero();

    JsonNode ehr = s.get("ehr");
    assertFields(ehr, "ehr", StatusContract.EHR);
    assertThat(ehr.get("state").asString()).isEqualTo("NOT_STARTED");

    JsonNode g = s.get("gps");
    assertFields(g, "gps", StatusContract.GPS);
    assertFields(g, "gps", List.of("configured", "detail"));
    assertThat(g.get("fix").asBoolean()).isFalse();
    assertThat(g.get("configured").asBoolean()).as("ambulink.gps.source=none").isFalse();
    assertThat(g.get("detail").asString()).isEqualTo("no GPS configured");
    for (String n :
        new String[] {"latitude", "longitude", "speedKmh", "distanceKm", "etaMinutes"}) {
      assertThat(g.get(n).isNull()).as(n).isTrue();
    }

    JsonNode j = s.get("journal");
    assertFields(j, "journal", StatusContract.JOURNAL);
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

    MonitorSimulator sim = Monitors.simulator("ecg/100", 360);
    try (MllpTcpClient client =
        MllpTcpClient.connect("127.0.0.1", listener.port(), Duration.ofSeconds(5))) {
      long sentEntries = 0;
      for (MonitorMessage m : Monitors.send(client, sim, 4)) {
        sentEntries += JournalSink.entries(m).size();
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
