package org.ambulink.console.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.ambulink.console.testing.Answer;
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

/**
 * The staff door as a browser meets it: login and landing, CSRF, cookie flags, security headers,
 * what an anonymous visitor gets, and how passwords are kept. No test here fails a login (the
 * lockout counts failures per address too; see {@link LoginLockoutTest}).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class WebSecurityTest {
  @Parameter Backend backend;
  static ConsoleServer server;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = backend.console("websecurity").start();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void aLoginLandsClinicalStaffOnTheBoardAndAdminsOnTheAdminPageAndIsAudited() {
    long before = audited("LOGIN", ConsoleServer.NURSE);
    Answer nurse =
        new StaffClient(server.baseUrl()).login(ConsoleServer.NURSE, ConsoleServer.PASSWORD);
    assertThat(nurse.status()).isEqualTo(302);
    assertThat(nurse.location()).endsWith("/");
    assertThat(audited("LOGIN", ConsoleServer.NURSE)).isEqualTo(before + 1);

    Answer admin =
        new StaffClient(server.baseUrl()).login(ConsoleServer.ADMIN, ConsoleServer.PASSWORD);
    assertThat(admin.status()).isEqualTo(302);
    assertThat(admin.location()).endsWith("/admin.html");
  }

  @Test
  void aLoginReturnsToTheLiveViewLinkThatAskedForItButNeverToAnApiOrAnotherSite() {
    StaffClient nurse = new StaffClient(server.baseUrl());
    Answer asked = nurse.fetch("/live.html?transport=T-42");
    assertThat(asked.status()).isEqualTo(302);
    assertThat(asked.location()).contains("/login.html");
    Answer landed = nurse.login(ConsoleServer.NURSE, ConsoleServer.PASSWORD);
    assertThat(landed.status()).isEqualTo(302);
    assertThat(landed.location()).contains("/live.html?transport=T-42");

    StaffClient other = new StaffClient(server.baseUrl());
    assertThat(other.fetch("/api/board").status()).isEqualTo(401);
    assertThat(other.login(ConsoleServer.NURSE, ConsoleServer.PASSWORD).location()).endsWith("/");

    // an admin is not sent to a clinical page, nor a clinician to the admin page
    StaffClient admin = new StaffClient(server.baseUrl());
    admin.fetch("/live.html?transport=T-42");
    assertThat(admin.login(ConsoleServer.ADMIN, ConsoleServer.PASSWORD).location())
        .endsWith("/admin.html");
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSiteStrict() {
    StaffClient c = new StaffClient(server.baseUrl());
    Answer login = c.login(ConsoleServer.PHYSICIAN, ConsoleServer.PASSWORD);
    List<String> session =
        login.headers("Set-Cookie").stream().filter(h -> h.startsWith("JSESSIONID=")).toList();
    assertThat(session).as("Set-Cookie of the login: %s", login.headers("Set-Cookie")).isNotEmpty();
    for (String h : session) {
      assertThat(h).containsIgnoringCase("; HttpOnly").containsIgnoringCase("SameSite=Strict");
    }
    // the CSRF cookie must be readable by the pages' scripts, which send it back as a header
    assertThat(c.fetch("/api/me").headers("Set-Cookie"))
        .filteredOn(h -> h.startsWith("XSRF-TOKEN="))
        .allSatisfy(h -> assertThat(h).doesNotContainIgnoringCase("HttpOnly"));
  }

  @Test
  void theSessionIdChangesAtLogin() {
    StaffClient c = new StaffClient(server.baseUrl());
    c.fetch("/"); // an anonymous visit that is remembered for after the login
    String before = c.cookie("JSESSIONID").orElse("");
    c.login(ConsoleServer.PHYSICIAN, ConsoleServer.PASSWORD);
    assertThat(c.cookie("JSESSIONID")).isPresent().get().isNotEqualTo(before);
  }

  @Test
  void aPostWithoutTheCsrfTokenIsRefused() {
    StaffClient nurse = StaffClient.loggedIn(server, ConsoleServer.NURSE);
    Answer a = nurse.postWithoutCsrf("/api/transports/any/alarms/any/ack", null);
    assertThat(a.status()).as("%s", a).isEqualTo(403);
    Answer wrong =
        nurse.send(
            nurse
                .request("/api/transports/any/alarms/any/ack")
                .header("X-XSRF-TOKEN", "forged")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(wrong.status()).as("%s", wrong).isEqualTo(403);
    // with the token the same request reaches the application (no such transport: 404)
    assertThat(nurse.post("/api/transports/any/alarms/any/ack", null).status()).isEqualTo(404);

    StaffClient admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
    Answer create =
        admin.postWithoutCsrf(
            "/api/admin/users",
            "{\"username\":\"mallory\",\"password\":\"long enough password\",\"role\":\"admin\"}");
    assertThat(create.status()).as("%s", create).isEqualTo(403);
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM staff_user WHERE username = 'mallory'"))
        .isZero();
  }

  @Test
  void aLoginFormWithoutTheCsrfTokenIsRefused() {
    StaffClient c = new StaffClient(server.baseUrl());
    c.fetch("/login.html");
    Answer a =
        c.postForm(
            "/login", Map.of("username", ConsoleServer.NURSE, "password", ConsoleServer.PASSWORD));
    assertThat(a.status()).as("%s", a).isEqualTo(403);
    assertThat(c.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void pagesCarryContentSecurityPolicyAndFrameOptions() {
    StaffClient physician = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
    for (Answer a :
        List.of(
            new StaffClient(server.baseUrl()).fetch("/login.html"),
            physician.fetch("/"),
            physician.get("/api/me"))) {
      String csp = a.header("Content-Security-Policy").orElse("");
      assertThat(csp).as("%s", a).contains("default-src 'self'").contains("frame-ancestors 'none'");
      assertThat(csp).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
      assertThat(a.header("X-Frame-Options")).hasValue("DENY");
      assertThat(a.header("X-Content-Type-Options")).hasValue("nosniff");
    }
  }

  @Test
  void anonymousVisitorsGet401OnTheApiAndTheLoginPageOtherwise() {
    StaffClient anonymous = new StaffClient(server.baseUrl());
    for (String path : List.of("/api/board", "/api/me", "/api/transports/x", "/api/admin/audit")) {
      assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
    }
    for (String path : List.of("/", "/index.html", "/live.html", "/admin.html")) {
      Answer a = anonymous.fetch(path);
      assertThat(a.status()).as(path).isEqualTo(302);
      assertThat(a.location()).as(path).endsWith("/login.html");
    }
    assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/actuator/prometheus").status()).isIn(401, 302, 403);
  }

  @Test
  void passwordsAreStoredAsBcryptHashesOnly() {
    List<Map<String, Object>> rows =
        ConsoleDatabase.rows(server, "SELECT username, password_hash FROM staff_user");
    assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
    for (Map<String, Object> r : rows) {
      String hash = (String) r.get("password_hash");
      assertThat(hash).as("%s", r.get("username")).matches("\\$2[ab]\\$1[0-9]\\$[./A-Za-z0-9]{53}");
      assertThat(hash).doesNotContain(ConsoleServer.PASSWORD);
    }
    assertThat(rows).extracting(r -> r.get("password_hash")).doesNotHaveDuplicates();
  }

  @Test
  void aLogoutEndsTheSessionAndIsAudited() {
    StaffClient c = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
    assertThat(c.get("/api/me").status()).isEqualTo(200);
    long before = audited("LOGOUT", ConsoleServer.PHYSICIAN);
    Answer out = c.post("/logout", null);
    assertThat(out.status()).as("%s", out).isEqualTo(302);
    assertThat(out.location()).endsWith("/login.html?logout");
    assertThat(c.get("/api/me").status()).isEqualTo(401);
    assertThat(audited("LOGOUT", ConsoleServer.PHYSICIAN)).isEqualTo(before + 1);
  }

  private static long audited(String action, String actor) {
    return ConsoleDatabase.count(
        server, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor = ?", action, actor);
  }
}
