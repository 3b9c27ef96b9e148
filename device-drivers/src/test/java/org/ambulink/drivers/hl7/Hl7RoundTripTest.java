package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * decode(encode(m)) gives back m: observations and alarms as equal records, waveforms with the
 * identical physical value for every sample (the decoder picks its own power-of-ten scale, so the
 * integer samples and scale may differ from the original while {@code offset + scale * sample} does
 * not). Property style: random messages from fixed seeds.
 */
class Hl7RoundTripTest {
  private static final MdcCode[] METRICS = {
    MdcCode.of(147842, "MDC_ECG_HEART_RATE"),
    MdcCode.of(150456, "MDC_PULS_OXIM_SAT_O2"),
    MdcCode.of(150301, "MDC_PRESS_CUFF_SYS"),
    MdcCode.of(150022, "MDC_PRESS_BLD_NONINV_DIA"),
    MdcCode.of(150344, "MDC_TEMP"),
    MdcCode.of(151708, "MDC_CONC_AWAY_CO2_ET"),
    MdcCode.of(188736, "")
  };
  private static final MdcCode[] UNITS = {
    MdcCode.of(264864, "MDC_DIM_BEAT_PER_MIN"),
    MdcCode.of(262688, "MDC_DIM_PERCENT"),
    MdcCode.of(266016, "MDC_DIM_MMHG"),
    MdcCode.of(268192, "MDC_DIM_DEGC")
  };
  private static final String[] SCALES = {
    "0.005", "0.0005", "0.001", "0.01", "1", "2.5", "0.00125", "0.1", "5E+1", "-0.005"
  };
  private static final String[] OFFSETS = {"0", "0", "0", "-1.5", "0.0005", "1024"};
  private static final double[] RATES = {125, 250, 360, 500, 1000, 257.5, 0.5, 1.0 / 3};

  private final Hl7Encoder encoder = new Hl7Encoder();
  private final Hl7Decoder decoder = new Hl7Decoder();

