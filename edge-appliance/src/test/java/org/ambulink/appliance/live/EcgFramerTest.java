package org.ambulink.appliance.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.drivers.ecgframe.EcgFrame;
import org.ambulink.drivers.ecgframe.EcgFrameCodec;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorCodes;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link EcgFramer} on real 12-lead PhysioNet ECG (PTB s0010_re) as the monitor simulator sends it:
 * the frames of one journaled message, their numbering, grouping, splitting and what is left out.
 */
class EcgFramerTest {
  static final Instant START = Instant.parse("2026-12-02T08:00:00Z");
  static final MdcCode PLETH = MdcCode.of(150452, "MDC_PULS_OXIM_PLETH");

  static WfdbRecord record;

  @BeforeAll
  static void readRecord() throws IOException {
    record = WfdbReader.read("ecg/s0010_re");
  }

  static MonitorSimulator simulator(double rate, Duration chunk) {
    return MonitorSimulator.builder(record).outputRate(rate).chunk(chunk).start(START).build();
  }

  static List<WaveformSegment> waveforms(List<JournalEntry> entries) {
    return entries.stream()
        .filter(e -> e instanceof JournalEntry.Waveform)
        .map(e -> ((JournalEntry.Waveform) e).value())
        .toList();
  }

  static List<JournalEntry> waveformEntries(List<WaveformSegment> segments) {
    List<JournalEntry> out = new ArrayList<>();
    segments.forEach(s -> out.add(new JournalEntry.Waveform(s)));
    return out;
  }

  /** A copy of {@code s} with other shape fields. */
  static WaveformSegment with(
      WaveformSegment s,
      MdcCode lead,
      double rate,
      Instant start,
      int[] samples,
      BigDecimal scale,
      BigDecimal offset,
      MdcCode unit) {
    return new WaveformSegment(
        lead, s.containmentPath(), rate, start, samples, scale, offset, unit, s.deviceId());
  }

  static WaveformSegment withStart(WaveformSegment s, Instant start) {
    return with(s, s.lead(), s.sampleRateHz(), start, s.samples(), s.scale(), s.offset(), s.unit());
  }

