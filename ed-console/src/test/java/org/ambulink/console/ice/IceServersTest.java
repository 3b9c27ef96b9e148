package org.ambulink.console.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The credential scheme on its own, against values computed elsewhere. */
class IceServersTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(1_699_996_400L).plusMillis(750), ZoneOffset.UTC);

  private static IceProperties properties(
      List<String> stun, List<String> turn, Duration ttl, boolean relayOnly) {
    return new IceProperties(stun, turn, null, ttl, relayOnly);
  }

  @Test
  void credentialMatchesOpensslsHmac() {
    IceServers ice =
        new IceServers(
            properties(List.of(), List.of("turn:t:3478"), Duration.ofHours(1), false),
            "s3cret",
            CLOCK);
    // printf %s 1700000000:alice | openssl dgst -sha1 -hmac s3cret -binary | base64
    assertThat(ice.credential("1700000000:alice")).isEqualTo("TtElzSjT0GdnTQ9xdcRNxx96yQs=");
  }

  @Test
  void usernameIsExpiryColonUserAndExpiryIsNowPlusTtl() {
    IceServers ice =
        new IceServers(
            properties(
                List.of("stun:s:3478"),
                List.of("turn:t:3478?transport=udp", "turns:t:5349?transport=tcp"),
                Duration.ofSeconds(3600),
                false),
            "s3cret",
            CLOCK);
    IceServers.IceConfiguration c = ice.forStaff("alice");
    assertThat(c.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    assertThat(c.iceTransportPolicy()).isEqualTo("all");
    assertThat(c.iceServers()).hasSize(2);
    assertThat(c.iceServers().get(0).urls()).containsExactly("stun:s:3478");
    assertThat(c.iceServers().get(0).username()).isNull();
    assertThat(c.iceServers().get(0).credential()).isNull();
    IceServers.IceServer turn = c.iceServers().get(1);
    assertThat(turn.urls())
        .containsExactly("turn:t:3478?transport=udp", "turns:t:5349?transport=tcp");
    assertThat(turn.username()).isEqualTo("1700000000:alice");
    assertThat(turn.credential()).isEqualTo("TtElzSjT0GdnTQ9xdcRNxx96yQs=");

    assertThat(ice.forAppliance("medic-12").iceServers().get(1).username())
        .isEqualTo("1700000000:appliance:medic-12");
  }

  @Test
  void stunOnlyAndNothingConfigured() {
    IceServers stunOnly =
        new IceServers(
            properties(List.of("stun:s:3478"), List.of(), Duration.ofHours(1), false),
            (String) null,
            CLOCK);
    assertThat(stunOnly.forStaff("a").iceServers())
        .containsExactly(new IceServers.IceServer(List.of("stun:s:3478"), null, null));
    IceServers none =
        new IceServers(
            properties(List.of(), List.of(), Duration.ofHours(1), false), (String) null, CLOCK);
    assertThat(none.forStaff("a").iceServers()).isEmpty();
    assertThat(none.forStaff("a").iceTransportPolicy()).isEqualTo("all");
  }

  @Test
  void relayOnly() {
    IceServers ice =
        new IceServers(
            properties(List.of(), List.of("turn:t:3478"), Duration.ofHours(1), true), "s", CLOCK);
    assertThat(ice.forStaff("a").iceTransportPolicy()).isEqualTo("relay");
  }

  @Test
  void refusesToStartMisconfigured() {
    assertThatThrownBy(
            () ->
                new IceServers(
                    properties(List.of(), List.of("turn:t:3478"), Duration.ofHours(1), false),
                    (String) null,
                    CLOCK))
        .hasMessageContaining(IceServers.SECRET_VARIABLE);
    assertThatThrownBy(
            () ->
                new IceServers(
                    properties(List.of("stun:s"), List.of(), Duration.ofHours(1), true),
                    (String) null,
                    CLOCK))
        .hasMessageContaining("relay-only");
    assertThatThrownBy(
            () ->
                new IceServers(
                    properties(List.of(), List.of("turn:t"), Duration.ZERO, false), "s", CLOCK))
        .hasMessageContaining("credential-ttl");
  }
}
