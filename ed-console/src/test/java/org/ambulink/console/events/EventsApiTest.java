package org.ambulink.console.events;

import static org.ambulink.console.testing.Events.alarm;
import static org.ambulink.console.testing.Events.heartRate;
import static org.ambulink.console.testing.Events.position;
import static org.ambulink.console.testing.Events.transport;
import static org.ambulink.console.testing.Events.vitals;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.console.testing.Answer;
import org.ambulink.console.testing.ApplianceClient;
import org.ambulink.console.testing.Backend;
import org.ambulink.console.testing.ConsoleDatabase;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.StaffClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The appliances' events API (docs/console-api.md) over HTTP with device tokens: every event is
 * stored once, whatever is replayed; bad events are rejected one by one with a reason; bad requests
 * and bad credentials store nothing. Each test uses transports and devices of its own.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class EventsApiTest {
  static final int MAX_BATCH = 20;
  static final AtomicInteger IDS = new AtomicInteger();

  @Parameter Backend backend;
  static ConsoleServer server;
  static ApplianceClient appliance;
  static StaffClient physician;
  static StaffClient admin;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server =
        backend
            .console("events")
            .property("ambulink.console.max-batch-events", Integer.toString(MAX_BATCH))
            .start();
    appliance = ApplianceClient.of(server);
    physician = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
    admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void aBatchIsStoredAndTheSameBatchAgainChangesNothing() {
    String t = newTransport();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<ObjectNode> batch =
        List.of(
            transport(t + "/1", t, at, "STARTED", ConsoleServer.ED),
            vitals(t + "/2", t, at.plusSeconds(1), "MDC_PULS_OXIM_SAT_O2", "SpO2", "97", "%"),
            heartRate(t + "/3", t, at.plusSeconds(1), "88"),
            alarm(t + "/4", t, at.plusSeconds(2), "a1", "HIGH", "active", "HR high"),
            position(t + "/5", t, at.plusSeconds(3), 52.52, 13.40, 600, 8000.0));

    assertResult(appliance.send(batch), 5, 0);
    Map<String, Object> stored = snapshot(t);
    assertThat(stored.get("events")).isEqualTo(5L);
    assertThat(stored.get("vitals")).isEqualTo(2L);
    assertThat(stored.get("alarms")).isEqualTo(1L);

    assertResult(appliance.send(batch), 0, 5);
    assertThat(snapshot(t)).isEqualTo(stored);

    JsonNode view = physician.ok("/api/transports/" + t);
    assertThat(view.get("destinationId").asString()).isEqualTo(ConsoleServer.ED);
    assertThat(view.get("state").asString()).isEqualTo("EN_ROUTE");
    assertThat(view.get("acuity").asInt()).isEqualTo(2);
    assertThat(view.get("vitals")).hasSize(2);
  }

  @Test
  void aReplayAfterAPartialBatchCreatesNothingTwice() {
    String t = newTransport();
    Instant at = Instant.now();
    List<ObjectNode> all = new ArrayList<>();
    all.add(transport(t + "/0", t, at, "STARTED", ConsoleServer.ED));
    for (int i = 1; i < 10; i++) {
      all.add(heartRate(t + "/" + i, t, at.plusSeconds(i), Integer.toString(80 + i)));
    }
    // the link dropped after the first half reached the console, before the answer came back
    assertResult(appliance.send(9, all.subList(0, 5)), 5, 0);
    assertResult(appliance.send(all), 5, 5);
    assertResult(appliance.send(all), 0, 10);

    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport_event WHERE transport_id = ?", t))
        .isEqualTo(10);
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport WHERE transport_id = ?", t))
        .isEqualTo(1);
    assertThat(
            ConsoleDatabase.rows(
                server,
                "SELECT reading FROM vital_latest WHERE transport_id = ? AND code = ?",
                t,
                "MDC_ECG_HEART_RATE"))
        .extracting(r -> r.get("reading"))
        .containsExactly("89");
  }

  @Test
  void invalidEventsAreRejectedWithTheFieldAndValueWhileTheValidOnesAreStored() {
    String t = newTransport();
    Instant at = Instant.now();
    ObjectNode unknownType = heartRate(t + "/bad-type", t, at, "80");
    unknownType.put("type", "ecg-strip");
    ObjectNode notANumber = heartRate(t + "/bad-value", t, at, "eighty");
    ObjectNode badPriority = alarm(t + "/bad-priority", t, at, "a9", "URGENT", "active", "x");
    ObjectNode badAcuity = transport(t + "/bad-acuity", t, at, "UPDATED", ConsoleServer.ED);
    ((ObjectNode) badAcuity.get("transport")).put("acuity", 9);
    ObjectNode badTime = heartRate(t + "/bad-time", t, at, "80");
    badTime.put("at", "yesterday");
    ObjectNode noId = heartRate("ignored", t, at, "80");
    noId.remove("eventId");
    String otherTransport = newTransport();
    ObjectNode invalidFirstOfItsTransport =
        heartRate(otherTransport + "/1", otherTransport, at, "x");

    Answer a =
        appliance.send(
            transport(t + "/1", t, at, "STARTED", ConsoleServer.ED),
            unknownType,
            notANumber,
            heartRate(t + "/2", t, at.plusSeconds(1), "81"),
            badPriority,
            badAcuity,
            badTime,
            noId,
            invalidFirstOfItsTransport,
            position(t + "/3", t, at.plusSeconds(2), 52.5, 13.4, 300, null));

    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(3);
    assertThat(a.json().get("duplicates").asInt()).isEqualTo(0);
    Map<String, String> reasons = new java.util.LinkedHashMap<>();
    a.json()
        .get("rejected")
        .forEach(r -> reasons.put(r.get("eventId").asString(), r.get("reason").asString()));
    assertThat(reasons)
        .containsOnlyKeys(
            t + "/bad-type",
            t + "/bad-value",
            t + "/bad-priority",
            t + "/bad-acuity",
            t + "/bad-time",
            "#7",
            otherTransport + "/1");
    assertThat(reasons.get(t + "/bad-type")).contains("'type'").contains("ecg-strip");
    assertThat(reasons.get(t + "/bad-value")).contains("'value'").contains("eighty");
    assertThat(reasons.get(t + "/bad-priority")).contains("priority").contains("URGENT");
    assertThat(reasons.get(t + "/bad-acuity")).contains("'acuity'").contains("9");
    assertThat(reasons.get(t + "/bad-time")).contains("'at'").contains("yesterday");
    assertThat(reasons.get("#7")).contains("'eventId'").contains("missing");

    assertThat(
            ConsoleDatabase.rows(
                server,
                "SELECT event_id FROM transport_event WHERE transport_id = ? ORDER BY event_id",
                t))
        .extracting(r -> r.get("event_id"))
        .containsExactly(t + "/1", t + "/2", t + "/3");
    // a rejected event leaves no trace, not even the transport it names
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport WHERE transport_id = ?", otherTransport))
        .isZero();
    assertThat(
            ConsoleDatabase.count(server, "SELECT COUNT(*) FROM alarm WHERE transport_id = ?", t))
        .isZero();
    JsonNode view = physician.ok("/api/transports/" + t);
    assertThat(view.get("acuity").asInt()).isEqualTo(2);
    assertThat(view.get("vitals").get(0).get("value").asString()).isEqualTo("81");
  }

  @Test
  void valuesTheDatabaseCannotStoreAreRejectedInsteadOfFailingTheBatch() {
    // a 5xx would make the appliance send the same batch again and again, forever
    String t = newTransport();
    Instant at = Instant.now();
    ObjectNode nul = transport(t + "/nul", t, at, "UPDATED", ConsoleServer.ED);
    ((ObjectNode) nul.get("transport")).put("chiefComplaint", "chest\u0000pain");
    ObjectNode farFuture = heartRate(t + "/future", t, at, "80");
    farFuture.put("at", "+300000-01-01T00:00:00Z");
    ObjectNode farPast = heartRate(t + "/past", t, at, "80");
    ((ObjectNode) farPast.get("vitals").get(0)).put("at", "-5000-01-01T00:00:00Z");

    Answer a =
        appliance.send(
            transport(t + "/1", t, at, "STARTED", ConsoleServer.ED),
            nul,
            farFuture,
            farPast,
            heartRate(t + "/2", t, at, "77"));
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).as("%s", a).isEqualTo(2);
    Map<String, String> reasons = new java.util.LinkedHashMap<>();
    a.json()
        .get("rejected")
        .forEach(r -> reasons.put(r.get("eventId").asString(), r.get("reason").asString()));
    assertThat(reasons.get(t + "/nul")).contains("'chiefComplaint'");
    assertThat(reasons.get(t + "/future")).contains("'at'").contains("+300000");
    assertThat(reasons.get(t + "/past")).contains("'at'").contains("-5000");
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport_event WHERE transport_id = ?", t))
        .isEqualTo(2);
  }

  @Test
  void aChunkedBodyOverFourMebibytesIs413() throws Exception {
    String t = newTransport();
    ObjectNode e = transport(t + "/1", t, Instant.now(), "STARTED", ConsoleServer.ED);
    ((ObjectNode) e.get("transport")).put("note", "x".repeat(5 * 1024 * 1024));
    byte[] body =
        org.ambulink.console.testing.Events.batch(ConsoleServer.DEVICE_ID, 0, List.of(e))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.baseUrl() + "/api/appliance/events"))
            .header("Authorization", "Bearer " + ConsoleServer.DEVICE_TOKEN)
            .header("Content-Type", "application/json")
            // no length known in advance: sent chunked
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(body)))
            .build();
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s", r.body()).isEqualTo(413);
    assertThat(r.body()).contains("at most");
    assertNothingStoredFor(t);
  }

  @Test
  void malformedJsonIs400ProblemDetailsAndStoresNothing() {
    String t = newTransport();
    String good =
        org.ambulink.console.testing.Events.batch(
            ConsoleServer.DEVICE_ID,
            0,
            List.of(transport(t + "/1", t, Instant.now(), "STARTED", ConsoleServer.ED)));
    long before = ConsoleDatabase.count(server, "SELECT COUNT(*) FROM transport_event");

    for (String body :
        List.of(
            good.substring(0, good.length() - 5),
            "not json at all",
            "[" + good + "]",
            good.replace("\"events\":[", "\"events\":{\"x\":[").replace("]}", "]}}"),
            good.replace("\"backlog\":0", "\"backlog\":-1"))) {
      Answer a = appliance.post(body);
      assertThat(a.status()).as("%s -> %s", body, a).isEqualTo(400);
      assertThat(a.contentType()).as(body).startsWith("application/problem+json");
      assertThat(a.json().get("status").asInt()).isEqualTo(400);
    }
    assertThat(ConsoleDatabase.count(server, "SELECT COUNT(*) FROM transport_event"))
        .isEqualTo(before);
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport WHERE transport_id = ?", t))
        .isZero();
  }

  @Test
  void anUnknownOrMissingTokenIs401() {
    String t = newTransport();
    String body =
        org.ambulink.console.testing.Events.batch(
            ConsoleServer.DEVICE_ID,
            0,
            List.of(transport(t + "/1", t, Instant.now(), "STARTED", ConsoleServer.ED)));
    for (String token : new String[] {"not-a-token-of-any-device-0123456789abcdef", null, ""}) {
      Answer a = appliance.post(body, token);
      assertThat(a.status()).as("token %s: %s", token, a).isEqualTo(401);
    }
    assertNothingStoredFor(t);
  }

  @Test
  void anApplianceIdThatIsNotTheTokensDeviceIs403() {
    String t = newTransport();
    ApplianceClient impostor =
        new ApplianceClient(server.baseUrl(), "medic-99", ConsoleServer.DEVICE_TOKEN);
    Answer a = impostor.send(transport(t + "/1", t, Instant.now(), "STARTED", ConsoleServer.ED));
    assertThat(a.status()).as("%s", a).isEqualTo(403);
    assertThat(a.detail()).contains(ConsoleServer.DEVICE_ID).contains("medic-99");
    assertNothingStoredFor(t);
  }

  @Test
  void aRevokedApplianceIs403AndTheRefusalIsAudited() {
    ApplianceClient device = registerDevice();
    String t = newTransport();
    Instant at = Instant.now();
    assertResult(device.send(transport(t + "/1", t, at, "STARTED", ConsoleServer.ED)), 1, 0);

    Answer revoked = admin.post("/api/admin/devices/" + device.applianceId() + "/revoke", null);
    assertThat(revoked.status()).as("%s", revoked).isEqualTo(200);
    assertThat(revoked.json().get("already").asBoolean()).isFalse();

    Answer a = device.send(heartRate(t + "/2", t, at.plusSeconds(1), "90"));
    assertThat(a.status()).as("%s", a).isEqualTo(403);
    assertThat(a.contentType()).startsWith("application/problem+json");
    assertThat(a.detail()).contains("revoked");
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport_event WHERE transport_id = ?", t))
        .isEqualTo(1);
    assertThat(
            ConsoleDatabase.rows(
                server,
                "SELECT actor, target, address FROM audit_log WHERE action = 'DEVICE_REFUSED'"
                    + " AND actor = ?",
                device.applianceId()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("target")).isEqualTo("device " + device.applianceId());
              assertThat(r.get("address")).isEqualTo("127.0.0.1");
            });
    assertThat(
            ConsoleDatabase.count(
                server,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'DEVICE_REVOKED' AND target = ?",
                "device " + device.applianceId()))
        .isEqualTo(1);
  }

  @Test
  void eventsForATransportOfAnotherApplianceAreRejected() {
    ApplianceClient other = registerDevice();
    String t = newTransport();
    Instant at = Instant.now();
    assertResult(appliance.send(transport(t + "/1", t, at, "STARTED", ConsoleServer.ED)), 1, 0);

    Answer a =
        other.send(
            heartRate(t + "/2", t, at.plusSeconds(1), "140"),
            transport(t + "/3", t, at.plusSeconds(1), "CLOSED", ConsoleServer.OTHER_ED));
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isZero();
    assertThat(a.json().get("rejected")).hasSize(2);
    a.json()
        .get("rejected")
        .forEach(r -> assertThat(r.get("reason").asString()).contains(t).contains("another"));

    assertThat(
            ConsoleDatabase.rows(
                server,
                "SELECT device_id, destination_id, state FROM transport WHERE transport_id = ?",
                t))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("device_id")).isEqualTo(ConsoleServer.DEVICE_ID);
              assertThat(r.get("destination_id")).isEqualTo(ConsoleServer.ED);
              assertThat(r.get("state")).isEqualTo("EN_ROUTE");
            });
    assertThat(
            ConsoleDatabase.count(
                server,
                "SELECT COUNT(*) FROM transport_event WHERE device_id = ?",
                other.applianceId()))
        .isZero();
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM vital_latest WHERE transport_id = ?", t))
        .isZero();
  }

  @Test
  void aBatchOverMaxBatchEventsIs413AndStoresNothing() {
    String t = newTransport();
    Instant at = Instant.now();
    List<ObjectNode> events = new ArrayList<>();
    events.add(transport(t + "/0", t, at, "STARTED", ConsoleServer.ED));
    for (int i = 1; i <= MAX_BATCH; i++) {
      events.add(heartRate(t + "/" + i, t, at.plusSeconds(i), "80"));
    }
    Answer a = appliance.send(events);
    assertThat(a.status()).as("%s", a).isEqualTo(413);
    assertThat(a.contentType()).startsWith("application/problem+json");
    assertThat(a.detail())
        .contains(Integer.toString(MAX_BATCH))
        .contains(Integer.toString(MAX_BATCH + 1));
    assertNothingStoredFor(t);

    assertResult(appliance.send(events.subList(0, MAX_BATCH)), MAX_BATCH, 0);
  }

  @Test
  void aBodyOverFourMebibytesIs413() {
    String t = newTransport();
    ObjectNode e = transport(t + "/1", t, Instant.now(), "STARTED", ConsoleServer.ED);
    ((ObjectNode) e.get("transport")).put("note", "x".repeat(4 * 1024 * 1024 + 1));
    Answer a = appliance.send(e);
    assertThat(a.status()).as("%s", a).isEqualTo(413);
    assertNothingStoredFor(t);
  }

  @Test
  void theLatestVitalIsTheNewestEvenWhenAnOlderOneArrivesLater() {
    String t = newTransport();
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    assertResult(
        appliance.send(
            transport(t + "/0", t, at, "STARTED", ConsoleServer.ED),
            heartRate(t + "/2", t, at.plusSeconds(20), "120")),
        2,
        0);
    assertThat(heartRateOf(t)).isEqualTo("120");

    // the backlog of an outage arrives after the live value: older, must not overwrite it
    assertResult(
        appliance.send(3, List.of(heartRate(t + "/1", t, at.plusSeconds(10), "95"))), 1, 0);
    assertThat(heartRateOf(t)).isEqualTo("120");

    assertResult(appliance.send(heartRate(t + "/3", t, at.plusSeconds(30), "110")), 1, 0);
    assertThat(heartRateOf(t)).isEqualTo("110");
    JsonNode hr = physician.ok("/api/transports/" + t).get("vitals").get(0);
    assertThat(hr.get("observedAt").asString()).isEqualTo(at.plusSeconds(30).toString());
    assertThat(hr.get("unit").asString()).isEqualTo("/min");
  }

  @Test
  void anAlarmGoesFromActiveToEnded() {
    String t = newTransport();
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    assertResult(
        appliance.send(
            transport(t + "/0", t, at, "STARTED", ConsoleServer.ED),
            alarm(t + "/1", t, at.plusSeconds(5), "hr-high", "HIGH", "active", "HR 150 > 140")),
        2,
        0);
    JsonNode active = onlyAlarm(t);
    assertThat(active.get("state").asString()).isEqualTo("active");
    assertThat(active.get("priority").asString()).isEqualTo("HIGH");
    assertThat(active.get("raisedAt").asString()).isEqualTo(at.plusSeconds(5).toString());
    assertThat(active.get("endedAt").isNull()).isTrue();

    assertResult(
        appliance.send(alarm(t + "/2", t, at.plusSeconds(9), "hr-high", "HIGH", "ended", "")),
        1,
        0);
    JsonNode ended = onlyAlarm(t);
    assertThat(ended.get("state").asString()).isEqualTo("ended");
    assertThat(ended.get("endedAt").asString()).isEqualTo(at.plusSeconds(9).toString());
  }

  @Test
  void aPositionUpdatesTheEtaAndAnOlderOneDoesNot() {
    String t = newTransport();
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    assertResult(
        appliance.send(
            transport(t + "/0", t, at, "STARTED", ConsoleServer.ED),
            position(t + "/1", t, at.plusSeconds(10), 52.50, 13.30, 900, 12000.0)),
        2,
        0);
    JsonNode v = physician.ok("/api/transports/" + t);
    assertThat(v.get("etaSeconds").asLong()).isEqualTo(900);
    assertThat(v.get("etaAt").asString()).isEqualTo(at.plusSeconds(910).toString());

    assertResult(
        appliance.send(position(t + "/3", t, at.plusSeconds(70), 52.51, 13.35, 420, 6000.0)), 1, 0);
    v = physician.ok("/api/transports/" + t);
    assertThat(v.get("etaSeconds").asLong()).isEqualTo(420);
    assertThat(v.get("etaAt").asString()).isEqualTo(at.plusSeconds(490).toString());
    assertThat(v.get("distanceMetres").asDouble()).isEqualTo(6000.0);
    assertThat(v.get("latitude").asDouble()).isEqualTo(52.51);

    // a position from the backlog, older than the one shown
    assertResult(
        appliance.send(
            2, List.of(position(t + "/2", t, at.plusSeconds(40), 52.505, 13.32, 700, 9000.0))),
        1,
        0);
    v = physician.ok("/api/transports/" + t);
    assertThat(v.get("etaSeconds").asLong()).isEqualTo(420);
    assertThat(v.get("positionAt").asString()).isEqualTo(at.plusSeconds(70).toString());
  }

  // --- helpers

  private static String newTransport() {
    return "T" + IDS.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
  }

  /** A new appliance registered through the admin API, with the token it was issued. */
  private static ApplianceClient registerDevice() {
    String id = "medic-x" + IDS.incrementAndGet();
    Answer a =
        admin.post(
            "/api/admin/devices", "{\"id\":\"" + id + "\",\"description\":\"test appliance\"}");
    assertThat(a.status()).as("register %s: %s", id, a).isEqualTo(200);
    return new ApplianceClient(server.baseUrl(), id, a.json().get("token").asString());
  }

  private static void assertResult(Answer a, int accepted, int duplicates) {
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.json().get("rejected")).as("%s", a).isEmpty();
    assertThat(a.json().get("accepted").asInt()).as("accepted: %s", a).isEqualTo(accepted);
    assertThat(a.json().get("duplicates").asInt()).as("duplicates: %s", a).isEqualTo(duplicates);
  }

  private static void assertNothingStoredFor(String transportId) {
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport_event WHERE transport_id = ?", transportId))
        .isZero();
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM transport WHERE transport_id = ?", transportId))
        .isZero();
  }

  /** Everything stored about a transport, to compare before and after a replay. */
  private static Map<String, Object> snapshot(String t) {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put(
        "events",
        ConsoleDatabase.count(
            server, "SELECT COUNT(*) FROM transport_event WHERE transport_id = ?", t));
    s.put(
        "vitals",
        ConsoleDatabase.count(
            server, "SELECT COUNT(*) FROM vital_latest WHERE transport_id = ?", t));
    s.put(
        "alarms",
        ConsoleDatabase.count(server, "SELECT COUNT(*) FROM alarm WHERE transport_id = ?", t));
    s.put("allEvents", ConsoleDatabase.count(server, "SELECT COUNT(*) FROM transport_event"));
    s.put("allTransports", ConsoleDatabase.count(server, "SELECT COUNT(*) FROM transport"));
    s.put(
        "transport",
        ConsoleDatabase.rows(server, "SELECT * FROM transport WHERE transport_id = ?", t)
            .toString());
    s.put(
        "eventRows",
        ConsoleDatabase.rows(
                server,
                "SELECT event_id, received_at, body FROM transport_event WHERE transport_id = ?"
                    + " ORDER BY event_id",
                t)
            .toString());
    s.put(
        "vitalRows",
        ConsoleDatabase.rows(
                server, "SELECT * FROM vital_latest WHERE transport_id = ? ORDER BY code", t)
            .toString());
    s.put(
        "alarmRows",
        ConsoleDatabase.rows(server, "SELECT * FROM alarm WHERE transport_id = ?", t).toString());
    return s;
  }

  private static String heartRateOf(String t) {
    return (String)
        ConsoleDatabase.rows(
                server,
                "SELECT reading FROM vital_latest WHERE transport_id = ? AND code = ?",
                t,
                "MDC_ECG_HEART_RATE")
            .get(0)
            .get("reading");
  }

  private static JsonNode onlyAlarm(String t) {
    JsonNode alarms = physician.ok("/api/transports/" + t).get("alarms");
    assertThat(alarms).hasSize(1);
    return alarms.get(0);
  }
}
