package org.ambulink.appliance.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EHR delivery worker against a WireMock EHR, with a real journal: retries through what a
 * network does (5xx, Retry-After, a server that hangs, a connection reset), refusals that must not
 * be retried (4xx, 412, a refused entry of the transaction), the circuit breaker, and reboots
 * (nothing posted twice, a delivery resumed where it stopped).
 */
class EhrDeliveryWorkerTest {
  static final String PATH = "/fhir";
  static WireMockServer ehr;

  @TempDir Path dir;
  private EhrHarness app;

  @BeforeAll
  static void startEhr() {
    ehr = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    ehr.start();
  }

  @AfterAll
  static void stopEhr() {
    ehr.stop();
  }

  @BeforeEach
  void reset() {
    ehr.resetAll();
  }

  @AfterEach
  void closeApp() {
    if (app != null) {
      app.close();
    }
  }

  private TestProps props() {
    return new TestProps(ehr.baseUrl() + PATH);
  }

  private EhrHarness open(TestProps props, HandoverBundles bundles) {
    app = new EhrHarness(dir, props.build(), bundles).open();
    return app;
  }

  private static MappingBuilder postBundle() {
    return post(urlEqualTo(PATH));
  }

  private static ResponseDefinitionBuilder fhir(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(body);
  }

  /** Answers in turn, then keeps answering with the last one. */
  private static void answers(ResponseDefinitionBuilder... responses) {
    String state = Scenario.STARTED;
    for (int i = 0; i < responses.length; i++) {
      ScenarioMappingBuilder m =
          postBundle().inScenario("answers").whenScenarioStateIs(state).willReturn(responses[i]);
      if (i < responses.length - 1) {
        String next = "answer-" + (i + 2);
        m.willSetStateTo(next);
        state = next;
      }
      ehr.stubFor(m);
    }
  }

  private static List<LoggedRequest> posts() {
    return ehr.findAll(postRequestedFor(urlEqualTo(PATH)));
  }

  private static long gapMillis(List<LoggedRequest> r, int from, int to) {
    return r.get(to).getLoggedDate().getTime() - r.get(from).getLoggedDate().getTime();
  }

  /** The outbox entries of a transport's stream, with their sequence numbers. */
  private static List<Journaled.Item> outbox(Journal journal, String stream) {
    return journal.read(stream, 1, 1000).chunks().stream()
        .flatMap(c -> c.items().stream())
        .filter(i -> i.entry() instanceof JournalEntry.Outbox)
        .toList();
  }

  @Test
  void a500IsRetriedAndTheRecordDelivered() throws Exception {
    answers(fhir(500, ""), fhir(200, TestBundles.created()));
    open(props(), new TestBundles());

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(s.detail()).contains("3 resource(s) created, 0 already in the EHR");
    List<LoggedRequest> r = posts();
    assertThat(r).hasSize(2);
    for (LoggedRequest q : r) {
      assertThat(q.getHeader("Content-Type")).isEqualTo("application/fhir+json");
      assertThat(q.getHeader("Accept")).isEqualTo("application/fhir+json");
      assertThat(q.getHeader("Authorization")).isNull();
      assertThat(q.getBodyAsString()).isEqualTo(TestBundles.bundle(t, 1));
    }
    EhrBookkeeping b = app.book(t.id());
    assertThat(b.state()).isEqualTo(EhrBookkeeping.State.DELIVERED);
    assertThat(b.attempts()).isEqualTo(2);
    assertThat(b.lastStatus()).isEqualTo("200");
    assertThat(b.created()).isEqualTo(3);
    // the cursor passed the outbox, so the disk policy may purge what was delivered
    List<Journaled.Item> box = outbox(app.journal, t.id());
    assertThat(box).hasSize(1);
    assertThat(b.seq()).isEqualTo(box.get(0).seq());
    assertThat(app.journal.cursor(EhrDeliveryWorker.CONSUMER, t.id())).isEqualTo(b.seq());
    assertThat(app.attempts()).isEqualTo(2);
    assertThat(app.deliveries("delivered")).isEqualTo(1);
    assertThat(app.pending()).isZero();
    // the lifecycle's handover stands and the tile follows the current transport
    assertThat(app.worker.status(app.lifecycle.current().orElseThrow()).state())
        .isEqualTo(EhrStatus.DELIVERED);
  }

