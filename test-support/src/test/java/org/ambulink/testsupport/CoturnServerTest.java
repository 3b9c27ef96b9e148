package org.ambulink.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CoturnServerTest {

  @Test
  void allocatesWithRestCredentialsRefusesWrongOnesAndStopsWithoutATrace() {
    String secret = CoturnServer.randomSecret();
    long pid;
    Path dir;
    try (CoturnServer turn = CoturnServer.start(secret)) {
      pid = turn.pid();
      dir = turn.dir();
      assertThat(turn.isAlive()).isTrue();
      assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()))
          .as("the PID held is the server's, not a wrapper's")
          .hasValueSatisfying(c -> assertThat(c).endsWith("/turnserver"));
      assertThat(turn.host()).isEqualTo("127.0.0.1");
      assertThat(turn.url()).isEqualTo("turn:127.0.0.1:" + turn.port() + "?transport=udp");

      // the REST scheme, computed here by hand: username "<expiry>:<user>"
      String username = (Instant.now().getEpochSecond() + 600) + ":dr.house";
      String password = CoturnServer.restPassword(secret, username);
      CoturnServer.ClientRun ok = turn.allocate(username, password);
      assertThat(ok.allocated()).as("allocation with valid credentials: %s", ok).isTrue();
      assertThat(ok.exitCode()).isZero();
      assertThat(ok.received()).isPositive();

      CoturnServer.ClientRun wrong = turn.allocate(username, password + "x");
      assertThat(wrong.allocated()).as("allocation with a wrong password: %s", wrong).isFalse();
      assertThat(wrong.refused()).as("refused: %s", wrong).isTrue();
      assertThat(wrong.exitCode()).isNotZero();

      CoturnServer.ClientRun otherSecret =
          turn.allocate(username, CoturnServer.restPassword("not-the-secret", username));
      assertThat(otherSecret.refused()).as("another secret's password: %s", otherSecret).isTrue();

      String expired = (Instant.now().getEpochSecond() - 60) + ":dr.house";
      CoturnServer.ClientRun late =
          turn.allocate(expired, CoturnServer.restPassword(secret, expired));
      assertThat(late.refused()).as("an expired username: %s", late).isTrue();

      CoturnServer.Credential c = turn.credential("appliance:medic-12", Duration.ofMinutes(5));
      assertThat(turn.allocate(c.username(), c.password()).allocated()).isTrue();
      assertThat(turn.isAlive()).as("still running after the clients: %s", turn.log()).isTrue();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("turnserver pid %d gone", pid)
        .isFalse();
    assertThat(Files.exists(dir)).as("folder %s deleted", dir).isFalse();
  }

  @Test
  void twoServersRunSideBySideOnTheirOwnPorts() {
    try (CoturnServer a = CoturnServer.start("secret-a");
        CoturnServer b = CoturnServer.start("secret-b")) {
      assertThat(a.port()).isNotEqualTo(b.port());
      CoturnServer.Credential forA = a.credential("u", Duration.ofMinutes(1));
      assertThat(a.allocate(forA.username(), forA.password()).allocated()).isTrue();
      assertThat(b.allocate(forA.username(), forA.password()).refused())
          .as("a's credentials at b")
          .isTrue();
    }
  }
}
