package org.ambulink.drivers.gps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a receiver's stream of NMEA sentences into the latest {@link GpsFix}. A receiver sends an
 * RMC (date, speed, course) and a GGA (satellites, HDOP, altitude) for every second; the tracker
 * merges the two of the same second into one fix, so each update is as complete as the receiver
 * allows, and counts what it could not use by {@link NmeaException.Reason} for the health report.
 *
 * <p>GGA carries only the time of day: its date is the last RMC's (or the appliance clock's before
 * any RMC), taking the day before or after when that is nearer, so a GGA just after midnight UTC is
 * not dated a day early. A fix without any receiver time (a receiver starting up) is stamped with
 * the appliance clock and is never valid.
 *
 * <p>Thread-safe: one thread feeds it while others read the latest fix and the counters.
 */
public final class GpsTracker {
  private final Clock clock;

  private Instant epoch;
  private NmeaSentence.Rmc epochRmc;
  private NmeaSentence.Gga epochGga;
  private Instant lastReceiverTime;
  private GpsFix latest;
  private GpsFix lastValid;
  private long accepted;
  private long ignored;
  private final Map<NmeaException.Reason, Long> rejected =
      new EnumMap<>(NmeaException.Reason.class);

  /** A tracker dating GGA-only data with the system clock (UTC) until an RMC arrives. */
  public GpsTracker() {
    this(Clock.systemUTC());
  }

  /**
   * @param clock dates GGA sentences before the first RMC, and stamps fixes without receiver time
   */
  public GpsTracker(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Parses and applies one line. Never throws for bad input: rejected lines are counted by reason.
   *
   * @return the updated fix when the line was a usable RMC or GGA; empty when it was rejected or of
   *     another type
   */
  public Optional<GpsFix> accept(String line) {
    Optional<NmeaSentence> sentence;
    try {
      sentence = NmeaParser.parse(line);
    } catch (NmeaException e) {
      reject(e.reason());
      return Optional.empty();
    }
    if (sentence.isEmpty()) {
      synchronized (this) {
        ignored++;
      }
      return Optional.empty();
    }
    return Optional.of(accept(sentence.get()));
  }

  /** Applies one parsed sentence and returns the updated fix. */
  public synchronized GpsFix accept(NmeaSentence sentence) {
    Objects.requireNonNull(sentence, "sentence");
    accepted++;
    Instant time;
    if (sentence instanceof NmeaSentence.Rmc rmc) {
      time = rmc.time();
      if (time != null) {
        lastReceiverTime = time;
      }
      if (time == null || !time.equals(epoch)) {
        epochGga = null;
      }
      epochRmc = rmc;
    } else {
      NmeaSentence.Gga gga = (NmeaSentence.Gga) sentence;
      time = gga.time() == null ? null : dated(gga.time());
      if (time != null) {
        lastReceiverTime = time;
      }
      if (time == null || !time.equals(epoch)) {
        epochRmc = null;
      }
      epochGga = gga;
    }
    epoch = time;
    GpsFix fix = merge(sentence, time == null ? clock.instant() : time);
    latest = fix;
    if (fix.valid()) {
      lastValid = fix;
    }
    return fix;
  }

  /** Counts a line rejected before parsing, e.g. one the reader found too long to buffer. */
  public synchronized void reject(NmeaException.Reason reason) {
    rejected.merge(Objects.requireNonNull(reason, "reason"), 1L, Long::sum);
  }

  /** The latest fix, valid or not; empty before the first RMC or GGA. */
  public synchronized Optional<GpsFix> latest() {
    return Optional.ofNullable(latest);
  }

  /** The latest valid fix: the last known position when the receiver has lost its fix. */
  public synchronized Optional<GpsFix> lastValid() {
    return Optional.ofNullable(lastValid);
  }

  /** RMC and GGA sentences used. */
  public synchronized long acceptedCount() {
    return accepted;
  }

  /** Valid sentences of types not used here (GSV, VTG, proprietary, ...). */
  public synchronized long ignoredCount() {
    return ignored;
  }

  /** Lines rejected, all reasons together. */
  public synchronized long rejectedCount() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Lines rejected per reason; reasons that did not occur are absent. */
  public synchronized Map<NmeaException.Reason, Long> rejectedByReason() {
    return rejected.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(rejected));
  }

  private GpsFix merge(NmeaSentence current, Instant time) {
    NmeaSentence.Rmc rmc = epochRmc;
    NmeaSentence.Gga gga = epochGga;
    double lat;
    double lon;
    if (current instanceof NmeaSentence.Rmc r && !Double.isNaN(r.latitude())) {
      lat = r.latitude();
      lon = r.longitude();
    } else if (current instanceof NmeaSentence.Gga g && !Double.isNaN(g.latitude())) {
      lat = g.latitude();
      lon = g.longitude();
    } else if (rmc != null && !Double.isNaN(rmc.latitude())) {
      lat = rmc.latitude();
      lon = rmc.longitude();
    } else if (gga != null && !Double.isNaN(gga.latitude())) {
      lat = gga.latitude();
      lon = gga.longitude();
    } else {
      lat = Double.NaN;
      lon = Double.NaN;
    }
    boolean valid =
        !Double.isNaN(lat)
            && (rmc == null || rmc.valid())
            && (gga == null || gga.quality() > 0)
            && (rmc != null ? rmc.time() != null : gga.time() != null);
    return new GpsFix(
        time,
        lat,
        lon,
        valid,
        rmc == null ? null : rmc.speedMps(),
        rmc == null ? null : rmc.courseDegrees(),
        gga == null ? null : gga.quality(),
        gga == null ? null : gga.satellites(),
        gga == null ? null : gga.hdop(),
        gga == null ? null : gga.altitudeMetres());
  }

  /** The instant of a time of day on whichever date puts it nearest the last known time. */
  private Instant dated(LocalTime timeOfDay) {
    Instant reference = lastReceiverTime != null ? lastReceiverTime : clock.instant();
    LocalDate day = reference.atOffset(ZoneOffset.UTC).toLocalDate();
    Instant best = null;
    for (int offset = -1; offset <= 1; offset++) {
      Instant candidate = day.plusDays(offset).atTime(timeOfDay).toInstant(ZoneOffset.UTC);
      if (best == null
          || Duration.between(candidate, reference)
                  .abs()
                  .compareTo(Duration.between(best, reference).abs())
              < 0) {
        best = candidate;
      }
    }
    return best;
  }
}
