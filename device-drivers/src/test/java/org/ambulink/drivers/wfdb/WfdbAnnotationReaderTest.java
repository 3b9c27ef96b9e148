package org.ambulink.drivers.wfdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WfdbAnnotationReaderTest {

  @Test
  void reads_the_beat_labels_of_mit_bih_100() throws Exception {
    List<WfdbAnnotation> all = WfdbAnnotationReader.read("ecg/100.atr");

    WfdbAnnotation first = all.get(0);
    assertThat(first.sample()).isEqualTo(18);
    assertThat(first.mnemonic()).isEqualTo("+");
    assertThat(first.aux()).isEqualTo("(N");
    assertThat(first.isBeat()).isFalse();
    List<WfdbAnnotation> beats = all.stream().filter(WfdbAnnotation::isBeat).toList();
    // MIT-BIH 100: 2239 normal beats, 33 atrial premature beats, 1 PVC.
    assertThat(beats).hasSize(2273);
    assertThat(beats.stream().filter(b -> b.mnemonic().equals("N")).count()).isEqualTo(2239);
    assertThat(beats.stream().filter(b -> b.mnemonic().equals("A")).count()).isEqualTo(33);
    assertThat(beats.stream().filter(b -> b.mnemonic().equals("V")).count()).isEqualTo(1);
    assertThat(all).isSortedAccordingTo((a, b) -> Long.compare(a.sample(), b.sample()));
    assertThat(all.get(all.size() - 1).sample()).isLessThan(650_000);
  }

  @Test
  void applies_skip_num_sub_chn_and_aux_words() throws Exception {
    byte[] data =
        words(
            ann(1, 10), // N at 10
            ann(59, 0),
            0x0001,
            0x0000, // SKIP 65536 (high word first)
            ann(5, 4), // V at 10 + 65536 + 4
            ann(61, 3), // SUB 3
            ann(62, 2), // CHN 2
            ann(60, 7), // NUM 7
            ann(63, 3),
            'A' | ('B' << 8),
            'C', // AUX "ABC" padded to 4 bytes
            ann(1, 6), // N, keeps chan 2 and num 7, resets sub and aux
            0);

    List<WfdbAnnotation> a = WfdbAnnotationReader.parse(data, "test.atr");

    assertThat(a)
        .containsExactly(
            new WfdbAnnotation(10, 1, 0, 0, 0, ""),
            new WfdbAnnotation(65550, 5, 3, 2, 7, "ABC"),
            new WfdbAnnotation(65556, 1, 0, 2, 7, ""));
  }

  @Test
  void a_file_ending_inside_an_annotation_fails_naming_the_file() {
    assertThatThrownBy(() -> WfdbAnnotationReader.parse(words(ann(1, 1), ann(59, 0), 1), "x.atr"))
        .isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining("x.atr")
        .hasMessageContaining("SKIP");
    assertThatThrownBy(() -> WfdbAnnotationReader.parse(words(ann(1, 1), ann(63, 9)), "x.atr"))
        .hasMessageContaining("9-byte auxiliary text");
    assertThatThrownBy(() -> WfdbAnnotationReader.parse(new byte[] {1, 4, 7}, "x.atr"))
        .hasMessageContaining("odd length 3");
    assertThatThrownBy(() -> WfdbAnnotationReader.parse(words(ann(62, 1)), "x.atr"))
        .hasMessageContaining("before any annotation");
  }

  private static int ann(int type, int field) {
    return (type << 10) | field;
  }

  private static byte[] words(int... words) {
    byte[] b = new byte[words.length * 2];
    for (int i = 0; i < words.length; i++) {
      b[2 * i] = (byte) words[i];
      b[2 * i + 1] = (byte) (words[i] >> 8);
    }
    return b;
  }
}
