package org.ambulink.drivers.wfdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WfdbHeaderTest {

  @Test
  void parses_the_mit_bih_header_with_comments_and_blank_lines() throws Exception {
    String text =
        """
        # unnecessary comment
        100 2 360 650000
        100.dat 212 200 11 1024 995 -22131 0 MLII

        100.dat 212 200 11 1024 1011 20052 0 V5
        # 69 M 1085 1629 x1
        # Aldomet, Inderal
        """;

    WfdbHeader h = WfdbHeader.parse(text, "100.hea");

    assertThat(h.recordName()).isEqualTo("100");
    assertThat(h.samplingFrequency()).isEqualTo(360.0);
    assertThat(h.counterFrequency()).isEqualTo(360.0);
    assertThat(h.sampleCount()).isEqualTo(OptionalLong.of(650000));
    assertThat(h.signalCount()).isEqualTo(2);
    assertThat(h.comments())
        .containsExactly("unnecessary comment", "69 M 1085 1629 x1", "Aldomet, Inderal");
    WfdbSignalSpec mlii = h.signal(0);
    assertThat(mlii.fileName()).isEqualTo("100.dat");
    assertThat(mlii.format()).isEqualTo(212);
    assertThat(mlii.gain()).isEqualByComparingTo("200");
    assertThat(mlii.gainGiven()).isTrue();
    assertThat(mlii.baseline()).as("baseline defaults to ADC zero").isEqualTo(1024);
    assertThat(mlii.units()).isEqualTo("mV");
    assertThat(mlii.adcResolution()).isEqualTo(11);
    assertThat(mlii.adcZero()).isEqualTo(1024);
    assertThat(mlii.initialValue()).isEqualTo(OptionalInt.of(995));
    assertThat(mlii.checksum()).isEqualTo(OptionalInt.of(-22131));
    assertThat(mlii.blockSize()).isZero();
    assertThat(mlii.description()).isEqualTo("MLII");
    assertThat(h.signal(1).description()).isEqualTo("V5");
  }

  @Test
  void parses_counter_frequency_baseline_units_offset_and_spaced_description() throws Exception {
    String text =
        """
        rec 2 250/500(12) 1000 12:30:00 01/02/2003
        rec.dat 16+24 2000.5(-12)/uV 16 0 -489 -8337 0 ECG lead II, chest
        rec.dat 16+24
        """;

    WfdbHeader h = WfdbHeader.parse(text, "rec.hea");

    assertThat(h.samplingFrequency()).isEqualTo(250.0);
    assertThat(h.counterFrequency()).isEqualTo(500.0);
    assertThat(h.baseCounter()).isEqualTo(12.0);
    assertThat(h.baseTime()).isEqualTo("12:30:00");
    assertThat(h.baseDate()).isEqualTo("01/02/2003");
    WfdbSignalSpec s = h.signal(0);
    assertThat(s.byteOffset()).isEqualTo(24);
    assertThat(s.gain()).isEqualTo(new BigDecimal("2000.5"));
    assertThat(s.baseline()).isEqualTo(-12);
    assertThat(s.units()).isEqualTo("uV");
    assertThat(s.description()).isEqualTo("ECG lead II, chest");
    WfdbSignalSpec bare = h.signal(1);
    assertThat(bare.gain()).as("default gain").isEqualByComparingTo("200");
    assertThat(bare.gainGiven()).isFalse();
    assertThat(bare.units()).isEqualTo("mV");
    assertThat(bare.adcResolution()).as("natural width of format 16").isEqualTo(16);
    assertThat(bare.initialValue()).isEmpty();
    assertThat(bare.checksum()).isEmpty();
    assertThat(bare.description()).isEmpty();
  }

  @Test
  void defaults_frequency_and_leaves_length_open_when_the_record_line_is_short() throws Exception {
    WfdbHeader h = WfdbHeader.parse("r 1\nr.dat 80 0\n", "r.hea");

    assertThat(h.samplingFrequency()).isEqualTo(250.0);
    assertThat(h.sampleCount()).isEmpty();
    assertThat(h.signal(0).gain()).as("gain 0 means uncalibrated").isEqualByComparingTo("200");
    assertThat(h.signal(0).gainGiven()).isFalse();
  }

  @Test
  void rejects_unsupported_features_and_bad_values_naming_them() {
    assertThatThrownBy(() -> WfdbHeader.parse("r/2 1 360\n", "r.hea"))
        .isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining("r.hea line 1")
        .hasMessageContaining("multi-segment");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 360 10\nr.dat 212:3 200\n", "r.hea"))
        .isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining("r.hea line 2")
        .hasMessageContaining("skew of 3");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 360 10\nr.dat 16x4 200\n", "r.hea"))
        .hasMessageContaining("4 samples per frame");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 360 10\nr.dat 311 200\n", "r.hea"))
        .hasMessageContaining("format 311 is not supported");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 fast 10\nr.dat 16\n", "r.hea"))
        .hasMessageContaining("sampling frequency 'fast'");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 360 10\nr.dat 16 200 12 0 x\n", "r.hea"))
        .hasMessageContaining("initial value 'x' is not an integer");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 360 10\nr.dat 16 mV\n", "r.hea"))
        .hasMessageContaining("gain 'mV'");
    assertThatThrownBy(() -> WfdbHeader.parse("r 2 360 10\nr.dat 16\n", "r.hea"))
        .hasMessageContaining("announces 2 signals but only 1");
    assertThatThrownBy(() -> WfdbHeader.parse("r 1 360 10\nr.dat 16\nq.dat 16\n", "r.hea"))
        .hasMessageContaining("line 3: unexpected line 'q.dat 16'");
    assertThatThrownBy(() -> WfdbHeader.parse("# only a comment\n", "r.hea"))
        .hasMessageContaining("no record line");
  }
}
