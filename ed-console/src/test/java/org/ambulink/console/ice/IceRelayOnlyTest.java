package org.ambulink.console.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.StaffClient;
import org.ambulink.testsupport.CoturnServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Relay-only mode and a short credential lifetime against real coturn; and the console refusing to
 * start with TURN servers but no secret.
 */
class IceRelayOnlyTest {

  @Test
  void relayOnlyWithShortLivedCredentialsThatCoturnRefusesOnceExpired() throws Exception {
    String secret = CoturnServer.randomSecret();
    try (CoturnServer turn = CoturnServer.start(secret);
        ConsoleServer console =
            ConsoleServer.builder()
                .property("ambulink.console.ice.turn-urls", turn.url())
                .property("ambulink.console.ice.turn-secret", secret)
                .property("ambulink.console.ice.relay-only", "true")
                .property("ambulink.console.ice.credential-ttl", "5s")
                .start()) {
      JsonNode body = StaffClient.loggedIn(console, ConsoleServer.PHYSICIAN).ok("/api/ice-servers");
      assertThat(body.get("iceTransportPolicy").asString()).isEqualTo("relay");
      assertThat(body.get("iceServers").size()).as("no STUN configured: TURN only").isEqualTo(1);
      JsonNode entry = body.get("iceServers").get(0);
      String username = entry.get("username").asString();
      String credential = entry.get("credential").asString();
      Instant expiresAt = Instant.parse(body.get("expiresAt").asString());
      assertThat(expiresAt).isBetween(Instant.now(), Instant.now().plusSeconds(6));

      CoturnServer.ClientRun fresh = turn.allocate(username, credential);
      assertThat(fresh.allocated()).as("before the expiry: %s", fresh).isTrue();

      long wait = expiresAt.plusMillis(1500).toEpochMilli() - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      CoturnServer.ClientRun late = turn.allocate(username, credential);
      assertThat(late.refused()).as("after the expiry: %s", late).isTrue();
    }
  }

  @Test
  void turnUrlsWithoutTheSecretStopTheStart() {
    assertThatThrownBy(
            () ->
                ConsoleServer.builder()
                    .property("ambulink.console.ice.turn-urls", "turn:127.0.0.1:3478")
                    .start()
                    .close())
        .satisfies(
            e -> {
              Throwable root = e;
              StringBuilder messages = new StringBuilder();
              while (root != null) {
                messages.append(root.getMessage()).append('\n');
                root = root.getCause();
              }
              assertThat(messages.toString()).contains(IceServers.SECRET_VARIABLE);
            });
  }
}
