package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

  @Test
  void the_same_rate_returns_an_exact_copy() {
    int[] x = randomSignal(1000, 1);

    int[] y = new Resampler(360, 360).resample(x);

    assertThat(y).isEqualTo(x).isNotSameAs(x);
  }

  @ParameterizedTest
  @CsvSource({
    "360, 500, 650000",
    "1000, 500, 38400",
    "250, 500, 7",
    "1000, 360, 1001",
    "128.5, 500, 257"
  })
  void output_length_is_the_input_duration_at_the_new_rate(double from, double to, int n) {
    Resampler r = new Resampler(from, to);

    int expected = (int) Math.floor(n * to / from + 1e-9);
    assertThat(r.outputLength(n)).isEqualTo(expected);
    assertThat(r.resample(new int[n])).hasSize(expected);
  }

  @Test
  void upsampling_keeps_every_sample_that_falls_on_an_output_instant() {
    int[] x = randomSignal(3600, 2);

    int[] y = new Resampler(360, 500).resample(x);

    // 500/360 = 25/18: output 25m is input 18m.
    for (int m = 0; 25 * m < y.length; m++) {
      assertThat(y[25 * m]).isEqualTo(x[18 * m]);
    }
    // Between them, linear interpolation rounded half up: output 1 is at input 0.72.
    assertThat(y[1]).isEqualTo((int) Math.floor(x[0] * 0.28 + x[1] * 0.72 + 0.5));
  }

  @Test
  void doubling_the_rate_interleaves_midpoints_rounded_half_up() {
    int[] y = new Resampler(250, 500).resample(new int[] {0, 3, -3, 10});

    assertThat(y).containsExactly(0, 2, 3, 0, -3, 4, 10, 10);
  }

  @Test
  void a_constant_signal_stays_exactly_constant_up_and_down() {
    int[] x = new int[5000];
    Arrays.fill(x, -1234);

    assertThat(new Resampler(360, 500).resample(x)).containsOnly(-1234);
    assertThat(new Resampler(1000, 500).resample(x)).containsOnly(-1234);
    assertThat(new Resampler(1000, 360).resample(x)).containsOnly(-1234);
  }

  @ParameterizedTest
  @CsvSource({"360, 500, 7", "1000, 500, 10", "500, 360, 23", "1000, 250, 40"})
  void a_sine_keeps_its_frequency_and_amplitude(double from, double to, double hz) {
    double amplitude = 2000;
    int n = (int) (10 * from);
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = (int) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / from));
    }

    int[] y = new Resampler(from, to).resample(x);

    assertThat(frequency(y, to)).isCloseTo(hz, within(0.01 * hz));
    // Away from the ends, each sample is within 1.5% of the ideal sine at the new rate.
    for (int i = (int) to; i < y.length - (int) to; i++) {
      double ideal = amplitude * Math.sin(2 * Math.PI * hz * i / to);
      assertThat((double) y[i]).as("sample %d", i).isCloseTo(ideal, within(0.015 * amplitude));
    }
  }

  @Test
  void downsampling_removes_content_above_the_new_nyquist_frequency_instead_of_aliasing_it() {
    int n = 10_000;
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = (int) Math.round(2000 * Math.sin(2 * Math.PI * 400 * i / 1000.0)); // 400 Hz
    }

    int[] y = new Resampler(1000, 500).resample(x);

    // Plain decimation would turn it into a full-amplitude 100 Hz sine.
    double rms = 0;
    for (int i = 100; i < y.length - 100; i++) {
      rms += (double) y[i] * y[i];
    }
    rms = Math.sqrt(rms / (y.length - 200));
    assertThat(rms).isLessThan(0.01 * 2000);
  }

  @Test
  void rejects_rates_that_are_not_positive() {
    assertThatThrownBy(() -> new Resampler(0, 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input sample rate")
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> new Resampler(360, Double.NaN)).hasMessageContaining("output");
  }

  /** Zero-crossing frequency estimate over the whole signal. */
  private static double frequency(int[] y, double fs) {
    double first = -1;
    double last = -1;
    int crossings = 0;
    for (int i = 1; i < y.length; i++) {
      if ((y[i - 1] < 0 && y[i] >= 0) || (y[i - 1] >= 0 && y[i] < 0)) {
        double t = (i - 1 + (double) y[i - 1] / (y[i - 1] - y[i])) / fs;
        if (first < 0) {
          first = t;
        }
        last = t;
        crossings++;
      }
    }
    return (crossings - 1) / 2.0 / (last - first);
  }

  private static int[] randomSignal(int n, long seed) {
    Random r = new Random(seed);
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(4001) - 2000;
    }
    return x;
  }
}
