package org.ambulink.drivers.gps;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A simulated ambulance driving a route, for the demo and tests: where it is at any moment since
 * the start, as the {@link GpsFix} a receiver would report. It accelerates from standstill, cruises
 * at a speed drawn per leg (default 13-20 m/s, with a little wobble), slows for each waypoint (an
 * intersection: to 10 m/s going straight, down to the turn speed for a sharp turn) and stops at the
 * last one.
 *
 * <p>The whole drive is computed on construction in 0.1 s steps, so the same waypoints, settings
 * and seed always give the same fixes, and {@link #fixAt} is cheap and can be asked in any order.
 * After arrival the vehicle stays parked at the destination.
 */
public final class RouteSimulator {
  /**
   * The built-in demo route, about 5 km: north up Dorchester Avenue in Boston from Fields Corner to
   * Andrew Square, west on Southampton Street, up Massachusetts Avenue to the emergency department
   * of Boston Medical Center. The points are made up to lie roughly along those roads.
   */
  public static final List<GeoPoint> DEMO_ROUTE =
      List.of(
          new GeoPoint(42.30030, -71.06120), // Dorchester Ave at Fields Corner
          new GeoPoint(42.30480, -71.05960),
          new GeoPoint(42.30950, -71.05800), // near Savin Hill
          new GeoPoint(42.31480, -71.05680),
          new GeoPoint(42.31950, -71.05700), // Columbia Rd
          new GeoPoint(42.32480, -71.05690),
          new GeoPoint(42.33020, -71.05700), // Andrew Square
          new GeoPoint(42.33070, -71.05960), // Southampton St
          new GeoPoint(42.33110, -71.06400),
          new GeoPoint(42.33140, -71.06800), // Massachusetts Ave
          new GeoPoint(42.33330, -71.07030),
          new GeoPoint(42.33440, -71.07180), // Albany St
          new GeoPoint(42.33490, -71.07330)); // Boston Medical Center ED

  /** A fixed start, so that runs without an explicit start time are reproducible. */
  public static final Instant DEFAULT_START = Instant.parse("2026-03-14T14:00:00Z");

  private static final double STEP_SECONDS = 0.1;
  private static final int STEPS_PER_SECOND = 10;
  private static final double INTERSECTION_SPEED_MPS = 10;
  private static final long MAX_SECONDS = Duration.ofDays(1).toSeconds();
  private static final double ALTITUDE_METRES = 9.0;

  private final List<GeoPoint> waypoints;
  private final Instant start;
  private final double[] cumulative; // distance from the start to each waypoint
  private final double[] bearings; // of each leg
  private final double[] distanceAt; // per whole second
  private final double[] speedAt;
  private final int[] satellitesAt;
  private final double[] hdopAt;

  private RouteSimulator(Builder b) {
    this.waypoints = List.copyOf(b.waypoints);
    this.start = b.start;
    int n = waypoints.size();
    cumulative = new double[n];
    bearings = new double[n - 1];
    for (int i = 1; i < n; i++) {
      cumulative[i] =
          cumulative[i - 1] + Geo.distanceMetres(waypoints.get(i - 1), waypoints.get(i));
      bearings[i - 1] = Geo.initialBearingDegrees(waypoints.get(i - 1), waypoints.get(i));
    }
    if (cumulative[n - 1] < 1) {
      throw new IllegalArgumentException("the route is shorter than 1 m; give distinct waypoints");
    }

    Random random = new Random(b.seed);
    double[] cruise = new double[n - 1];
    for (int i = 0; i < n - 1; i++) {
      cruise[i] = b.minCruise + (b.maxCruise - b.minCruise) * random.nextDouble();
    }
    // The speed the vehicle may pass each waypoint at: intersections, turns, the final stop.
    double[] waypointSpeed = new double[n];
    for (int i = 1; i < n - 1; i++) {
      double turn = Math.abs(((bearings[i] - bearings[i - 1]) % 360 + 540) % 360 - 180);
      double intersection = Math.min(INTERSECTION_SPEED_MPS, cruise[i]);
      waypointSpeed[i] = b.turnSpeed + (intersection - b.turnSpeed) * Math.max(0, 1 - turn / 60);
    }
    double length = cumulative[n - 1];

    List<double[]> samples = new ArrayList<>(); // distance, speed, satellites, hdop
    double s = 0;
    double v = 0;
    double wobble = 0;
    int satellites = 9;
    double hdop = 0.9;
    samples.add(new double[] {s, v, satellites, hdop});
    for (long second = 1; s < length; second++) {
      if (second > MAX_SECONDS) {
        throw new IllegalArgumentException("the route takes longer than a day to drive");
      }
      if (second % 5 == 0) {
        wobble = (random.nextDouble() * 2 - 1) * b.wobble;
      }
      if (second % 20 == 0) {
        satellites = 7 + random.nextInt(6);
        hdop = Math.round((0.7 + random.nextDouble() * 0.8) * 10) / 10.0;
      }
      for (int step = 0; step < STEPS_PER_SECOND && s < length; step++) {
        int leg = leg(s);
        double limit = Math.max(b.minCruise, Math.min(b.maxCruise, cruise[leg] + wobble));
        for (int j = leg + 1; j < n; j++) {
          double ahead = cumulative[j] - s;
          limit = Math.min(limit, Math.sqrt(sq(waypointSpeed[j]) + 2 * b.deceleration * ahead));
        }
        v = Math.min(v + b.acceleration * STEP_SECONDS, limit);
        s += v * STEP_SECONDS;
        if (length - s < 0.05) {
          s = length;
          v = 0;
        }
      }
      samples.add(new double[] {s, v, satellites, hdop});
    }
    int count = samples.size();
    distanceAt = new double[count];
    speedAt = new double[count];
    satellitesAt = new int[count];
    hdopAt = new double[count];
    for (int i = 0; i < count; i++) {
      double[] sample = samples.get(i);
      distanceAt[i] = sample[0];
      speedAt[i] = sample[1];
      satellitesAt[i] = (int) sample[2];
      hdopAt[i] = sample[3];
    }
  }

  /** Settings for a route through {@code waypoints} (at least two). */
  public static Builder builder(List<GeoPoint> waypoints) {
    return new Builder(waypoints);
  }

  /** The {@link #DEMO_ROUTE} with default speeds. */
  public static RouteSimulator demo(Instant start, long seed) {
    return builder(DEMO_ROUTE).start(start).seed(seed).build();
  }

  /**
   * Where the vehicle is {@code sinceStart} after the start; positions and speeds between whole
   * seconds are interpolated.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public GpsFix fixAt(Duration sinceStart) {
    if (sinceStart.isNegative()) {
      throw new IllegalArgumentException("time " + sinceStart + " is before the start");
    }
    double t = sinceStart.toNanos() / 1e9;
    int i = second(t);
    double s = interpolate(distanceAt, t);
    double v = interpolate(speedAt, t);
    GeoPoint p = positionAt(s);
    int leg = leg(s);
    return new GpsFix(
        start.plus(sinceStart),
        p.latitude(),
        p.longitude(),
        true,
        v,
        Math.round(bearings[leg] * 100) / 100.0 % 360,
        1,
        satellitesAt[i],
        hdopAt[i],
        ALTITUDE_METRES);
  }

  /** One fix per second from the start up to and including the arrival. */
  public Stream<GpsFix> fixes() {
    return LongStream.range(0, distanceAt.length).mapToObj(t -> fixAt(Duration.ofSeconds(t)));
  }

  /** How long the drive takes, to the whole second the vehicle stands at the destination. */
  public Duration duration() {
    return Duration.ofSeconds(distanceAt.length - 1);
  }

  /** Length of the route along its waypoints, in metres. */
  public double lengthMetres() {
    return cumulative[cumulative.length - 1];
  }

  /** The distance driven {@code sinceStart} after the start, in metres. */
  public double distanceDrivenMetres(Duration sinceStart) {
    if (sinceStart.isNegative()) {
      throw new IllegalArgumentException("time " + sinceStart + " is before the start");
    }
    return interpolate(distanceAt, sinceStart.toNanos() / 1e9);
  }

  public Instant start() {
    return start;
  }

  public List<GeoPoint> waypoints() {
    return waypoints;
  }

  public GeoPoint destination() {
    return waypoints.get(waypoints.size() - 1);
  }

  private int second(double t) {
    return (int) Math.min(Math.floor(t), distanceAt.length - 1);
  }

  /** The per-second {@code values} at {@code t} seconds, linear in between, the last after. */
  private double interpolate(double[] values, double t) {
    int i = second(t);
    if (i >= values.length - 1) {
      return values[values.length - 1];
    }
    return values[i] + (values[i + 1] - values[i]) * (t - i);
  }

  private int leg(double s) {
    int i = Arrays.binarySearch(cumulative, s);
    int leg = i >= 0 ? i : -i - 2;
    return Math.max(0, Math.min(leg, bearings.length - 1));
  }

  private GeoPoint positionAt(double s) {
    int leg = leg(s);
    double legLength = cumulative[leg + 1] - cumulative[leg];
    double f = legLength == 0 ? 0 : (s - cumulative[leg]) / legLength;
    return Geo.interpolate(waypoints.get(leg), waypoints.get(leg + 1), Math.max(0, Math.min(1, f)));
  }

  private static double sq(double x) {
    return x * x;
  }

  /** Route settings; {@link #build()} validates them and drives the route. */
  public static final class Builder {
    private final List<GeoPoint> waypoints;
    private Instant start = DEFAULT_START;
    private long seed = 1;
    private double minCruise = 13;
    private double maxCruise = 20;
    private double wobble = 1;
    private double turnSpeed = 4;
    private double acceleration = 2;
    private double deceleration = 2.5;

    private Builder(List<GeoPoint> waypoints) {
      Objects.requireNonNull(waypoints, "waypoints");
      if (waypoints.size() < 2) {
        throw new IllegalArgumentException(
            "a route needs at least two waypoints, got " + waypoints.size());
      }
      this.waypoints = List.copyOf(waypoints);
    }

    /** The receiver time at the start (default {@link RouteSimulator#DEFAULT_START}). */
    public Builder start(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** Seed for the cruising speeds, their wobble and the satellite figures (default 1). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Each leg's cruising speed is drawn from this range, in m/s (default 13-20). */
    public Builder cruiseSpeed(double minMps, double maxMps) {
      if (!(minMps > 0 && maxMps >= minMps && maxMps < 100)) {
        throw new IllegalArgumentException(
            "cruising speed " + minMps + "-" + maxMps + " m/s is not a range within 0..100");
      }
      this.minCruise = minMps;
      this.maxCruise = maxMps;
      return this;
    }

    /** Speed through a right-angle turn, in m/s (default 4). */
    public Builder turnSpeed(double mps) {
      if (!(mps > 0 && mps <= INTERSECTION_SPEED_MPS)) {
        throw new IllegalArgumentException(
            "turn speed " + mps + " m/s is not within 0.." + INTERSECTION_SPEED_MPS);
      }
      this.turnSpeed = mps;
      return this;
    }

    /** Builds and drives the route. */
    public RouteSimulator build() {
      return new RouteSimulator(this);
    }
  }
}
