package org.ambulink.systemtests;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting in a system test for what the apps and the browser do. */
final class Poll {
  private Poll() {}

  /**
   * Polls {@code condition} every {@code every} until it holds; a {@code retryOn} it throws counts
   * as not yet. After {@code timeout} an {@link AssertionError} naming {@code what}, followed by
   * what {@code where} says (e.g. the page the browser is on).
   */
  static void until(
      String what,
      Duration timeout,
      Duration every,
      Class<? extends RuntimeException> retryOn,
      Supplier<String> where,
      BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ok;
      try {
        ok = condition.getAsBoolean();
      } catch (RuntimeException e) {
        if (!retryOn.isInstance(e)) {
          throw e;
        }
        ok = false;
      }
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what + where.get());
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
