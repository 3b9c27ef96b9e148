package org.ambulink.drivers.gps;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How far the ambulance is from the receiving ED and when it should arrive, for the crew's display
 * and the ED's pre-arrival board. Usually made by {@link EtaEstimator}, which supplies a smoothed
 * speed; {@link #estimate} is the plain computation.
 *
 * <p>The distance is a straight line, so on winding roads it, and the time, run short; both fall to
 * 0 on arrival either way.
 *
 * @param at time of the fix the estimate is for (receiver time)
 * @param remainingMetres straight-line distance to the destination
 * @param timeToArrival estimated time still to drive; null when unknown (the vehicle has not moved
 *     yet, so there is no speed to go by); {@link Duration#ZERO} once arrived
 * @param averageSpeedMps the speed the estimate assumes before the floor is applied, NaN when
 *     unknown
 * @param arrived within the arrival radius of the destination
 * @param stopped the vehicle is standing still (not reported once arrived)
 * @param stoppedFor how long it has been standing still; {@link Duration#ZERO} when moving
 */
public record Eta(
    Instant at,
    double remainingMetres,
    Duration timeToArrival,
    double averageSpeedMps,
    boolean arrived,
    boolean stopped,
    Duration stoppedFor) {

  public Eta {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(stoppedFor, "stoppedFor");
  }

  /**
   * The estimate for one position and an average speed.
   *
   * @param fix where the vehicle is; must have a position
   * @param destination where it is going
   * @param averageSpeedMps recent average speed; NaN when unknown, which makes the time unknown
   * @param floorSpeedMps the lowest speed assumed: a slow crawl must not give an ETA of hours
   * @param arrivalRadiusMetres within this distance the vehicle counts as arrived
   */
  public static Eta estimate(
      GpsFix fix,
      GeoPoint destination,
      double averageSpeedMps,
      double floorSpeedMps,
      double arrivalRadiusMetres) {
    double remaining = Geo.distanceMetres(fix.position(), destination);
    if (remaining <= arrivalRadiusMetres) {
      return new Eta(
          fix.time(), remaining, Duration.ZERO, averageSpeedMps, true, false, Duration.ZERO);
    }
    Duration time = null;
    if (!Double.isNaN(averageSpeedMps)) {
      double speed = Math.max(averageSpeedMps, floorSpeedMps);
      time = Duration.ofMillis(Math.round(remaining / speed * 1000));
    }
    return new Eta(fix.time(), remaining, time, averageSpeedMps, false, false, Duration.ZERO);
  }

  /** Whether a time to arrival is known. */
  public boolean known() {
    return timeToArrival != null;
  }

  /** The estimated arrival time (receiver time), when known. */
  public Optional<Instant> arrivalTime() {
    return known() ? Optional.of(at.plus(timeToArrival)) : Optional.empty();
  }

  Eta withStoppedFor(Duration stopped) {
    return new Eta(at, remainingMetres, timeToArrival, averageSpeedMps, arrived, true, stopped);
  }
}