  static WaveformSegment withLead(WaveformSegment s, MdcCode lead) {
    return with(
        s, lead, s.sampleRateHz(), s.startTime(), s.samples(), s.scale(), s.offset(), s.unit());
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  /** Every frame's samples are exactly the segments', lead by lead, in order. */
  static void assertCarries(EcgFrame f, List<WaveformSegment> leads, int from) {
    assertThat(f.leadCount()).isEqualTo(leads.size());
    for (int l = 0; l < leads.size(); l++) {
      WaveformSegment s = leads.get(l);
      assertThat(f.leadCodes()[l]).isEqualTo(s.lead().code());
      for (int i = 0; i < f.samplesPerLead(); i++) {
        assertThat((int) f.sample(l, i))
            .as("lead %s sample %d", s.lead(), from + i)
            .isEqualTo(s.sample(from + i));
        assertThat(f.millivolts(l, i)).isEqualByComparingTo(s.physical(from + i));
      }
    }
  }

  @Test
  void aTwelveLeadMessageOf250msAt500HzIsOneFrameWithEveryLeadInJournalOrder() {
    MonitorMessage m = simulator(500, Duration.ofMillis(250)).next();
    List<JournalEntry> entries = JournalSink.entries(m);
    List<WaveformSegment> leads = waveforms(entries);
    assertThat(leads).hasSize(12);
    assertThat(leads.get(0).sampleCount()).isEqualTo(125);

    List<EcgFrame> frames = EcgFramer.frames(entries, 42, false);

    assertThat(frames).hasSize(1);
    EcgFrame f = frames.get(0);
    assertThat(f.sequence()).isEqualTo(42);
    assertThat(f.startMicros()).isEqualTo(micros(START));
    assertThat(f.sampleRateHz()).isEqualTo(500);
    assertThat(f.nanovoltsPerCount()).isEqualTo(500); // PTB: gain 2000/mV
    assertThat(f.samplesPerLead()).isEqualTo(125);
    assertThat(f.leadCodes())
        .containsExactly(leads.stream().mapToInt(s -> s.lead().code()).toArray());
    assertCarries(f, leads, 0);
    assertThat(f.backfill()).isFalse();
    assertThat(f.clipped()).isFalse();
    assertThat(EcgFrameCodec.encode(f)).hasSize(3072);
    assertThat(EcgFramer.count(entries)).isEqualTo(1);
  }

  @Test
  void framesAreNumberedFromFirstSeqAndTheSameEntriesAlwaysGiveTheSameFrames() {
    MonitorSimulator sim = simulator(500, Duration.ofMillis(1500)); // 750 samples: two frames
    for (int k = 0; k < 8; k++) {
      List<JournalEntry> entries = JournalSink.entries(sim.next());
      List<EcgFrame> a = EcgFramer.frames(entries, 1000 + 7L * k, false);
      List<EcgFrame> b = EcgFramer.frames(List.copyOf(entries), 1000 + 7L * k, false);
      assertThat(a).hasSize(2).isEqualTo(b);
      assertThat(a.get(0).sequence()).isEqualTo(1000 + 7L * k);
      assertThat(a.get(1).sequence()).isEqualTo(1001 + 7L * k);
      // numbering from elsewhere changes nothing but the numbers
      List<EcgFrame> c = EcgFramer.frames(entries, 0, false);
      for (int i = 0; i < a.size(); i++) {
        assertThat(c.get(i).sequence()).isEqualTo(i);
        assertThat(c.get(i).startMicros()).isEqualTo(a.get(i).startMicros());
        assertThat(c.get(i).samples()).isDeepEqualTo(a.get(i).samples());
        assertThat(c.get(i).leadCodes()).isEqualTo(a.get(i).leadCodes());
      }
      assertThat(EcgFramer.count(entries)).isEqualTo(a.size());
    }
  }

  @Test
  void leadsWithAnotherStartTimeOrRateMakeAnotherFrame() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofMillis(250)).next()));
    Instant later = START.plusMillis(250);

    List<WaveformSegment> twoStarts = new ArrayList<>(leads.subList(0, 6));
    leads.subList(6, 12).forEach(s -> twoStarts.add(withStart(s, later)));
    List<EcgFrame> byStart = EcgFramer.frames(waveformEntries(twoStarts), 10, false);
    assertThat(byStart).hasSize(2);
    assertThat(byStart.get(0).sequence()).isEqualTo(10);
    assertThat(byStart.get(1).sequence()).isEqualTo(11);
    assertThat(byStart.get(0).startMicros()).isEqualTo(micros(START));
    assertThat(byStart.get(1).startMicros()).isEqualTo(micros(later));
    assertCarries(byStart.get(0), leads.subList(0, 6), 0);
    assertCarries(byStart.get(1), leads.subList(6, 12), 0);

    List<WaveformSegment> twoRates = new ArrayList<>(leads.subList(0, 4));
    leads
        .subList(4, 12)
        .forEach(
            s ->
                twoRates.add(
                    with(
                        s,
                        s.lead(),
                        250,
                        s.startTime(),
                        s.samples(),
                        s.scale(),
                        s.offset(),
                        s.unit())));
    List<EcgFrame> byRate = EcgFramer.frames(waveformEntries(twoRates), 0, false);
    assertThat(byRate).hasSize(2);
    assertThat(byRate.get(0).sampleRateHz()).isEqualTo(500);
    assertThat(byRate.get(0).leadCount()).isEqualTo(4);
    assertThat(byRate.get(1).sampleRateHz()).isEqualTo(250);
    assertThat(byRate.get(1).leadCount()).isEqualTo(8);
    assertCarries(byRate.get(1), twoRates.subList(4, 12), 0);

    // grouping is by runs in journal order: alternating shapes give one frame per lead
    List<WaveformSegment> alternating = new ArrayList<>();
    for (int l = 0; l < leads.size(); l++) {
      alternating.add(l % 2 == 0 ? leads.get(l) : withStart(leads.get(l), later));
    }
    assertThat(EcgFramer.frames(waveformEntries(alternating), 0, false)).hasSize(12);
  }

  @Test
  void aRepeatedLeadStartsANewFrame() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofMillis(250)).next()));
    List<WaveformSegment> repeated = new ArrayList<>(leads.subList(0, 3));
    repeated.add(leads.get(1)); // the same lead, same shape, again
    repeated.addAll(leads.subList(3, 5));

    List<EcgFrame> frames = EcgFramer.frames(waveformEntries(repeated), 5, false);

    assertThat(frames).hasSize(2);
    assertCarries(frames.get(0), repeated.subList(0, 3), 0);
    assertCarries(frames.get(1), repeated.subList(3, 6), 0);
    assertThat(frames.get(1).sequence()).isEqualTo(6);
    assertThat(frames.get(1).startMicros()).isEqualTo(frames.get(0).startMicros());
  }

  @Test
  void moreThanSixteenLeadsAreSplitIntoGroupsOfSixteen() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofMillis(250)).next()));
    List<WaveformSegment> many = new ArrayList<>();
    for (int l = 0; l < 20; l++) {
      many.add(withLead(leads.get(l % 12), MdcCode.of(131329 + l, "LEAD_" + l)));
    }

    List<EcgFrame> frames = EcgFramer.frames(waveformEntries(many), 0, false);

    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).leadCount()).isEqualTo(16);
    assertThat(frames.get(1).leadCount()).isEqualTo(4);
    assertCarries(frames.get(0), many.subList(0, 16), 0);
    assertCarries(frames.get(1), many.subList(16, 20), 0);
    for (EcgFrame f : frames) {
      assertThat(EcgFrameCodec.encode(f).length).isLessThanOrEqualTo(EcgFrameCodec.MAX_FRAME_BYTES);
    }
  }

  @Test
  void twelveLeadsOfTwoSecondsAreSplitByTimeIntoFramesThatFitAndAddUpToTheMessage() {
    MonitorMessage m = simulator(500, Duration.ofSeconds(2)).next();
    List<JournalEntry> entries = JournalSink.entries(m);
    List<WaveformSegment> leads = waveforms(entries);
    assertThat(leads.get(0).sampleCount()).isEqualTo(1000);
    assertThat(EcgFrameCodec.frameBytes(12, 1000)).isGreaterThan(EcgFrameCodec.MAX_FRAME_BYTES);

    List<EcgFrame> frames = EcgFramer.frames(entries, 3, false);

    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).samplesPerLead()).isEqualTo(500);
    assertThat(frames.get(1).startMicros()).isEqualTo(micros(START) + 1_000_000);
    assertSplitExactly(frames, leads, 3);
  }

  @Test
  void splitsOfOddSizesCoverEverySampleOnceInFramesThatFit() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofSeconds(8)).next()));
    assertThat(leads.get(0).sampleCount()).isEqualTo(4000);
    for (int count : new int[] {510, 1000, 1019, 1531, 2047, 4000}) {
      for (int n : new int[] {1, 3, 12, 16}) {
        List<WaveformSegment> group = new ArrayList<>();
        for (int l = 0; l < n; l++) {
          WaveformSegment s = leads.get(l % 12);
          int[] samples = java.util.Arrays.copyOf(s.samples(), count);
          group.add(
              with(
                  s,
                  MdcCode.of(131329 + l, "LEAD_" + l),
                  s.sampleRateHz(),
                  s.startTime(),
                  samples,
                  s.scale(),
                  s.offset(),
                  s.unit()));
        }
        List<EcgFrame> frames = EcgFramer.frames(waveformEntries(group), 100, false);
        int maxPerLead = (EcgFrameCodec.MAX_FRAME_BYTES - 24 - 4 * n) / (2 * n);
        assertThat(frames)
            .as("%d leads × %d samples", n, count)
            .hasSize((count + maxPerLead - 1) / maxPerLead);
        assertSplitExactly(frames, group, 100);
      }
    }
  }

  /**
   * At a rate that does not divide 10^6 (MIT-BIH's 360 Hz) a split point need not fall on a whole
   * microsecond; the split must still carry every sample (the frame time is rounded to the
   * microsecond, well below a sample period).
   */
  @Test
  void aSplitAt360HzKeepsEverySample() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofSeconds(2)).next()));
    List<WaveformSegment> at360 = new ArrayList<>();
    for (WaveformSegment s : leads) {
      at360.add(
          with(
              s,
              s.lead(),
              360,
              s.startTime(),
              s.samples(),
              s.scale(),
              s.offset(),
              s.unit())); // 1000 samples of 360 Hz: split at sample 500 = 1.3888... s
    }

    List<EcgFrame> frames = EcgFramer.frames(waveformEntries(at360), 0, false);

    assertThat(frames).hasSize(2);
    assertThat(frames.get(1).startMicros()).isEqualTo(micros(START) + Math.round(500 * 1e6 / 360));
    int total = 0;
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).sequence()).isEqualTo(i);
      assertCarries(frames.get(i), at360, total);
      total += frames.get(i).samplesPerLead();
    }
    assertThat(total).isEqualTo(1000);
    assertThat(EcgFramer.count(waveformEntries(at360))).isEqualTo(2);
  }

  /** Frames numbered from {@code firstSeq} whose samples concatenate to the group's. */
  static void assertSplitExactly(List<EcgFrame> frames, List<WaveformSegment> group, long first) {
    int from = 0;
    double rate = group.get(0).sampleRateHz();
    for (int i = 0; i < frames.size(); i++) {
      EcgFrame f = frames.get(i);
      assertThat(f.sequence()).isEqualTo(first + i);
      assertThat(EcgFrameCodec.encode(f).length).isLessThanOrEqualTo(EcgFrameCodec.MAX_FRAME_BYTES);
      assertThat(f.startMicros())
          .as("frame %d starts %d samples in", i, from)
          .isEqualTo(micros(group.get(0).startTime()) + Math.round(from * 1e6 / rate));
      assertCarries(f, group, from);
      from += f.samplesPerLead();
    }
    assertThat(from).isEqualTo(group.get(0).sampleCount());
  }

  @Test
  void wavesThatAreNotMillivoltsWithoutOffsetAreLeftOut() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofMillis(250)).next()));
    WaveformSegment ii = leads.get(1);
    WaveformSegment plethOwnShape =
        with(
            ii,
            PLETH,
            125,
            ii.startTime(),
            java.util.Arrays.copyOf(ii.samples(), 31),
            new BigDecimal("0.01"),
            BigDecimal.ZERO,
            MonitorCodes.PERCENT);

    List<WaveformSegment> withPleth = new ArrayList<>(leads);
    withPleth.add(plethOwnShape);
    List<EcgFrame> frames = EcgFramer.frames(waveformEntries(withPleth), 0, false);
    assertThat(frames).hasSize(1);
    assertCarries(frames.get(0), leads, 0);

    // only non-ECG waves: no frames at all
    assertThat(EcgFramer.frames(waveformEntries(List.of(plethOwnShape)), 0, false)).isEmpty();
    WaveformSegment offset =
        with(
            ii,
            ii.lead(),
            ii.sampleRateHz(),
            ii.startTime(),
            ii.samples(),
            ii.scale(),
            new BigDecimal("0.1"),
            ii.unit());
    assertThat(EcgFramer.frames(waveformEntries(List.of(offset)), 0, false)).isEmpty();
    assertThat(EcgFramer.count(waveformEntries(List.of(offset, plethOwnShape)))).isZero();
  }

  /**
   * A wave the frame cannot carry that happens to share the ECG leads' start, rate, scale and
   * sample count must not take the ECG leads down with it.
   */
  @Test
  void aNonEcgWaveOfTheSameShapeDoesNotDropTheEcgLeads() {
    List<WaveformSegment> leads =
        waveforms(JournalSink.entries(simulator(500, Duration.ofMillis(250)).next()));
    WaveformSegment ii = leads.get(1);
    WaveformSegment plethSameShape =
        with(
            ii,
            PLETH,
            ii.sampleRateHz(),
            ii.startTime(),
            ii.samples(),
            ii.scale(),
            BigDecimal.ZERO,
            MonitorCodes.PERCENT);
    WaveformSegment offsetSameShape =
        with(
            ii,
            MdcCode.of(131400, "OFFSET_LEAD"),
            ii.sampleRateHz(),
            ii.startTime(),
            ii.samples(),
            ii.scale(),
            new BigDecimal("-1"),
            ii.unit());

    List<WaveformSegment> mixed = new ArrayList<>(leads.subList(0, 6));
    mixed.add(plethSameShape);
    mixed.addAll(leads.subList(6, 12));
    mixed.add(offsetSameShape);
    List<EcgFrame> frames = EcgFramer.frames(waveformEntries(mixed), 0, false);

    assertThat(frames).hasSize(1);
    assertCarries(frames.get(0), leads, 0);
    assertThat(EcgFramer.count(waveformEntries(mixed))).isEqualTo(1);
  }

  @Test
  void observationsAlarmsAndDroppedItemsGiveNoFrames() {
    MonitorSimulator sim = simulator(500, Duration.ofMillis(250));
    MonitorMessage m = sim.next();
    assertThat(m.observations()).as("the first chunk has vitals").isNotEmpty();
    List<JournalEntry> entries = new ArrayList<>();
    m.observations().forEach(o -> entries.add(new JournalEntry.Observation(o)));
    entries.add(
        new JournalEntry.Alarm(
            new AlarmEvent(
                "a1",
                MdcCode.of(3, "MDC_EVT_HI"),
                null,
                AlarmPriority.HIGH,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                "start",
                null,
                "HR high",
                START,
                "monitor-1")));
    entries.add(new JournalEntry.Position(START, 52.1, 4.3, null, null));

    assertThat(EcgFramer.frames(entries, 0, false)).isEmpty();
    assertThat(EcgFramer.count(entries)).isZero();

    // the same non-waveform entries around the ECG change nothing
    List<JournalEntry> around = new ArrayList<>(entries);
    around.addAll(2, waveformEntries(waveforms(JournalSink.entries(m))));
    List<EcgFrame> frames = EcgFramer.frames(around, 9, false);
    assertThat(frames).isEqualTo(EcgFramer.frames(JournalSink.entries(m), 9, false));
    assertThat(frames).hasSize(1);
  }

  @Test
  void theBackfillFlagIsSetWhenAskedAndOnlyThen() {
    List<JournalEntry> entries = JournalSink.entries(simulator(500, Duration.ofSeconds(2)).next());
    List<EcgFrame> live = EcgFramer.frames(entries, 77, false);
    List<EcgFrame> backfill = EcgFramer.frames(entries, 77, true);

    assertThat(live).hasSize(2);
    assertThat(backfill).hasSize(2);
    for (int i = 0; i < live.size(); i++) {
      assertThat(live.get(i).backfill()).isFalse();
      assertThat(live.get(i).flags() & EcgFrameCodec.FLAG_BACKFILL).isZero();
      assertThat(backfill.get(i).backfill()).isTrue();
      assertThat(EcgFrameCodec.encode(backfill.get(i))[2] & EcgFrameCodec.FLAG_BACKFILL)
          .isEqualTo(EcgFrameCodec.FLAG_BACKFILL);
      assertThat(backfill.get(i).sequence()).isEqualTo(live.get(i).sequence());
      assertThat(backfill.get(i).samples()).isDeepEqualTo(live.get(i).samples());
      assertThat(backfill.get(i).startMicros()).isEqualTo(live.get(i).startMicros());
    }
  }
}
