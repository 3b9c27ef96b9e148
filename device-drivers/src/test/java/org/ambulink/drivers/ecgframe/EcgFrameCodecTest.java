package org.ambulink.drivers.ecgframe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EcgFrameCodecTest {
  private static final Instant START = Instant.parse("2025-03-01T10:15:00Z");

  private static WfdbRecord ptb;

  @BeforeAll
  static void load() throws Exception {
    ptb = WfdbReader.read("ecg/s0010_re");
  }

  private static List<MonitorMessage> messages(int count) {
    MonitorSimulator sim = MonitorSimulator.builder(ptb).start(START).build();
    List<MonitorMessage> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(sim.next());
    }
    return out;
  }

  private static WaveformSegment segment(MdcCode lead, Instant start, int[] samples) {
    return new WaveformSegment(
        lead,
        "",
        500,
        start,
        samples,
        new BigDecimal("0.0005"),
        BigDecimal.ZERO,
        WaveformSegment.MILLIVOLT,
        "dev");
  }

  private static WaveformSegment with(
      WaveformSegment s, double rate, Instant start, BigDecimal scale, BigDecimal offset) {
    return new WaveformSegment(
        s.lead(), "", rate, start, s.samples(), scale, offset, s.unit(), s.deviceId());
  }

  @Test
  void twelve_leads_of_real_ecg_round_trip_with_exact_millivolts() {
    long seq = 0;
    for (MonitorMessage m : messages(20)) {
      List<WaveformSegment> segments = m.waveforms();
      byte[] bytes = EcgFrameCodec.encode(seq, segments, false);
      EcgFrame f = EcgFrameCodec.decode(bytes);

      assertThat(f.sequence()).isEqualTo(seq);
      assertThat(f.backfill()).isFalse();
      assertThat(f.clipped()).isFalse();
      assertThat(f.startTime()).isEqualTo(segments.get(0).startTime());
      assertThat(f.sampleRateHz()).isEqualTo(500);
      assertThat(f.nanovoltsPerCount()).isEqualTo(500);
      assertThat(f.millivoltsPerCount()).isEqualByComparingTo("0.0005");
      assertThat(f.leadCount()).isEqualTo(12);
      for (int l = 0; l < segments.size(); l++) {
        WaveformSegment s = segments.get(l);
        assertThat(f.lead(l)).isEqualTo(s.lead());
        assertThat(f.samplesPerLead()).isEqualTo(s.sampleCount());
        for (int i = 0; i < s.sampleCount(); i++) {
          assertThat((int) f.sample(l, i)).isEqualTo(s.sample(i));
          // exact: compareTo, and the same value as the journal's physical(i)
          assertThat(f.millivolts(l, i).compareTo(s.physical(i))).isZero();
        }
      }
      assertThat(f.toSegments(m.device().equipmentId()))
          .extracting(WaveformSegment::samples)
          .usingRecursiveFieldByFieldElementComparator()
          .containsExactlyElementsOf(segments.stream().map(WaveformSegment::samples).toList());
      assertThat(EcgFrameCodec.encode(f)).isEqualTo(bytes);
      seq = EcgFrameCodec.nextSequence(seq);
    }
  }

  @Test
  void a_twelve_lead_500_hz_250_ms_chunk_is_3072_bytes_with_the_documented_layout() {
    List<WaveformSegment> segments = messages(1).get(0).waveforms();
    byte[] bytes = EcgFrameCodec.encode(0xFFFF_FFFEL, segments, true);

    assertThat(bytes).hasSize(24 + 12 * 4 + 12 * 125 * 2).hasSize(3072);
    assertThat(EcgFrameCodec.frameBytes(12, 125)).isEqualTo(3072);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.get(0) & 0xFF).isEqualTo(0xEC);
    assertThat(b.get(1)).isEqualTo((byte) 1);
    assertThat(b.get(2)).isEqualTo((byte) EcgFrameCodec.FLAG_BACKFILL);
    assertThat(b.get(3)).isEqualTo((byte) 12);
    assertThat(b.getInt(4) & 0xFFFF_FFFFL).isEqualTo(0xFFFF_FFFEL);
    assertThat(b.getLong(8)).isEqualTo(START.toEpochMilli() * 1000);
    assertThat(b.getShort(16)).isEqualTo((short) 500);
    assertThat(b.getShort(18)).isEqualTo((short) 125);
    assertThat(b.getInt(20)).isEqualTo(500);
    assertThat(b.getInt(24)).isEqualTo(EcgLeads.I.code());
    assertThat(b.getInt(28)).isEqualTo(EcgLeads.II.code());
    assertThat(b.getShort(72)).isEqualTo((short) segments.get(0).sample(0));
    assertThat(b.getShort(72 + 125 * 2)).isEqualTo((short) segments.get(1).sample(0));
    assertThat(EcgFrameCodec.decode(bytes).backfill()).isTrue();
    // the largest 12-lead frame: about a second at 500 Hz
    assertThat(EcgFrameCodec.frameBytes(12, 509)).isLessThanOrEqualTo(12 * 1024);
    assertThat(EcgFrameCodec.frameBytes(12, 510)).isGreaterThan(12 * 1024);
  }

  @Test
  void sequence_numbers_wrap_and_compare_in_serial_number_arithmetic() {
    assertThat(EcgFrameCodec.nextSequence(0xFFFF_FFFFL)).isZero();
    assertThat(EcgFrameCodec.isAfter(0, 0xFFFF_FFFFL)).isTrue();
    assertThat(EcgFrameCodec.isAfter(0xFFFF_FFFFL, 0)).isFalse();
    assertThat(EcgFrameCodec.isAfter(5, 4)).isTrue();
    assertThat(EcgFrameCodec.isAfter(4, 4)).isFalse();
    List<WaveformSegment> segments = messages(1).get(0).waveforms();
    assertThat(EcgFrameCodec.decode(EcgFrameCodec.encode(0xFFFF_FFFFL, segments, false)).sequence())
        .isEqualTo(0xFFFF_FFFFL);
    assertThatThrownBy(() -> EcgFrameCodec.encode(1L << 32, segments, false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("4294967296");
    assertThatThrownBy(() -> EcgFrameCodec.encode(-1, segments, false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void samples_outside_int16_are_clipped_and_the_frame_is_flagged() {
    int[] values = {0, 32767, 32768, -32768, -32769, 100_000, -5};
    byte[] bytes =
        EcgFrameCodec.encode(
            7,
            List.of(segment(EcgLeads.II, START, values), segment(EcgLeads.V1, START, new int[7])),
            false);
    EcgFrame f = EcgFrameCodec.decode(bytes);

    assertThat(f.clipped()).isTrue();
    assertThat(f.backfill()).isFalse();
    assertThat(f.samples(0)).containsExactly(0, 32767, 32767, -32768, -32768, 32767, -5);
    assertThat(f.samples(1)).containsOnly((short) 0);

    EcgFrame inRange =
        EcgFrameCodec.decode(
            EcgFrameCodec.encode(
                7, List.of(segment(EcgLeads.II, START, new int[] {32767, -32768})), true));
    assertThat(inRange.clipped()).isFalse();
    assertThat(inRange.backfill()).isTrue();
  }

  @Test
  void segments_that_cannot_share_a_frame_are_refused_naming_the_bad_value() {
    List<WaveformSegment> s = messages(1).get(0).waveforms();
    WaveformSegment a = s.get(0);
    WaveformSegment b = s.get(1);
    BigDecimal scale = a.scale();

    assertThatThrownBy(() -> EcgFrameCodec.encode(0, List.of(), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("was 0");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0,
                    List.of(a, with(b, 500, START.plusMillis(2), scale, BigDecimal.ZERO)),
                    false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("start time mismatch")
        .hasMessageContaining("2025-03-01T10:15:00.002Z");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0, List.of(a, with(b, 250, START, scale, BigDecimal.ZERO)), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("sample rate mismatch")
        .hasMessageContaining("250.0");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0,
                    List.of(a, with(b, 500, START, new BigDecimal("0.005"), BigDecimal.ZERO)),
                    false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("scale mismatch")
        .hasMessageContaining("0.005");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(0, List.of(a, segment(EcgLeads.V1, START, new int[3])), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("sample count mismatch")
        .hasMessageContaining("has 3");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0, List.of(with(a, 500, START, scale, new BigDecimal("0.25"))), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("offset must be 0")
        .hasMessageContaining("0.25");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0, List.of(with(a, 360.5, START, scale, BigDecimal.ZERO)), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("360.5");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0, List.of(with(a, 70000, START, scale, BigDecimal.ZERO)), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("70000");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0, List.of(with(a, 500, START.plusNanos(1500), scale, BigDecimal.ZERO)), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("whole microsecond");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0,
                    List.of(with(a, 500, START, new BigDecimal("0.0000005"), BigDecimal.ZERO)),
                    false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("0.0000005");
    assertThatThrownBy(() -> EcgFrameCodec.encode(0, List.of(a, a), false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("duplicate lead code " + a.lead().code());
    List<WaveformSegment> seventeen = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      seventeen.add(segment(MdcCode.of(131328 + 100 + i, ""), START, new int[1]));
    }
    assertThatThrownBy(() -> EcgFrameCodec.encode(0, seventeen, false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("was 17");
    assertThatThrownBy(
            () ->
                EcgFrameCodec.encode(
                    0,
                    List.of(
                        segment(EcgLeads.I, START, new int[3100]),
                        segment(EcgLeads.II, START, new int[3100])),
                    false))
        .isInstanceOf(EcgFrameException.class)
        .hasMessageContaining("over-size")
        .hasMessageContaining("12432 bytes");
  }

  private static byte[] valid() {
    return EcgFrameCodec.encode(42, messages(1).get(0).waveforms(), false);
  }

  private static void assertRejected(byte[] bytes, String... messageParts) {
    var t =
        assertThatThrownBy(() -> EcgFrameCodec.decode(bytes)).isInstanceOf(EcgFrameException.class);
    for (String part : messageParts) {
      t.hasMessageContaining(part);
    }
  }

  @Test
  void every_malformed_frame_is_rejected_naming_the_bad_value() {
    byte[] ok = valid();

    assertRejected(new byte[0], "truncated frame: 0 bytes");
    assertRejected(java.util.Arrays.copyOf(ok, 23), "truncated frame: 23 bytes");
    assertRejected(
        java.util.Arrays.copyOf(ok, ok.length - 1), "truncated frame: 3071 bytes", "3072");
    assertRejected(java.util.Arrays.copyOf(ok, ok.length + 2), "count mismatch", "3074");
    assertRejected(new byte[12 * 1024 + 1], "over-size frame: 12289 bytes");

    byte[] magic = ok.clone();
    magic[0] = 0x45;
    assertRejected(magic, "wrong magic 0x45");
    byte[] version = ok.clone();
    version[1] = 2;
    assertRejected(version, "unsupported version 2");
    byte[] flags = ok.clone();
    flags[2] = (byte) 0x84;
    assertRejected(flags, "unknown flag bits 0x84");
    byte[] noLeads = ok.clone();
    noLeads[3] = 0;
    assertRejected(noLeads, "lead count", "was 0");
    byte[] manyLeads = ok.clone();
    manyLeads[3] = 17;
    assertRejected(manyLeads, "lead count", "was 17");
    byte[] fewerLeads = ok.clone();
    fewerLeads[3] = 11;
    assertRejected(fewerLeads, "count mismatch", "11 leads");
    ByteBuffer rate = ByteBuffer.wrap(ok.clone()).order(ByteOrder.LITTLE_ENDIAN);
    rate.putShort(16, (short) 0);
    assertRejected(rate.array(), "sample rate", "was 0");
    ByteBuffer perLead = ByteBuffer.wrap(ok.clone()).order(ByteOrder.LITTLE_ENDIAN);
    perLead.putShort(18, (short) 0);
    assertRejected(perLead.array(), "samples per lead", "was 0");
    perLead.putShort(18, (short) 126);
    assertRejected(perLead.array(), "truncated frame", "126 samples need 3096");
    ByteBuffer scale = ByteBuffer.wrap(ok.clone()).order(ByteOrder.LITTLE_ENDIAN);
    scale.putInt(20, 0);
    assertRejected(scale.array(), "scale must not be 0");
    ByteBuffer code = ByteBuffer.wrap(ok.clone()).order(ByteOrder.LITTLE_ENDIAN);
    code.putInt(24, 0x8000_0001);
    assertRejected(code.array(), "lead code out of range: 2147483649");
    code.putInt(24, EcgLeads.II.code());
    assertRejected(code.array(), "duplicate lead code 131330");
  }

  @Test
  void random_truncations_and_bit_flips_only_ever_raise_the_codec_exception() {
    Random random = new Random(20250301);
    List<byte[]> seeds = new ArrayList<>();
    for (MonitorMessage m : messages(3)) {
      seeds.add(EcgFrameCodec.encode(random.nextInt() & 0xFFFF_FFFFL, m.waveforms(), false));
      seeds.add(EcgFrameCodec.encode(1, m.waveforms().subList(0, 2), true));
    }
    int decoded = 0;
    int rejected = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      byte[] b;
      switch (random.nextInt(4)) {
        case 0 -> b = java.util.Arrays.copyOf(seed, random.nextInt(seed.length + 1));
        case 1 -> {
          b = seed.clone();
          int flips = 1 + random.nextInt(4);
          for (int k = 0; k < flips; k++) {
            // mostly in the header, where the interesting checks are
            int at =
                random.nextBoolean()
                    ? random.nextInt(Math.min(40, b.length))
                    : random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 2 -> {
          b = java.util.Arrays.copyOf(seed, seed.length + 1 + random.nextInt(8));
        }
        default -> {
          b = new byte[random.nextInt(64)];
          random.nextBytes(b);
          if (b.length > 1) {
            b[0] = (byte) 0xEC;
            b[1] = 1;
          }
        }
      }
      try {
        EcgFrame f = EcgFrameCodec.decode(b);
        // whatever decodes must encode back to the same bytes
        assertThat(EcgFrameCodec.encode(f)).isEqualTo(b);
        decoded++;
      } catch (EcgFrameException e) {
        assertThat(e.getMessage()).isNotBlank();
        rejected++;
      }
    }
    assertThat(decoded).isPositive();
    assertThat(rejected).isPositive();
  }
}
