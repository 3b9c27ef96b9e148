package org.ambulink.appliance.console;

import java.util.Locale;
import java.util.Map;
import org.ambulink.drivers.model.MdcCode;

/**
 * How the console shows a vital sign: a short label for the common MDC metrics, and the UCUM unit
 * of an MDC unit. Terms are matched by their numeric code (devices disagree on reference ids), then
 * by reference id; the same MDC→UCUM choices as the FHIR mapper's vital signs ({@code VitalSign},
 * {@code BloodPressure}). Anything else keeps a label made from its reference id and the unit's
 * reference id, so the console still shows it.
 */
final class VitalTerms {
  /** Metric code → label. Both NIBP families (NONINV and CUFF) are "NIBP". */
  private static final Map<Integer, String> LABELS =
      Map.ofEntries(
          Map.entry(147842, "HR"), // MDC_ECG_HEART_RATE
          Map.entry(149530, "PR"), // MDC_PULS_OXIM_PULS_RATE (pulse rate from the oximeter)
          Map.entry(150456, "SpO2"), // MDC_PULS_OXIM_SAT_O2
          Map.entry(150021, "NIBP sys"), // MDC_PRESS_BLD_NONINV_SYS
          Map.entry(150022, "NIBP dia"), // MDC_PRESS_BLD_NONINV_DIA
          Map.entry(150023, "NIBP mean"), // MDC_PRESS_BLD_NONINV_MEAN
          Map.entry(150301, "NIBP sys"), // MDC_PRESS_CUFF_SYS
          Map.entry(150302, "NIBP dia"), // MDC_PRESS_CUFF_DIA
          Map.entry(150303, "NIBP mean"), // MDC_PRESS_CUFF_MEAN
          Map.entry(151562, "RR"), // MDC_RESP_RATE
          Map.entry(151578, "RR"), // MDC_TTHOR_RESP_RATE
          Map.entry(150344, "Temp"), // MDC_TEMP
          Map.entry(151708, "etCO2")); // MDC_CONC_AWAY_CO2_ET

  /** Unit code → UCUM. */
  private static final Map<Integer, String> UCUM_BY_CODE =
      Map.of(
          262688, "%", // MDC_DIM_PERCENT
          264864, "/min", // MDC_DIM_BEAT_PER_MIN
          264928, "/min", // MDC_DIM_RESP_PER_MIN
          266016, "mm[Hg]", // MDC_DIM_MMHG
          268192, "Cel", // MDC_DIM_DEGC
          264608, "/s"); // MDC_DIM_PER_SEC

  /** Unit reference id → UCUM, for devices whose codes we do not know. */
  private static final Map<String, String> UCUM_BY_REF_ID =
      Map.ofEntries(
          Map.entry("MDC_DIM_PERCENT", "%"),
          Map.entry("MDC_DIM_BEAT_PER_MIN", "/min"),
          Map.entry("MDC_DIM_RESP_PER_MIN", "/min"),
          Map.entry("MDC_DIM_PER_MIN", "/min"),
          Map.entry("MDC_DIM_MMHG", "mm[Hg]"),
          Map.entry("MDC_DIM_KILO_PASCAL", "kPa"),
          Map.entry("MDC_DIM_DEGC", "Cel"),
          Map.entry("MDC_DIM_FAHR", "[degF]"),
          Map.entry("MDC_DIM_PER_SEC", "/s"),
          Map.entry("MDC_DIM_MILLI_VOLT", "mV"),
          Map.entry("MDC_DIM_DIMLESS", "1"));

  /** Longest label and unit the console keeps. */
  static final int MAX_TEXT = 40;

  private VitalTerms() {}

  /** The metric's reference id, or its code when the device sent none. */
  static String code(MdcCode metric) {
    return metric.refId().isBlank() ? String.valueOf(metric.code()) : metric.refId();
  }

  /** A short label, e.g. {@code SpO2}. */
  static String label(MdcCode metric) {
    String l = LABELS.get(metric.code());
    if (l != null) {
      return l;
    }
    String r = metric.refId().toUpperCase(Locale.ROOT);
    if (r.startsWith("MDC_")) {
      r = r.substring(4);
    }
    return truncate(r.isBlank() ? String.valueOf(metric.code()) : r);
  }

  /** The unit in UCUM, e.g. {@code mm[Hg]}; the MDC reference id when there is no mapping. */
  static String ucum(MdcCode unit) {
    String u = UCUM_BY_CODE.get(unit.code());
    if (u == null) {
      u = UCUM_BY_REF_ID.get(unit.refId().toUpperCase(Locale.ROOT));
    }
    if (u == null) {
      u = unit.refId().isBlank() ? String.valueOf(unit.code()) : unit.refId();
    }
    return truncate(u);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }
}
