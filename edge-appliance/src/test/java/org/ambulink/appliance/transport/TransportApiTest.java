package org.ambulink.appliance.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.appliance.testing.ApplianceClient.Response;
import org.ambulink.appliance.testing.ApplianceServerTest;
import org.ambulink.appliance.testing.Monitors;
import org.ambulink.appliance.testing.TestDestinations;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The transport REST API over real HTTP, with the monitor simulator feeding the appliance over
 * MLLP/TCP: start, refuse, hand over, close, and read back what was journaled where.
 */
@TestDestinations
@TestPropertySource(properties = "ambulink.intake.stale-after=30s")
class TransportApiTest extends ApplianceServerTest {
  private static final String PROBLEM_JSON = "application/problem+json";

  @Autowired MllpTcpListener listener;

  private Response get(String path) {
    return api.get(path);
  }

  private Response post(String path, String body) {
    return api.post(path, body);
  }

  private static void assertProblem(Response r, int status) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.contentType()).get().asString().startsWith(PROBLEM_JSON);
    assertThat(r.body().get("status").asInt()).isEqualTo(status);
    assertThat(r.body().get("title").asString()).isNotBlank();
    assertThat(r.body().get("detail").asString()).isNotBlank();
  }

  /** Every test starts with no transport en route or handed over. */
  @BeforeEach
  void idle() throws Exception {
    Response current = get("/api/transports/current");
    if (current.status() == 200) {
      if (current.body().get("state").asString().equals("EN_ROUTE")) {
        assertThat(post("/api/transports/current/handover", null).status()).isEqualTo(200);
      }
      assertThat(post("/api/transports/current/close", null).status()).isEqualTo(200);
    }
    assertThat(get("/api/transports/current").status()).isEqualTo(204);
  }

  private static String startBody(String destination) {
    return """
        {"destinationId": "%s", "crew": ["Medic Alvarez", "Medic Brooks"],
         "patient": {"sex": "FEMALE", "approximateAgeYears": 60},
         "chiefComplaint": "fall from ladder", "acuity": "URGENT"}
        """
        .formatted(destination);
  }

  private List<MonitorMessage> sendMonitorMessages(MonitorSimulator sim, int n) throws Exception {
    try (MllpTcpClient client =
        MllpTcpClient.connect("127.0.0.1", listener.port(), Duration.ofSeconds(5))) {
      return Monitors.send(client, sim, n);
    }
  }

  private static List<Instant> waveformStarts(List<MonitorMessage> messages) {
    return messages.stream()
        .flatMap(m -> m.waveforms().stream())
        .map(WaveformSegment::startTime)
        .sorted()
        .toList();
  }

  private static List<Instant> waveformStarts(JsonNode page) {
    List<Instant> out = new ArrayList<>();
    for (JsonNode e : page.get("entries")) {
      if (e.get("kind").asString().equals("WAVEFORM")) {
        out.add(Instant.parse(e.get("value").get("startTime").asString()));
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void destinationsAreTheConfiguredOnes() throws Exception {
    Response r = get("/api/destinations");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).hasSize(2);
    assertThat(r.body().get(0).get("id").asString()).isEqualTo("st-elsewhere");
    assertThat(r.body().get(0).get("name").asString()).isEqualTo("St. Elsewhere ED");
    assertThat(r.body().get(0).get("latitude").asDouble()).isEqualTo(42.33);
    assertThat(r.body().get(1).get("id").asString()).isEqualTo("county-general");
    assertThat(r.body().get(1).get("longitude").asDouble()).isEqualTo(-71.06);
  }

  @Test
  void aTransportIsStartedHandedOverAndClosedAndItsJournalHoldsWhatWasRecordedMeanwhile()
      throws Exception {
    MonitorSimulator sim = Monitors.simulator("ecg/100", 360);

    Response started = post("/api/transports", startBody("county-general"));
    assertThat(started.status()).as("%s", started.body()).isEqualTo(201);
    String id = started.body().get("id").asString();
    assertThat(id).matches("T\\d{8}-\\d{6}-[A-Z2-9]{4}");
    assertThat(started.location()).contains("/api/transports/" + id);
    assertThat(started.body().get("state").asString()).isEqualTo("EN_ROUTE");
    assertThat(started.body().get("destination").get("name").asString())
        .isEqualTo("County General ED");
    assertThat(started.body().get("patient").get("temporaryId").asString()).startsWith("UNK-");
    assertThat(started.body().get("patient").get("sex").asString()).isEqualTo("FEMALE");
    assertThat(started.body().get("crew").get(1).asString()).isEqualTo("Medic Brooks");
    assertThat(started.body().get("acuity").asString()).isEqualTo("URGENT");
    assertThat(started.body().get("journaledEntries").asLong()).isEqualTo(1);

    Response current = get("/api/transports/current");
    assertThat(current.status()).isEqualTo(200);
    assertThat(current.body().get("id").asString()).isEqualTo(id);

    // a second start while en route
    Response again = post("/api/transports", startBody("st-elsewhere"));
    assertProblem(again, 409);
    assertThat(again.detail()).contains(id);

    // monitor data while en route goes into the transport's stream
    List<MonitorMessage> during = sendMonitorMessages(sim, 3);

    Response handedOver = post("/api/transports/current/handover", "{\"note\": \"to Dr. Okafor\"}");
    assertThat(handedOver.status()).isEqualTo(200);
    assertThat(handedOver.body().get("id").asString()).isEqualTo(id);
    assertThat(handedOver.body().get("state").asString()).isEqualTo("HANDED_OVER");
    assertThat(handedOver.body().get("handedOverAt").isNull()).isFalse();
    assertProblem(post("/api/transports/current/handover", null), 409);

    // after the handover: standby
    List<MonitorMessage> after = sendMonitorMessages(sim, 2);

    Response closed = post("/api/transports/current/close", null);
    assertThat(closed.status()).isEqualTo(200);
    assertThat(closed.body().get("state").asString()).isEqualTo("CLOSED");
    assertThat(closed.body().get("closedAt").isNull()).isFalse();
    assertThat(get("/api/transports/current").status()).isEqualTo(204);
    assertProblem(post("/api/transports/current/close", null), 409);

    Response journal = get("/api/transports/" + id + "/journal?max=1000");
    assertThat(journal.status()).isEqualTo(200);
    JsonNode page = journal.body();
    assertThat(page.get("stream").asString()).isEqualTo(id);
    assertThat(page.get("damaged")).isEmpty();
    List<JsonNode> entries = new ArrayList<>();
    page.get("entries").forEach(entries::add);
    for (int i = 0; i < entries.size(); i++) {
      assertThat(entries.get(i).get("seq").asLong()).as("entry %d", i).isEqualTo(i + 1L);
    }
    assertThat(page.get("lastSeq").asLong()).isEqualTo(entries.size());
    List<JsonNode> events =
        entries.stream().filter(e -> e.get("kind").asString().equals("TRANSPORT")).toList();
    assertThat(events)
        .extracting(e -> e.get("value").get("type").asString())
        .containsExactly("STARTED", "HANDED_OVER", "CLOSED");
    assertThat(events.get(0).get("seq").asLong()).isEqualTo(1);
    assertThat(events.get(2).get("seq").asLong()).isEqualTo(entries.size());
    assertThat(events.get(1).get("value").get("note").asString()).isEqualTo("to Dr. Okafor");
    assertThat(events.get(0).get("value").get("details").get("destinationId").asString())
        .isEqualTo("county-general");
    assertThat(waveformStarts(page)).isEqualTo(waveformStarts(during)).hasSizeGreaterThan(2);
    assertThat(waveformStarts(page)).doesNotContainAnyElementsOf(waveformStarts(after));
    // paging: from a sequence on
    Response tail = get("/api/transports/" + id + "/journal?from=" + entries.size());
    assertThat(tail.body().get("entries")).hasSize(1);
    assertThat(tail.body().get("entries").get(0).get("kind").asString()).isEqualTo("TRANSPORT");

    Response standby = get("/api/transports/standby/journal?max=1000");
    assertThat(standby.status()).isEqualTo(200);
    assertThat(waveformStarts(standby.body())).containsAll(waveformStarts(after));
    assertThat(waveformStarts(standby.body())).doesNotContainAnyElementsOf(waveformStarts(during));
  }

  @Test
  void badRequestsAreProblemsThatNameWhatIsWrongAndStartNothing() throws Exception {
    Response unknown = post("/api/transports", startBody("atlantis-general"));
    assertProblem(unknown, 400);
    assertThat(unknown.detail()).contains("atlantis-general").contains("county-general");

    Response noCrew =
        post("/api/transports", "{\"destinationId\": \"county-general\", \"crew\": []}");
    assertProblem(noCrew, 400);
    assertThat(noCrew.detail()).contains("crew");

    Response old =
        post(
            "/api/transports",
            "{\"destinationId\": \"county-general\", \"crew\": [\"A\"],"
                + " \"patient\": {\"approximateAgeYears\": 200}}");
    assertProblem(old, 400);
    assertThat(old.detail()).contains("200");

    Response malformed =
        post("/api/transports", "{\"destinationId\": \"county-general\", \"crew\": [");
    assertProblem(malformed, 400);
    assertThat(malformed.detail()).contains("JSON").contains("end-of-input");

    Response badEnum =
        post(
            "/api/transports",
            "{\"destinationId\": \"county-general\", \"crew\": [\"A\"], \"acuity\": \"VERY_BAD\"}");
    assertProblem(badEnum, 400);
    assertThat(badEnum.detail()).contains("VERY_BAD");

    Response noBody = post("/api/transports", null);
    assertProblem(noBody, 400);
    assertThat(noBody.detail()).contains("JSON body");

    assertThat(get("/api/transports/current").status()).isEqualTo(204);
  }

  @Test
  void theJournalOfAnUnknownTransportIsNotFoundAndPagesAreBounded() throws Exception {
    Response missing = get("/api/transports/T20000101-000000-NOPE/journal");
    assertProblem(missing, 404);
    assertThat(missing.detail()).contains("T20000101-000000-NOPE");

    String id = post("/api/transports", startBody("st-elsewhere")).body().get("id").asString();
    for (String max : List.of("0", "-1", "1001")) {
      Response r = get("/api/transports/" + id + "/journal?max=" + max);
      assertProblem(r, 400);
      assertThat(r.detail()).as("max=%s", max).contains("max").contains(max);
    }
    Response notANumber = get("/api/transports/" + id + "/journal?max=lots");
    assertProblem(notANumber, 400);
    assertThat(notANumber.detail()).contains("max").contains("lots");
    assertThat(get("/api/transports/" + id + "/journal?max=1").status()).isEqualTo(200);
  }
}
