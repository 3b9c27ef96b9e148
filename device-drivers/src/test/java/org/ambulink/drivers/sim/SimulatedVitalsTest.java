package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedVitalsTest {
  private static final int FOUR_HOURS = 4 * 3600;

  @Test
  void the_same_seed_gives_the_same_patient_and_another_seed_another() {
    assertThat(run(42, 3600, 300)).isEqualTo(run(42, 3600, 300));
    assertThat(run(43, 3600, 300)).isNotEqualTo(run(42, 3600, 300));
  }

  @Test
  void how_often_the_cuff_measures_does_not_change_the_other_values() {
    SimulatedVitals often = new SimulatedVitals(7);
    SimulatedVitals never = new SimulatedVitals(7);
    for (int s = 0; s < 600; s++) {
      often.measureNibp();
      assertThat(often.next(80)).isEqualTo(never.next(80));
    }
  }

  @Test
  void values_stay_in_plausible_ranges_for_hours_and_drift_slowly() {
    SimulatedVitals model = new SimulatedVitals(1);
    Set<Integer> spo2Seen = new HashSet<>();
    Set<Integer> systolicSeen = new HashSet<>();
    SimulatedVitals.Vitals previous = null;
    for (int s = 0; s < FOUR_HOURS; s++) {
      SimulatedVitals.Vitals v = model.next(72);
      assertThat(v.spo2Percent()).isBetween(85, 100);
      assertThat(v.pulseRatePerMin()).isBetween(67, 77);
      assertThat(v.respiratoryRatePerMin()).isBetween(6, 40);
      assertThat(v.etco2MmHg()).isBetween(20, 60);
      assertThat(v.temperatureCelsius())
          .isBetween(new java.math.BigDecimal("35.5"), new java.math.BigDecimal("38.5"));
      assertThat(v.temperatureCelsius().scale()).isEqualTo(1);
      if (previous != null) {
        assertThat(Math.abs(v.spo2Percent() - previous.spo2Percent())).isLessThanOrEqualTo(3);
        assertThat(Math.abs(v.respiratoryRatePerMin() - previous.respiratoryRatePerMin()))
            .isLessThanOrEqualTo(4);
        assertThat(v.temperatureCelsius().subtract(previous.temperatureCelsius()).abs())
            .isLessThanOrEqualTo(new java.math.BigDecimal("0.3"));
      }
      previous = v;
      spo2Seen.add(v.spo2Percent());
      if (s % 300 == 0) {
        SimulatedVitals.Nibp nibp = model.measureNibp();
        assertThat(nibp.systolic()).isBetween(90, 190);
        assertThat(nibp.diastolic()).isBetween(50, 105);
        assertThat(nibp.systolic() - nibp.diastolic()).isGreaterThanOrEqualTo(25);
        assertThat(nibp.mean()).isStrictlyBetween(nibp.diastolic(), nibp.systolic());
        systolicSeen.add(nibp.systolic());
      }
    }
    assertThat(spo2Seen).as("SpO2 drifts").hasSizeGreaterThanOrEqualTo(3);
    assertThat(systolicSeen).as("blood pressure drifts").hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void without_a_heart_rate_the_pulse_follows_a_resting_rate() {
    SimulatedVitals model = new SimulatedVitals(3);
    for (int s = 0; s < 600; s++) {
      assertThat(model.next(Double.NaN).pulseRatePerMin()).isBetween(45, 125);
    }
  }

  private static List<Object> run(long seed, int seconds, int nibpEvery) {
    SimulatedVitals model = new SimulatedVitals(seed);
    List<Object> out = new ArrayList<>();
    for (int s = 0; s < seconds; s++) {
      out.add(model.next(75));
      if (s % nibpEvery == 0) {
        out.add(model.measureNibp());
      }
    }
    return out;
  }
}
