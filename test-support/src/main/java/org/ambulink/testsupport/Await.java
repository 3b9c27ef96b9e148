package org.ambulink.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in a test for what happens on other threads. */
public final class Await {
  private Await() {}

  /**
   * Polls {@code condition} every 5 ms until it holds; an {@link AssertionError} naming {@code
   * what} if it does not within {@code timeout}.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
