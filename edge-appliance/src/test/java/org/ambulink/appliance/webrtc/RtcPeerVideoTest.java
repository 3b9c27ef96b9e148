package org.ambulink.appliance.webrtc;

import static org.ambulink.appliance.webrtc.VideoFeedTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onvoid.webrtc.media.video.I420Buffer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.ambulink.testsupport.CoturnServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The synthetic dash-camera video from one {@link RtcPeer} to another in this JVM, through a real
 * coturn in relay-only mode (the setup of {@link RtcPeerRelayTest}): the answerer decodes frames of
 * the configured size, more keep coming, and their content changes (the clock and the sweeping
 * bar).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RtcPeerVideoTest {
  private static final int WIDTH = 320;
  private static final int HEIGHT = 180;
  private static final int FPS = 15;

  private CoturnServer turn;
  private RtcEngine engine;
  private VideoFeed feed;
  private final RtcPeer[] peers = new RtcPeer[2];

  /** The last decoded frame the answerer saw. */
  private record Seen(long count, int width, int height, long lumaCrc) {}

  @BeforeEach
  void start() {
    turn = CoturnServer.start(CoturnServer.randomSecret());
    engine = new RtcEngine();
  }

  @AfterEach
  void stop() {
    // peers first (they hold the track), then the feed, then the engine, then coturn
    try {
      for (RtcPeer p : peers) {
        if (p != null) {
          p.close();
        }
      }
      if (feed != null) {
        feed.close();
      }
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

  private List<IceServer> iceServers(String user) {
    CoturnServer.Credential c = turn.credential(user, Duration.ofMinutes(10));
    return List.of(new IceServer(List.of(turn.url()), c.username(), c.password()));
  }

  @Test
  void theAnswererDecodesTheLiveSyntheticVideo() throws Exception {
    VideoSettings settings = VideoSettings.synthetic(WIDTH, HEIGHT, FPS, 300_000);
    feed = VideoFeed.open(engine, settings);
    peers[0] =
        new RtcPeer(
            engine, iceServers("appliance:video"), true, c -> peers[1].addRemoteCandidate(c));
    peers[1] =
        new RtcPeer(engine, iceServers("viewer:video"), true, c -> peers[0].addRemoteCandidate(c));
    RtcPeer appliance = peers[0];
    RtcPeer viewer = peers[1];

    AtomicLong frames = new AtomicLong();
    AtomicReference<Seen> last = new AtomicReference<>();
    viewer.onRemoteVideo(
        frame -> {
          I420Buffer b = frame.buffer.toI420();
          long n = frames.incrementAndGet();
          last.set(new Seen(n, b.getWidth(), b.getHeight(), lumaCrc(b)));
        });

    appliance.addVideo(feed.track(), "dashcam", settings);
    SessionDescription offer = appliance.createOffer().get(10, TimeUnit.SECONDS);
    assertThat(offer.sdp()).contains("m=video").contains("a=sendonly");
    SessionDescription answer = viewer.acceptOffer(offer).get(10, TimeUnit.SECONDS);
    assertThat(answer.sdp()).contains("m=video").contains("a=recvonly");
    appliance.acceptAnswer(answer).get(10, TimeUnit.SECONDS);
    appliance.connected().get(20, TimeUnit.SECONDS);
    viewer.connected().get(20, TimeUnit.SECONDS);
    long cpu0 = processCpuNanos();
    long wall0 = System.nanoTime();

    // frames of the configured size arrive (the encoder may start smaller and ramp up)
    waitFor(
        () -> {
          Seen s = last.get();
          return s != null && s.width() == WIDTH && s.height() == HEIGHT;
        },
        20);
    Seen first = last.get();

    // a second later: more frames, of that size, and a different picture (clock, bar)
    Thread.sleep(1000);
    waitFor(() -> last.get().count() > first.count() + 5, 20);
    Seen second = last.get();
    assertThat(second.width()).isEqualTo(WIDTH);
    assertThat(second.height()).isEqualTo(HEIGHT);
    assertThat(second.lumaCrc()).isNotEqualTo(first.lumaCrc());
    double wall = (System.nanoTime() - wall0) / 1e9;
    System.out.printf(
        "%dx%d@%d over the relay: %d frames decoded; process CPU %.1f %% of one core"
            + " (feed, encoder, decoder, both peers) over %.1f s%n",
        WIDTH, HEIGHT, FPS, second.count(), (processCpuNanos() - cpu0) / 1e7 / wall, wall);

    // the cap can be lowered at run time, bitrate first, then the frame rate; video keeps coming
    assertThat(appliance.videoLimits().get(5, TimeUnit.SECONDS))
        .isEqualTo(new VideoLimits(300_000, FPS));
    appliance.setVideoLimits(150_000, FPS).get(5, TimeUnit.SECONDS);
    appliance.setVideoLimits(150_000, 5).get(5, TimeUnit.SECONDS);
    assertThat(appliance.videoLimits().get(5, TimeUnit.SECONDS))
        .isEqualTo(new VideoLimits(150_000, 5));
    long before = last.get().count();
    waitFor(() -> last.get().count() > before + 3, 20);

    // the viewer sends no video, so it has no cap to set
    assertThatThrownBy(() -> viewer.setVideoLimits(100_000, 5).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("sends no video");
    assertThatThrownBy(() -> appliance.setVideoLimits(0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> appliance.addVideo(feed.track(), "again", settings).join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("already sends a video");
  }

  private static long lumaCrc(I420Buffer b) {
    ByteBuffer y = b.getDataY();
    int stride = b.getStrideY();
    CRC32 crc = new CRC32();
    byte[] row = new byte[b.getWidth()];
    for (int r = 0; r < b.getHeight(); r++) {
      y.get(r * stride, row);
      crc.update(row);
    }
    return crc.getValue();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
