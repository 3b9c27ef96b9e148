package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.wfdb.WfdbAnnotation;
import org.ambulink.drivers.wfdb.WfdbAnnotationReader;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorSimulatorTest {
  private static final Instant START = Instant.parse("2025-03-01T10:15:00Z");

  private static WfdbRecord ptb;
  private static WfdbRecord mitbih;

  @BeforeAll
  static void load() throws Exception {
    ptb = WfdbReader.read("ecg/s0010_re");
    mitbih = WfdbReader.read("ecg/100");
  }

  @Test
  void sends_the_twelve_standard_leads_of_the_ptb_record_and_skips_the_frank_leads() {
    MonitorSimulator sim = MonitorSimulator.builder(ptb).start(START).build();

    MonitorMessage m = sim.next();

    assertThat(sim.leads()).isEqualTo(EcgLeads.TWELVE_LEAD);
    assertThat(sim.skippedSignals()).containsExactly("vx", "vy", "vz");
    assertThat(m.waveforms()).extracting(WaveformSegment::lead).isEqualTo(EcgLeads.TWELVE_LEAD);
    assertThat(m.messageType()).isEqualTo("ORU^R01");
    assertThat(m.device().equipmentId()).isEqualTo("0123456789ABCDEF");
    for (WaveformSegment w : m.waveforms()) {
      assertThat(w.sampleRateHz()).isEqualTo(500.0);
      assertThat(w.sampleCount()).isEqualTo(125);
      assertThat(w.scale()).isEqualTo(new BigDecimal("0.0005"));
      assertThat(w.offset()).isEqualByComparingTo("0");
      assertThat(w.unit()).isEqualTo(WaveformSegment.MILLIVOLT);
      assertThat(w.startTime()).isEqualTo(START);
      assertThat(w.deviceId()).isEqualTo("0123456789ABCDEF");
      assertThat(w.containmentPath()).isEqualTo("1.1.1." + w.lead().code());
    }
  }

  @Test
  void maps_mlii_to_lead_ii_and_keeps_v5_for_mit_bih_100() {
    MonitorSimulator sim = MonitorSimulator.builder(mitbih).start(START).build();

    assertThat(sim.leads()).containsExactly(EcgLeads.II, EcgLeads.V5);
    assertThat(sim.sourceSignal(EcgLeads.II)).isZero();
    assertThat(sim.scale(EcgLeads.V5)).isEqualTo(new BigDecimal("0.005"));
    assertThat(sim.skippedSignals()).isEmpty();
  }

  @Test
  void chunks_follow_each_other_without_gap_or_overlap_across_the_loop_of_the_record() {
    MonitorSimulator sim = MonitorSimulator.builder(ptb).start(START).controlIdPrefix("T-").build();
    int loop = sim.loopLength();
    assertThat(loop).isEqualTo(19_200); // 38.4 s at 500 Hz
    int chunks = 200; // 50 s: past the end of the record

    List<SimulatedChunk> out = new ArrayList<>();
    for (int k = 0; k < chunks; k++) {
      out.add(sim.nextChunk());
    }

    long expectedFirst = 0;
    Instant expectedStart = START;
    for (SimulatedChunk c : out) {
      assertThat(c.firstSample()).isEqualTo(expectedFirst);
      assertThat(c.loopPosition()).isEqualTo((int) (expectedFirst % loop));
      assertThat(c.message().controlId()).isEqualTo("T-" + (c.index() + 1));
      for (WaveformSegment w : c.message().waveforms()) {
        assertThat(w.startTime()).isEqualTo(expectedStart);
        assertThat(w.sampleCount()).isEqualTo(c.sampleCount());
      }
      assertThat(c.message().messageTime()).isEqualTo(c.message().waveforms().get(0).endTime());
      expectedFirst += c.sampleCount();
      expectedStart = c.message().waveforms().get(0).endTime();
    }
    assertThat(expectedStart).isEqualTo(START.plusSeconds(50));
    // Concatenated, the chunks are the loop of the record, repeated.
    for (MdcCode lead : sim.leads()) {
      int[] loopSamples = sim.leadSamples(lead);
      long n = 0;
      for (SimulatedChunk c : out) {
        WaveformSegment w = segment(c.message(), lead);
        for (int i = 0; i < w.sampleCount(); i++, n++) {
          if (w.sample(i) != loopSamples[(int) (n % loop)]) {
            throw new AssertionError("lead " + lead + " sample " + n + " differs");
          }
        }
      }
    }
  }

  @Test
  void at_the_native_rate_every_physical_value_is_the_records_exactly_also_after_looping() {
    MonitorSimulator sim = MonitorSimulator.builder(ptb).outputRate(1000).start(START).build();
    int n = ptb.length();

    for (int k = 0; k < 170; k++) { // 42.5 s of a 38.4 s record
      SimulatedChunk c = sim.nextChunk();
      assertThat(c.sampleCount()).isEqualTo(250);
      for (WaveformSegment w : c.message().waveforms()) {
        int sig = sim.sourceSignal(w.lead());
        for (int i = 0; i < w.sampleCount(); i++) {
          BigDecimal expected = ptb.physical(sig, (c.loopPosition() + i) % n);
          if (w.physical(i).compareTo(expected) != 0) {
            throw new AssertionError(
                "chunk "
                    + k
                    + " lead "
                    + w.lead()
                    + " sample "
                    + i
                    + ": "
                    + w.physical(i)
                    + " != "
                    + expected);
          }
        }
      }
    }
  }

  @Test
  void replays_mit_bih_100_at_360_hz_bit_exactly() {
    MonitorSimulator sim = MonitorSimulator.builder(mitbih).outputRate(360).start(START).build();

    SimulatedChunk first = sim.nextChunk();
    SimulatedChunk second = sim.nextChunk();

    assertThat(first.sampleCount()).isEqualTo(90);
    WaveformSegment ii = segment(first.message(), EcgLeads.II);
    assertThat(ii.physical(0)).isEqualByComparingTo("-0.145"); // (995 - 1024) / 200
    assertThat(segment(first.message(), EcgLeads.V5).physical(0)).isEqualByComparingTo("-0.065");
    WaveformSegment next = segment(second.message(), EcgLeads.II);
    assertThat(next.startTime()).isEqualTo(ii.endTime()).isEqualTo(START.plusMillis(250));
    for (int i = 0; i < 90; i++) {
      assertThat(next.physical(i)).isEqualByComparingTo(mitbih.physical(0, 90 + i));
    }
  }

  @Test
  void reports_vitals_every_second_and_nibp_at_the_start_and_then_every_interval() {
    MonitorSimulator sim =
        MonitorSimulator.builder(mitbih).start(START).nibpInterval(Duration.ofSeconds(10)).build();
    List<NumericObservation> all = new ArrayList<>();

    for (int k = 0; k < 80; k++) { // 20 s
      SimulatedChunk c = sim.nextChunk();
      Instant from = c.message().waveforms().get(0).startTime();
      Instant to = c.message().waveforms().get(0).endTime();
      for (NumericObservation o : c.message().observations()) {
        assertThat(o.observedAt()).isAfterOrEqualTo(from).isBefore(to);
        assertThat(o.deviceId()).isEqualTo("0123456789ABCDEF");
        assertThat(o.status()).isEqualTo(ResultStatus.PRELIMINARY);
        assertThat(o.demo()).isFalse();
      }
      all.addAll(c.message().observations());
    }

    Map<Integer, List<NumericObservation>> byCode =
        all.stream().collect(Collectors.groupingBy(o -> o.metric().code()));
    assertThat(byCode.get(150456)).hasSize(19); // at 1 s .. 19 s
    assertThat(byCode.get(150456).get(0).observedAt()).isEqualTo(START.plusSeconds(1));
    assertThat(byCode.get(150301))
        .extracting(NumericObservation::observedAt)
        .containsExactly(START, START.plusSeconds(10));
    // Units and containment paths as the clinical reference gives them.
    Map<Integer, Integer> units =
        Map.of(
            147842, 264864, 150456, 262688, 149530, 264864, 150301, 266016, 150302, 266016, 150303,
            266016, 151562, 264928, 151708, 266016, 150344, 268192);
    assertThat(byCode.keySet()).isEqualTo(units.keySet());
    for (NumericObservation o : all) {
      assertThat(o.unit().code())
          .as("unit of %s", o.metric())
          .isEqualTo(units.get(o.metric().code()));
      assertThat(o.containmentPath()).endsWith("." + o.metric().code());
    }
  }

  @Test
  void the_heart_rate_is_the_rate_of_the_replayed_ecg() throws Exception {
    MonitorSimulator sim = MonitorSimulator.builder(mitbih).start(START).build();
    int[] reference =
        WfdbAnnotationReader.read("ecg/100.atr").stream()
            .filter(WfdbAnnotation::isBeat)
            .mapToInt(a -> (int) a.sample())
            .toArray();

    List<NumericObservation> hr = new ArrayList<>();
    for (int k = 0; k < 4 * 120; k++) { // 2 minutes
      sim.nextChunk().message().observations().stream()
          .filter(o -> o.metric().equals(MonitorCodes.HEART_RATE))
          .forEach(hr::add);
    }

    assertThat(hr).hasSizeGreaterThan(115);
    for (NumericObservation o : hr) {
      double t = Duration.between(START, o.observedAt()).toMillis() / 1000.0;
      // The same 10 s window, over the cardiologists' beat labels.
      int[] window =
          java.util.Arrays.stream(reference)
              .filter(s -> s > (t - 10) * 360 && s <= t * 360)
              .toArray();
      double expected = RPeakDetector.heartRate(window, 360);
      assertThat(o.value().doubleValue()).as("HR at %.0f s", t).isCloseTo(expected, within(2.0));
    }
  }

  @Test
  void the_same_configuration_replays_the_same_messages() {
    List<MonitorMessage> a = take(MonitorSimulator.builder(ptb).start(START).seed(9).build(), 30);
    List<MonitorMessage> b = take(MonitorSimulator.builder(ptb).start(START).seed(9).build(), 30);
    List<MonitorMessage> c = take(MonitorSimulator.builder(ptb).start(START).seed(10).build(), 30);

    assertThat(a).isEqualTo(b);
    assertThat(numerics(a)).isNotEqualTo(numerics(c));
  }

  @Test
  void chunks_that_are_not_whole_samples_still_tile_the_stream() {
    MonitorSimulator sim =
        MonitorSimulator.builder(ptb)
            .outputRate(500)
            .chunk(Duration.ofMillis(333))
            .start(START)
            .build();
    long total = 0;
    for (int k = 0; k < 30; k++) {
      SimulatedChunk c = sim.nextChunk();
      assertThat(c.firstSample()).isEqualTo(total);
      assertThat(c.sampleCount()).isBetween(166, 167);
      total += c.sampleCount();
    }
    assertThat(total).isEqualTo((long) Math.floor(30 * 0.333 * 500));
  }

  @Test
  void the_demo_flag_marks_numerics_as_simulated_when_asked() {
    MonitorSimulator sim = MonitorSimulator.builder(mitbih).start(START).demo(true).build();

    List<NumericObservation> obs = numerics(take(sim, 8));

    assertThat(obs).isNotEmpty().allSatisfy(o -> assertThat(o.demo()).isTrue());
  }

  @Test
  void bad_configurations_fail_naming_the_value(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> MonitorSimulator.builder(ptb).deviceId("12-34").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'12-34'")
        .hasMessageContaining("16 hex digits");
    assertThatThrownBy(() -> MonitorSimulator.builder(ptb).outputRate(0).build())
        .hasMessageContaining("output rate")
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> MonitorSimulator.builder(ptb).chunk(Duration.ofNanos(100)).build())
        .hasMessageContaining("holds no sample");
    assertThatThrownBy(
            () -> MonitorSimulator.builder(ptb).vitalsInterval(Duration.ofMillis(500)).build())
        .hasMessageContaining("whole number of seconds");
    Files.write(dir.resolve("f.dat"), new byte[] {1, 0, 2, 0});
    Files.writeString(
        dir.resolve("f.hea"),
        "f 2 500 1\nf.dat 16 200 16 0 1 1 0 vx\nf.dat 16 200 16 0 2 2 0 vy\n");
    WfdbRecord frank = WfdbReader.read(dir.resolve("f.hea"));
    assertThatThrownBy(() -> MonitorSimulator.builder(frank).build())
        .hasMessageContaining("no standard ECG lead")
        .hasMessageContaining("[vx, vy]");
    Files.write(dir.resolve("g.dat"), new byte[] {1, 0});
    Files.writeString(dir.resolve("g.hea"), "g 1 500 1\ng.dat 16 3 16 0 1 1 0 II\n");
    WfdbRecord oddGain = WfdbReader.read(dir.resolve("g.hea"));
    assertThatThrownBy(() -> MonitorSimulator.builder(oddGain).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gain 3 has no exact decimal reciprocal");
  }

  private static WaveformSegment segment(MonitorMessage m, MdcCode lead) {
    return m.waveforms().stream().filter(w -> w.lead().equals(lead)).findFirst().orElseThrow();
  }

  private static List<MonitorMessage> take(MonitorSimulator sim, int n) {
    List<MonitorMessage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(sim.next());
    }
    return out;
  }

  private static List<NumericObservation> numerics(List<MonitorMessage> messages) {
    return messages.stream().flatMap(m -> m.observations().stream()).toList();
  }
}
