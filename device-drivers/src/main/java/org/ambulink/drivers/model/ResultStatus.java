package org.ambulink.drivers.model;

/** HL7 v2 observation result status (OBX-11) as monitors use it. */
public enum ResultStatus {
  /** {@code R}: results entered, not verified; the usual status of a live monitor value. */
  PRELIMINARY("R"),
  /** {@code F}: final. */
  FINAL("F"),
  /** {@code C}: a correction of an earlier value. */
  CORRECTED("C"),
  /** {@code X}: no value can be obtained; also used on device-tree header rows. */
  CANNOT_OBTAIN("X");

  private final String hl7;

  ResultStatus(String hl7) {
    this.hl7 = hl7;
  }

  public String hl7() {
    return hl7;
  }

  /**
   * @throws IllegalArgumentException naming the value when it is not a status monitors send
   */
  public static ResultStatus fromHl7(String value) {
    for (ResultStatus s : values()) {
      if (s.hl7.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown OBX-11 result status '" + value + "' (expected R, F, C or X)");
  }
}
