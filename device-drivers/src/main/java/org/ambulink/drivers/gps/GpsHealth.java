package org.ambulink.drivers.gps;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.ambulink.drivers.transport.serial.SerialHealth;

/**
 * A snapshot of the GPS link for the appliance's health endpoint: is the receiver connected and
 * talking, how old is the position the crew and the ED see, and how much of what it sends is
 * unusable (many rejections usually mean a wrong baud rate or a failing cable).
 *
 * @param portName the configured port
 * @param state {@link SerialHealth.State#CONNECTED} while bytes arrive, {@code SILENT} after the
 *     silence watchdog, {@code DISCONNECTED} while the port is closed, missing or being reopened
 * @param lastFixAt appliance time the last valid fix arrived, or null if none yet
 * @param lastFixAge how long ago that was, or null if none yet
 * @param fixCount valid fixes received
 * @param rejectedCount lines rejected, all reasons
 * @param rejectedByReason lines rejected per reason
 * @param reopenCount how often the port was opened again after it had been open and was lost
 * @param lastError the last link failure in words a technician can act on, or null; kept after
 *     recovery
 */
public record GpsHealth(
    String portName,
    SerialHealth.State state,
    Instant lastFixAt,
    Duration lastFixAge,
    long fixCount,
    long rejectedCount,
    Map<NmeaException.Reason, Long> rejectedByReason,
    long reopenCount,
    String lastError) {

  public GpsHealth {
    rejectedByReason = Map.copyOf(rejectedByReason);
  }

  /** Whether the port is open (talking or silent). */
  public boolean connected() {
    return state != SerialHealth.State.DISCONNECTED;
  }
}
