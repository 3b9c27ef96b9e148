package org.ambulink.appliance.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ambulink.appliance.ApplianceApplication;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalMaintenance;
import org.ambulink.appliance.journal.JournalProperties;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.testing.ApplianceClient;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorCodes;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.testsupport.Await;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole appliance against a console (a WireMock server): a transport started over the REST API
 * and monitor data over MLLP reach the console as events in journal order, through outages, a lost
 * answer, a refused credential and a restart on the same journal, each exactly once as far as the
 * console's acknowledgements go.
 */
class ConsoleSyncTest {
  static final String EVENTS = "/api/appliance/events";
  static final String TOKEN = "test-device-token";
  static final String APPLIANCE = "medic-12";

  /** Generous: the build machine may be busy with other builds. */
  static final Duration AWAIT = Duration.ofSeconds(45);

  static final String ACCEPTED = "{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}";

  private final JsonMapper json = JsonMapper.builder().build();
  private final Hl7Encoder encoder = new Hl7Encoder();
  private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
  private WireMockServer console;
  private Path journalDir;
  private MonitorSimulator sim;
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void setUp() throws Exception {
    console = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    console.start();
    journalDir = TempDirs.create("console-sync-journal");
    sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
            .outputRate(250)
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();
    logs = new ListAppender<>();
    logs.start();
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(ConsoleSync.class)).detachAppender(logs);
    Collections.reverse(apps);
    for (ConfigurableApplicationContext app : apps) {
      app.close();
    }
    console.stop();
    TempDirs.deleteTree(journalDir);
  }

  // --- the tests ---------------------------------------------------------------------------------

  @Test
  void transportVitalsAlarmsAndPositionsReachTheConsoleInJournalOrder() throws Exception {
    answer(200);
    ConfigurableApplicationContext app =
        start(
            "--ambulink.gps.source=simulated",
            "--ambulink.gps.simulation-speed=30",
            "--ambulink.transport.position-interval=1s");
    ApplianceClient api = api(app);
    String id = startTransport(api);
    sendMonitorMessages(app, 12);
    sendAlarm(app, "start", "active");
    sendAlarm(app, "end", "inactive");

    Await.until(
        "vitals, both alarms and a position with a distance at the console",
        AWAIT,
        () -> {
          List<JsonNode> ev = delivered();
          return ev.stream().filter(e -> type(e, "vitals")).count() >= 3
              && ev.stream().filter(e -> type(e, "alarm")).count() == 2
              && ev.stream()
                  .anyMatch(
                      e ->
                          type(e, "position")
                              && e.get("position").get("distanceMetres").isNumber());
        });
    assertThat(api.post("/api/transports/current/handover", "{\"note\":\"to Dr. Grey\"}").status())
        .isEqualTo(200);
    Await.until(
        "the handover at the console",
        AWAIT,
        () -> delivered().stream().anyMatch(e -> step(e, "HANDED_OVER")));

    List<JsonNode> events = delivered();
    assertThat(events).allSatisfy(e -> assertThat(e.get("transportId").asString()).isEqualTo(id));
    assertIncreasingAndUnique(events);

    JsonNode started = events.get(0);
    assertThat(started.get("type").asString()).isEqualTo("transport");
    assertThat(started.get("eventId").asString()).isEqualTo(id + "/1/0");
    JsonNode t = started.get("transport");
    assertThat(t.get("step").asString()).isEqualTo("STARTED");
    assertThat(t.get("destinationId").asString()).isEqualTo("city-general");
    assertThat(t.get("unit").asString()).isEqualTo("Medic 12, Medic 7");
    assertThat(t.get("chiefComplaint").asString()).isEqualTo("chest pain");
    assertThat(t.get("acuity").asInt()).isEqualTo(2);

    JsonNode handedOver = events.stream().filter(e -> step(e, "HANDED_OVER")).findFirst().get();
    assertThat(handedOver.get("transport").get("destinationId").asString())
        .isEqualTo("city-general");
    assertThat(handedOver.get("transport").get("note").asString()).isEqualTo("to Dr. Grey");

    Map<String, JsonNode> vitals = new LinkedHashMap<>();
    events.stream()
        .filter(e -> type(e, "vitals"))
        .forEach(e -> e.get("vitals").forEach(v -> vitals.put(v.get("label").asString(), v)));
    assertThat(vitals).containsKeys("HR", "SpO2", "RR", "etCO2", "Temp");
    assertThat(vitals.get("HR").get("code").asString()).isEqualTo("MDC_ECG_HEART_RATE");
    assertThat(vitals.get("HR").get("unit").asString()).isEqualTo("/min");
    assertThat(vitals.get("SpO2").get("code").asString()).isEqualTo("MDC_PULS_OXIM_SAT_O2");
    assertThat(vitals.get("SpO2").get("unit").asString()).isEqualTo("%");
    assertThat(vitals.get("etCO2").get("unit").asString()).isEqualTo("mm[Hg]");
    assertThat(vitals.get("Temp").get("unit").asString()).isEqualTo("Cel");
    assertThat(new java.math.BigDecimal(vitals.get("SpO2").get("value").asString()))
        .isBetween(java.math.BigDecimal.valueOf(50), java.math.BigDecimal.valueOf(100));

    List<JsonNode> alarms = events.stream().filter(e -> type(e, "alarm")).toList();
    assertThat(alarms.get(0).get("alarm").get("state").asString()).isEqualTo("active");
    assertThat(alarms.get(0).get("alarm").get("priority").asString()).isEqualTo("HIGH");
    assertThat(alarms.get(0).get("alarm").get("source").asString()).isEqualTo("MDC_ECG_HEART_RATE");
    assertThat(alarms.get(0).get("alarm").get("alarmId").asString()).isEqualTo("hr-high-1");
    assertThat(alarms.get(1).get("alarm").get("state").asString()).isEqualTo("ended");

    JsonNode position =
        events.stream()
            .filter(e -> type(e, "position"))
            .filter(e -> e.get("position").get("distanceMetres").isNumber())
            .findFirst()
            .get()
            .get("position");
    assertThat(position.get("latitude").asDouble()).isBetween(42.0, 43.0);
    assertThat(position.get("longitude").asDouble()).isBetween(-72.0, -70.0);
    assertThat(position.get("distanceMetres").asLong()).isPositive();
    assertThat(position.has("etaSeconds")).isTrue();

    for (ServeEvent s : serveEvents()) {
      assertThat(s.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
      JsonNode body = json.readTree(s.getRequest().getBodyAsString());
      assertThat(body.get("applianceId").asString()).isEqualTo(APPLIANCE);
      assertThat(body.get("events").size()).isLessThanOrEqualTo(500);
    }

    JsonNode status = api.ok("/api/status");
    assertThat(status.get("console").get("configured").asBoolean()).isTrue();
    assertThat(status.get("console").get("link").asString()).isEqualTo("UP");
    assertThat(status.get("console").get("lastSuccessAt").isNull()).isFalse();
    assertThat(status.get("edLink").get("state").asString()).isEqualTo("UP");
    assertThat(app.getBean(JournalProperties.class).deliveryConsumers()) // console runs: it counts
        .contains(ConsoleSync.CONSUMER);
  }

  @Test
  void afterAnOutageEveryEventArrivesOnceInOrderWithTheBacklogCountedDown() throws Exception {
    answer(503);
    ConfigurableApplicationContext app =
        start(
            "--ambulink.console.batch-size=5",
            "--ambulink.console.retry-initial-backoff=100ms",
            "--ambulink.console.retry-max-backoff=300ms");
    ApplianceClient api = api(app);
    Journal journal = app.getBean(Journal.class);
    String id = startTransport(api);
    sendMonitorMessages(app, 40);
    sendAlarm(app, "start", "active");
    Await.until("three refused attempts", AWAIT, () -> serveEvents().size() >= 3);
    assertThat(journal.cursor(ConsoleSync.CONSUMER, id)).isEqualTo(-1);
    JsonNode during = api.ok("/api/status");
    assertThat(during.get("console").get("link").asString()).isEqualTo("DOWN");
    assertThat(during.get("console").get("backlog").asLong()).isPositive();
    assertThat(during.get("console").get("lastError").asString()).contains("503");
    assertThat(during.get("edLink").get("state").asString()).isEqualTo("DOWN");

    answer(200);
    Await.until(
        "the console cursor at the end of the transport",
        AWAIT,
        () -> journal.cursor(ConsoleSync.CONSUMER, id) == journal.lastSeq(id));

    List<JsonNode> batches = batches(200);
    List<JsonNode> events = new ArrayList<>();
    batches.forEach(b -> b.get("events").forEach(events::add));
    assertIncreasingAndUnique(events);
    assertThat(ids(events)).containsExactlyElementsOf(expectedIds(journal, id));
    assertThat(batches).allSatisfy(b -> assertThat(b.get("events").size()).isLessThanOrEqualTo(5));
    JsonNode firstCatchUp =
        batches.stream().filter(b -> !b.get("events").isEmpty()).findFirst().get();
    assertThat(firstCatchUp.get("backlog").asLong()).isPositive();
    JsonNode lastWithEvents =
        batches.stream().filter(b -> !b.get("events").isEmpty()).reduce((a, b) -> b).get();
    assertThat(lastWithEvents.get("backlog").asLong()).isZero();
    // every event tried during the outage arrived
    Set<String> tried = new HashSet<>();
    batches(503).forEach(b -> b.get("events").forEach(e -> tried.add(e.get("eventId").asString())));
    assertThat(ids(events)).containsAll(tried);
    assertThat(api.ok("/api/status").get("console").get("link").asString()).isEqualTo("UP");
  }

  @Test
  void aRestartOnTheSameJournalSendsNothingTheConsoleAcknowledged() throws Exception {
    answer(200);
    ConfigurableApplicationContext first = start();
    Journal journal = first.getBean(Journal.class);
    String id = startTransport(api(first));
    sendMonitorMessages(first, 12);
    Await.until(
        "everything acknowledged",
        AWAIT,
        () -> journal.cursor(ConsoleSync.CONSUMER, id) == journal.lastSeq(id));
    Set<String> before = new HashSet<>(ids(delivered()));
    assertThat(before).isNotEmpty();
    first.close();
    apps.remove(first);
    console.resetRequests();

    ConfigurableApplicationContext second = start();
    Journal reopened = second.getBean(Journal.class);
    ApplianceClient api = api(second);
    assertThat(api.ok("/api/status").get("transport").get("id").asString()).isEqualTo(id);
    sendMonitorMessages(second, 8);
    assertThat(api.post("/api/transports/current/handover", "{}").status()).isEqualTo(200);
    Await.until(
        "the handover at the console",
        AWAIT,
        () -> delivered().stream().anyMatch(e -> step(e, "HANDED_OVER")));
    Await.until(
        "everything acknowledged",
        AWAIT,
        () -> reopened.cursor(ConsoleSync.CONSUMER, id) == reopened.lastSeq(id));

    List<JsonNode> after = delivered();
    assertThat(ids(after)).doesNotContainAnyElementsOf(before);
    assertThat(after.stream().filter(e -> type(e, "vitals")).count()).isGreaterThanOrEqualTo(2);
    JsonNode handedOver = after.stream().filter(e -> step(e, "HANDED_OVER")).findFirst().get();
    assertThat(handedOver.get("transport").get("destinationId").asString())
        .as("the details come from before the restart")
        .isEqualTo("city-general");
    List<String> all = new ArrayList<>(before);
    all.addAll(ids(after));
    assertThat(all).doesNotHaveDuplicates();
    assertThat(new HashSet<>(all)).isEqualTo(new HashSet<>(expectedIds(reopened, id)));
  }

  @Test
  void aBatchWhoseAnswerWasLostIsSentAgainWithTheSameEventIds() throws Exception {
    console.stubFor(
        post(urlEqualTo(EVENTS))
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.events[0]"))
            .inScenario("lost answer")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("answered"));
    console.stubFor(
        post(urlEqualTo(EVENTS))
            .atPriority(5)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(ACCEPTED)));
    ConfigurableApplicationContext app =
        start(
            "--ambulink.console.retry-initial-backoff=100ms",
            "--ambulink.console.retry-max-backoff=300ms");
    Journal journal = app.getBean(Journal.class);
    String id = startTransport(api(app));
    Await.until(
        "the transport acknowledged",
        AWAIT,
        () -> journal.cursor(ConsoleSync.CONSUMER, id) == journal.lastSeq(id));

    List<ServeEvent> withEvents =
        serveEvents().stream().filter(s -> !eventsOf(s).isEmpty()).toList();
    assertThat(withEvents).hasSizeGreaterThanOrEqualTo(2);
    assertThat(answered(withEvents.get(0))).as("the lost answer").isZero();
    assertThat(answered(withEvents.get(1))).isEqualTo(200);
    assertThat(ids(eventsOf(withEvents.get(1))))
        .as("the resend")
        .startsWith(ids(eventsOf(withEvents.get(0))).toArray(String[]::new));
    assertThat(ids(eventsOf(withEvents.get(0)))).containsExactly(id + "/1/0");
  }

  @Test
  void aRefusedCredentialKeepsTheEventsAndIsLoggedOncePerChange() throws Exception {
    refuse(401);
    ConfigurableApplicationContext app =
        start(
            "--ambulink.console.retry-initial-backoff=100ms",
            "--ambulink.console.retry-max-backoff=200ms");
    ApplianceClient api = api(app);
    Journal journal = app.getBean(Journal.class);
    String id = startTransport(api);
    sendMonitorMessages(app, 8);
    Await.until("four refused posts", AWAIT, () -> serveEvents().size() >= 4);
    assertThat(journal.cursor(ConsoleSync.CONSUMER, id)).isEqualTo(-1);
    JsonNode status = api.ok("/api/status");
    assertThat(status.get("console").get("link").asString()).isEqualTo("REFUSED");
    assertThat(status.get("console").get("lastError").asString())
        .contains("HTTP 401")
        .contains("unknown device token");
    assertThat(status.get("edLink").get("state").asString()).isEqualTo("REFUSED");
    assertThat(status.get("warnings").toString()).contains("ED console");
    assertThat(refusedLogLines()).isEqualTo(1);

    console.resetMappings();
    refuse(403);
    int seen = serveEvents().size();
    Await.until("three more refused posts", AWAIT, () -> serveEvents().size() >= seen + 3);
    assertThat(journal.cursor(ConsoleSync.CONSUMER, id)).isEqualTo(-1);
    assertThat(refusedLogLines()).isEqualTo(2);

    console.resetMappings();
    answer(200);
    Await.until(
        "everything acknowledged once the credential is accepted",
        AWAIT,
        () -> journal.cursor(ConsoleSync.CONSUMER, id) == journal.lastSeq(id));
    assertThat(ids(delivered())).containsExactlyElementsOf(expectedIds(journal, id));
    assertThat(api.ok("/api/status").get("console").get("link").asString()).isEqualTo("UP");
    assertThat(logs.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(TOKEN));
  }

  @Test
  void anIdleApplianceSendsHeartbeatsAndNoStandbyData() throws Exception {
    answer(200);
    ConfigurableApplicationContext app = start("--ambulink.console.heartbeat-interval=300ms");
    sendMonitorMessages(app, 8); // no transport: standby
    Await.until("three heartbeats", AWAIT, () -> serveEvents().size() >= 3);
    List<ServeEvent> posts = serveEvents();
    for (ServeEvent s : posts) {
      assertThat(s.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
      JsonNode body = json.readTree(s.getRequest().getBodyAsString());
      assertThat(body.get("applianceId").asString()).isEqualTo(APPLIANCE);
      assertThat(body.get("backlog").asLong()).isZero();
      assertThat(body.get("events").isArray()).isTrue();
      assertThat(body.get("events").isEmpty()).isTrue();
    }
    long gap =
        posts.get(2).getRequest().getLoggedDate().getTime()
            - posts.get(1).getRequest().getLoggedDate().getTime();
    assertThat(gap).isBetween(250L, 10_000L);
    assertThat(app.getBean(Journal.class).lastSeq(Journal.STANDBY)).isPositive();
    assertThat(api(app).ok("/api/status").get("console").get("link").asString()).isEqualTo("UP");
  }

  @Test
  void withoutAConsoleNothingRunsAndTheConsoleCursorDoesNotHoldPurgingBack() throws Exception {
    // EHR delivery configured (never reached here), the console not: only "ehr" holds purging back
    List<String> args = new ArrayList<>(baseArgs());
    args.add("--ambulink.ehr.base-url=http://127.0.0.1:9/fhir");
    ConfigurableApplicationContext app = run(args);
    JsonNode status = api(app).ok("/api/status");
    assertThat(status.get("console").get("configured").asBoolean()).isFalse();
    assertThat(status.get("console").get("link").asString()).isEqualTo("NOT_CONFIGURED");
    assertThat(status.get("edLink").get("state").asString()).isEqualTo("NOT_CONFIGURED");
    assertThat(status.get("edLink").get("detail").asString())
        .contains("console sync is not configured");
    assertThat(app.getBean(JournalProperties.class).deliveryConsumers()).contains("console");
    assertThat(app.getBean(JournalMaintenance.class).diskGuard().consumers())
        .containsExactly("ehr");
    Thread.sleep(500);
    assertThat(console.getAllServeEvents()).isEmpty();
  }

  // --- the appliance ---------------------------------------------------------------------------

  private ConfigurableApplicationContext start(String... extra) {
    List<String> args = new ArrayList<>(baseArgs());
    args.add("--ambulink.console.base-url=" + console.baseUrl());
    args.add("--ambulink.console.token=" + TOKEN);
    args.add("--ambulink.transport.appliance-id=" + APPLIANCE);
    args.addAll(List.of(extra));
    return run(args);
  }

  private List<String> baseArgs() {
    return List.of(
        "--server.port=0",
        "--ambulink.intake.mllp.port=0",
        "--ambulink.intake.mllp.bind-address=127.0.0.1",
        "--ambulink.journal.generate-key=true",
        "--ambulink.journal.directory=" + journalDir);
  }

  private ConfigurableApplicationContext run(List<String> args) {
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(ApplianceApplication.class)
            .listeners(
                event -> {
                  // once Spring Boot has configured logging (which drops appenders added before)
                  // and before the sync starts
                  if (event instanceof ApplicationPreparedEvent) {
                    ((Logger) LoggerFactory.getLogger(ConsoleSync.class)).addAppender(logs);
                  }
                })
            .run(args.toArray(String[]::new));
    apps.add(app);
    return app;
  }

  private static ApplianceClient api(ConfigurableApplicationContext app) {
    return new ApplianceClient(
        app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
  }

  private String startTransport(ApplianceClient api) {
    ApplianceClient.Response r =
        api.post(
            "/api/transports",
            "{\"destinationId\":\"city-general\",\"crew\":[\"Medic 12\",\"Medic 7\"],"
                + "\"patient\":{\"sex\":\"FEMALE\",\"approximateAgeYears\":67},"
                + "\"chiefComplaint\":\"chest pain\",\"acuity\":\"EMERGENT\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.body().get("id").asString();
  }

  private void sendMonitorMessages(ConfigurableApplicationContext app, int n) throws Exception {
    try (MllpTcpClient monitor = monitor(app)) {
      for (int i = 0; i < n; i++) {
        exchange(monitor, encoder.encodeObservationReport(sim.next()));
      }
    }
  }

  private int alarms;

  private void sendAlarm(ConfigurableApplicationContext app, String phase, String state)
      throws Exception {
    MonitorMessage data = sim.next();
    AlarmEvent a =
        new AlarmEvent(
            "hr-high-1",
            MdcCode.of(196648, "MDC_EVT_HI"),
            MonitorCodes.HEART_RATE,
            AlarmPriority.HIGH,
            AlarmEvent.Kind.PHYSIOLOGICAL,
            phase,
            state,
            "HR high",
            data.messageTime(),
            data.device().equipmentId());
    MonitorMessage m =
        new MonitorMessage(
            "ALARM-" + (++alarms),
            "ORU^R40",
            data.device(),
            data.messageTime(),
            List.of(),
            List.of(),
            List.of(a),
            List.of());
    try (MllpTcpClient monitor = monitor(app)) {
      exchange(monitor, encoder.encodeAlarmReport(m));
    }
  }

  private static MllpTcpClient monitor(ConfigurableApplicationContext app) throws Exception {
    return MllpTcpClient.connect(
        "127.0.0.1", app.getBean(MllpTcpListener.class).port(), Duration.ofSeconds(5));
  }

  private static void exchange(MllpTcpClient monitor, String hl7) throws Exception {
    String ack =
        new String(
            monitor.exchange(hl7.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10)),
            StandardCharsets.UTF_8);
    assertThat(ack).contains("MSA|AA");
  }

  // --- the console -----------------------------------------------------------------------------

  private void answer(int status) {
    console.stubFor(
        post(urlEqualTo(EVENTS))
            .willReturn(
                status == 200
                    ? aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(ACCEPTED)
                    : aResponse().withStatus(status)));
  }

  private void refuse(int status) {
    console.stubFor(
        post(urlEqualTo(EVENTS))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"title\":\"Unauthorized\",\"status\":"
                            + status
                            + ",\"detail\":\"unknown device token\"}")));
  }

  /**
   * Every post of events the console received, oldest first (not the live session's signaling
   * socket, which the appliance also opens to the console).
   */
  private List<ServeEvent> serveEvents() {
    List<ServeEvent> all = new ArrayList<>(console.getAllServeEvents());
    all.removeIf(s -> !s.getRequest().getUrl().startsWith(ConsoleProperties.EVENTS_PATH));
    Collections.reverse(all);
    return all;
  }

  /** The status the console answered; 0 when it answered with a fault (connection reset). */
  private static int answered(ServeEvent s) {
    return s.getResponseDefinition().getFault() != null ? 0 : s.getResponse().getStatus();
  }

  /** The bodies of the posts answered {@code status}, oldest first. */
  private List<JsonNode> batches(int status) {
    List<JsonNode> out = new ArrayList<>();
    for (ServeEvent s : serveEvents()) {
      if (answered(s) == status) {
        out.add(json.readTree(s.getRequest().getBodyAsString()));
      }
    }
    return out;
  }

  /** The events the console answered 200 for, in the order it received them. */
  private List<JsonNode> delivered() {
    List<JsonNode> out = new ArrayList<>();
    batches(200).forEach(b -> b.get("events").forEach(out::add));
    return out;
  }

  private List<JsonNode> eventsOf(ServeEvent s) {
    List<JsonNode> out = new ArrayList<>();
    json.readTree(s.getRequest().getBodyAsString()).get("events").forEach(out::add);
    return out;
  }

  private long refusedLogLines() {
    return logs.list.stream()
        .filter(e -> e.getFormattedMessage().contains("refused this appliance's credential"))
        .count();
  }

  // --- expectations ----------------------------------------------------------------------------

  /**
   * The ids docs/console-api.md asks for, from the journal itself: one per transport event, alarm
   * and position, one per record with vitals; {@code <stream>/<record seq>/<item>}.
   */
  private static List<String> expectedIds(Journal journal, String stream) {
    List<String> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Journal.Page page = journal.read(stream, from, 100);
      if (page.chunks().isEmpty()) {
        return out;
      }
      for (Journaled c : page.chunks()) {
        boolean vitals = false;
        for (Journaled.Item item : c.items()) {
          String id = stream + "/" + c.firstSeq() + "/" + (item.seq() - c.firstSeq());
          JournalEntry e = item.entry();
          if (e instanceof JournalEntry.Transport
              || e instanceof JournalEntry.Alarm
              || e instanceof JournalEntry.Position) {
            out.add(id);
          } else if (e instanceof JournalEntry.Observation && !vitals) {
            vitals = true;
            out.add(id);
          }
        }
      }
      from = page.nextSeq();
    }
  }

  private static List<String> ids(List<JsonNode> events) {
    return events.stream().map(e -> e.get("eventId").asString()).toList();
  }

  private static void assertIncreasingAndUnique(List<JsonNode> events) {
    assertThat(ids(events)).doesNotHaveDuplicates();
    long[] previous = {-1, -1};
    for (String id : ids(events)) {
      String[] p = id.split("/");
      assertThat(p).as(id).hasSize(3);
      long seq = Long.parseLong(p[1]);
      long item = Long.parseLong(p[2]);
      assertThat(seq > previous[0] || (seq == previous[0] && item > previous[1]))
          .as("%s comes after %d/%d", id, previous[0], previous[1])
          .isTrue();
      previous[0] = seq;
      previous[1] = item;
    }
  }

  private static boolean type(JsonNode e, String type) {
    return e.get("type").asString().equals(type);
  }

  private static boolean step(JsonNode e, String step) {
    return type(e, "transport") && e.get("transport").get("step").asString().equals(step);
  }
}
