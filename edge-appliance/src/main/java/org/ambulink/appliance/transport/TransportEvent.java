package org.ambulink.appliance.transport;

import java.time.Instant;
import java.util.Objects;

/**
 * A step in a transport's life, journaled in the transport's own stream. Replaying a stream's
 * transport events rebuilds the transport after a reboot.
 *
 * @param type what happened
 * @param transportId the transport it belongs to
 * @param at when it happened (appliance clock)
 * @param details the transport's details after this step; required for {@link Type#STARTED} and
 *     {@link Type#UPDATED}, else null
 * @param note free text for the record (e.g. who handed over to whom), may be empty
 */
public record TransportEvent(
    Type type, String transportId, Instant at, TransportDetails details, String note) {

  /** Kinds of steps, with stable on-disk codes. */
  public enum Type {
    STARTED(1),
    UPDATED(2),
    HANDED_OVER(3),
    CLOSED(4);

    public final int code;

    Type(int code) {
      this.code = code;
    }

    public static Type ofCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown transport event code " + code);
    }
  }

  public TransportEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(transportId, "transportId");
    Objects.requireNonNull(at, "at");
    if ((type == Type.STARTED || type == Type.UPDATED) && details == null) {
      throw new IllegalArgumentException(type + " needs the transport's details");
    }
    note = Objects.toString(note, "");
  }
}