  static void assertSameWaveforms(List<WaveformSegment> actual, List<WaveformSegment> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int l = 0; l < expected.size(); l++) {
      WaveformSegment a = actual.get(l);
      WaveformSegment e = expected.get(l);
      assertThat(a.lead()).isEqualTo(e.lead());
      assertThat(a.containmentPath()).isEqualTo(e.containmentPath());
      assertThat(a.sampleRateHz()).isEqualTo(e.sampleRateHz());
      assertThat(a.startTime()).isEqualTo(e.startTime());
      assertThat(a.unit()).isEqualTo(e.unit());
      assertThat(a.deviceId()).isEqualTo(e.deviceId());
      assertThat(a.sampleCount()).isEqualTo(e.sampleCount());
      for (int i = 0; i < e.sampleCount(); i++) {
        if (a.physical(i).compareTo(e.physical(i)) != 0) {
          throw new AssertionError(
              "lead "
                  + e.lead()
                  + " sample "
                  + i
                  + ": "
                  + a.physical(i)
                  + " != "
                  + e.physical(i)
                  + " (scale "
                  + e.scale()
                  + ", offset "
                  + e.offset()
                  + ")");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void random_observation_reports_round_trip(long seed) throws Exception {
    Random random = new Random(seed);
    for (int n = 0; n < 40; n++) {
      MonitorMessage m = randomMessage(random);

      MonitorMessage d = decoder.decode(encoder.encodeObservationReport(m));

      assertThat(d.controlId()).isEqualTo(m.controlId());
      assertThat(d.messageType()).isEqualTo("ORU^R01");
      assertThat(d.device()).isEqualTo(m.device());
      assertThat(d.messageTime()).isEqualTo(m.messageTime());
      assertThat(d.observations()).isEqualTo(m.observations());
      assertSameWaveforms(d.waveforms(), m.waveforms());
      assertThat(d.dropped()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14})
  void random_alarm_reports_round_trip(long seed) throws Exception {
    Random random = new Random(seed);
    for (int n = 0; n < 40; n++) {
      MonitorMessage m = randomMessage(random);

      MonitorMessage d = decoder.decode(encoder.encodeAlarmReport(m));

      assertThat(d.messageType()).isEqualTo("ORU^R40");
      assertThat(d.alarms()).isEqualTo(m.alarms());
      assertThat(d.dropped()).isEmpty();
    }
  }

  @Test
  void power_of_ten_scales_with_full_digits_round_trip_as_equal_records() throws Exception {
    int[] samples = {1, -2, 1999, -4001, 7, 0};
    WaveformSegment w =
        new WaveformSegment(
            EcgLeads.V3,
            "1.1.1.131333",
            500,
            Instant.parse("2024-03-15T14:30:05.002Z"),
            samples,
            new BigDecimal("0.001"),
            BigDecimal.ZERO,
            WaveformSegment.MILLIVOLT,
            Hl7EncoderTest.EUI);
    MonitorMessage m =
        new MonitorMessage(
            "C1",
            "ORU^R01",
            Hl7EncoderTest.DEVICE,
            Hl7EncoderTest.T,
            List.of(),
            List.of(w),
            List.of(),
            List.of());

    assertThat(decoder.decode(encoder.encodeObservationReport(m)).waveforms()).containsExactly(w);
  }

  @Test
  void a_value_too_precise_for_an_int_sample_drops_the_lead_instead_of_rounding() throws Exception {
    String er7 =
        encoder.encodeObservationReport(
            new MonitorMessage(
                "C1",
                "ORU^R01",
                Hl7EncoderTest.DEVICE,
                Hl7EncoderTest.T,
                List.of(),
                List.of(
                    new WaveformSegment(
                        EcgLeads.I,
                        "1.1.1.131329",
                        500,
                        Hl7EncoderTest.T,
                        new int[] {1, Integer.MAX_VALUE},
                        new BigDecimal("0.001"),
                        new BigDecimal("0.5"),
                        WaveformSegment.MILLIVOLT,
                        Hl7EncoderTest.EUI)),
                List.of(),
                List.of()));

    MonitorMessage d = decoder.decode(er7);

    assertThat(d.waveforms()).isEmpty();
    assertThat(d.dropped())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo("sample-range");
              assertThat(x.detail()).contains("131329", "sample 2");
            });
  }

  private static MonitorMessage randomMessage(Random r) {
    String device = r.nextBoolean() ? String.format("%016X", r.nextLong()) : "MON-" + r.nextInt(99);
    Instant base = Instant.ofEpochMilli(1_500_000_000_000L + (long) (r.nextDouble() * 3e11));
    List<NumericObservation> observations = new ArrayList<>();
    for (int i = r.nextInt(8); i > 0; i--) {
      BigDecimal value = BigDecimal.valueOf(r.nextInt(40000) - 2000, r.nextInt(4));
      if (Decimals.isSentinel(value.toPlainString())) {
        value = BigDecimal.ONE;
      }
      observations.add(
          new NumericObservation(
              METRICS[r.nextInt(METRICS.length)],
              value,
              UNITS[r.nextInt(UNITS.length)],
              "1." + (1 + r.nextInt(5)) + ".1." + r.nextInt(200000),
              base.minusMillis(r.nextInt(600_000)),
              r.nextInt(4) == 0 ? "OTHER-" + r.nextInt(9) : device,
              ResultStatus.values()[r.nextInt(ResultStatus.values().length)],
              r.nextInt(5) == 0));
    }
    List<WaveformSegment> waveforms = new ArrayList<>();
    List<MdcCode> leads = new ArrayList<>(EcgLeads.TWELVE_LEAD);
    java.util.Collections.shuffle(leads, r);
    int count = r.nextInt(13);
    int length = r.nextInt(3) == 0 ? 1 + r.nextInt(10) : 125;
    for (int l = 0; l < count; l++) {
      BigDecimal scale = new BigDecimal(SCALES[r.nextInt(SCALES.length)]);
      BigDecimal offset = new BigDecimal(OFFSETS[r.nextInt(OFFSETS.length)]);
      // 12-, 16- and 24-bit converters, as monitors have, limited to what an int sample holds at
      // the decimals the values are written with.
      long amplitude = new int[] {2048, 32768, 8388608}[r.nextInt(3)];
      int digits = Math.max(0, Math.max(scale.scale(), offset.scale()));
      BigDecimal fits =
          BigDecimal.valueOf(Integer.MAX_VALUE)
              .movePointLeft(digits)
              .subtract(offset.abs())
              .divide(scale.abs(), 0, java.math.RoundingMode.DOWN);
      amplitude = Math.min(amplitude, fits.longValue());
      int[] samples = new int[length];
      for (int i = 0; i < length; i++) {
        samples[i] = (int) (r.nextLong(2 * amplitude) - amplitude);
      }
      waveforms.add(
          new WaveformSegment(
              leads.get(l),
              "1.1.1." + leads.get(l).code(),
              RATES[r.nextInt(RATES.length)],
              base.minusMillis(r.nextInt(10_000)),
              samples,
              scale,
              offset,
              WaveformSegment.MILLIVOLT,
              device));
    }
    List<AlarmEvent> alarms = new ArrayList<>();
    for (int i = 1 + r.nextInt(3); i > 0; i--) {
      alarms.add(
          new AlarmEvent(
              "ALM-" + r.nextInt(100000),
              MdcCode.of(196608 + r.nextInt(400), "MDC_EVT_" + r.nextInt(50)),
              r.nextBoolean() ? METRICS[r.nextInt(METRICS.length)] : null,
              AlarmPriority.values()[r.nextInt(AlarmPriority.values().length)],
              AlarmEvent.Kind.values()[r.nextInt(2)],
              r.nextBoolean() ? "start" : "",
              r.nextBoolean() ? "active" : "",
              r.nextBoolean() ? "Alarm text " + r.nextInt(1000) : "",
              base.minusMillis(r.nextInt(100_000)),
              r.nextBoolean() ? device : "OTHER-1"));
    }
    return new MonitorMessage(
        "CTL-" + r.nextInt(1_000_000),
        "ORU^R01",
        new DeviceIdentity(device, r.nextBoolean() ? "AMBULINK_SIM" : "", "", ""),
        base,
        observations,
        waveforms,
        alarms,
        List.of());
  }
}
