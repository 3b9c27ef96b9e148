package org.ambulink.drivers.transport.serial;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Delays between attempts to reopen a serial port: doubling from the initial delay up to the cap,
 * each shortened by a random 0-25 % so that several ports (or appliances) don't retry in step. Not
 * thread-safe; owned by one reader thread. Shared by the serial monitor listener and the GPS
 * reader, which take the delays from {@link SerialSettings#reopenInitialDelay()} and {@link
 * SerialSettings#reopenMaxDelay()}.
 */
public final class ReopenBackoff {
  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private long nextNanos;

  /**
   * @param initial the first delay, and the one after {@link #reset()}
   * @param max the cap on the delay
   */
  public ReopenBackoff(Duration initial, Duration max) {
    this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** As {@link #ReopenBackoff(Duration, Duration)}, with the jitter drawn from {@code random}. */
  ReopenBackoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  public Duration next() {
    long base = nextNanos;
    nextNanos = base > maxNanos / 2 ? maxNanos : base * 2;
    long jitter = (long) (base * 0.25 * random.getAsDouble());
    return Duration.ofNanos(Math.max(1, base - jitter));
  }

  /** Starts again from the initial delay, after the link has proven itself. */
  public void reset() {
    nextNanos = initialNanos;
  }
}
