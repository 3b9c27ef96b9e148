package org.ambulink.appliance.gps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.drivers.gps.Eta;
import org.ambulink.drivers.gps.EtaEstimator;
import org.ambulink.drivers.gps.GeoPoint;
import org.ambulink.drivers.gps.GpsFix;
import org.ambulink.drivers.gps.GpsHealth;
import org.ambulink.drivers.gps.RouteSimulator;
import org.ambulink.drivers.gps.SerialNmeaReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vehicle's position and ETA: takes fixes from the NMEA receiver (or the simulated route),
 * keeps an ETA to the current transport's destination that follows the vehicle's recent speed, and
 * journals the position every {@code position-interval} while a transport is en route. Positions
 * are never logged.
 */
public final class GpsService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GpsService.class);

  private final GpsProperties props;
  private final TransportLifecycle lifecycle;
  private final Duration positionInterval;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gps");
            t.setDaemon(true);
            return t;
          });
  private SerialNmeaReader reader;
  private volatile GpsFix latest;
  private volatile Instant latestAt;
  private volatile EtaEstimator estimator;
  private volatile String estimatorFor = "";
  private volatile Instant lastJournaled = Instant.EPOCH;
  private volatile String journaledFor = "";
  // simulated route: driving since this (appliance clock) for this transport
  private volatile RouteSimulator route;
  private volatile Instant routeStartedAt;
  private volatile String routeFor = "";

  public GpsService(
      GpsProperties props, TransportLifecycle lifecycle, Duration positionInterval, Clock clock) {
    this.props = props;
    this.lifecycle = lifecycle;
    this.positionInterval = positionInterval;
    this.clock = clock;
  }

  public void start() {
    switch (props.source()) {
      case SERIAL -> {
        if (props.portName().isBlank()) {
          throw new IllegalArgumentException(
              "ambulink.gps.source is serial but ambulink.gps.port-name is empty: name the GPS"
                  + " receiver's port, e.g. /dev/ttyUSB1");
        }
        reader =
            new SerialNmeaReader(
                SerialNmeaReader.settings(props.portName(), props.baud()), this::onFix);
        reader.start();
      }
      case SIMULATED -> {
        log.info("GPS: simulated route (demo), {}x real time", props.simulationSpeed());
        executor.scheduleAtFixedRate(this::simulate, 0, 1000, TimeUnit.MILLISECONDS);
      }
      case NONE -> log.info("GPS: none configured; no position or ETA");
    }
  }

  /** Called for every fix, on the reader's (or simulator's) thread. */
  void onFix(GpsFix fix) {
    if (!fix.valid() || !fix.hasPosition()) {
      return;
    }
    latest = fix;
    latestAt = clock.instant();
    Optional<Transport> t = lifecycle.current();
    if (t.isEmpty() || t.get().state() != Transport.State.EN_ROUTE) {
      return;
    }
    EtaEstimator e = estimatorFor(t.get());
    if (e != null) {
      e.update(fix);
    }
    Instant now = clock.instant();
    if (!t.get().id().equals(journaledFor)) {
      journaledFor = t.get().id(); // a new transport gets its first position at once
      lastJournaled = Instant.EPOCH;
    }
    if (!now.isBefore(lastJournaled.plus(positionInterval))) {
      lastJournaled = now;
      lifecycle.recordPosition(
          new JournalEntry.Position(
              fix.time(), fix.latitude(), fix.longitude(), fix.speedMps(), fix.courseDegrees()));
    }
  }

  private EtaEstimator estimatorFor(Transport t) {
    String key = t.id() + "/" + t.details().destinationId();
    if (!key.equals(estimatorFor)) {
      Optional<Destination> d = lifecycle.destination(t.details().destinationId());
      estimator =
          d.map(x -> new EtaEstimator(new GeoPoint(x.latitude(), x.longitude()))).orElse(null);
      estimatorFor = key;
    }
    return estimator;
  }

  /** The simulated vehicle: parked at the route's start until a transport starts, then drives. */
  private void simulate() {
    try {
      Optional<Transport> t = lifecycle.current();
      Instant now = clock.instant();
      if (t.isPresent() && !routeFor.equals(t.get().id())) {
        routeFor = t.get().id();
        route = RouteSimulator.demo(t.get().startedAt(), 1);
        routeStartedAt = now;
      }
      RouteSimulator r = route == null ? RouteSimulator.demo(now, 1) : route;
      Duration driven =
          route == null
              ? Duration.ZERO
              : Duration.ofMillis(
                  (long)
                      (Duration.between(routeStartedAt, now).toMillis() * props.simulationSpeed()));
      GpsFix f = r.fixAt(driven.compareTo(r.duration()) > 0 ? r.duration() : driven);
      onFix(
          new GpsFix(
              now,
              f.latitude(),
              f.longitude(),
              true,
              driven.compareTo(r.duration()) >= 0 || route == null ? 0.0 : f.speedMps(),
              f.courseDegrees(),
              f.fixQuality(),
              f.satellites(),
              f.hdop(),
              f.altitudeMetres()));
    } catch (RuntimeException e) {
      log.warn("GPS simulation step failed: {}", e.toString());
    }
  }

  /** Whether a GPS source is configured at all. */
  public boolean configured() {
    return props.source() != GpsProperties.Source.NONE;
  }

  /** What the crew page shows about GPS. */
  public record Status(boolean fix, GpsFix position, Duration age, Eta eta, String detail) {}

  public Status status() {
    GpsFix f = latest;
    Instant at = latestAt;
    Duration age = at == null ? null : Duration.between(at, clock.instant());
    boolean fresh = f != null && age.compareTo(props.staleAfter()) <= 0;
    Optional<Transport> t = lifecycle.current();
    Eta eta = null;
    if (fresh && t.isPresent() && t.get().state() == Transport.State.EN_ROUTE) {
      EtaEstimator e = estimatorFor(t.get());
      eta = e == null ? null : e.current().orElse(null);
    }
    String detail;
    if (props.source() == GpsProperties.Source.NONE) {
      detail = "no GPS configured";
    } else if (reader != null) {
      GpsHealth h = reader.health();
      detail = h.connected() ? (fresh ? "fix" : "no fix") : "receiver not connected";
    } else {
      detail = fresh ? "simulated route" : "no fix";
    }
    return new Status(fresh, f, age, eta, detail);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    if (reader != null) {
      reader.close();
    }
  }
}
