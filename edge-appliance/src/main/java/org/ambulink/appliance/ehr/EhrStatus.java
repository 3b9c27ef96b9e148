package org.ambulink.appliance.ehr;

/**
 * The EHR tile of the crew page.
 *
 * @param state {@code NOT_STARTED}, {@code PENDING}, {@code DELIVERED} or {@code FAILED}
 * @param detail one or two sentences a crew member can act on (may be empty)
 */
public record EhrStatus(String state, String detail) {
  public static final String NOT_STARTED = "NOT_STARTED";
  public static final String PENDING = "PENDING";
  public static final String DELIVERED = "DELIVERED";
  public static final String FAILED = "FAILED";
}
