package org.ambulink.console.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.console.testing.Answer;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.StaffClient;
import org.ambulink.testsupport.CoturnServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ICE servers endpoints of a real console, checked against a real TURN server (coturn): the
 * credentials the console hands out are the ones coturn accepts.
 */
class IceServersApiTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final String SECRET = CoturnServer.randomSecret();

  private static CoturnServer turn;
  private static ConsoleServer console;

  @BeforeAll
  static void start() {
    turn = CoturnServer.start(SECRET);
    console =
        ConsoleServer.builder()
            .property("ambulink.console.ice.stun-urls", turn.stunUrl())
            .property("ambulink.console.ice.turn-urls", turn.url())
            .property("ambulink.console.ice.turn-secret", SECRET)
            .property("ambulink.console.ice.credential-ttl", "10m")
            .start();
  }

  @AfterAll
  static void stop() {
    try {
      if (console != null) {
        console.close();
      }
    } finally {
      if (turn != null) {
        turn.close();
      }
    }
  }

  @Test
  void staffGetStunAndTurnWithAnHmacCredential() {
    StaffClient staff = StaffClient.loggedIn(console, ConsoleServer.PHYSICIAN);
    Answer a = staff.get("/api/ice-servers");
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    assertThat(a.header("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    JsonNode body = a.json();
    Instant now = Instant.now();

    assertThat(names(body))
        .containsExactlyInAnyOrder("iceServers", "iceTransportPolicy", "expiresAt");
    assertThat(body.get("iceTransportPolicy").asString()).isEqualTo("all");
    JsonNode servers = body.get("iceServers");
    assertThat(servers.size()).isEqualTo(2);

    JsonNode stun = servers.get(0);
    assertThat(names(stun)).containsExactly("urls");
    assertThat(stun.get("urls").size()).isEqualTo(1);
    assertThat(stun.get("urls").get(0).asString()).isEqualTo(turn.stunUrl());

    JsonNode turnEntry = servers.get(1);
    assertThat(names(turnEntry)).containsExactlyInAnyOrder("urls", "username", "credential");
    assertThat(turnEntry.get("urls").get(0).asString()).isEqualTo(turn.url());
    String username = turnEntry.get("username").asString();
    String credential = turnEntry.get("credential").asString();
    assertThat(username).matches("\\d+:" + ConsoleServer.PHYSICIAN.replace(".", "\\."));
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    assertThat(expiry).isCloseTo(now.plus(TTL).getEpochSecond(), within(5L));
    assertThat(Instant.parse(body.get("expiresAt").asString()))
        .isEqualTo(Instant.ofEpochSecond(expiry));
    // recomputed here, independently of the console's code
    assertThat(credential).isEqualTo(CoturnServer.restPassword(SECRET, username));

    // the real check: coturn accepts exactly what the console handed out
    CoturnServer.ClientRun run = turn.allocate(username, credential);
    assertThat(run.allocated()).as("allocation with the console's credential: %s", run).isTrue();
  }

  @Test
  void appliancesGetACredentialOfTheirOwn() {
    JsonNode body = applianceGet(ConsoleServer.DEVICE_TOKEN);
    JsonNode turnEntry = body.get("iceServers").get(1);
    String username = turnEntry.get("username").asString();
    assertThat(username).matches("\\d+:appliance:" + ConsoleServer.DEVICE_ID);
    assertThat(turnEntry.get("credential").asString())
        .isEqualTo(CoturnServer.restPassword(SECRET, username));
    CoturnServer.ClientRun run = turn.allocate(username, turnEntry.get("credential").asString());
    assertThat(run.allocated()).as("appliance allocation: %s", run).isTrue();
  }

  @Test
  void coturnRefusesAnExpiredOrForgedCredential() {
    JsonNode body = StaffClient.loggedIn(console, ConsoleServer.NURSE).ok("/api/ice-servers");
    String username = body.get("iceServers").get(1).get("username").asString();
    String user = username.substring(username.indexOf(':') + 1);
    // the same scheme, with a past expiry: the secret is right, the time is up
    String expired = (Instant.now().getEpochSecond() - 30) + ":" + user;
    CoturnServer.ClientRun late =
        turn.allocate(expired, CoturnServer.restPassword(SECRET, expired));
    assertThat(late.refused()).as("expired: %s", late).isTrue();
    // a later expiry than the console gave, with its credential: the HMAC no longer matches
    String extended = (Instant.now().getEpochSecond() + 86_400) + ":" + user;
    CoturnServer.ClientRun forged =
        turn.allocate(extended, body.get("iceServers").get(1).get("credential").asString());
    assertThat(forged.refused()).as("forged: %s", forged).isTrue();
  }

  @Test
  void nobodyElseGetsCredentials() throws Exception {
    assertThat(new StaffClient(console.baseUrl()).get("/api/ice-servers").status())
        .as("no login")
        .isEqualTo(401);
    assertThat(StaffClient.loggedIn(console, ConsoleServer.ADMIN).get("/api/ice-servers").status())
        .as("an administrator is not clinical staff")
        .isEqualTo(403);
    assertThat(applianceStatus(null)).as("no token").isEqualTo(401);
    assertThat(applianceStatus("not-a-token-0123456789abcdefghijklmnopqrs"))
        .as("wrong token")
        .isEqualTo(401);
    StaffClient staff = StaffClient.loggedIn(console, ConsoleServer.PHYSICIAN);
    assertThat(staff.get("/api/appliance/ice-servers").status())
        .as("a staff session is not a device token")
        .isEqualTo(401);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }

  private static JsonNode applianceGet(String token) {
    HttpResponse<String> r = applianceRequest(token);
    assertThat(r.statusCode()).as("%s", r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    return JSON.readTree(r.body());
  }

  private static int applianceStatus(String token) {
    return applianceRequest(token).statusCode();
  }

  private static HttpResponse<String> applianceRequest(String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(console.baseUrl() + "/api/appliance/ice-servers"))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json")
            .GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
