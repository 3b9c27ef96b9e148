package org.ambulink.drivers.wfdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WfdbReaderTest {

  @TempDir Path dir;

  @Test
  void reads_mit_bih_100_in_format_212_with_verified_checksums() throws Exception {
    WfdbRecord r = WfdbReader.read("ecg/100");

    assertThat(r.name()).isEqualTo("100");
    assertThat(r.signalCount()).isEqualTo(2);
    assertThat(r.samplingFrequency()).isEqualTo(360.0);
    assertThat(r.length()).isEqualTo(650_000);
    assertThat(r.sample(0, 0)).isEqualTo(995);
    assertThat(r.sample(1, 0)).isEqualTo(1011);
    assertThat(r.signal(0).description()).isEqualTo("MLII");
    assertThat(r.signal(1).description()).isEqualTo("V5");
    assertThat(r.scale(0)).isEqualTo(new BigDecimal("0.005"));
    // (995 - 1024) / 200 mV, exactly
    assertThat(r.physical(0, 0)).isEqualTo(new BigDecimal("-0.145"));
    assertThat(r.physical(1, 0)).isEqualByComparingTo("-0.065");
  }

  @Test
  void reads_ptb_s0010_re_from_two_files_in_format_16() throws Exception {
    WfdbRecord r = WfdbReader.read("ecg/s0010_re.hea");

    assertThat(r.signalCount()).isEqualTo(15);
    assertThat(r.samplingFrequency()).isEqualTo(1000.0);
    assertThat(r.length()).isEqualTo(38_400);
    assertThat(r.signal(12).fileName()).isEqualTo("s0010_re.xyz");
    assertThat(r.signal(12).description()).isEqualTo("vx");
    assertThat(r.sample(0, 0)).isEqualTo(-489);
    assertThat(r.sample(1, 0)).isEqualTo(-458);
    assertThat(r.sample(14, 0)).isEqualTo(-18);
    assertThat(r.scale(0)).isEqualTo(new BigDecimal("0.0005"));
    assertThat(r.physical(0, 0)).isEqualTo(new BigDecimal("-0.2445"));
    assertThat(r.signalIndex("V5")).hasValue(10);
    assertThat(r.signalIndex("MLII")).isEmpty();
  }

  @Test
  void reads_the_same_record_from_a_path() throws Exception {
    Path hea = copyResources("s0010_re", "hea", "dat", "xyz");

    WfdbRecord fromFile = WfdbReader.read(dir.resolve("s0010_re"));
    WfdbRecord fromClasspath = WfdbReader.read("ecg/s0010_re");

    assertThat(hea).exists();
    for (int s = 0; s < 15; s++) {
      assertThat(fromFile.samples(s)).isEqualTo(fromClasspath.samples(s));
    }
  }

  @Test
  void decodes_a_format_8_record_of_first_differences() throws Exception {
    int[] a = {100, 101, 103, 110, 90, 90, -20, -148, -21, 106};
    int[] b = {-5, -5, -4, 0, 127, 254, 300, 200, 199, 198};
    // The first byte is a difference from the initial value, as the WFDB library reads it: here
    // the initial values are the first samples, so the first differences are zero.
    Files.write(
        dir.resolve("d8.dat"), WfdbWriter.encode(8, new int[][] {a, b}, new int[] {100, -5}));
    Files.writeString(
        dir.resolve("d8.hea"),
        "d8 2 500 10\n"
            + "d8.dat 8 100/mV 8 0 100 "
            + WfdbWriter.checksum(a)
            + " 0 lead a\n"
            + "d8.dat 8 100(-5)/mV 8 0 -5 "
            + WfdbWriter.checksum(b)
            + " 0 lead b\n");

    WfdbRecord r = WfdbReader.read(dir.resolve("d8.hea"));

    assertThat(r.samples(0)).containsExactly(a);
    assertThat(r.samples(1)).containsExactly(b);
    assertThat(r.physical(0, 3)).isEqualTo(new BigDecimal("1.10"));
    assertThat(r.physical(1, 4)).isEqualByComparingTo("1.32");
  }

  @Test
  void format_8_starts_summing_at_the_initial_value() throws Exception {
    Files.write(dir.resolve("d.dat"), new byte[] {3, -1, 2});
    Files.writeString(
        dir.resolve("d.hea"), "d 1 100 3\nd.dat 8 200 8 0 10 " + (13 + 12 + 14) + "\n");

    assertThat(WfdbReader.read(dir.resolve("d.hea")).samples(0)).containsExactly(13, 12, 14);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 61, 80, 160, 212, 24, 32})
  void decodes_every_amplitude_format_with_three_interleaved_signals(int format) throws Exception {
    int range =
        switch (format) {
          case 80 -> 127;
          case 212 -> 2047;
          case 24 -> 8_000_000;
          case 32 -> 2_000_000_000;
          default -> 32767;
        };
    Random random = new Random(format);
    int n = 7; // odd, so format 212 ends on a half-filled triple
    int[][] sig = new int[3][n];
    for (int[] s : sig) {
      for (int i = 0; i < n; i++) {
        s[i] = (int) Math.round((random.nextDouble() * 2 - 1) * range);
      }
      s[0] = -range; // the extremes decode too
      s[1] = range;
    }
    Files.write(dir.resolve("f.dat"), WfdbWriter.encode(format, sig, null));
    StringBuilder hea = new StringBuilder("f 3 250 " + n + "\n");
    for (int[] s : sig) {
      hea.append("f.dat ")
          .append(format)
          .append(" 200 0 0 ")
          .append(s[0])
          .append(' ')
          .append(WfdbWriter.checksum(s))
          .append('\n');
    }
    Files.writeString(dir.resolve("f.hea"), hea);

    WfdbRecord r = WfdbReader.read(dir.resolve("f.hea"));

    for (int s = 0; s < 3; s++) {
      assertThat(r.samples(s)).as("signal %d", s).containsExactly(sig[s]);
    }
  }

  @Test
  void skips_the_byte_offset_and_takes_the_length_from_the_file_when_the_header_omits_it()
      throws Exception {
    int[] s = {1, -2, 3, -4, 5};
    byte[] body = WfdbWriter.encode(16, new int[][] {s}, null);
    byte[] data = new byte[6 + body.length];
    Arrays.fill(data, 0, 6, (byte) 0x7F);
    System.arraycopy(body, 0, data, 6, body.length);
    Files.write(dir.resolve("o.dat"), data);
    Files.writeString(dir.resolve("o.hea"), "o 1 250\no.dat 16+6 200 16 0 1 3\n");

    WfdbRecord r = WfdbReader.read(dir.resolve("o.hea"));

    assertThat(r.samples(0)).containsExactly(s);
  }

  @Test
  void a_corrupt_byte_fails_the_checksum_naming_signal_and_both_sums() throws Exception {
    copyResources("s0010_re", "hea", "dat", "xyz");
    Path xyz = dir.resolve("s0010_re.xyz");
    byte[] data = Files.readAllBytes(xyz);
    // Frame 100, signal vy (second in the file), low byte: changes vy by +1.
    data[100 * 6 + 2] += 1;
    Files.write(xyz, data);

    assertThatThrownBy(() -> WfdbReader.read(dir.resolve("s0010_re.hea")))
        .isInstanceOfSatisfying(
            WfdbChecksumException.class,
            e -> {
              assertThat(e.signal()).isEqualTo(13);
              assertThat(e.expected()).isEqualTo(7109);
              assertThat(e.actual()).isEqualTo(7110);
            })
        .hasMessageContaining("s0010_re.xyz")
        .hasMessageContaining("signal 13 (vy)")
        .hasMessageContaining("7109")
        .hasMessageContaining("7110");
  }

  @Test
  void a_wrong_initial_value_fails_naming_both_values() throws Exception {
    copyResources("100", "dat");
    Files.writeString(
        dir.resolve("100.hea"),
        "100 2 360 650000\n"
            + "100.dat 212 200 11 1024 996 -22131 0 MLII\n"
            + "100.dat 212 200 11 1024 1011 20052 0 V5\n");

    assertThatThrownBy(() -> WfdbReader.read(dir.resolve("100.hea")))
        .isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining("initial value mismatch")
        .hasMessageContaining("signal 0 (MLII)")
        .hasMessageContaining("996")
        .hasMessageContaining("995");
  }

  @Test
  void a_truncated_signal_file_fails_naming_the_file_and_sizes() throws Exception {
    copyResources("100", "hea", "dat");
    Path dat = dir.resolve("100.dat");
    byte[] data = Files.readAllBytes(dat);
    Files.write(dat, Arrays.copyOf(data, data.length - 3));

    assertThatThrownBy(() -> WfdbReader.read(dir.resolve("100.hea")))
        .isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining(dat.toString())
        .hasMessageContaining("truncated")
        .hasMessageContaining("1950000")
        .hasMessageContaining("1949997");
  }

  @Test
  void a_missing_signal_file_or_resource_is_named() throws Exception {
    copyResources("100", "hea");

    assertThatThrownBy(() -> WfdbReader.read(dir.resolve("100.hea")))
        .isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining("100.dat")
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> WfdbReader.read("ecg/no-such-record"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ecg/no-such-record.hea");
  }

  @Test
  void a_gain_without_exact_reciprocal_fails_clearly_when_asked_for_physical_values()
      throws Exception {
    Files.write(dir.resolve("g.dat"), WfdbWriter.encode(16, new int[][] {{3}}, null));
    Files.writeString(dir.resolve("g.hea"), "g 1 250 1\ng.dat 16 3 16 0 3 3 0 odd\n");

    WfdbRecord r = WfdbReader.read(dir.resolve("g.hea"));

    assertThat(r.sample(0, 0)).isEqualTo(3);
    assertThatThrownBy(() -> r.physical(0, 0))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("signal 0 (odd)")
        .hasMessageContaining("gain 3");
  }

  private Path copyResources(String record, String... extensions) throws IOException {
    Path first = null;
    for (String ext : List.of(extensions)) {
      Path target = dir.resolve(record + "." + ext);
      try (InputStream in = WfdbReader.openResource("ecg/" + record + "." + ext)) {
        Files.copy(in, target);
      }
      if (first == null) {
        first = target;
      }
    }
    return first;
  }
}
