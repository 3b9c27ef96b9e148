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
 * Password guessing: a wrong password is refused and audited; after {@code login-max-failures}
 * failures even the right one is refused without being checked. The lockout also counts per address
 * and every test request comes from 127.0.0.1, so the whole story is one test on a console of its
 * own.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LoginLockoutTest {
  @Parameter Backend backend;
  static ConsoleServer server;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server =
        backend.console("lockout").property("ambulink.console.login-max-failures", "3").start();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void wrongPasswordsAreRefusedAndAuditedThenEvenTheRightOneIsRefused() {
    StaffClient c = new StaffClient(server.baseUrl());
    for (int i = 1; i <= 3; i++) {
      Answer a = c.login(ConsoleServer.NURSE, "wrong password " + i);
      assertThat(a.status()).as("attempt %d: %s", i, a).isEqualTo(302);
      assertThat(a.location()).as("attempt %d", i).endsWith("/login.html?error");
      assertThat(c.get("/api/me").status()).isEqualTo(401);
    }
    List<Map<String, Object>> failed =
        ConsoleDatabase.rows(
            server,
            "SELECT actor, target, address, details FROM audit_log WHERE action = 'LOGIN_FAILED'"
                + " ORDER BY id");
    assertThat(failed).hasSize(3);
    assertThat(failed)
        .allSatisfy(
            r -> {
              assertThat(r.get("actor")).isEqualTo(ConsoleServer.NURSE);
              assertThat(r.get("address")).isEqualTo("127.0.0.1");
              assertThat(r.get("details")).asString().doesNotContain("wrong password");
            });

    Answer locked = c.login(ConsoleServer.NURSE, ConsoleServer.PASSWORD);
    assertThat(locked.status()).as("%s", locked).isEqualTo(302);
    assertThat(locked.location()).contains("/login.html?locked=");
    assertThat(Integer.parseInt(locked.location().replaceAll(".*locked=", ""))).isBetween(1, 15);
    assertThat(c.get("/api/me").status()).isEqualTo(401);

    // the address is locked too: another account from it is refused without a password check
    Answer other =
        new StaffClient(server.baseUrl()).login(ConsoleServer.PHYSICIAN, ConsoleServer.PASSWORD);
    assertThat(other.location()).contains("/login.html?locked=");

    List<Map<String, Object>> lockedRows =
        ConsoleDatabase.rows(
            server,
            "SELECT actor, address FROM audit_log WHERE action = 'LOGIN_LOCKED' ORDER BY id");
    assertThat(lockedRows)
        .extracting(r -> r.get("actor") + "@" + r.get("address"))
        .containsExactly(
            ConsoleServer.NURSE + "@127.0.0.1", ConsoleServer.PHYSICIAN + "@127.0.0.1");
    assertThat(
            ConsoleDatabase.count(server, "SELECT COUNT(*) FROM audit_log WHERE action = 'LOGIN'"))
        .isZero();
    assertThat(
            ConsoleDatabase.count(
                server, "SELECT COUNT(*) FROM audit_log WHERE action = 'LOGIN_FAILED'"))
        .as("a refused attempt is not a failed password check")
        .isEqualTo(3);
  }
}
