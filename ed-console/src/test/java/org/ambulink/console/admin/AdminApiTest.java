package org.ambulink.console.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ambulink.console.testing.Answer;
import org.ambulink.console.testing.ApplianceClient;
import org.ambulink.console.testing.Backend;
import org.ambulink.console.testing.ConsoleDatabase;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.Events;
import org.ambulink.console.testing.StaffClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** The admin API: the audit log (read, export), staff accounts and appliance credentials. */
@ParameterizedClass
@EnumSource(Backend.class)
class AdminApiTest {
  @Parameter Backend backend;
  static ConsoleServer server;
  static StaffClient admin;
  static StaffClient nurse;
  static StaffClient physician;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = backend.console("admin").start();
    admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
    nurse = StaffClient.loggedIn(server, ConsoleServer.NURSE);
    physician = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void theCsvExportHoldsEveryRowAndIsItselfAudited() {
    Answer csv = admin.fetch("/api/admin/audit/export");
    assertThat(csv.status()).as("%s", csv).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.header("Content-Disposition").orElse("")).contains("attachment");
    List<String> lines = csv.text().lines().toList();
    assertThat(lines.get(0)).isEqualTo("id,at,actor,action,target,address,details,prev_hash,hash");

    long rows = ConsoleDatabase.count(server, "SELECT COUNT(*) FROM audit_log");
    List<String> body = lines.subList(1, lines.size());
    assertThat(body).hasSizeGreaterThanOrEqualTo((int) rows - 1);
    for (var r : ConsoleDatabase.rows(server, "SELECT id, hash FROM audit_log ORDER BY id")) {
      if (((Number) r.get("id")).longValue() <= body.size()) {
        assertThat(body)
            .anySatisfy(
                l -> assertThat(l).startsWith(r.get("id") + ",").endsWith("," + r.get("hash")));
      }
    }
    assertThat(body).anySatisfy(l -> assertThat(l).contains(",USER_CREATED,user nurse.joy,"));
    assertThat(body).anySatisfy(l -> assertThat(l).contains("," + ConsoleServer.NURSE + ",LOGIN,"));
    // the export is audited before it is written: it is the last row of its own file
    String last = body.get(body.size() - 1);
    assertThat(last).contains(",admin,AUDIT_EXPORT,audit log,127.0.0.1,csv,");
  }

  @Test
  void theAuditApiPagesNewestFirst() {
    JsonNode page = admin.ok("/api/admin/audit?limit=3");
    assertThat(page).hasSize(3);
    long first = page.get(0).get("id").asLong();
    assertThat(page.get(1).get("id").asLong()).isEqualTo(first - 1);
    JsonNode next = admin.ok("/api/admin/audit?limit=2&before=" + page.get(2).get("id").asLong());
    assertThat(next.get(0).get("id").asLong()).isEqualTo(first - 3);
    assertThat(admin.get("/api/admin/audit?limit=0").status()).isEqualTo(400);
  }

  @Test
  void nonAdminsGet403OnTheAdminApis() {
    for (StaffClient c : List.of(nurse, physician)) {
      for (String path :
          List.of(
              "/api/admin/audit",
              "/api/admin/audit/verify",
              "/api/admin/audit/export",
              "/api/admin/users",
              "/api/admin/devices",
              "/admin.html")) {
        Answer a = c.get(path);
        assertThat(a.status()).as("GET %s: %s", path, a).isEqualTo(403);
        assertThat(a.text()).doesNotContain("AUDIT_EXPORT").doesNotContain("USER_CREATED");
      }
      Answer revoke = c.post("/api/admin/devices/" + ConsoleServer.DEVICE_ID + "/revoke", null);
      assertThat(revoke.status()).isEqualTo(403);
    }
    assertThat(
            ConsoleDatabase.count(
                server,
                "SELECT COUNT(*) FROM device WHERE revoked_at IS NOT NULL AND device_id = ?",
                ConsoleServer.DEVICE_ID))
        .isZero();
  }

  @Test
  void anAdminCreatesAUserWhoCanLogInAndDisablesThem() {
    Answer created =
        admin.post(
            "/api/admin/users",
            "{\"username\":\"nurse.new\",\"password\":\"another long password\",\"role\":\"nurse\"}");
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.json().get("edId").asString()).isEqualTo(ConsoleServer.ED);
    assertThat(created.text()).doesNotContain("another long password");
    assertThat(
            (String)
                ConsoleDatabase.rows(
                        server, "SELECT password_hash FROM staff_user WHERE username = 'nurse.new'")
                    .get(0)
                    .get("password_hash"))
        .startsWith("$2");

    StaffClient newNurse = new StaffClient(server.baseUrl());
    Answer login = newNurse.login("nurse.new", "another long password");
    assertThat(login.location()).endsWith("/");
    assertThat(newNurse.ok("/api/me").get("role").asString()).isEqualTo("NURSE");

    Answer tooShort =
        admin.post(
            "/api/admin/users", "{\"username\":\"x\",\"password\":\"short\",\"role\":\"nurse\"}");
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.detail()).contains("12 characters");
    Answer taken =
        admin.post(
            "/api/admin/users",
            "{\"username\":\"nurse.new\",\"password\":\"another long password\",\"role\":\"nurse\"}");
    assertThat(taken.status()).isEqualTo(400);

    assertThat(admin.post("/api/admin/users/nurse.new/disable", null).status()).isEqualTo(200);
    assertThat(
            new StaffClient(server.baseUrl())
                .login("nurse.new", "another long password")
                .location())
        .endsWith("/login.html?error");
    assertThat(admin.post("/api/admin/users/admin/disable", null).status()).isEqualTo(400);
    assertThat(
            ConsoleDatabase.rows(
                server, "SELECT action FROM audit_log WHERE target = 'user nurse.new' ORDER BY id"))
        .extracting(r -> r.get("action"))
        .containsExactly("USER_CREATED", "USER_DISABLED");
  }

  @Test
  void anAdminRegistersAnApplianceWhoseTokenIsShownOnceAndRevokesIt() {
    Answer reg =
        admin.post("/api/admin/devices", "{\"id\":\"medic-77\",\"description\":\"Medic 77\"}");
    assertThat(reg.status()).as("%s", reg).isEqualTo(200);
    String token = reg.json().get("token").asString();
    assertThat(token).hasSizeGreaterThanOrEqualTo(32);

    JsonNode listed = admin.ok("/api/admin/devices");
    assertThat(listed.toString()).doesNotContain(token);
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM device WHERE token_hash = ?", token))
        .as("only the token's hash is stored")
        .isZero();

    ApplianceClient medic77 = new ApplianceClient(server.baseUrl(), "medic-77", token);
    assertThat(medic77.send(List.of()).status()).isEqualTo(200);
    assertThat(admin.post("/api/admin/devices/medic-77/revoke", null).status()).isEqualTo(200);
    assertThat(medic77.send(List.of()).status()).isEqualTo(403);
    Answer again = admin.post("/api/admin/devices/medic-77/revoke", null);
    assertThat(again.json().get("already").asBoolean()).isTrue();
    assertThat(admin.post("/api/admin/devices/no-such-device/revoke", null).status())
        .isEqualTo(404);
    Answer duplicate = admin.post("/api/admin/devices", "{\"id\":\"medic-77\"}");
    assertThat(duplicate.status()).isEqualTo(400);
    Answer badId = admin.post("/api/admin/devices", "{\"id\":\"bad id!\"}");
    assertThat(badId.status()).isEqualTo(400);
  }

  @Test
  void theEventsOfARevokedApplianceAreKeptOutButItsTransportStays() {
    // admin revokes the configured appliance in a console of its own? No: use a fresh one.
    Answer reg = admin.post("/api/admin/devices", "{\"id\":\"medic-78\"}");
    ApplianceClient medic78 =
        new ApplianceClient(server.baseUrl(), "medic-78", reg.json().get("token").asString());
    java.time.Instant at = java.time.Instant.now();
    assertThat(
            medic78
                .send(Events.transport("t78/1", "T-78", at, "STARTED", ConsoleServer.ED))
                .status())
        .isEqualTo(200);
    admin.post("/api/admin/devices/medic-78/revoke", null);
    assertThat(medic78.send(Events.heartRate("t78/2", "T-78", at.plusSeconds(1), "99")).status())
        .isEqualTo(403);
    assertThat(physician.ok("/api/transports/T-78").get("vitals")).isEmpty();
  }
}
