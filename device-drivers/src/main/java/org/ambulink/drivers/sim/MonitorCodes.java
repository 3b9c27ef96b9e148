package org.ambulink.drivers.sim;

import org.ambulink.drivers.model.MdcCode;

/**
 * The MDC metrics and units the simulated monitor reports, and where they sit in its device tree
 * (OBX-4 {@code MDS.VMD.Channel.Metric}): ECG in VMD 1, SpO2 in 2, NIBP in 3, respiration and CO2
 * in 4, temperature in 5.
 */
public final class MonitorCodes {
  public static final MdcCode HEART_RATE = MdcCode.of(147842, "MDC_ECG_HEART_RATE");
  public static final MdcCode SPO2 = MdcCode.of(150456, "MDC_PULS_OXIM_SAT_O2");
  public static final MdcCode PULSE_RATE = MdcCode.of(149530, "MDC_PULS_OXIM_PULS_RATE");
  public static final MdcCode NIBP_SYS = MdcCode.of(150301, "MDC_PRESS_CUFF_SYS");
  public static final MdcCode NIBP_DIA = MdcCode.of(150302, "MDC_PRESS_CUFF_DIA");
  public static final MdcCode NIBP_MEAN = MdcCode.of(150303, "MDC_PRESS_CUFF_MEAN");
  public static final MdcCode RESP_RATE = MdcCode.of(151562, "MDC_RESP_RATE");
  public static final MdcCode ETCO2 = MdcCode.of(151708, "MDC_CONC_AWAY_CO2_ET");
  public static final MdcCode TEMPERATURE = MdcCode.of(150344, "MDC_TEMP");

  public static final MdcCode BEATS_PER_MIN = MdcCode.of(264864, "MDC_DIM_BEAT_PER_MIN");
  public static final MdcCode PERCENT = MdcCode.of(262688, "MDC_DIM_PERCENT");
  public static final MdcCode MMHG = MdcCode.of(266016, "MDC_DIM_MMHG");
  public static final MdcCode BREATHS_PER_MIN = MdcCode.of(264928, "MDC_DIM_RESP_PER_MIN");
  public static final MdcCode DEGREES_CELSIUS = MdcCode.of(268192, "MDC_DIM_DEGC");

  private MonitorCodes() {}

  /** The containment path of an ECG lead's waveform: {@code 1.1.1.<lead code>}. */
  public static String waveformPath(MdcCode lead) {
    return "1.1.1." + lead.code();
  }

  /** The containment path of a numeric metric the simulator reports. */
  public static String numericPath(MdcCode metric) {
    int vmd =
        switch (metric.code()) {
          case 147842 -> 1;
          case 150456, 149530 -> 2;
          case 150301, 150302, 150303 -> 3;
          case 151562, 151708 -> 4;
          case 150344 -> 5;
          default -> throw new IllegalArgumentException("not a simulated metric: " + metric);
        };
    // ECG numerics sit in channel 2, next to the waveforms in channel 1.
    return "1." + vmd + "." + (vmd == 1 ? 2 : 1) + "." + metric.code();
  }
}
