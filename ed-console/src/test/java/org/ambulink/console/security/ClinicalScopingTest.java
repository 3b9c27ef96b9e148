package org.ambulink.console.security;

import static org.ambulink.console.testing.Events.alarm;
import static org.ambulink.console.testing.Events.transport;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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

/**
 * Who sees which transport: clinical staff of the destination ED only. Staff of another ED see an
 * empty board and get 404 (the attempt audited); administrators see no clinical data at all.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ClinicalScopingTest {
  static final String TRANSPORT = "T-scoping-1";

  @Parameter Backend backend;
  static ConsoleServer server;
  static StaffClient physician;
  static StaffClient nurse;
  static StaffClient otherEd;
  static StaffClient admin;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = backend.console("scoping").start();
    Instant at = Instant.now();
    Answer a =
        ApplianceClient.of(server)
            .send(
                transport(TRANSPORT + "/1", TRANSPORT, at, "STARTED", ConsoleServer.ED),
                alarm(TRANSPORT + "/2", TRANSPORT, at, "spo2-low", "HIGH", "active", "SpO2 85"),
                alarm(TRANSPORT + "/3", TRANSPORT, at, "hr-high", "MEDIUM", "active", "HR 130"));
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(3);
    physician = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
    nurse = StaffClient.loggedIn(server, ConsoleServer.NURSE);
    otherEd = StaffClient.loggedIn(server, ConsoleServer.OTHER_ED_PHYSICIAN);
    admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void staffOfTheDestinationSeeTheTransport() {
    for (StaffClient c : new StaffClient[] {physician, nurse}) {
      JsonNode board = c.ok("/api/board");
      assertThat(board).extracting(t -> t.get("id").asString()).containsExactly(TRANSPORT);
      assertThat(c.ok("/api/transports/" + TRANSPORT).get("alarms")).hasSize(2);
    }
  }

  @Test
  void aPhysicianOfAnotherEdSeesAnEmptyBoardAnd404AndTheAttemptIsAudited() {
    assertThat(otherEd.ok("/api/board")).isEmpty();
    long before = deniedRows();

    Answer a = otherEd.get("/api/transports/" + TRANSPORT);
    assertThat(a.status()).as("%s", a).isEqualTo(404);
    assertThat(a.text()).doesNotContain("chest pain").doesNotContain("SpO2");
    Answer stream = otherEd.fetch("/api/transports/" + TRANSPORT + "/stream");
    assertThat(stream.status()).isEqualTo(404);
    Answer ack = otherEd.post("/api/transports/" + TRANSPORT + "/alarms/spo2-low/ack", null);
    assertThat(ack.status()).as("%s", ack).isEqualTo(404);

    assertThat(deniedRows()).isEqualTo(before + 3);
    assertThat(
            ConsoleDatabase.rows(
                server,
                "SELECT target, address FROM audit_log WHERE action = 'ACCESS_DENIED' AND actor = ?",
                ConsoleServer.OTHER_ED_PHYSICIAN))
        .allSatisfy(
            r -> {
              assertThat(r.get("target")).isEqualTo("transport " + TRANSPORT);
              assertThat(r.get("address")).isEqualTo("127.0.0.1");
            });
    assertThat(
            ConsoleDatabase.count(
                server,
                "SELECT COUNT(*) FROM alarm WHERE transport_id = ? AND acked_by IS NOT NULL AND"
                    + " acked_by = ?",
                TRANSPORT,
                ConsoleServer.OTHER_ED_PHYSICIAN))
        .isZero();
  }

  @Test
  void anUnknownTransportIs404ButNotAnAccessDenial() {
    long before = deniedRows();
    assertThat(physician.get("/api/transports/no-such-transport").status()).isEqualTo(404);
    assertThat(deniedRows()).isEqualTo(before);
  }

  @Test
  void administratorsGet403OnClinicalData() {
    for (String path :
        new String[] {
          "/api/board", "/api/board/stream", "/api/transports/" + TRANSPORT, "/", "/index.html"
        }) {
      Answer a = admin.get(path);
      assertThat(a.status()).as("admin GET %s: %s", path, a).isEqualTo(403);
      assertThat(a.text()).doesNotContain("chest pain").doesNotContain("SpO2 85");
    }
    Answer ack = admin.post("/api/transports/" + TRANSPORT + "/alarms/hr-high/ack", null);
    assertThat(ack.status()).as("%s", ack).isEqualTo(403);
  }

  @Test
  void aNurseAcknowledgesAnAlarm() {
    Answer a = nurse.post("/api/transports/" + TRANSPORT + "/alarms/spo2-low/ack", null);
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.json().get("acknowledged").asBoolean()).isTrue();

    JsonNode acked = findAlarm(physician.ok("/api/transports/" + TRANSPORT), "spo2-low");
    assertThat(acked.get("ackedBy").asString()).isEqualTo(ConsoleServer.NURSE);
    assertThat(acked.get("ackedAt").isNull()).isFalse();
    assertThat(
            ConsoleDatabase.count(
                server,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'ALARM_ACK' AND actor = ? AND"
                    + " target = ?",
                ConsoleServer.NURSE,
                "transport " + TRANSPORT + " alarm spo2-low"))
        .isEqualTo(1);

    Answer again = physician.post("/api/transports/" + TRANSPORT + "/alarms/spo2-low/ack", null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("acknowledged").asBoolean()).isFalse();

    assertThat(physician.post("/api/transports/" + TRANSPORT + "/alarms/nope/ack", null).status())
        .isEqualTo(404);
  }

  private static JsonNode findAlarm(JsonNode transport, String alarmId) {
    for (JsonNode a : transport.get("alarms")) {
      if (a.get("alarmId").asString().equals(alarmId)) {
        return a;
      }
    }
    throw new AssertionError("no alarm " + alarmId + " in " + transport);
  }

  private static long deniedRows() {
    return ConsoleDatabase.count(
        server, "SELECT COUNT(*) FROM audit_log WHERE action = 'ACCESS_DENIED'");
  }
}
