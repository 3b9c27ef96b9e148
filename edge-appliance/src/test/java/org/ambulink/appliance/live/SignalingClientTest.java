package org.ambulink.appliance.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ambulink.appliance.live.SignalingClient.State;
import org.ambulink.appliance.live.SignalingTestServer.Handshake;
import org.ambulink.appliance.live.SignalingTestServer.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SignalingClient} against a real WebSocket server on a loopback port ({@link
 * SignalingTestServer}): the token in the upgrade, messages both ways, reconnecting on its own
 * after a close, an outage, a silent socket (no pongs) and a refused upgrade, the backoff growing,
 * and {@code close()} stopping it. Short settings; events are waited for, never timed.
 */
class SignalingClientTest {
  static final String TOKEN = "device-token-42";
  static final long WAIT_S = 10;
  static final LiveProperties.Signaling FAST =
      new LiveProperties.Signaling(
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          Duration.ofMillis(200),
          Duration.ofMillis(600),
          Duration.ofSeconds(5));

  ScheduledExecutorService timer;
  SignalingTestServer server;
  SignalingClient client;
  Events events;
  URI uri;

  /** What the client told its listener, with its state and last error at that moment. */
  static final class Events implements SignalingClient.Listener {
    record Closed(String reason, State state, String lastError) {}

    final BlockingQueue<State> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Closed> closed = new LinkedBlockingQueue<>();
    volatile SignalingClient client;

    @Override
    public void opened() {
      opened.add(client.state());
    }

    @Override
    public void message(String text) {
      messages.add(text);
    }

    @Override
    public void closed(String reason) {
      closed.add(new Closed(reason, client.state(), client.lastError()));
    }

    /** Waits for a close whose reason contains {@code text}, skipping others. */
    Closed closedWith(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      while (System.nanoTime() < deadline) {
        Closed c = closed.poll(100, TimeUnit.MILLISECONDS);
        if (c != null && c.reason().contains(text)) {
          return c;
        }
      }
      throw new AssertionError("no close with \"" + text + "\" within " + WAIT_S + " s");
    }
  }

