package org.ambulink.drivers.gps;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps an {@link Eta} to one destination up to date from a stream of fixes, with a speed average
 * that does what a crew expects of a sat-nav rather than what the last second says.
 *
 * <ul>
 *   <li><b>Speed:</b> an exponential moving average of the moving speed with a time constant of one
 *       minute (configurable), weighted by the time between fixes, so an irregular fix rate does
 *       not skew it. In the first minute it is the (equally decaying) mean of the samples so far,
 *       so the seconds spent accelerating from standstill do not hold it low. The receiver's speed
 *       over ground is used; without it, distance over time between consecutive fixes.
 *   <li><b>Stopped</b> (below {@value #DEFAULT_STOPPED_BELOW_MPS} m/s, e.g. at a red light): the
 *       average is frozen rather than dragged towards 0, so the time to arrival holds at the last
 *       moving estimate instead of climbing towards infinity; the arrival time moves later by the
 *       time spent standing. {@link Eta#stoppedFor()} says for how long, so a display can show
 *       "stopped 2 min" when a stop is long (a roadside intervention, not a light).
 *   <li><b>Crawling:</b> the average is never taken below the floor speed (default {@value
 *       #DEFAULT_FLOOR_SPEED_MPS} m/s, about 11 km/h) when computing the time, so a traffic jam
 *       gives a long but finite ETA.
 *   <li><b>Unknown:</b> until the vehicle has moved there is no speed to go by, and the time to
 *       arrival is null (the distance is known). It does not guess from a speed limit.
 *   <li><b>Lost fix</b> (tunnel, invalid fix): the last estimate is kept unchanged.
 *   <li><b>Arrived:</b> within {@value #DEFAULT_ARRIVAL_RADIUS_METRES} m the time is 0.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class EtaEstimator {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final double DEFAULT_FLOOR_SPEED_MPS = 3.0;
  public static final double DEFAULT_STOPPED_BELOW_MPS = 1.0;
  public static final double DEFAULT_ARRIVAL_RADIUS_METRES = 40;

  /** Fixes further apart than this give no derived speed (the track between them is unknown). */
  private static final Duration MAX_DERIVE_GAP = Duration.ofSeconds(10);

  private final GeoPoint destination;
  private final double windowSeconds;
  private final double floorSpeedMps;
  private final double arrivalRadiusMetres;

  private double weightedSpeedSum;
  private double weightSum;
  private GpsFix previous;
  private Instant stoppedSince;
  private Eta current;

  /** An estimator with the defaults above. */
  public EtaEstimator(GeoPoint destination) {
    this(destination, DEFAULT_WINDOW, DEFAULT_FLOOR_SPEED_MPS, DEFAULT_ARRIVAL_RADIUS_METRES);
  }

  /**
   * @param window time constant of the speed average
   * @param floorSpeedMps lowest speed assumed for the time to arrival; 0 turns the floor off
   * @param arrivalRadiusMetres within this distance of the destination the vehicle has arrived
   */
  public EtaEstimator(
      GeoPoint destination, Duration window, double floorSpeedMps, double arrivalRadiusMetres) {
    this.destination = Objects.requireNonNull(destination, "destination");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window " + window + " must be longer than zero");
    }
    if (!(floorSpeedMps >= 0)) {
      throw new IllegalArgumentException("floor speed " + floorSpeedMps + " m/s is negative");
    }
    if (!(arrivalRadiusMetres >= 0)) {
      throw new IllegalArgumentException(
          "arrival radius " + arrivalRadiusMetres + " m is negative");
    }
    this.windowSeconds = window.toNanos() / 1e9;
    this.floorSpeedMps = floorSpeedMps;
    this.arrivalRadiusMetres = arrivalRadiusMetres;
  }

  public GeoPoint destination() {
    return destination;
  }

  /**
   * Takes the next fix and returns the updated estimate.
   *
   * @return empty only while no valid fix has been seen
   */
  public synchronized Optional<Eta> update(GpsFix fix) {
    Objects.requireNonNull(fix, "fix");
    if (!fix.valid()) {
      return Optional.ofNullable(current);
    }
    double dt =
        previous == null ? 0 : Duration.between(previous.time(), fix.time()).toNanos() / 1e9;
    if (previous != null && dt <= 0) {
      // a repeat (RMC and GGA of the same second) or out of order: position only
      current = estimate(fix);
      return Optional.of(current);
    }
    Double sample = fix.speedMps();
    if (sample == null && previous != null && dt <= MAX_DERIVE_GAP.toSeconds()) {
      sample = Geo.distanceMetres(previous.position(), fix.position()) / dt;
    }
    if (sample != null) {
      if (sample < DEFAULT_STOPPED_BELOW_MPS) {
        if (stoppedSince == null) {
          stoppedSince = fix.time();
        }
      } else {
        stoppedSince = null;
        // This sample stands for the time since the last fix, as a share of the window.
        double seconds = dt > 0 ? Math.min(dt, windowSeconds) : 1;
        double decay = Math.exp(-seconds / windowSeconds);
        weightedSpeedSum = weightedSpeedSum * decay + sample * (1 - decay);
        weightSum = weightSum * decay + (1 - decay);
      }
    }
    previous = fix;
    current = estimate(fix);
    return Optional.of(current);
  }

  /** The latest estimate; empty while no valid fix has been seen. */
  public synchronized Optional<Eta> current() {
    return Optional.ofNullable(current);
  }

  /** The smoothed moving speed in m/s, NaN before the vehicle has moved. */
  public synchronized double averageSpeedMps() {
    return weightSum == 0 ? Double.NaN : weightedSpeedSum / weightSum;
  }

  private Eta estimate(GpsFix fix) {
    Eta eta = Eta.estimate(fix, destination, averageSpeedMps(), floorSpeedMps, arrivalRadiusMetres);
    if (stoppedSince != null && !eta.arrived()) {
      eta = eta.withStoppedFor(Duration.between(stoppedSince, fix.time()));
    }
    return eta;
  }
}
