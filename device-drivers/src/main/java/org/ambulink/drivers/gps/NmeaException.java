package org.ambulink.drivers.gps;

import java.util.Objects;

/**
 * An NMEA line that could not be used, typed so the reader can count each kind separately. The
 * message names the offending field and value so a technician can tell a wrong baud rate from a
 * faulty receiver; it may therefore contain a (possibly real) coordinate, so log only {@link
 * #reason()} at levels that end up in shipped logs.
 */
public final class NmeaException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why the line was rejected. */
  public enum Reason {
    /** Not an NMEA sentence: no leading {@code $}/{@code !}, or non-printable characters. */
    NOT_A_SENTENCE,
    /** Longer than {@link NmeaParser#MAX_LINE_CHARS}; usually a lost line end or a wrong baud. */
    TOO_LONG,
    /** No {@code *hh} checksum at the end. */
    MISSING_CHECKSUM,
    /** The checksum is not two hex digits or does not match the sentence. */
    BAD_CHECKSUM,
    /** The address field is not a talker id and sentence type, e.g. {@code $GP,} or {@code $1}. */
    UNKNOWN_TYPE,
    /** Fewer fields than the sentence type defines. */
    TRUNCATED,
    /** A field is not a number, out of range or not one of the allowed letters. */
    BAD_FIELD
  }

  private final Reason reason;

  public NmeaException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
