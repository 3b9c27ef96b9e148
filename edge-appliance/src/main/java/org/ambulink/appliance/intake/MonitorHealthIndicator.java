package org.ambulink.appliance.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.ambulink.drivers.transport.serial.SerialHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Is a monitor delivering? UP when at least one monitor link is up and the last message is newer
 * than {@code ambulink.intake.stale-after}; DOWN otherwise, with the reason. Details show the
 * links, the last message age and, when a serial port is configured, its state.
 */
public final class MonitorHealthIndicator implements HealthIndicator {

  private final IntakeTelemetry telemetry;
  private final RecentIntake recent;
  private final Duration staleAfter;
  private final Supplier<Optional<SerialHealth>> serialHealth;
  private final Clock clock;

  MonitorHealthIndicator(
      IntakeTelemetry telemetry,
      RecentIntake recent,
      Duration staleAfter,
      Supplier<Optional<SerialHealth>> serialHealth,
      Clock clock) {
    this.telemetry = telemetry;
    this.recent = recent;
    this.staleAfter = staleAfter;
    this.serialHealth = serialHealth;
    this.clock = clock;
  }

  @Override
  public Health health() {
    Set<String> links = new TreeSet<>(telemetry.connectedLinks());
    Optional<SerialHealth> serial = serialHealth.get();
    // The serial port's state and the link list are updated one after the other when a cable is
    // pulled; answer from one snapshot: a port its own state calls disconnected is not a link.
    serial
        .filter(s -> s.state() == SerialHealth.State.DISCONNECTED)
        .ifPresent(s -> links.remove(s.portName()));
    Optional<Instant> last = recent.lastMessageAt();
    Health.Builder b = new Health.Builder();
    b.withDetail("links", links);
    b.withDetail("messages", recent.messages());
    serial.ifPresent(s -> b.withDetail("serial", s));
    if (!telemetry.lastDisconnectReasons().isEmpty()) {
      b.withDetail("lastDisconnect", telemetry.lastDisconnectReasons());
    }
    Duration age = last.map(t -> Duration.between(t, clock.instant())).orElse(null);
    if (age != null) {
      b.withDetail("lastMessageAgeMs", age.toMillis());
      b.withDetail("lastMessageAt", last.get().toString());
    }
    if (links.isEmpty()) {
      return b.down().withDetail("reason", "no monitor connected").build();
    }
    if (age == null) {
      return b.down().withDetail("reason", "monitor connected but nothing received yet").build();
    }
    if (age.compareTo(staleAfter) > 0) {
      return b.down()
          .withDetail(
              "reason", "no message for " + age.toSeconds() + " s (limit " + staleAfter + ")")
          .build();
    }
    return b.up().build();
  }
}
