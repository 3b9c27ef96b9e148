package org.ambulink.drivers.intake;

/**
 * Receives link-level events from a transport, for health and metrics. Callbacks must return
 * quickly; all methods default to doing nothing.
 */
public interface LinkListener {
  /** A monitor connected (TCP) or a serial port opened. */
  default void connected(String peer) {}

  /** The link went away; {@code reason} says why in words a technician can act on. */
  default void disconnected(String peer, String reason) {}

  /** Bytes arrived on the link (any bytes, framed or not). */
  default void bytesReceived(String peer, int count) {}

  /** Bytes outside any frame were skipped while looking for a start block. */
  default void garbageSkipped(String peer, int count) {}

  /** A frame was rejected at the framing level (too large, truncated). */
  default void frameRejected(String peer, String reason) {}

  /** No byte arrived for longer than the configured watchdog. */
  default void silent(String peer, java.time.Duration silentFor) {}

  LinkListener NONE = new LinkListener() {};
}
