package org.ambulink.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.fhir.EcgStrip.Reason;
import org.ambulink.fhir.EcgStrips.ScheduledStrip;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EcgStripsTest {
  private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");
  private static SimulatedTransport transport;

  @BeforeAll
  static void record() {
    transport =
        SimulatedTransport.run(
            Duration.ofSeconds(25), Duration.ofSeconds(5), Duration.ofMinutes(5));
  }

  @Test
  void schedule_takes_start_every_five_minutes_alarms_captures_and_the_last_ten_seconds() {
    Instant end = T0.plus(Duration.ofMinutes(12)).plusSeconds(30);
    Instant alarm = T0.plus(Duration.ofMinutes(7));
    Instant capture = T0.plus(Duration.ofMinutes(3)).plusSeconds(12);

    List<ScheduledStrip> strips = EcgStrips.schedule(T0, end, List.of(alarm), List.of(capture));

    assertThat(strips)
        .containsExactly(
            new ScheduledStrip(T0, Reason.TRANSPORT_START),
            new ScheduledStrip(capture, Reason.CREW_CAPTURE),
            new ScheduledStrip(T0.plus(Duration.ofMinutes(5)), Reason.PERIODIC),
            new ScheduledStrip(alarm.minus(EcgStrips.ALARM_LEAD_IN), Reason.ALARM),
            new ScheduledStrip(T0.plus(Duration.ofMinutes(10)), Reason.PERIODIC),
            new ScheduledStrip(end.minusSeconds(10), Reason.BEFORE_HANDOVER));
  }

  @Test
  void schedule_keeps_strips_inside_the_transport_and_takes_each_start_once() {
    Instant end = T0.plus(Duration.ofMinutes(5)).plusSeconds(10);
    List<ScheduledStrip> strips =
        EcgStrips.schedule(
            T0,
            end,
            List.of(T0.plusSeconds(2), T0.minusSeconds(60), end.plusSeconds(1)),
            List.of(end.minusSeconds(3)));

    // The periodic strip at 5 min is also the last 10 s; the early alarm moves to the start
    // and wins over it; the late capture moves back to end at handover; outside events are
    // ignored.
    assertThat(strips)
        .containsExactly(
            new ScheduledStrip(T0, Reason.ALARM),
            new ScheduledStrip(end.minusSeconds(10), Reason.CREW_CAPTURE));
  }

  @Test
  void schedule_of_a_transport_shorter_than_a_strip_is_empty() {
    assertThat(EcgStrips.schedule(T0, T0.plusSeconds(9), List.of(), List.of())).isEmpty();
    assertThat(EcgStrips.schedule(T0, T0.plusSeconds(10), List.of(), List.of()))
        .containsExactly(new ScheduledStrip(T0, Reason.TRANSPORT_START));
    assertThatThrownBy(() -> EcgStrips.schedule(T0, T0.minusSeconds(1), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before its start");
  }

  @Test
  void cut_concatenates_the_journaled_chunks_of_every_lead_into_ten_exact_seconds() {
    Instant from = transport.start.plusMillis(3_100); // inside a 250 ms chunk
    EcgStrip strip = transport.strip(from, Reason.CREW_CAPTURE);

    assertThat(strip.leads()).extracting(WaveformSegment::lead).isEqualTo(EcgLeads.TWELVE_LEAD);
    assertThat(strip.start()).isEqualTo(from);
    var sim = simulatorSamples();
    for (WaveformSegment lead : strip.leads()) {
      assertThat(lead.sampleCount()).isEqualTo(5000);
      assertThat(lead.startTime()).isEqualTo(from);
      assertThat(lead.scale()).isEqualByComparingTo("0.0005");
      int[] expected = Arrays.copyOfRange(sim.get(lead.lead()), 1550, 6550);
      assertThat(lead.samples()).isEqualTo(expected);
    }
  }

  private static Map<MdcCode, int[]> simulatorSamples() {
    var sim = MonitorSimulator.builder(SimulatedTransport.record()).build();
    Map<MdcCode, int[]> m = new HashMap<>();
    for (MdcCode lead : sim.leads()) {
      m.put(lead, sim.leadSamples(lead));
    }
    return m;
  }

  @Test
  void cut_counts_a_chunk_journaled_twice_once() {
    List<WaveformSegment> journal = new ArrayList<>(transport.waveforms);
    journal.addAll(transport.waveforms.subList(200, 260)); // a re-sent message

    EcgStrip twice = EcgStrips.cut(journal, transport.start, Duration.ofSeconds(10), Reason.ALARM);
    EcgStrip once = transport.strip(transport.start, Reason.ALARM);

    assertThat(twice).isEqualTo(once);
  }

  @Test
  void cut_rejects_a_gap_naming_the_lead_and_the_times() {
    List<WaveformSegment> journal = new ArrayList<>(transport.waveforms);
    WaveformSegment lost = leadII(journal, transport.start.plusSeconds(4));
    journal.remove(lost);

    assertThatThrownBy(
            () -> EcgStrips.cut(journal, transport.start, Duration.ofSeconds(10), Reason.PERIODIC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lead 131330^MDC_ECG_ELEC_POTL_II^MDC")
        .hasMessageContaining("gap of PT0.25S")
        .hasMessageContaining(transport.start.plusSeconds(4).toString());
  }

  @Test
  void cut_rejects_segments_of_one_lead_with_different_scales() {
    List<WaveformSegment> journal = new ArrayList<>(transport.waveforms);
    WaveformSegment w = leadII(journal, transport.start.plusSeconds(2));
    journal.set(
        journal.indexOf(w),
        new WaveformSegment(
            w.lead(),
            w.containmentPath(),
            w.sampleRateHz(),
            w.startTime(),
            w.samples(),
            new BigDecimal("0.001"),
            w.offset(),
            w.unit(),
            w.deviceId()));

    assertThatThrownBy(
            () -> EcgStrips.cut(journal, transport.start, Duration.ofSeconds(10), Reason.PERIODIC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MDC_ECG_ELEC_POTL_II")
        .hasMessageContaining("scale 0.001 differs from 0.0005");
  }

  @Test
  void cut_rejects_a_window_the_journal_does_not_cover() {
    assertThatThrownBy(
            () ->
                EcgStrips.cut(
                    transport.waveforms,
                    transport.end.minusSeconds(5),
                    Duration.ofSeconds(10),
                    Reason.BEFORE_HANDOVER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before the strip's end");
    assertThatThrownBy(
            () ->
                EcgStrips.cut(
                    transport.waveforms,
                    transport.start.minusSeconds(1),
                    Duration.ofSeconds(10),
                    Reason.TRANSPORT_START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the strip's start");
  }

  @Test
  void a_strip_accepts_only_standard_leads_in_millivolts() {
    WaveformSegment ii = leadII(transport.waveforms, transport.start);
    WaveformSegment frank =
        new WaveformSegment(
            MdcCode.of(131327, "MDC_ECG_ELEC_POTL_X"),
            "",
            500,
            T0,
            new int[] {1, 2},
            BigDecimal.ONE,
            BigDecimal.ZERO,
            WaveformSegment.MILLIVOLT,
            "");

    assertThatThrownBy(() -> new EcgStrip(Reason.ALARM, T0, List.of(ii, frank)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("131327^MDC_ECG_ELEC_POTL_X^MDC is not one of the 12 standard leads");
    assertThatThrownBy(() -> new EcgStrip(Reason.ALARM, T0, List.of(ii, ii)))
        .hasMessageContaining("twice");
  }

  private static WaveformSegment leadII(List<WaveformSegment> journal, Instant at) {
    return journal.stream()
        .filter(w -> w.lead().equals(EcgLeads.II) && w.startTime().equals(at))
        .findFirst()
        .orElseThrow();
  }
}
