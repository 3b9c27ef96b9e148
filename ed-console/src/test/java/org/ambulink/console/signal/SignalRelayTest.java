package org.ambulink.console.signal;

import static org.ambulink.console.signal.SignalClient.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.console.devices.DeviceRegistry;
import org.ambulink.console.testing.ApplianceClient;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.Events;
import org.ambulink.console.testing.StaffClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The signaling relay of a real console (docs/webrtc.md, "Signaling"), with real WebSocket clients
 * as appliances and viewers. Every test has appliances and transports of its own, so no test sees
 * another's sockets.
 */
class SignalRelayTest {
  private static final AtomicInteger NEXT = new AtomicInteger();

  private static ConsoleServer console;
  private static StaffClient physician;
  private static StaffClient nurse;
  private static StaffClient otherEd;
  private static StaffClient admin;

  @BeforeAll
  static void start() {
    console = ConsoleServer.start();
    physician = StaffClient.loggedIn(console, ConsoleServer.PHYSICIAN);
    nurse = StaffClient.loggedIn(console, ConsoleServer.NURSE);
    otherEd = StaffClient.loggedIn(console, ConsoleServer.OTHER_ED_PHYSICIAN);
    admin = StaffClient.loggedIn(console, ConsoleServer.ADMIN);
  }

  @AfterAll
  static void stop() {
    if (console != null) {
      console.close();
    }
  }

  /** An appliance registered for one test, with its token. */
  record Device(String id, String token) {
    /** A transport of this appliance heading to {@code ed}: its id. */
    String transport(String ed) {
      String t = "T-" + id + "-" + NEXT.incrementAndGet();
      new ApplianceClient(console.baseUrl(), id, token)
          .sendAccepted(0, List.of(Events.transport(t + "/1", t, Instant.now(), "STARTED", ed)));
      return t;
    }

    SignalClient connect() {
      return SignalClient.appliance(console, token);
    }
  }

  private static Device device() {
    String id = "medic-s" + NEXT.incrementAndGet();
    return new Device(id, console.bean(DeviceRegistry.class).register(id, "signal test"));
  }

  /**
   * Watches a transport: the viewer id. When the appliance is connected, the viewer learns it
   * either in the answer or right after it (the appliance's socket may still be opening on the
   * console).
   */
  private static String watch(SignalClient viewer, String transportId, boolean applianceOnline) {
    viewer.send(object("type", "watch", "transportId", transportId));
    JsonNode w = viewer.next("watching");
    assertThat(w.propertyNames())
        .containsExactlyInAnyOrder("type", "transportId", "viewerId", "appliance");
    assertThat(w.get("transportId").asString()).isEqualTo(transportId);
    String viewerId = w.get("viewerId").asString();
    assertThat(viewerId).matches("[A-Za-z0-9_-]{22}");
    if (!applianceOnline) {
      assertThat(w.get("appliance").asString()).isEqualTo("offline");
    } else if (w.get("appliance").asString().equals("offline")) {
      expectApplianceState(viewer, "online");
    } else {
      assertThat(w.get("appliance").asString()).isEqualTo("online");
    }
    return viewerId;
  }

  private static void expectApplianceState(SignalClient viewer, String state) {
    JsonNode a = viewer.next("appliance");
    assertThat(a).isEqualTo(object("type", "appliance", "state", state));
  }

  private static void expectJoined(SignalClient appliance, String viewerId, String transportId) {
    assertThat(appliance.next())
        .isEqualTo(
            object("type", "viewer-joined", "viewerId", viewerId, "transportId", transportId));
  }

  private static ObjectNode offer(String viewerId, String session, String sdp) {
    return object("type", "offer", "viewerId", viewerId, "session", session, "sdp", sdp);
  }

  private static ObjectNode candidate(String viewerId, String line) {
    ObjectNode c = object("type", "candidate");
    if (viewerId != null) {
      c.put("viewerId", viewerId);
    }
    ObjectNode inner = c.putObject("candidate");
    inner.put("candidate", line);
    inner.put("sdpMid", "0");
    inner.put("sdpMLineIndex", 0);
    return c;
  }

