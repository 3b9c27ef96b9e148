package org.ambulink.drivers.model;

import java.util.Objects;

/**
 * A term of IEEE 11073-10101 (MDC): the numeric code and its reference id, e.g. {@code 150456
 * MDC_PULS_OXIM_SAT_O2}. The code is what identifies the term; the reference id is carried for
 * people reading the data.
 */
public record MdcCode(int code, String refId) {
  /** The coding system name used in HL7 v2 CWE fields. */
  public static final String SYSTEM = "MDC";

  public MdcCode {
    if (code < 0) {
      throw new IllegalArgumentException("MDC code must not be negative, was " + code);
    }
    refId = refId == null ? "" : refId;
  }

  public static MdcCode of(int code, String refId) {
    return new MdcCode(code, refId);
  }

  /** Same code, whatever the reference id says: devices disagree on labels, not on numbers. */
  public boolean sameCode(MdcCode other) {
    return other != null && other.code == code;
  }

  @Override
  public String toString() {
    return code + "^" + Objects.toString(refId, "") + "^" + SYSTEM;
  }
}
