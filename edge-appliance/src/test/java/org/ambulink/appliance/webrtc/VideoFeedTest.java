package org.ambulink.appliance.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The feed on its own: no peer, a local sink on its track. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VideoFeedTest {
  private RtcEngine engine;
  private VideoFeed feed;

  @BeforeEach
  void start() {
    engine = new RtcEngine();
  }

  @AfterEach
  void stop() {
    try {
      if (feed != null) {
        feed.close();
      }
    } finally {
      engine.close();
    }
  }

  @Test
  void theSyntheticFeedPushesFramesOfTheConfiguredSize() throws Exception {
    feed = VideoFeed.open(engine, VideoSettings.synthetic(640, 360, 15, 500_000));
    assertThat(feed.isCamera()).isFalse();
    AtomicInteger received = new AtomicInteger();
    AtomicReference<String> size = new AtomicReference<>();
    VideoTrackSink sink =
        frame -> {
          try {
            I420Buffer b = frame.buffer.toI420();
            size.set(b.getWidth() + "x" + b.getHeight());
            received.incrementAndGet();
          } finally {
            frame.release();
          }
        };
    feed.track().addSink(sink);
    try {
      waitFor(() -> received.get() >= 30, 20);
      assertThat(size.get()).isEqualTo("640x360");
      assertThat(feed.framesPushed()).isGreaterThanOrEqualTo(30);

      // rough cost of the synthetic source alone (render + I420 + push), for the record
      long frames0 = feed.framesPushed();
      long cpu0 = feed.pusherCpuNanos();
      long wall0 = System.nanoTime();
      waitFor(() -> feed.framesPushed() >= frames0 + 45, 20);
      long frames = feed.framesPushed() - frames0;
      long cpu = feed.pusherCpuNanos() - cpu0;
      double wall = (System.nanoTime() - wall0) / 1e9;
      System.out.printf(
          "synthetic 640x360@15: %d frames in %.2f s, %.2f ms CPU a frame, %.1f %% of one core%n",
          frames, wall, cpu / 1e6 / frames, cpu / 1e7 / wall);
    } finally {
      feed.track().removeSink(sink);
    }
  }

  @Test
  void closeIsIdempotentAndStopsPushing() throws Exception {
    feed = VideoFeed.open(engine, VideoSettings.synthetic(320, 180, 15, 300_000));
    waitFor(() -> feed.framesPushed() > 0, 10);
    feed.close();
    long after = feed.framesPushed();
    Thread.sleep(300);
    assertThat(feed.framesPushed()).isEqualTo(after);
    feed.close();
  }

  @Test
  void aCameraThatIsNotThereIsAnErrorNamingIt() {
    assertThatThrownBy(
            () ->
                VideoFeed.open(
                    engine, new VideoSettings(640, 360, 15, 500_000, "/dev/video-not-here")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("camera '/dev/video-not-here' not found");
    assertThatThrownBy(
            () ->
                VideoFeed.open(
                    engine, new VideoSettings(640, 360, 15, 500_000, "No Such Dash Camera")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'No Such Dash Camera'");
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> VideoSettings.synthetic(321, 180, 15, 300_000))
        .hasMessageContaining("width");
    assertThatThrownBy(() -> VideoSettings.synthetic(320, 180, 0, 300_000))
        .hasMessageContaining("fps");
    assertThatThrownBy(() -> VideoSettings.synthetic(320, 180, 15, 5))
        .hasMessageContaining("maxBitrate");
    assertThat(new VideoSettings(320, 180, 15, 300_000, "  ").camera()).isFalse();
  }

  static void waitFor(java.util.function.BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s");
      }
      Thread.sleep(20);
    }
  }
}
