package org.ambulink.appliance.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onvoid.webrtc.RTCIceConnectionState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.ambulink.testsupport.Await;
import org.ambulink.testsupport.CoturnServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two {@link RtcPeer}s in this JVM, signaling handed over in memory, ICE only through a real coturn
 * (relay-only, REST-scheme credentials): the only way to connect on a box whose sole interface is
 * loopback, which libwebrtc ignores for host candidates.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RtcPeerRelayTest {
  private static CoturnServer turn;
  private static RtcEngine engine;

  @BeforeAll
  static void start() {
    turn = CoturnServer.start(CoturnServer.randomSecret());
    engine = new RtcEngine();
  }

  @AfterAll
  static void stop() {
    try {
      if (engine != null) {
        engine.close();
      }
    } finally {
      if (turn != null) {
        long pid = turn.pid();
        turn.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      }
    }
  }

  private static List<IceServer> iceServers(String user) {
    CoturnServer.Credential c = turn.credential(user, Duration.ofMinutes(10));
    return List.of(new IceServer(List.of(turn.url()), c.username(), c.password()));
  }

  /** Offer from {@code a}, answer from {@code b}, candidates trickled both ways in memory. */
  private static void connect(RtcPeer a, RtcPeer b) throws Exception {
    SessionDescription offer = a.createOffer().get(10, TimeUnit.SECONDS);
    SessionDescription answer = b.acceptOffer(offer).get(10, TimeUnit.SECONDS);
    a.acceptAnswer(answer).get(10, TimeUnit.SECONDS);
  }

  @Test
  void connectsThroughTheRelayAndCarriesBothChannels() throws Exception {
    ConcurrentLinkedQueue<IceCandidate> aCandidates = new ConcurrentLinkedQueue<>();
    RtcPeer[] peers = new RtcPeer[2];
    // candidates of each side go straight to the other; the other queues them until its remote
    // description is set
    peers[0] =
        new RtcPeer(
            engine,
            iceServers("appliance:a"),
            true,
            c -> {
              aCandidates.add(c);
              peers[1].addRemoteCandidate(c);
            });
    ConcurrentLinkedQueue<IceCandidate> bCandidates = new ConcurrentLinkedQueue<>();
    peers[1] =
        new RtcPeer(
            engine,
            iceServers("viewer:b"),
            true,
            c -> {
              bCandidates.add(c);
              peers[0].addRemoteCandidate(c);
            });
    try (RtcPeer a = peers[0];
        RtcPeer b = peers[1]) {
      connect(a, b);
      a.connected().get(15, TimeUnit.SECONDS);
      b.connected().get(15, TimeUnit.SECONDS);
      // the peer connection's and ICE's state changes are separate callbacks: either may come first
      for (RtcPeer p : List.of(a, b)) {
        Await.until(
            p + " ICE connected",
            Duration.ofSeconds(10),
            () ->
                p.iceConnectionState() == RTCIceConnectionState.CONNECTED
                    || p.iceConnectionState() == RTCIceConnectionState.COMPLETED);
      }
      assertThat(aCandidates).isNotEmpty().allMatch(c -> c.type().equals("relay"));
      assertThat(bCandidates).isNotEmpty().allMatch(c -> c.type().equals("relay"));

      for (RtcChannel ch : List.of(a.ecg(), a.events(), b.ecg(), b.events())) {
        ch.opened().get(10, TimeUnit.SECONDS);
      }

      // reliable, ordered: every message, in order, intact
      int count = 1000;
      ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();
      CountDownLatch all = new CountDownLatch(count);
      b.events()
          .onMessage(
              m -> {
                received.add(m);
                all.countDown();
              });
      for (int i = 0; i < count; i++) {
        a.events().send(message(i, 200 + (i % 7) * 300));
        assertThat(a.events().awaitBufferedAtMost(1 << 20, Duration.ofSeconds(15)))
            .as("the send buffer drains below 1 MiB")
            .isTrue();
      }
      assertThat(all.await(15, TimeUnit.SECONDS))
          .as("%d of %d reliable messages arrived", received.size(), count)
          .isTrue();
      assertThat(a.events().awaitBufferedAtMost(0, Duration.ofSeconds(15)))
          .as("woken as the buffer drains to empty")
          .isTrue();
      assertThat(a.events().bufferedAmount()).isZero();
      int expected = 0;
      for (byte[] m : received) {
        assertThat(sequenceIfIntact(m)).isEqualTo(expected++);
      }

      // unordered, no retransmissions: on loopback most arrive, never more than sent
      int ecgCount = 500;
      AtomicInteger ecgReceived = new AtomicInteger();
      AtomicInteger ecgCorrupt = new AtomicInteger();
      b.ecg()
          .onMessage(
              m -> {
                if (sequenceIfIntact(m) < 0) {
                  ecgCorrupt.incrementAndGet();
                }
                ecgReceived.incrementAndGet();
              });
      byte[] frame = new byte[3016]; // about one 250 ms chunk of 12 leads
      for (int i = 0; i < ecgCount; i++) {
        a.ecg().send(message(i, frame.length));
        if (i % 50 == 49) {
          Thread.sleep(5);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ecgReceived.get() < ecgCount && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(100); // nothing more should come
      assertThat(ecgReceived.get()).isLessThanOrEqualTo(ecgCount).isGreaterThan(ecgCount * 9 / 10);
      assertThat(ecgCorrupt.get()).isZero();

      // and the other way
      CountDownLatch back = new CountDownLatch(1);
      a.events().onMessage(m -> back.countDown());
      b.events().send(message(0, 10));
      assertThat(back.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(peers[0].ecg().isOpen()).isFalse();
    assertThat(peers[1].events().isOpen()).isFalse();
  }

  @Test
  void aWrongTurnCredentialNeverConnects() throws Exception {
    CoturnServer.Credential good = turn.credential("appliance:bad", Duration.ofMinutes(10));
    List<IceServer> wrong =
        List.of(new IceServer(List.of(turn.url()), good.username(), "d3Jvbmc=" + good.password()));
    RtcPeer[] peers = new RtcPeer[2];
    ConcurrentLinkedQueue<IceCandidate> badCandidates = new ConcurrentLinkedQueue<>();
    peers[0] =
        new RtcPeer(
            engine,
            wrong,
            true,
            c -> {
              badCandidates.add(c);
              peers[1].addRemoteCandidate(c);
            });
    peers[1] = new RtcPeer(engine, iceServers("viewer:ok"), true, peers[0]::addRemoteCandidate);
    try (RtcPeer a = peers[0];
        RtcPeer b = peers[1]) {
      connect(a, b);
      assertThatThrownBy(() -> a.connected().get(4, TimeUnit.SECONDS))
          .isInstanceOf(TimeoutException.class);
      assertThat(badCandidates).as("no relay allocated with a wrong credential").isEmpty();
      assertThat(a.iceConnectionState())
          .isNotIn(RTCIceConnectionState.CONNECTED, RTCIceConnectionState.COMPLETED);
      assertThat(b.connected()).isNotDone();
      assertThat(a.events().isOpen()).isFalse();
    }
    assertThat(peers[0].connected()).isCompletedExceptionally();
  }

  /** [sequence int][length int][crc32 long][payload]: payload bytes derived from the sequence. */
  private static byte[] message(int sequence, int size) {
    ByteBuffer b = ByteBuffer.allocate(Math.max(size, 16));
    b.putInt(sequence).putInt(b.capacity()).putLong(0);
    for (int i = 16; i < b.capacity(); i++) {
      b.put((byte) (sequence * 31 + i));
    }
    CRC32 crc = new CRC32();
    crc.update(b.array(), 16, b.capacity() - 16);
    b.putLong(8, crc.getValue());
    return b.array();
  }

  /** The sequence number, or -1 if the length or checksum is wrong. */
  private static int sequenceIfIntact(byte[] m) {
    if (m.length < 16) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(m);
    if (b.getInt(4) != m.length) {
      return -1;
    }
    CRC32 crc = new CRC32();
    crc.update(m, 16, m.length - 16);
    return crc.getValue() == b.getLong(8) ? b.getInt(0) : -1;
  }
}
