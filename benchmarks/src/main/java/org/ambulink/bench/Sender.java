package org.ambulink.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A thread that stands in for one monitor: it sends until told to stop, counts what it sends only
 * while recording, and keeps what made it fail for the coordinator to report. {@link Load}'s link
 * workers and the journal benchmark's monitors are senders; the coordinator starts them, lets them
 * warm up, records for the measured time and stops them with the static methods here.
 */
abstract class Sender implements Runnable {
  final Thread thread;

  // Written by the sender only, read by the coordinator.
  volatile Throwable failure;

  // Written by the coordinator.
  volatile boolean recording;
  volatile boolean stop;

  Sender(String name) {
    this.thread = new Thread(this, name);
    this.thread.setDaemon(true);
  }

  /** Sends until {@link #stop} is set; what it throws is kept in {@link #failure}. */
  abstract void sendUntilStopped() throws Exception;

  @Override
  public final void run() {
    try {
      sendUntilStopped();
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void throwIfFailed() {
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException(thread.getName() + " failed: " + f, f);
    }
  }

  static void startAll(List<? extends Sender> senders) {
    for (Sender s : senders) {
      s.thread.start();
    }
  }

  static void recordAll(List<? extends Sender> senders, boolean on) {
    for (Sender s : senders) {
      s.recording = on;
    }
  }

  /** Tells every sender to stop, without waiting. */
  static void signalStop(List<? extends Sender> senders) {
    for (Sender s : senders) {
      s.stop = true;
    }
  }

  /**
   * Sleeps for {@code d}, but throws as soon as a sender has failed or {@code check} throws, so
   * that a broken run ends early.
   */
  static void sleep(Duration d, List<? extends Sender> senders, Runnable check)
      throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      for (Sender s : senders) {
        s.throwIfFailed();
      }
      check.run();
      Thread.sleep(Math.min(50, Math.max(1, left / 1_000_000)));
    }
  }

  /**
   * Tells every sender to stop and waits for each up to {@code timeout}; throws if one failed or
   * did not stop.
   */
  static void stopAll(List<? extends Sender> senders, Duration timeout)
      throws InterruptedException {
    signalStop(senders);
    for (Sender s : senders) {
      s.thread.join(timeout.toMillis());
      s.throwIfFailed();
      if (s.thread.isAlive()) {
        throw new IllegalStateException(s.thread.getName() + " did not stop");
      }
    }
  }

  /** The sum of one counter over all senders. */
  static <S extends Sender> long sum(List<S> senders, ToLongFunction<S> counter) {
    long total = 0;
    for (S s : senders) {
      total += counter.applyAsLong(s);
    }
    return total;
  }
}
