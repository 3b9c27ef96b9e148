package org.ambulink.drivers.model;

/**
 * Alarm priority as IHE PCD-04 sends it in OBX-8 ({@code PH}, {@code PM}, {@code PL}, {@code PN}).
 */
public enum AlarmPriority {
  HIGH("PH"),
  MEDIUM("PM"),
  LOW("PL"),
  NONE("PN");

  private final String hl7;

  AlarmPriority(String hl7) {
    this.hl7 = hl7;
  }

  public String hl7() {
    return hl7;
  }

  /** The priority for an OBX-8 flag, or {@link #NONE} when the flag is absent or unknown. */
  public static AlarmPriority fromHl7(String flag) {
    for (AlarmPriority p : values()) {
      if (p.hl7.equals(flag)) {
        return p;
      }
    }
    return NONE;
  }
}
