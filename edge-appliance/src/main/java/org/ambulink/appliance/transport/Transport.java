package org.ambulink.appliance.transport;

import java.time.Instant;

/**
 * A transport as the appliance knows it: its details and where it is in its life.
 *
 * @param state {@code EN_ROUTE}, {@code HANDED_OVER} or {@code CLOSED}
 */
public record Transport(
    String id,
    State state,
    Instant startedAt,
    Instant handedOverAt,
    Instant closedAt,
    TransportDetails details) {

  /**
   * Where a transport is in its life; the appliance is idle when none is en route or handed over.
   */
  public enum State {
    EN_ROUTE,
    HANDED_OVER,
    CLOSED
  }

  Transport with(State newState, Instant at) {
    return switch (newState) {
      case EN_ROUTE -> this;
      case HANDED_OVER -> new Transport(id, newState, startedAt, at, null, details);
      case CLOSED -> new Transport(id, newState, startedAt, handedOverAt, at, details);
    };
  }

  Transport with(TransportDetails newDetails) {
    return new Transport(id, state, startedAt, handedOverAt, closedAt, newDetails);
  }

  /** The clear-text bookkeeping kept for the retention policy: state and times, no patient data. */
  String bookkeeping() {
    return state + "|" + millis(startedAt) + "|" + millis(handedOverAt) + "|" + millis(closedAt);
  }

  private static long millis(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }
}