  @BeforeEach
  void setUp() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "signaling-test-timer");
              t.setDaemon(true);
              return t;
            });
    events = new Events();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    timer.shutdownNow();
    assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    if (server != null) {
      server.close();
    }
  }

  void startClient(SignalingTestServer s, LiveProperties.Signaling settings) {
    uri = URI.create("ws://127.0.0.1:" + s.port() + "/api/appliance/signal");
    client = new SignalingClient(uri, TOKEN, settings, events, timer);
    events.client = client;
    client.start();
  }

  Handshake handshake() throws InterruptedException {
    Handshake h = server.handshakes.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(h).as("a handshake").isNotNull();
    return h;
  }

  void awaitOpened() throws InterruptedException {
    assertThat(events.opened.poll(WAIT_S, TimeUnit.SECONDS))
        .as("opened(), in state")
        .isEqualTo(State.CONNECTED);
  }

  @Test
  void connectsWithTheTokenAndCarriesMessagesBothWays() throws Exception {
    server = SignalingTestServer.start(Mode.NORMAL, 0);
    startClient(server, FAST);

    Handshake h = handshake();
    assertThat(h.path()).isEqualTo("/api/appliance/signal");
    assertThat(h.headers())
        .containsEntry("Authorization", "Bearer " + TOKEN)
        .containsEntry("Upgrade", "websocket")
        .containsEntry("Sec-WebSocket-Version", "13");
    awaitOpened();
    assertThat(client.state()).isEqualTo(State.CONNECTED);
    assertThat(client.lastError()).isEmpty();

    server.sendText("{\"type\":\"watch\",\"viewer\":\"v1\"}");
    assertThat(events.messages.poll(WAIT_S, TimeUnit.SECONDS))
        .isEqualTo("{\"type\":\"watch\",\"viewer\":\"v1\"}");

    assertThat(client.send("{\"type\":\"offer\",\"sdp\":\"v=0\"}")).isTrue();
    assertThat(server.texts.poll(WAIT_S, TimeUnit.SECONDS))
        .isEqualTo("{\"type\":\"offer\",\"sdp\":\"v=0\"}");

    // answered pings keep it open well past the pong timeout
    assertThat(events.closed.poll(1500, TimeUnit.MILLISECONDS)).isNull();
    assertThat(server.pings.get()).isPositive();
    assertThat(server.handshakes).isEmpty();
    assertThat(client.state()).isEqualTo(State.CONNECTED);
  }

  @Test
  void reconnectsAfterTheServerClosesTheSocket() throws Exception {
    server = SignalingTestServer.start(Mode.NORMAL, 0);
    startClient(server, FAST);
    handshake();
    awaitOpened();

    server.sendClose(1001, "console restarting");
    Events.Closed c = events.closedWith("closed the socket");
    assertThat(c.reason()).contains("1001", "console restarting");
    assertThat(c.state()).isEqualTo(State.RECONNECTING);

    Handshake again = handshake();
    assertThat(again.headers()).containsEntry("Authorization", "Bearer " + TOKEN);
    awaitOpened();
    assertThat(client.send("after")).isTrue();
    assertThat(server.texts.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("after");
  }

  @Test
  void retriesWhileTheServerIsDownAndReconnectsWhenItIsBack() throws Exception {
    server = SignalingTestServer.start(Mode.NORMAL, 0);
    int port = server.port();
    startClient(server, FAST);
    handshake();
    awaitOpened();

    server.close();
    events.closedWith(""); // the open socket is lost
    for (int i = 0; i < 3; i++) { // refused attempts, each retried
      Events.Closed c = events.closedWith("cannot connect");
      assertThat(c.state()).isEqualTo(State.RECONNECTING);
      assertThat(c.lastError()).contains(uri.toString());
    }
    assertThat(client.send("lost")).isFalse();

    server = SignalingTestServer.start(Mode.NORMAL, port);
    handshake();
    awaitOpened();
    assertThat(client.state()).isEqualTo(State.CONNECTED);
    assertThat(client.lastError()).isEmpty();
  }

  @Test
  void replacesASocketThatStopsAnsweringPings() throws Exception {
    server = SignalingTestServer.start(Mode.NO_PONG, 0);
    startClient(server, FAST);
    handshake();
    awaitOpened();

    Events.Closed c = events.closedWith("no answer to pings");
    assertThat(c.lastError()).contains("pings", "0.6 s");
    assertThat(c.state()).isEqualTo(State.RECONNECTING);
    assertThat(server.pings.get()).isPositive();

    handshake(); // a new socket
    awaitOpened();
  }

  @Test
  void backoffGrowsWhileTheUpgradeIsRefused() throws Exception {
    server = SignalingTestServer.start(Mode.UNAUTHORIZED, 0);
    // 200 ms doubling to 1.6 s: gaps ~200, 400, 800, 1600, 1600 ms, each ±25 %
    startClient(
        server,
        new LiveProperties.Signaling(
            Duration.ofMillis(200),
            Duration.ofMillis(1600),
            Duration.ofMillis(200),
            Duration.ofMillis(600),
            Duration.ofSeconds(5)));

    List<Long> at = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      at.add(handshake().nanos());
      assertThat(client.send("nobody listens")).isFalse();
    }
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < at.size(); i++) {
      gaps.add(at.get(i) - at.get(i - 1));
    }
    // the 5th wait is nominally 8x the 1st; jitter alone allows 4.8x
    assertThat(gaps.get(4)).as("gaps (ns) %s", gaps).isGreaterThan(gaps.get(0) * 3 / 2);
    assertThat(gaps.get(3)).as("gaps (ns) %s", gaps).isGreaterThan(gaps.get(0) * 3 / 2);

    Events.Closed c = events.closedWith("cannot connect");
    assertThat(c.state()).isEqualTo(State.RECONNECTING);
    assertThat(c.lastError()).contains(uri.toString(), "401");
    assertThat(events.opened).isEmpty();
  }

  @Test
  void closeWhileConnectedSaysGoodbyeAndStops() throws Exception {
    server = SignalingTestServer.start(Mode.NORMAL, 0);
    startClient(server, FAST);
    handshake();
    awaitOpened();

    client.close();
    assertThat(client.state()).isEqualTo(State.CLOSED);
    assertThat(server.closes.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(client.send("late")).isFalse();

    assertThat(server.handshakes.poll(2, TimeUnit.SECONDS)).as("a handshake after close").isNull();
    assertThat(client.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void closeWhileReconnectingStopsTheRetries() throws Exception {
    server = SignalingTestServer.start(Mode.NORMAL, 0);
    int port = server.port();
    startClient(server, FAST);
    handshake();
    awaitOpened();
    server.close();
    events.closedWith("cannot connect");

    client.close();
    assertThat(client.state()).isEqualTo(State.CLOSED);
    server = SignalingTestServer.start(Mode.NORMAL, port);
    assertThat(server.handshakes.poll(2, TimeUnit.SECONDS)).as("a handshake after close").isNull();
    assertThat(client.state()).isEqualTo(State.CLOSED);
    assertThat(events.opened).isEmpty();
  }
}