  @Test
  void offersGoToTheViewerAndAnswersAndCandidatesToTheApplianceWithTheViewersId() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient appliance = d.connect();
        SignalClient viewer = SignalClient.viewer(console, physician)) {
      String v = watch(viewer, t, true);
      expectJoined(appliance, v, t);

      ObjectNode offer = offer(v, "s1", "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n");
      appliance.send(offer);
      assertThat(viewer.next()).as("the offer, unchanged").isEqualTo(offer);
      ObjectNode applianceCandidate =
          candidate(v, "candidate:1 1 udp 2113937151 10.0.0.1 5000 typ host");
      appliance.send(applianceCandidate);
      assertThat(viewer.next()).isEqualTo(applianceCandidate);

      // a viewerId the viewer sends is replaced by its own
      viewer.send(object("type", "answer", "viewerId", "someone-else", "sdp", "v=0\r\nanswer\r\n"));
      assertThat(appliance.next())
          .isEqualTo(object("type", "answer", "viewerId", v, "sdp", "v=0\r\nanswer\r\n"));
      viewer.send(candidate(null, "candidate:2 1 udp 1 10.0.0.2 6000 typ host"));
      assertThat(appliance.next())
          .isEqualTo(candidate(v, "candidate:2 1 udp 1 10.0.0.2 6000 typ host"));
      viewer.send(candidate("forged", ""));
      assertThat(appliance.next()).as("end of candidates").isEqualTo(candidate(v, ""));
      viewer.send(object("type", "restart"));
      assertThat(appliance.next()).isEqualTo(object("type", "restart", "viewerId", v));

      ObjectNode bye = object("type", "bye", "viewerId", v, "reason", "restarting");
      appliance.send(bye);
      assertThat(viewer.next()).isEqualTo(bye);
    }
  }

  @Test
  void twoViewersOfOneTransportEachGetOnlyTheirOwnMessages() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient appliance = d.connect();
        SignalClient a = SignalClient.viewer(console, physician);
        SignalClient b = SignalClient.viewer(console, nurse)) {
      String va = watch(a, t, true);
      expectJoined(appliance, va, t);
      String vb = watch(b, t, true);
      expectJoined(appliance, vb, t);
      assertThat(va).isNotEqualTo(vb);

      appliance.send(offer(va, "sa", "sdp-for-a"));
      appliance.send(offer(vb, "sb", "sdp-for-b"));
      appliance.send(candidate(va, "cand-a"));
      appliance.send(candidate(vb, "cand-b"));
      // per socket in order: anything meant for the other would show up in between
      assertThat(a.next()).isEqualTo(offer(va, "sa", "sdp-for-a"));
      assertThat(a.next()).isEqualTo(candidate(va, "cand-a"));
      assertThat(b.next()).isEqualTo(offer(vb, "sb", "sdp-for-b"));
      assertThat(b.next()).isEqualTo(candidate(vb, "cand-b"));

      b.send(object("type", "answer", "sdp", "answer-b"));
      assertThat(appliance.next())
          .isEqualTo(object("type", "answer", "viewerId", vb, "sdp", "answer-b"));
      a.send(object("type", "answer", "sdp", "answer-a"));
      assertThat(appliance.next())
          .isEqualTo(object("type", "answer", "viewerId", va, "sdp", "answer-a"));
    }
  }

  @Test
  void onlyStaffOfTheDestinationEdMayWatch() {
    Device d = device();
    String ours = d.transport(ConsoleServer.ED);
    String theirs = d.transport(ConsoleServer.OTHER_ED);
    try (SignalClient viewer = SignalClient.viewer(console, otherEd)) {
      viewer.send(object("type", "watch", "transportId", ours));
      assertThat(viewer.error()).isEqualTo("transport '" + ours + "' is not one you may watch");
      viewer.send(object("type", "watch", "transportId", "T-no-such-transport"));
      assertThat(viewer.error())
          .isEqualTo("transport 'T-no-such-transport' is not one you may watch");
      // the socket still works: a transport heading to this viewer's ED
      watch(viewer, theirs, false);
    }
  }

  @Test
  void aViewerMaySendOnlyViewerMessagesAndNothingButWatchFirst() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient viewer = SignalClient.viewer(console, physician)) {
      viewer.send(object("type", "answer", "sdp", "x"));
      assertThat(viewer.error()).isEqualTo("send 'watch' first, not 'answer'");
      viewer.send(object("type", "restart"));
      assertThat(viewer.error()).isEqualTo("send 'watch' first, not 'restart'");
      String v = watch(viewer, t, false);
      viewer.send(offer(v, "s", "sdp"));
      assertThat(viewer.error()).isEqualTo("a viewer may not send 'offer'");
      viewer.send(object("type", "viewer-joined", "viewerId", v, "transportId", t));
      assertThat(viewer.error()).isEqualTo("a viewer may not send 'viewer-joined'");
      viewer.send(object("type", "bye", "viewerId", v, "reason", "x"));
      assertThat(viewer.error()).isEqualTo("a viewer may not send 'bye'");
      viewer.send(object("type", "watch", "transportId", t));
      assertThat(viewer.error())
          .isEqualTo("already watching transport '" + t + "': one watch per socket");
    }
  }

  @Test
  void anApplianceReachesOnlyViewersOfItsOwnTransports() {
    Device d1 = device();
    Device d2 = device();
    String t2 = d2.transport(ConsoleServer.ED);
    try (SignalClient a1 = d1.connect();
        SignalClient viewer = SignalClient.viewer(console, physician)) {
      String v2 = watch(viewer, t2, false);
      a1.send(offer(v2, "s", "SECRET-SDP-CONTENTS"));
      String reason = a1.error();
      assertThat(reason)
          .isEqualTo("viewer '" + v2 + "' is not watching a transport of this appliance");
      a1.send(candidate(v2, "SECRET-CANDIDATE"));
      assertThat(a1.error()).isEqualTo(reason);
      a1.send(object("type", "bye", "viewerId", v2, "reason", "x"));
      assertThat(a1.error()).isEqualTo(reason);
      a1.send(offer("no-such-viewer", "s", "sdp"));
      assertThat(a1.error())
          .isEqualTo("viewer 'no-such-viewer' is not watching a transport of this appliance");
      a1.send(object("type", "answer", "viewerId", v2, "sdp", "x"));
      assertThat(a1.error()).isEqualTo("an appliance may not send 'answer'");
      a1.send(object("type", "watch", "transportId", t2));
      assertThat(a1.error()).isEqualTo("an appliance may not send 'watch'");

      // nothing reached the viewer: the next thing it hears is its own appliance coming online
      try (SignalClient a2 = d2.connect()) {
        expectApplianceState(viewer, "online");
        expectJoined(a2, v2, t2);
        a2.send(offer(v2, "s", "sdp"));
        assertThat(viewer.next()).isEqualTo(offer(v2, "s", "sdp"));
      }
    }
  }

  @Test
  void badMessagesGetAReasonNamingTheValueAndTheSocketStaysUsable() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient appliance = d.connect();
        SignalClient viewer = SignalClient.viewer(console, physician)) {
      viewer.send("{\"type\": \"watch\", ");
      assertThat(viewer.error()).startsWith("not valid JSON: ");
      viewer.send("[1, 2]");
      assertThat(viewer.error()).isEqualTo("a message must be a JSON object, not an array");
      viewer.send("{}");
      assertThat(viewer.error()).isEqualTo("missing 'type'");
      viewer.send("{\"type\": 5}");
      assertThat(viewer.error()).isEqualTo("'type' must be a string, not 5");
      viewer.send(object("type", "dance"));
      assertThat(viewer.error()).isEqualTo("unknown type 'dance'");
      viewer.send(object("type", "watch"));
      assertThat(viewer.error()).isEqualTo("missing 'transportId'");
      viewer.send("{\"type\": \"watch\", \"transportId\": 42}");
      assertThat(viewer.error()).isEqualTo("'transportId' must be a string, not 42");
      viewer.send(object("type", "watch", "transportId", ""));
      assertThat(viewer.error()).isEqualTo("'transportId' must not be empty");
      viewer.sendBinary(new byte[] {1, 2, 3});
      assertThat(viewer.error())
          .isEqualTo("a binary frame (3 bytes) is not accepted: send a JSON object as text");

      String v = watch(viewer, t, true);
      expectJoined(appliance, v, t);
      viewer.send(object("type", "answer"));
      assertThat(viewer.error()).isEqualTo("missing 'sdp'");
      viewer.send("{\"type\": \"answer\", \"sdp\": {\"secret\": \"x\"}}");
      assertThat(viewer.error()).isEqualTo("'sdp' must be a string, not an object");
      viewer.send(object("type", "candidate", "candidate", "candidate:secret"));
      assertThat(viewer.error()).isEqualTo("'candidate' must be an object, not a string");
      ObjectNode badIndex = candidate(null, "candidate:secret");
      ((ObjectNode) badIndex.get("candidate")).put("sdpMLineIndex", -1);
      viewer.send(badIndex);
      assertThat(viewer.error())
          .isEqualTo(
              "'candidate.sdpMLineIndex' must be an integer from 0 to 65535 or null, not -1");

      appliance.send(object("type", "offer", "viewerId", v, "sdp", "x"));
      assertThat(appliance.error()).isEqualTo("missing 'session'");
      appliance.send(
          "{\"type\": \"offer\", \"viewerId\": \"" + v + "\", \"session\": \"s\", \"sdp\": 5}");
      assertThat(appliance.error()).isEqualTo("'sdp' must be a string, not a number");
      appliance.send("{\"type\": \"bye\", \"viewerId\": [\"" + v + "\"], \"reason\": \"x\"}");
      assertThat(appliance.error()).isEqualTo("'viewerId' must be a string, not an array");
      appliance.sendBinary(new byte[70]);
      assertThat(appliance.error())
          .isEqualTo("a binary frame (70 bytes) is not accepted: send a JSON object as text");

      // both sockets still work
      appliance.send(offer(v, "s", "sdp"));
      assertThat(viewer.next()).isEqualTo(offer(v, "s", "sdp"));
      viewer.send(object("type", "answer", "sdp", "a"));
      assertThat(appliance.next()).isEqualTo(object("type", "answer", "viewerId", v, "sdp", "a"));
    }
  }

  @Test
  void aMessageOver64KibClosesTheSocketWith1009() {
    try (SignalClient viewer = SignalClient.viewer(console, physician)) {
      // exactly at the limit: answered, the socket stays
      viewer.send(padded("{\"type\":\"dance\",\"pad\":\"", 'x', 65_536));
      assertThat(viewer.error()).isEqualTo("unknown type 'dance'");
      viewer.send(padded("{\"type\":\"dance\",\"pad\":\"", 'x', 65_537));
      SignalClient.Closed closed = viewer.awaitClosed();
      assertThat(closed.status()).isEqualTo(1009);
      assertThat(closed.reason()).isNotBlank();
    }
    try (SignalClient viewer = SignalClient.viewer(console, physician)) {
      // fewer characters than the limit, but more bytes
      viewer.send(padded("{\"type\":\"dance\",\"pad\":\"", '€', 30_000));
      SignalClient.Closed closed = viewer.awaitClosed();
      assertThat(closed.status()).isEqualTo(1009);
      assertThat(closed.reason()).contains("is over 65536 bytes");
    }
  }

  /** A JSON text of {@code head}, then {@code c} repeated, then {@code "}}: {@code units} long. */
  private static String padded(String head, char c, int units) {
    StringBuilder b = new StringBuilder(head);
    if (c < 0x80) {
      while (b.length() < units - 2) {
        b.append(c);
      }
    } else {
      for (int i = 0; i < units; i++) {
        b.append(c);
      }
    }
    return b.append("\"}").toString();
  }

  @Test
  void twentyErrorsInARowCloseTheSocketWith1008() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient viewer = SignalClient.viewer(console, physician)) {
      for (int i = 0; i < 19; i++) {
        viewer.send("nonsense");
        assertThat(viewer.error()).startsWith("not valid JSON");
      }
      watch(viewer, t, false); // a good message starts the count again
      for (int i = 0; i < 20; i++) {
        viewer.send(object("type", "dance"));
        assertThat(viewer.error()).isEqualTo("unknown type 'dance'");
      }
      SignalClient.Closed closed = viewer.awaitClosed();
      assertThat(closed.status()).isEqualTo(1008);
      assertThat(closed.reason()).isEqualTo("20 errors in a row");
    }
  }

  @Test
  void upgradesNeedTheRightCredentialAndOrigin() {
    Device d = device();
    assertThat(SignalClient.refusedViewer(console, null, console.baseUrl()))
        .as("no login")
        .isEqualTo(401);
    assertThat(SignalClient.refusedViewer(console, admin, console.baseUrl()))
        .as("an administrator is not clinical staff")
        .isEqualTo(403);
    assertThat(SignalClient.refusedViewer(console, physician, "https://evil.example"))
        .as("a page of another origin")
        .isEqualTo(403);
    assertThat(SignalClient.refusedViewer(console, physician, "http://127.0.0.1:1"))
        .as("another port is another origin")
        .isEqualTo(403);
    assertThat(SignalClient.refusedAppliance(console, null)).as("no token").isEqualTo(401);
    assertThat(SignalClient.refusedAppliance(console, "not-a-token-0123456789abcdefghijklmnopqrs"))
        .as("wrong token")
        .isEqualTo(401);
    // the right ones work
    try (SignalClient viewer = SignalClient.viewer(console, nurse);
        SignalClient appliance = d.connect()) {
      viewer.send(object("type", "dance"));
      assertThat(viewer.error()).isEqualTo("unknown type 'dance'");
      appliance.send(object("type", "dance"));
      assertThat(appliance.error()).isEqualTo("unknown type 'dance'");
    }
  }

  @Test
  void anApplianceThatReconnectsLearnsWhoIsWaiting() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient viewer = SignalClient.viewer(console, physician)) {
      String v = watch(viewer, t, false);
      SignalClient first = d.connect();
      expectJoined(first, v, t);
      expectApplianceState(viewer, "online");
      first.close();
      expectApplianceState(viewer, "offline");
      try (SignalClient again = d.connect()) {
        expectJoined(again, v, t);
        expectApplianceState(viewer, "online");
        again.send(offer(v, "s2", "sdp"));
        assertThat(viewer.next()).isEqualTo(offer(v, "s2", "sdp"));
      }
      expectApplianceState(viewer, "offline");
    }
  }

  @Test
  void theApplianceHearsWhenAViewerLeaves() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient appliance = d.connect()) {
      SignalClient viewer = SignalClient.viewer(console, nurse);
      String v = watch(viewer, t, true);
      expectJoined(appliance, v, t);
      viewer.close();
      assertThat(appliance.next()).isEqualTo(object("type", "viewer-left", "viewerId", v));
      appliance.send(offer(v, "s", "sdp"));
      assertThat(appliance.error())
          .isEqualTo("viewer '" + v + "' is not watching a transport of this appliance");
    }
  }

  @Test
  void aSecondSocketOfTheSameApplianceReplacesTheFirst() {
    Device d = device();
    String t = d.transport(ConsoleServer.ED);
    try (SignalClient first = d.connect();
        SignalClient viewer = SignalClient.viewer(console, physician)) {
      String v = watch(viewer, t, true);
      expectJoined(first, v, t);
      try (SignalClient second = d.connect()) {
        SignalClient.Closed closed = first.awaitClosed();
        assertThat(closed.status()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo("replaced by a newer connection");
        expectJoined(second, v, t);
        expectApplianceState(viewer, "online");
        second.send(offer(v, "s", "sdp"));
        assertThat(viewer.next())
            .as("no 'offline' for the replaced socket")
            .isEqualTo(offer(v, "s", "sdp"));
      }
      expectApplianceState(viewer, "offline");
    }
  }
}
