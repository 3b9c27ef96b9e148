package org.ambulink.appliance.status;

import java.time.Instant;
import org.ambulink.appliance.gps.GpsService;
import org.ambulink.appliance.transport.Transport;
import org.springframework.stereotype.Component;

/** The GPS tile: the vehicle's last fix, and distance and ETA to the transport's destination. */
@Component
class PositionStatus {
  private final GpsService gps;

  PositionStatus(GpsService gps) {
    this.gps = gps;
  }

  /** GPS as the crew page shows it; nulls when unknown. */
  record Gps(
      boolean fix,
      Double latitude,
      Double longitude,
      Double speedKmh,
      Double ageSeconds,
      Double distanceKm,
      Double etaMinutes,
      Instant eta,
      boolean configured,
      String detail) {}

  Gps status(Transport transport, Instant now) {
    GpsService.Status s = gps.status();
    if (s.position() == null) {
      return new Gps(false, null, null, null, null, null, null, null, gps.configured(), s.detail());
    }
    var p = s.position();
    var eta = s.eta();
    return new Gps(
        s.fix(),
        p.latitude(),
        p.longitude(),
        p.speedMps() == null ? null : round1(p.speedMps() * 3.6),
        s.age() == null ? null : s.age().toMillis() / 1000.0,
        eta == null ? null : round1(eta.remainingMetres() / 1000.0),
        eta == null || !eta.known() ? null : round1(eta.timeToArrival().toSeconds() / 60.0),
        eta == null ? null : eta.arrivalTime().orElse(null),
        gps.configured(),
        s.detail());
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
