package org.ambulink.drivers.transport.serial;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delays between attempts to reopen a serial port: doubling from the initial delay up to the cap,
 * each shortened by a random 0-25 % so that several ports (or appliances) don't retry in step. Not
 * thread-safe; owned by one reader thread.
 */
final class ReopenBackoff {
  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private long nextNanos;

  ReopenBackoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  Duration next() {
    long base = nextNanos;
    nextNanos = base > maxNanos / 2 ? maxNanos : base * 2;
    long jitter = (long) (base * 0.25 * random.getAsDouble());
    return Duration.ofNanos(Math.max(1, base - jitter));
  }

  /** Starts again from the initial delay, after the link has proven itself. */
  void reset() {
    nextNanos = initialNanos;
  }
}
