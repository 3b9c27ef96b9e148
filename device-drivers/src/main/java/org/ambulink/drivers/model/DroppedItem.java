package org.ambulink.drivers.model;

import java.util.Objects;

/**
 * Something a message carried that intake did not turn into data, and why. It names the place in
 * the message and the reason, never a patient value beyond what the reason needs (e.g. the {@code
 * -999} sentinel).
 *
 * @param location where in the message, e.g. {@code OBX[7]} or {@code OBX[3]-3}
 * @param reason a short machine-friendly reason, e.g. {@code sentinel}, {@code vendor-code}
 * @param detail a sentence a person can act on
 */
public record DroppedItem(String location, String reason, String detail) {
  public DroppedItem {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(reason, "reason");
    detail = Objects.toString(detail, "");
  }
}
