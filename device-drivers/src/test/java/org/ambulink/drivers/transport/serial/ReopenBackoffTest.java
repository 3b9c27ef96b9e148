package org.ambulink.drivers.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReopenBackoffTest {

  @Test
  void doubles_up_to_the_cap_without_jitter() {
    ReopenBackoff backoff =
        new ReopenBackoff(Duration.ofMillis(500), Duration.ofSeconds(3), () -> 0);

    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      millis.add(backoff.next().toMillis());
    }

    assertThat(millis).containsExactly(500L, 1000L, 2000L, 3000L, 3000L, 3000L);
  }

  @Test
  void jitter_takes_off_at_most_a_quarter_and_never_exceeds_the_cap() {
    Random random = new Random(42);
    ReopenBackoff backoff =
        new ReopenBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), random::nextDouble);

    long base = 500;
    for (int i = 0; i < 20; i++) {
      long delay = backoff.next().toMillis();
      assertThat(delay).isBetween(base * 3 / 4, base);
      base = Math.min(base * 2, 30_000);
    }
  }

  @Test
  void reset_starts_again_from_the_initial_delay() {
    ReopenBackoff backoff =
        new ReopenBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0);
    backoff.next();
    backoff.next();
    backoff.next();

    backoff.reset();

    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
  }
}
