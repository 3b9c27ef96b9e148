package org.ambulink.drivers.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * MDC codes of the ECG leads (IEEE 11073-10102 lead numbers on top of the MDC_ECG_ELEC_POTL base
 * 131328): I=1, II=2, V1..V6=3..8, III=61, aVR=62, aVL=63, aVF=64. Note that 131330 is
 * MDC_ECG_ELEC_POTL_II; MDC_ECG_LEAD_II (131074) is a different partition and not used here.
 */
public final class EcgLeads {
  /** Generic ECG electric potential, the code of a multi-lead ECG as a whole. */
  public static final MdcCode ELEC_POTL = MdcCode.of(131328, "MDC_ECG_ELEC_POTL");

  public static final MdcCode I = MdcCode.of(131329, "MDC_ECG_ELEC_POTL_I");
  public static final MdcCode II = MdcCode.of(131330, "MDC_ECG_ELEC_POTL_II");
  public static final MdcCode V1 = MdcCode.of(131331, "MDC_ECG_ELEC_POTL_V1");
  public static final MdcCode V2 = MdcCode.of(131332, "MDC_ECG_ELEC_POTL_V2");
  public static final MdcCode V3 = MdcCode.of(131333, "MDC_ECG_ELEC_POTL_V3");
  public static final MdcCode V4 = MdcCode.of(131334, "MDC_ECG_ELEC_POTL_V4");
  public static final MdcCode V5 = MdcCode.of(131335, "MDC_ECG_ELEC_POTL_V5");
  public static final MdcCode V6 = MdcCode.of(131336, "MDC_ECG_ELEC_POTL_V6");
  public static final MdcCode III = MdcCode.of(131389, "MDC_ECG_ELEC_POTL_III");
  public static final MdcCode AVR = MdcCode.of(131390, "MDC_ECG_ELEC_POTL_AVR");
  public static final MdcCode AVL = MdcCode.of(131391, "MDC_ECG_ELEC_POTL_AVL");
  public static final MdcCode AVF = MdcCode.of(131392, "MDC_ECG_ELEC_POTL_AVF");

  /** The standard 12 leads in the order of a 12-lead display. */
  public static final List<MdcCode> TWELVE_LEAD =
      List.of(I, II, III, AVR, AVL, AVF, V1, V2, V3, V4, V5, V6);

  private static final Map<String, MdcCode> BY_NAME =
      Map.ofEntries(
          Map.entry("i", I),
          Map.entry("ii", II),
          Map.entry("mlii", II),
          Map.entry("iii", III),
          Map.entry("avr", AVR),
          Map.entry("avl", AVL),
          Map.entry("avf", AVF),
          Map.entry("v1", V1),
          Map.entry("v2", V2),
          Map.entry("v3", V3),
          Map.entry("v4", V4),
          Map.entry("v5", V5),
          Map.entry("v6", V6));

  private EcgLeads() {}

  /**
   * The lead for a signal description as WFDB headers write it ({@code ii}, {@code MLII}, {@code
   * V5}, {@code aVF}); empty for signals that are not standard leads (e.g. Frank {@code vx}).
   */
  public static Optional<MdcCode> byName(String description) {
    if (description == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_NAME.get(description.trim().toLowerCase(Locale.ROOT)));
  }

  /** The short display name of a lead code (I, II, aVR, V1...), or the MDC ref id otherwise. */
  public static String displayName(MdcCode lead) {
    int n = lead.code() - ELEC_POTL.code();
    return switch (n) {
      case 1 -> "I";
      case 2 -> "II";
      case 3, 4, 5, 6, 7, 8 -> "V" + (n - 2);
      case 61 -> "III";
      case 62 -> "aVR";
      case 63 -> "aVL";
      case 64 -> "aVF";
      default -> lead.refId().isEmpty() ? String.valueOf(lead.code()) : lead.refId();
    };
  }
}
