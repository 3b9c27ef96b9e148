package org.ambulink.console.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.ambulink.console.ConsoleProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing: after {@code login-max-failures} failed logins within {@code
 * login-lockout}, further attempts for that username, or from that address, are refused without
 * checking the password until the window has passed. Counting per address too stops one address
 * from trying many usernames; counting per username stops many addresses from trying one.
 */
@Component
public class LoginThrottle {
  private static final int MAX_KEYS = 100_000;

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  public LoginThrottle(ConsoleProperties properties, Clock clock) {
    this.maxFailures = properties.loginMaxFailures();
    this.window = properties.loginLockout();
    this.clock = clock;
  }

  /** How long the caller must still wait, when locked out. */
  public Optional<Duration> lockedFor(String username, String address) {
    Instant now = clock.instant();
    Duration longest = Duration.ZERO;
    for (String key : keys(username, address)) {
      Deque<Instant> d = failures.get(key);
      if (d == null) {
        continue;
      }
      synchronized (d) {
        prune(d, now);
        if (d.size() >= maxFailures) {
          Duration left = Duration.between(now, d.peekFirst().plus(window));
          if (left.compareTo(longest) > 0) {
            longest = left;
          }
        }
      }
    }
    return longest.isZero() ? Optional.empty() : Optional.of(longest);
  }

  public void failed(String username, String address) {
    if (failures.size() > MAX_KEYS) {
      evictExpired();
    }
    Instant now = clock.instant();
    for (String key : keys(username, address)) {
      Deque<Instant> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      synchronized (d) {
        prune(d, now);
        d.addLast(now);
        while (d.size() > maxFailures) {
          d.removeFirst();
        }
      }
    }
  }

  /** A successful login clears the username's count (not the address's). */
  public void succeeded(String username) {
    failures.remove(userKey(username));
  }

  @Scheduled(fixedDelay = 60_000)
  void evictExpired() {
    Instant now = clock.instant();
    failures
        .entrySet()
        .removeIf(
            e -> {
              synchronized (e.getValue()) {
                prune(e.getValue(), now);
                return e.getValue().isEmpty();
              }
            });
  }

  private void prune(Deque<Instant> d, Instant now) {
    while (!d.isEmpty() && !d.peekFirst().plus(window).isAfter(now)) {
      d.removeFirst();
    }
  }

  private static String userKey(String username) {
    return "user:" + (username == null ? "" : username.toLowerCase(Locale.ROOT));
  }

  private static String[] keys(String username, String address) {
    return new String[] {userKey(username), "addr:" + address};
  }
}
