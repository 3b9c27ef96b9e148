package org.ambulink.drivers.transport.serial;

import java.time.Instant;

/**
 * A snapshot of one serial monitor link, for the appliance's health endpoint and metrics: is the
 * port open, is the monitor talking, and what went wrong last.
 *
 * @param portName the configured port
 * @param state see {@link State}
 * @param lastByteAt when the last byte arrived, or null if none has arrived since start
 * @param reopenCount how often the port was opened again after it had been open and was lost
 * @param lastError the last failure in words a technician can act on, or null if none yet; kept
 *     after recovery so a flapping link can be diagnosed
 */
public record SerialHealth(
    String portName, State state, Instant lastByteAt, long reopenCount, String lastError) {

  /** Link state as the crew and the ED should understand it. */
  public enum State {
    /** The port is open and bytes arrived within the silence watchdog. */
    CONNECTED,
    /** The port is not open: not started, closed, missing, or lost and being reopened. */
    DISCONNECTED,
    /** The port is open but no byte arrived for longer than the silence watchdog. */
    SILENT
  }
}
