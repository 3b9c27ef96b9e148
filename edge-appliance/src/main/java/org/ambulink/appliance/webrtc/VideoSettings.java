package org.ambulink.appliance.webrtc;

/**
 * What the dash-camera video of a {@link VideoFeed} looks like. Not wired to configuration keys
 * yet; the fields:
 *
 * <ul>
 *   <li>{@code width}, {@code height}: the frame size in pixels, both even, 16–3840 wide and
 *       16–2160 high. For a camera, the capture size asked of the device (V4L2 picks the nearest it
 *       has); for the synthetic source, the exact size of every frame.
 *   <li>{@code fps}: frames per second, 1–60. For a camera, the capture rate asked of the device;
 *       for the synthetic source, the rate at which frames are pushed.
 *   <li>{@code maxBitrate}: the cap of the encoded video, in bits per second (at least 10,000),
 *       that {@link RtcPeer#addVideo} sets on the sender; {@link RtcPeer#setVideoLimits} changes it
 *       later.
 *   <li>{@code device}: the V4L2 camera, by its name (what {@code v4l2-ctl --list-devices} shows,
 *       e.g. {@code "HD Pro Webcam C920"}) or by its device node ({@code /dev/video0}). {@code
 *       null} or blank: no camera, the synthetic test pattern instead (a sweeping bar, the wall
 *       clock and a frame counter).
 * </ul>
 */
public record VideoSettings(int width, int height, int fps, int maxBitrate, String device) {

  public VideoSettings {
    if (width < 16 || width > 3840 || width % 2 != 0) {
      throw new IllegalArgumentException("video width must be even and 16-3840, got " + width);
    }
    if (height < 16 || height > 2160 || height % 2 != 0) {
      throw new IllegalArgumentException("video height must be even and 16-2160, got " + height);
    }
    if (fps < 1 || fps > 60) {
      throw new IllegalArgumentException("video fps must be 1-60, got " + fps);
    }
    if (maxBitrate < 10_000) {
      throw new IllegalArgumentException(
          "video maxBitrate must be at least 10000 bits/s, got " + maxBitrate);
    }
    device = device == null || device.isBlank() ? null : device.strip();
  }

  /** The synthetic test pattern, no camera. */
  public static VideoSettings synthetic(int width, int height, int fps, int maxBitrate) {
    return new VideoSettings(width, height, fps, maxBitrate, null);
  }

  /** Whether a camera is configured (else the synthetic pattern). */
  public boolean camera() {
    return device != null;
  }
}