  @Test
  void theOutboxIsSealedAndNoPatientDataIsInTheBookkeeping() throws Exception {
    answers(fhir(503, ""));
    open(props().backoff(Duration.ofSeconds(5), Duration.ofSeconds(5)), new TestBundles());
    Transport t = app.handover();
    app.awaitState(t.id(), EhrStatus.PENDING, Duration.ofSeconds(5));
    while (posts().isEmpty()) {
      Thread.sleep(20);
    }
    String patientId = t.details().patient().temporaryId();
    assertThat(app.journal.meta(EhrDeliveryWorker.META_PREFIX).toString())
        .doesNotContain(patientId)
        .doesNotContain("Heart rate");
    app.close();
    app = null;
    byte[] raw = Files.readAllBytes(dir.resolve("journal.db"));
    assertThat(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("8867-4")
        .doesNotContain(patientId);
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    answers(
        fhir(503, TestBundles.operationOutcome("maintenance")).withHeader("Retry-After", "1"),
        fhir(200, TestBundles.created()));
    open(props(), new TestBundles());

    Transport t = app.handover();
    EhrStatus pending = app.awaitState(t.id(), EhrStatus.PENDING, Duration.ofSeconds(5));
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(pending.detail()).containsAnyOf("Preparing", "Sending to the EHR");
    List<LoggedRequest> r = posts();
    assertThat(r).hasSize(2);
    // the backoff alone would wait 25-75 ms; the server asked for a second
    assertThat(gapMillis(r, 0, 1)).isBetween(900L, 5_000L);
  }

  @Test
  void whilePendingTheTileShowsAttemptsTheLastErrorAndTheNextTry() throws Exception {
    answers(fhir(503, "").withHeader("Retry-After", "2"), fhir(200, TestBundles.created()));
    open(props(), new TestBundles());
    Transport t = app.handover();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    EhrStatus s = app.worker.status(t.id());
    while (!s.detail().contains("next try") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = app.worker.status(t.id());
    }
    assertThat(s.state()).isEqualTo(EhrStatus.PENDING);
    assertThat(s.detail())
        .contains("1 attempt so far")
        .contains("last error: the EHR answered HTTP 503")
        .containsPattern("next try at \\d\\d:\\d\\d:\\d\\d UTC");
    assertThat(app.pending()).isEqualTo(1);
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));
  }

  @Test
  void aServerThatHangsIsRetriedAfterTheRequestTimeout() throws Exception {
    answers(
        fhir(200, TestBundles.created()).withFixedDelay(2_000), fhir(200, TestBundles.created()));
    open(props().requestTimeout(Duration.ofMillis(400)), new TestBundles());

    Transport t = app.handover();
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(posts()).hasSize(2);
    assertThat(app.book(t.id()).attempts()).isEqualTo(2);
  }

  @Test
  void aConnectionResetIsRetried() throws Exception {
    answers(
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), fhir(200, TestBundles.created()));
    open(props(), new TestBundles());

    Transport t = app.handover();
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(posts()).hasSize(2);
  }

  @Test
  void a400IsNotRetriedAndTheCrewSeesTheServersExplanation() throws Exception {
    String why = "Observation.valueQuantity: unit 'beats/minute' does not match code '/min'";
    answers(fhir(400, TestBundles.operationOutcome(why)));
    open(props(), new TestBundles());

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));
    Thread.sleep(300); // would a retry come?

    assertThat(posts()).hasSize(1);
    assertThat(s.detail()).contains("HTTP 400").contains(why);
    assertThat(app.worker.status(t).detail()).contains(why);
    assertThat(app.book(t.id()).lastStatus()).isEqualTo("400");
    assertThat(app.journal.cursor(EhrDeliveryWorker.CONSUMER, t.id())).isEqualTo(-1);
    assertThat(app.deliveries("failed")).isEqualTo(1);
    assertThat(app.pending()).isZero();
    // the server's words are not kept in the clear bookkeeping
    assertThat(app.journal.meta(EhrDeliveryWorker.META_PREFIX).toString()).doesNotContain("unit");
  }

  @Test
  void a412IsAFailureWithAClearMessage() throws Exception {
    answers(
        fhir(
            412,
            TestBundles.operationOutcome(
                "Failed to CREATE resource with match URL because this search matched 2"
                    + " resources")));
    open(props(), new TestBundles());

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));
    Thread.sleep(300);

    assertThat(posts()).hasSize(1);
    assertThat(s.detail())
        .contains("more than one existing record")
        .contains("HTTP 412")
        .contains("matched 2 resources");
  }

  @Test
  void aRefusedEntryOfTheTransactionFailsTheDeliveryAndIsNamed() throws Exception {
    answers(
        fhir(
            200,
            TestBundles.transactionResponse(
                "Observation.code: unknown LOINC code",
                "201 Created",
                "201 Created",
                "400 Bad Request")));
    open(props(), new TestBundles());

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));
    Thread.sleep(300);

    assertThat(posts()).hasSize(1);
    assertThat(s.detail())
        .contains("entry 3 of 3 (POST Observation)")
        .contains("400 Bad Request")
        .contains("Observation.code: unknown LOINC code");
    assertThat(app.book(t.id()).lastStatus()).isEqualTo("400");
  }

  @Test
  void aDeliveredRecordIsNotPostedAgainAfterARestart() throws Exception {
    answers(fhir(200, TestBundles.created()));
    TestBundles bundles = new TestBundles();
    open(props(), bundles);
    Transport t = app.handover();
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    app.restart(props().build());
    Thread.sleep(500);

    assertThat(posts()).hasSize(1);
    assertThat(bundles.calls).hasValue(1);
    assertThat(app.worker.status(t.id()).state()).isEqualTo(EhrStatus.DELIVERED);
    assertThat(app.worker.status(app.lifecycle.current().orElseThrow()).detail())
        .startsWith("Delivered at");
  }

  @Test
  void aRebootInTheMiddleResumesWithThePartsNotYetDelivered() throws Exception {
    ehr.stubFor(
        postBundle()
            .withRequestBody(containing(TestBundles.partMarker(1)))
            .willReturn(fhir(200, TestBundles.created())));
    ehr.stubFor(
        postBundle()
            .withRequestBody(containing(TestBundles.partMarker(2)))
            .willReturn(fhir(503, "")));
    // a long backoff: the worker is waiting to retry part 2 when the appliance stops
    open(props().backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)), new TestBundles(2));
    Transport t = app.handover();
    while (ehr.findAll(
            postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(containing(TestBundles.partMarker(2))))
        .isEmpty()) {
      Thread.sleep(20);
    }
    Thread.sleep(100); // the failed attempt is recorded
    EhrStatus before = app.worker.status(t.id());
    assertThat(before.state()).isEqualTo(EhrStatus.PENDING);
    assertThat(before.detail()).contains("1 of 2 parts delivered");

    ehr.stubFor(
        postBundle()
            .withRequestBody(containing(TestBundles.partMarker(2)))
            .willReturn(
                fhir(200, TestBundles.transactionResponse("", "200 OK", "200 OK", "201 Created"))));
    app.restart(props().build());
    EhrStatus s = app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(
            ehr.findAll(
                postRequestedFor(urlEqualTo(PATH))
                    .withRequestBody(containing(TestBundles.partMarker(1)))))
        .hasSize(1);
    assertThat(
            ehr.findAll(
                postRequestedFor(urlEqualTo(PATH))
                    .withRequestBody(containing(TestBundles.partMarker(2)))))
        .hasSize(2);
    EhrBookkeeping b = app.book(t.id());
    assertThat(b.attempts()).isEqualTo(3);
    assertThat(b.partsDelivered()).isEqualTo(2);
    assertThat(s.detail()).contains("4 resource(s) created, 2 already in the EHR");
    List<Journaled.Item> box = outbox(app.journal, t.id());
    assertThat(box).hasSize(2);
    assertThat(app.journal.cursor(EhrDeliveryWorker.CONSUMER, t.id())).isEqualTo(box.get(1).seq());
  }

  @Test
  void aRecordTheEhrKeepsFailingOnDoesNotHoldUpTheNextOne() throws Exception {
    TestBundles bundles = new TestBundles();
    open(props(), bundles);
    app.lifecycle.start(
        new org.ambulink.appliance.transport.TransportLifecycle.StartRequest(
            "city-general", List.of("Medic One"), "", null, null, "fall", null));
    String stuck = app.lifecycle.current().orElseThrow().id();
    ehr.stubFor(postBundle().withRequestBody(containing(stuck)).willReturn(fhir(500, "")));
    ehr.stubFor(postBundle().atPriority(10).willReturn(fhir(200, TestBundles.created())));
    app.lifecycle.handover("");
    app.awaitState(stuck, EhrStatus.PENDING, Duration.ofSeconds(5));

    Transport next = app.handover();
    app.awaitState(next.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    EhrStatus s = app.worker.status(stuck);
    assertThat(s.state()).isEqualTo(EhrStatus.PENDING);
    assertThat(s.detail()).contains("last error: the EHR answered HTTP 500");
    // while the appliance is idle or en route, the crew still sees the earlier record is pending
    EhrStatus tile = app.worker.status((Transport) null);
    assertThat(tile.state()).isEqualTo(EhrStatus.PENDING);
    assertThat(tile.detail()).startsWith("Previous transport " + stuck);
  }

  @Test
  void theCircuitBreakerPausesPostingAfterConsecutiveFailures() throws Exception {
    answers(fhir(500, ""), fhir(500, ""), fhir(500, ""), fhir(200, TestBundles.created()));
    open(props().breaker(3, Duration.ofMillis(1_500)), new TestBundles());

    Transport t = app.handover();
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    List<LoggedRequest> r = posts();
    assertThat(r).hasSize(4);
    assertThat(gapMillis(r, 0, 1)).isLessThan(1_000);
    assertThat(gapMillis(r, 1, 2)).isLessThan(1_000);
    // open after the third failure: nothing is posted during the wait
    assertThat(gapMillis(r, 2, 3)).isBetween(1_400L, 6_000L);
    // calls the breaker refused are not posts
    assertThat(app.attempts()).isEqualTo(4);
  }

  @Test
  void aConfiguredCapOfAttemptsEndsTheDeliveryAsFailed() throws Exception {
    answers(fhir(502, ""));
    open(props().maxAttempts(3), new TestBundles());

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));

    assertThat(posts()).hasSize(3);
    assertThat(s.detail()).contains("Gave up after 3 attempts").contains("HTTP 502");
  }

  @Test
  void whenTheBundlesCannotBeBuiltTheHandoverStandsAndTheTileSaysWhy() throws Exception {
    TestBundles bundles = new TestBundles();
    bundles.failure = new IllegalStateException("no heart rate was recorded");
    open(props(), bundles);

    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));

    assertThat(s.detail()).contains("could not be built").contains("no heart rate was recorded");
    assertThat(app.lifecycle.current().orElseThrow().state())
        .isEqualTo(Transport.State.HANDED_OVER);
    assertThat(posts()).isEmpty();
    assertThat(app.deliveries("failed")).isEqualTo(1);
  }

  @Test
  void withoutAFhirMapperTheDeliveryFailsClearly() throws Exception {
    open(props(), HandoverBundles.unconfigured());
    Transport t = app.handover();
    EhrStatus s = app.awaitState(t.id(), EhrStatus.FAILED, Duration.ofSeconds(10));
    assertThat(s.detail()).contains("no FHIR mapper configured");
    assertThat(posts()).isEmpty();
  }

  @Test
  void withoutABaseUrlNothingIsSentAndTheTileSaysSo() throws Exception {
    TestBundles bundles = new TestBundles();
    open(new TestProps(""), bundles);
    assertThat(app.worker.status((Transport) null))
        .isEqualTo(
            new EhrStatus(
                EhrStatus.NOT_STARTED, "EHR delivery is not configured on this appliance"));
    Transport t = app.handover();
    Thread.sleep(200);
    assertThat(app.worker.status(t).state()).isEqualTo(EhrStatus.NOT_STARTED);
    assertThat(app.worker.status(t).detail())
        .isEqualTo("EHR delivery is not configured on this appliance");
    assertThat(bundles.calls).hasValue(0);
    assertThat(posts()).isEmpty();
  }

  @Test
  void beforeHandoverTheTileIsNotStarted() {
    open(props(), new TestBundles());
    assertThat(app.worker.status((Transport) null).state()).isEqualTo(EhrStatus.NOT_STARTED);
    app.lifecycle.start(
        new org.ambulink.appliance.transport.TransportLifecycle.StartRequest(
            "city-general", List.of("Medic One"), "", null, null, "fall", null));
    EhrStatus s = app.worker.status(app.lifecycle.current().orElseThrow());
    assertThat(s.state()).isEqualTo(EhrStatus.NOT_STARTED);
  }

  @Test
  void aBearerTokenIsSent() throws Exception {
    ehr.stubFor(
        postBundle()
            .withHeader("Authorization", equalTo("Bearer test-token-123"))
            .willReturn(fhir(200, TestBundles.created())));
    ehr.stubFor(postBundle().atPriority(10).willReturn(fhir(401, "")));
    open(props().bearer("test-token-123"), new TestBundles());

    Transport t = app.handover();
    app.awaitState(t.id(), EhrStatus.DELIVERED, Duration.ofSeconds(10));

    assertThat(posts()).hasSize(1);
    assertThat(posts().get(0).getHeader("Authorization")).isEqualTo("Bearer test-token-123");
  }
}
