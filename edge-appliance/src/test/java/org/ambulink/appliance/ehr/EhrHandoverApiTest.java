package org.ambulink.appliance.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole appliance, as the crew uses it: Start transport and Handover over REST, then the EHR
 * tile of {@code /api/status} goes PENDING (the EHR, a WireMock server, first answers 503) and then
 * DELIVERED, with the transaction Bundle received by the EHR.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ambulink.intake.mllp.port=0",
      "ambulink.intake.mllp.bind-address=127.0.0.1",
      "ambulink.journal.generate-key=true",
      "ambulink.ehr.retry-initial-backoff=100ms",
      "ambulink.ehr.retry-max-backoff=500ms",
      "ambulink.ehr.request-timeout=5s"
    })
@DirtiesContext
class EhrHandoverApiTest {
  static final String FHIR = "/fhir/";
  static final WireMockServer EHR = startEhr();

  private static WireMockServer startEhr() {
    WireMockServer s = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    s.start();
    s.stubFor(
        post(urlEqualTo(FHIR))
            .inScenario("ehr")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1"))
            .willSetStateTo("up"));
    s.stubFor(
        post(urlEqualTo(FHIR))
            .inScenario("ehr")
            .whenScenarioStateIs("up")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(TestBundles.created())));
    return s;
  }

  @AfterAll
  static void stopEhr() {
    EHR.stop();
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    Path dir = TempDirs.create("ehr-handover-journal");
    registry.add("ambulink.journal.directory", dir::toString);
    registry.add("ambulink.ehr.base-url", () -> EHR.baseUrl() + FHIR);
  }

  /** The FHIR mapper's stand-in (the real one is wired by the application when it exists). */
  @TestConfiguration
  static class Bundles {
    @Bean
    @Primary
    HandoverBundles testHandoverBundles() {
      return new TestBundles();
    }
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", "application/json");
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ehrTile() throws Exception {
    HttpResponse<String> r = send("GET", "/api/status", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body()).get("ehr");
  }

  @Test
  void handoverDeliversTheRecordToTheEhrAndTheTileFollows() throws Exception {
    HttpResponse<String> started =
        send(
            "POST",
            "/api/transports",
            "{\"destinationId\":\"city-general\",\"crew\":[\"Medic One\"],"
                + "\"patient\":{\"sex\":\"MALE\",\"approximateAgeYears\":58},"
                + "\"chiefComplaint\":\"chest pain\",\"acuity\":\"EMERGENT\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String id = json.readTree(started.body()).get("id").asString();
    assertThat(ehrTile().get("state").asString()).isEqualTo("NOT_STARTED");

    HttpResponse<String> handedOver =
        send("POST", "/api/transports/current/handover", "{\"note\":\"to Dr. Grey\"}");
    assertThat(handedOver.statusCode()).as(handedOver.body()).isEqualTo(200);

    List<String> seen = new ArrayList<>();
    JsonNode tile = ehrTile();
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!tile.get("state").asString().equals("DELIVERED") && System.nanoTime() < deadline) {
      String state = tile.get("state").asString();
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
        seen.add(state);
      }
      Thread.sleep(50);
      tile = ehrTile();
    }
    assertThat(tile.get("state").asString()).as(tile.toString()).isEqualTo("DELIVERED");
    assertThat(seen).containsExactly("PENDING");
    assertThat(tile.get("detail").asString()).contains("3 resource(s) created");

    List<LoggedRequest> posts = EHR.findAll(postRequestedFor(urlEqualTo(FHIR)));
    assertThat(posts).hasSize(2);
    LoggedRequest last = posts.get(1);
    assertThat(last.getHeader("Content-Type")).isEqualTo("application/fhir+json");
    JsonNode bundle = json.readTree(last.getBodyAsString());
    assertThat(bundle.get("resourceType").asString()).isEqualTo("Bundle");
    assertThat(bundle.get("type").asString()).isEqualTo("transaction");
    assertThat(last.getBodyAsString()).contains(id);

    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .header("Accept", "text/plain")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("ambulink_ehr_deliveries_total{outcome=\"delivered\"} 1.0")
        .contains("ambulink_ehr_attempts_total 2.0")
        .contains("ambulink_ehr_pending 0.0");
  }
}
