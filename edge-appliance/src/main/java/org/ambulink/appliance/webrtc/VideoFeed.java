package org.ambulink.appliance.webrtc;

import dev.onvoid.webrtc.media.MediaDevices;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoCaptureCapability;
import dev.onvoid.webrtc.media.video.VideoDevice;
import dev.onvoid.webrtc.media.video.VideoDeviceSource;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's dash-camera video: one {@link VideoTrack} of the {@link RtcEngine}'s factory, to
 * add to each viewer's peer with {@link RtcPeer#addVideo}. Two kinds, chosen by {@link
 * VideoSettings#device()}:
 *
 * <ul>
 *   <li><b>camera</b> (a device is set): a V4L2 camera through webrtc-java's {@link
 *       VideoDeviceSource}, found by its name or its {@code /dev/videoN} node; capture size and
 *       rate from the settings. A device that is not there is an {@link IllegalStateException}
 *       naming it and the cameras that are.
 *   <li><b>synthetic</b> (no device): a {@link VideoPattern} (sweeping bar, wall clock {@code
 *       HH:mm:ss.SSS} in local time, frame counter) rendered at the configured rate by one
 *       scheduled thread, converted to I420 by {@link VideoI420} into reused planes and pushed
 *       through a {@link CustomVideoSource}. Frame timestamps are {@link System#nanoTime()},
 *       strictly increasing by at least 1 ms.
 * </ul>
 *
 * <p>{@link #close()} stops the thread (or the capture), then disposes the track, then the source.
 * Close every peer that carries the track before, and the engine after.
 */
public final class VideoFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VideoFeed.class);
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final VideoSettings settings;
  private final String name;
  private final VideoTrackSource source;
  private final VideoTrack track;
  private final ScheduledExecutorService pusher; // synthetic only
  private final AtomicLong frames = new AtomicLong();
  private volatile long pusherThreadId = -1;
  private volatile boolean closed;

  // synthetic only, pusher thread only
  private VideoPattern pattern;
  private VideoI420 i420;
  private final TimeZone zone = TimeZone.getDefault();
  private long lastTimestampNs;
  private boolean failureLogged;

  private VideoFeed(RtcEngine engine, VideoSettings settings) {
    this.settings = settings;
    this.name = "video-feed-" + COUNT.incrementAndGet();
    if (settings.camera()) {
      VideoDevice device = findCamera(settings.device());
      VideoDeviceSource camera = new VideoDeviceSource();
      try {
        camera.setVideoCaptureDevice(device);
        camera.setVideoCaptureCapability(
            new VideoCaptureCapability(settings.width(), settings.height(), settings.fps()));
        camera.start();
      } catch (RuntimeException | Error e) {
        disposeQuietly(camera);
        throw new IllegalStateException(
            "could not start the camera '"
                + settings.device()
                + "' ("
                + device.getName()
                + ", "
                + device.getDescriptor()
                + ")",
            e);
      }
      this.source = camera;
      this.pusher = null;
    } else {
      this.source = new CustomVideoSource();
      this.pattern = new VideoPattern(settings.width(), settings.height());
      this.i420 = new VideoI420(settings.width(), settings.height());
      this.pusher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
    }
    VideoTrack created;
    try {
      created = engine.factory().createVideoTrack(name, source);
    } catch (RuntimeException e) {
      if (pusher != null) {
        pusher.shutdownNow();
      }
      stopAndDisposeSource();
      throw e;
    }
    this.track = created;
    if (pusher != null) {
      long period = 1_000_000_000L / settings.fps();
      pusher.scheduleAtFixedRate(this::pushFrame, 0, period, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Opens the feed the settings describe: the camera when {@link VideoSettings#device()} is set,
   * else the synthetic pattern (which starts pushing frames at once).
   *
   * @throws IllegalStateException when the camera is not found or does not start
   */
  public static VideoFeed open(RtcEngine engine, VideoSettings settings) {
    return new VideoFeed(engine, settings);
  }

  /** The track to add to peers. Owned by this feed: do not dispose it. */
  public VideoTrack track() {
    return track;
  }

  public VideoSettings settings() {
    return settings;
  }

  /** Whether this is a camera (else the synthetic pattern). */
  public boolean isCamera() {
    return settings.camera();
  }

  /** Frames pushed so far by the synthetic source (0 for a camera). */
  public long framesPushed() {
    return frames.get();
  }

  /**
   * CPU time the synthetic source's thread has used so far (rendering, conversion, handing frames
   * to WebRTC; encoding runs on WebRTC's own threads), in nanoseconds; -1 for a camera or when the
   * JVM cannot tell.
   */
  public long pusherCpuNanos() {
    long id = pusherThreadId;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (id < 0 || !threads.isThreadCpuTimeSupported()) {
      return -1;
    }
    return threads.getThreadCpuTime(id);
  }

  private void pushFrame() {
    if (closed) {
      return;
    }
    pusherThreadId = Thread.currentThread().getId();
    try {
      long now = System.currentTimeMillis();
      long frame = frames.get();
      pattern.render(now + zone.getOffset(now), frame);
      i420.convert(pattern.pixels());
      NativeI420Buffer buffer = NativeI420Buffer.allocate(settings.width(), settings.height());
      try {
        i420.copyTo(buffer);
        long ts = Math.max(System.nanoTime(), lastTimestampNs + 1_000_000L);
        lastTimestampNs = ts;
        ((CustomVideoSource) source).pushFrame(new VideoFrame(buffer, ts));
      } finally {
        // the pipeline holds its own reference for as long as it needs the frame
        buffer.release();
      }
      frames.incrementAndGet();
    } catch (RuntimeException e) {
      // never let the scheduled task die: the next frame tries again
      if (!failureLogged) {
        failureLogged = true;
        log.warn("{}: pushing a frame failed (logged once)", name, e);
      }
    }
  }

  private static VideoDevice findCamera(String wanted) {
    List<VideoDevice> devices;
    try {
      devices = MediaDevices.getVideoCaptureDevices();
    } catch (RuntimeException | Error e) {
      throw new IllegalStateException(
          "camera '" + wanted + "' not found: the video devices could not be listed", e);
    }
    for (VideoDevice d : devices) {
      if (wanted.equals(d.getDescriptor()) || wanted.equals(d.getName())) {
        return d;
      }
    }
    String present =
        devices.isEmpty()
            ? "none"
            : devices.stream()
                .map(d -> "'" + d.getName() + "' (" + d.getDescriptor() + ")")
                .collect(Collectors.joining(", "));
    throw new IllegalStateException(
        "camera '" + wanted + "' not found; video devices present: " + present);
  }

  /**
   * Stops pushing (or capturing), then disposes the track and the source. Idempotent. A peer still
   * holding the track keeps the native objects alive until it is closed (logged, harmless).
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (pusher != null) {
      pusher.shutdown();
      try {
        if (!pusher.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("{}: the frame thread did not stop within 5 s", name);
          pusher.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (source instanceof VideoDeviceSource camera) {
      try {
        camera.stop();
      } catch (RuntimeException | Error e) {
        log.warn("{}: stopping the camera failed", name, e);
      }
    }
    try {
      track.dispose();
    } catch (RuntimeException | Error e) {
      // the native track is still referenced (a peer not closed yet): it goes with that peer
      log.info("{}: track still in use elsewhere: {}", name, e.getMessage());
    }
    stopAndDisposeSource();
  }

  private void stopAndDisposeSource() {
    if (source instanceof CustomVideoSource custom) {
      disposeQuietly(custom);
    } else if (source instanceof VideoDeviceSource camera) {
      disposeQuietly(camera);
    }
  }

  private void disposeQuietly(CustomVideoSource s) {
    try {
      s.dispose();
    } catch (RuntimeException | Error e) {
      log.warn("{}: disposing the video source failed", name, e);
    }
  }

  private void disposeQuietly(VideoDeviceSource s) {
    try {
      s.dispose();
    } catch (RuntimeException | Error e) {
      log.warn("{}: disposing the camera source failed", name, e);
    }
  }

  @Override
  public String toString() {
    return name
        + " ("
        + (isCamera() ? "camera " + settings.device() : "synthetic")
        + ", "
        + settings.width()
        + "x"
        + settings.height()
        + "@"
        + settings.fps()
        + ")";
  }
}
