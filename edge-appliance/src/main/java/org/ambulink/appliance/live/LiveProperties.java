package org.ambulink.appliance.live;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The live session to the ED ({@code ambulink.live.*}; docs/webrtc.md). It runs when console sync
 * is configured ({@code ambulink.console.base-url}) and {@code enabled} is true; the console hands
 * out the ICE servers. Every key is documented in config/README.md.
 *
 * @param enabled false: no live session even with a console configured
 * @param window how much recent ECG a viewer gets at once when it starts watching
 * @param iceRestartAfter how long ICE may stay {@code disconnected} before the appliance restarts
 *     it (a {@code failed} connection is restarted at once)
 * @param iceRestartEvery while the connection stays down, restarts repeat this often (each one
 *     gathers candidates afresh, so the first after the path is back connects)
 * @param newSessionAfter how long restarts may fail before the appliance starts a new peer
 *     connection for the viewer
 * @param video the dash camera
 * @param signaling the socket to the console
 */
@Validated
@ConfigurationProperties("ambulink.live")
public record LiveProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("10s") Duration window,
    @DefaultValue("2s") Duration iceRestartAfter,
    @DefaultValue("1s") Duration iceRestartEvery,
    @DefaultValue("60s") Duration newSessionAfter,
    @Valid @DefaultValue Video video,
    @Valid @DefaultValue Signaling signaling) {

  public LiveProperties {
    window = positive(window, "window", Duration.ofSeconds(10));
    iceRestartAfter = positive(iceRestartAfter, "ice-restart-after", Duration.ofSeconds(2));
    iceRestartEvery = positive(iceRestartEvery, "ice-restart-every", Duration.ofSeconds(1));
    newSessionAfter = positive(newSessionAfter, "new-session-after", Duration.ofSeconds(60));
    video = video == null ? new Video("", 640, 360, 15, 800_000, 150_000) : video;
    signaling = signaling == null ? new Signaling(null, null, null, null, null) : signaling;
  }

  /**
   * @param device a V4L2 camera (its name or {@code /dev/videoN}); empty: a synthetic test pattern
   *     with a burned-in clock
   * @param width frame width in pixels
   * @param height frame height in pixels
   * @param fps frames per second
   * @param maxBitrate the video's bitrate cap, bits per second
   * @param minBitrate the lowest the appliance lowers it to when the ECG backs up (after that it
   *     lowers the frame rate)
   */
  public record Video(
      @DefaultValue("") String device,
      @Min(16) @Max(3840) @DefaultValue("640") int width,
      @Min(16) @Max(2160) @DefaultValue("360") int height,
      @Min(1) @Max(60) @DefaultValue("15") int fps,
      @Min(50_000) @DefaultValue("800000") int maxBitrate,
      @Min(30_000) @DefaultValue("150000") int minBitrate) {
    public Video {
      device = device == null ? "" : device.strip();
      if (minBitrate > maxBitrate) {
        throw new IllegalArgumentException(
            "ambulink.live.video.min-bitrate ("
                + minBitrate
                + ") must not exceed ambulink.live.video.max-bitrate ("
                + maxBitrate
                + ")");
      }
    }
  }

  /**
   * @param initialBackoff wait before the first reconnect; doubles per failure, with jitter
   * @param maxBackoff longest wait between reconnects
   * @param pingInterval how often the socket is pinged
   * @param pongTimeout no pong for this long: the socket is dead and replaced
   * @param connectTimeout longest wait for the socket to open
   */
  public record Signaling(
      @DefaultValue("500ms") Duration initialBackoff,
      @DefaultValue("10s") Duration maxBackoff,
      @DefaultValue("5s") Duration pingInterval,
      @DefaultValue("10s") Duration pongTimeout,
      @DefaultValue("5s") Duration connectTimeout) {
    public Signaling {
      initialBackoff =
          positive(initialBackoff, "signaling.initial-backoff", Duration.ofMillis(500));
      maxBackoff = positive(maxBackoff, "signaling.max-backoff", Duration.ofSeconds(10));
      pingInterval = positive(pingInterval, "signaling.ping-interval", Duration.ofSeconds(5));
      pongTimeout = positive(pongTimeout, "signaling.pong-timeout", Duration.ofSeconds(10));
      connectTimeout = positive(connectTimeout, "signaling.connect-timeout", Duration.ofSeconds(5));
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "ambulink.live.signaling.max-backoff ("
                + maxBackoff
                + ") must not be shorter than ambulink.live.signaling.initial-backoff ("
                + initialBackoff
                + ")");
      }
    }
  }

  /** The defaults. */
  public static LiveProperties defaults() {
    return new LiveProperties(true, null, null, null, null, null, null);
  }

  private static Duration positive(Duration d, String key, Duration fallback) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("ambulink.live." + key + " must be positive, was " + d);
    }
    return d;
  }
}
