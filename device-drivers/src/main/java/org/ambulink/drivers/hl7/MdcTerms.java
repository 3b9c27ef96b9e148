package org.ambulink.drivers.hl7;

import java.util.Locale;
import org.ambulink.drivers.model.MdcCode;

/**
 * Reads IEEE 11073-10101 (MDC) terms out of coded fields, and the few MDC terms the codec itself
 * writes or recognises (device tree, WCM facets, PCD-04 alarm facets).
 */
final class MdcTerms {
  static final MdcCode MDS_MULTI_PARAM = MdcCode.of(69965, "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS");
  static final MdcCode SAMP_RATE = MdcCode.of(0, "MDC_ATTR_SAMP_RATE");
  static final MdcCode DATA_RANGE = MdcCode.of(0, "MDC_ATTR_DATA_RANGE");
  static final MdcCode PER_SEC = MdcCode.of(264608, "MDC_DIM_PER_SEC");
  static final MdcCode EVT_ALARM = MdcCode.of(196616, "MDC_EVT_ALARM");
  static final MdcCode ALERT_SOURCE = MdcCode.of(68480, "MDC_ATTR_ALERT_SOURCE");
  static final MdcCode EVENT_PHASE = MdcCode.of(68481, "MDC_ATTR_EVENT_PHASE");
  static final MdcCode ALARM_STATE = MdcCode.of(68482, "MDC_ATTR_ALARM_STATE");
  static final MdcCode ALARM_PRIORITY = MdcCode.of(68484, "MDC_ATTR_ALARM_PRIORITY");
  static final MdcCode ALERT_TYPE = MdcCode.of(68485, "MDC_ATTR_ALERT_TYPE");
  static final String ALERT_TEXT = "MDC_ATTR_ALERT_TEXT";

  private MdcTerms() {}

  /**
   * The MDC term of a coded field, or null with {@link Resolution#problem} saying why not. The
   * primary triplet is used when its coding system is MDC, else the alternate one; a missing coding
   * system is accepted when the text is an MDC reference id ({@code MDC_...}).
   */
  static Resolution resolve(Cwe c) {
    if (c.isEmpty()) {
      return new Resolution(null, Problem.MISSING);
    }
    Problem primary = check(c.code(), c.text(), c.system());
    if (primary == null) {
      return new Resolution(MdcCode.of(Integer.parseInt(c.code()), c.text()), null);
    }
    Problem alternate = check(c.altCode(), c.altText(), c.altSystem());
    if (alternate == null) {
      return new Resolution(MdcCode.of(Integer.parseInt(c.altCode()), c.altText()), null);
    }
    return new Resolution(null, primary);
  }

  private static Problem check(String code, String text, String system) {
    boolean mdc =
        system.equalsIgnoreCase(MdcCode.SYSTEM)
            || (system.isEmpty() && text.toUpperCase(Locale.ROOT).startsWith("MDC_"));
    if (!mdc) {
      return code.isEmpty() && text.isEmpty() && system.isEmpty()
          ? Problem.MISSING
          : Problem.VENDOR;
    }
    if (code.isEmpty() || code.length() > 9) {
      return Problem.BAD_CODE;
    }
    for (int i = 0; i < code.length(); i++) {
      if (code.charAt(i) < '0' || code.charAt(i) > '9') {
        return Problem.BAD_CODE;
      }
    }
    return null;
  }

  /** Why a coded field did not give an MDC term. */
  enum Problem {
    MISSING,
    VENDOR,
    BAD_CODE
  }

  record Resolution(MdcCode code, Problem problem) {
    boolean ok() {
      return code != null;
    }
  }

  /** Whether the unit is samples per second (Hz), the unit the sample-rate facet must have. */
  static boolean isPerSecond(MdcCode unit) {
    String r = unit.refId().toUpperCase(Locale.ROOT);
    return unit.code() == PER_SEC.code() || r.equals("MDC_DIM_PER_SEC") || r.equals("MDC_DIM_HZ");
  }
}
