package org.ambulink.appliance.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.ambulink.appliance.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication to the EHR: a fixed bearer token, and client credentials against a WireMock token
 * endpoint (fetched once, reused, renewed before it expires and after a 401; a refused client is a
 * failure the crew can read).
 */
class EhrAuthTest {
  static final String FHIR = "/fhir";
  static final String TOKEN = "/oauth/token";
  static final String CLIENT_ID = "ambulance-7";
  static final String SECRET = "s3cret/+=";
  static WireMockServer server;

  @TempDir Path dir;
  private EhrHarness app;

  @BeforeAll
  static void startServer() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
  }

  @AfterEach
  void closeApp() {
    if (app != null) {
      app.close();
    }
  }

  private EhrHarness open(TestProps props) {
    app = new EhrHarness(dir, props.build(), new TestBundles());
    app.clientSecret = SECRET;
    app.open();
    return app;
  }

  private TestProps clientCredentials(EhrProperties.ClientAuthMethod method) {
    return new TestProps(server.baseUrl() + FHIR)
        .clientCredentials(server.baseUrl() + TOKEN, CLIENT_ID, method);
  }

  private static ResponseDefinitionBuilder token(String value, int expiresIn) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(
            "{\"access_token\":\""
                + value
                + "\",\"token_type\":\"bearer\",\"expires_in\":"
                + expiresIn
                + ",\"scope\":\"system/*.write\"}");
  }

  /** The token endpoint hands out tok-1, then tok-2 for every later request. */
  private static void tokens(int expiresIn) {
    server.stubFor(
        post(urlEqualTo(TOKEN))
            .inScenario("tokens")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(token("tok-1", expiresIn))
            .willSetStateTo("renewed"));
    server.stubFor(
        post(urlEqualTo(TOKEN))
            .inScenario("tokens")
            .whenScenarioStateIs("renewed")
            .willReturn(token("tok-2", expiresIn)));
  }

  private static void ehrAccepts(String token) {
    server.stubFor(
        post(urlEqualTo(FHIR))
            .withHeader("Authorization", equalTo("Bearer " + token))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(TestBundles.created())));
  }

  private static void ehrRefuses(String token) {
    server.stubFor(
        post(urlEqualTo(FHIR))
            .withHeader("Authorization", equalTo("Bearer " + token))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(TestBundles.operationOutcome("token expired or revoked"))));
  }

  private static List<LoggedRequest> tokenRequests() {
    return server.findAll(postRequestedFor(urlEqualTo(TOKEN)));
  }

  private static List<LoggedRequest> posts() {
    return server.findAll(postRequestedFor(urlEqualTo(FHIR)));
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void aTokenIsFetchedOnceReusedAndRenewedAfterA401() throws Exception {
    tokens(300);
    ehrAccepts("tok-1");
    open(clientCredentials(EhrProperties.ClientAuthMethod.BASIC));

    Transport first = app.handover();
    app.awaitState(first.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));
    Transport second = app.handover();
    app.awaitState(second.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(tokenRequests()).hasSize(1);
    assertThat(posts()).hasSize(2);
    assertThat(posts())
        .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer tok-1"));
    LoggedRequest asked = tokenRequests().get(0);
    assertThat(asked.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(asked.getHeader("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (form(CLIENT_ID) + ":" + form(SECRET)).getBytes(StandardCharsets.UTF_8)));
    assertThat(asked.getBodyAsString())
        .contains("grant_type=client_credentials")
        .contains("scope=system%2F*.write")
        .doesNotContain("client_secret");

    // The EHR revokes tok-1: the next post gets a 401, a new token is fetched, the post repeated.
    ehrRefuses("tok-1");
    ehrAccepts("tok-2");
    Transport third = app.handover();
    app.awaitState(third.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(tokenRequests()).hasSize(2);
    List<LoggedRequest> p = posts();
    assertThat(p).hasSize(4);
    assertThat(p.get(2).getHeader("Authorization")).isEqualTo("Bearer tok-1");
    assertThat(p.get(3).getHeader("Authorization")).isEqualTo("Bearer tok-2");
    assertThat(app.book(third.id()).attempts()).isEqualTo(1);
  }

  @Test
  void aTokenIsRenewedShortlyBeforeItExpires() throws Exception {
    tokens(1);
    ehrAccepts("tok-1");
    ehrAccepts("tok-2");
    open(clientCredentials(EhrProperties.ClientAuthMethod.BASIC));

    Transport first = app.handover();
    app.awaitState(first.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));
    Thread.sleep(1_000);
    Transport second = app.handover();
    app.awaitState(second.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(tokenRequests()).hasSize(2);
    assertThat(posts().get(1).getHeader("Authorization")).isEqualTo("Bearer tok-2");
  }

  @Test
  void aClientTheTokenEndpointRefusesIsAFailureTheCrewCanRead() throws Exception {
    server.stubFor(
        post(urlEqualTo(TOKEN))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":\"invalid_client\",\"error_description\":\"unknown client"
                            + " ambulance-7\"}")));
    open(clientCredentials(EhrProperties.ClientAuthMethod.POST));

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));

    assertThat(s.detail())
        .contains("token endpoint")
        .contains("invalid_client")
        .contains("unknown client");
    assertThat(s.detail()).doesNotContain(SECRET);
    assertThat(posts()).isEmpty();
    assertThat(tokenRequests()).hasSize(1);
    LoggedRequest asked = tokenRequests().get(0);
    assertThat(asked.getHeader("Authorization")).isNull();
    assertThat(asked.getBodyAsString())
        .contains("client_id=" + form(CLIENT_ID))
        .contains("client_secret=" + form(SECRET));
    assertThat(app.book(t.id()).lastStatus()).isEqualTo("token-401");
  }

  @Test
  void aFixedBearerTokenTheEhrRefusesIsNotRetried() throws Exception {
    ehrRefuses("fixed-token");
    open(new TestProps(server.baseUrl() + FHIR).bearer("fixed-token"));

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));
    Thread.sleep(200);

    assertThat(posts()).hasSize(1);
    assertThat(posts().get(0).getHeader("Authorization")).isEqualTo("Bearer fixed-token");
    assertThat(s.detail()).contains("credentials").contains("token expired or revoked");
  }
}
