package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.ambulink.drivers.wfdb.WfdbAnnotation;
import org.ambulink.drivers.wfdb.WfdbAnnotationReader;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RPeakDetectorTest {
  private static final double FS = 360;
  private static final int FIVE_MINUTES = (int) (5 * 60 * FS);
  private static final int TOLERANCE = (int) Math.round(0.150 * FS);

  private static WfdbRecord record;
  private static int[] reference;

  @BeforeAll
  static void load() throws Exception {
    record = WfdbReader.read("ecg/100");
    reference =
        WfdbAnnotationReader.read("ecg/100.atr").stream()
            .filter(WfdbAnnotation::isBeat)
            .mapToInt(a -> (int) a.sample())
            .filter(s -> s < FIVE_MINUTES)
            .toArray();
  }

  @Test
  void finds_the_annotated_beats_of_mit_bih_100_in_the_first_five_minutes() {
    int[] mlii = Arrays.copyOf(record.samples(0), FIVE_MINUTES);

    int[] detected = new RPeakDetector(FS).detect(mlii);

    Score score = Score.of(reference, detected, TOLERANCE);
    System.out.printf(
        "RPeakDetector on 100 MLII, 0-5 min: %d reference beats, %d detected, TP %d, FN %d, FP %d,"
            + " Se %.4f, +P %.4f%n",
        reference.length,
        detected.length,
        score.tp,
        score.fn,
        score.fp,
        score.sensitivity(),
        score.positivePredictivity());
    assertThat(reference).hasSizeGreaterThan(350);
    assertThat(score.sensitivity()).isGreaterThan(0.95);
    assertThat(score.positivePredictivity()).isGreaterThan(0.95);
  }

  @Test
  void finds_the_annotated_beats_over_the_whole_half_hour_within_a_few_milliseconds()
      throws Exception {
    int[] all =
        WfdbAnnotationReader.read("ecg/100.atr").stream()
            .filter(WfdbAnnotation::isBeat)
            .mapToInt(a -> (int) a.sample())
            .toArray();

    int[] detected = new RPeakDetector(FS).detect(record.samples(0));

    Score score = Score.of(all, detected, TOLERANCE);
    assertThat(score.sensitivity()).isGreaterThan(0.99);
    assertThat(score.positivePredictivity()).isGreaterThan(0.99);
    // The R peak, not just the QRS: matched detections lie within 10 ms of the label on average.
    double meanError = 0;
    for (int ref : all) {
      int k = Arrays.binarySearch(detected, ref);
      int nearest = k >= 0 ? ref : nearest(detected, -k - 1, ref);
      meanError += Math.abs(nearest - ref);
    }
    assertThat(meanError / all.length / FS).isLessThan(0.010);
  }

  private static int nearest(int[] sorted, int insertion, int value) {
    int best = insertion < sorted.length ? sorted[insertion] : sorted[sorted.length - 1];
    if (insertion > 0 && Math.abs(sorted[insertion - 1] - value) < Math.abs(best - value)) {
      best = sorted[insertion - 1];
    }
    return best;
  }

  @Test
  void also_works_on_lead_v5_and_after_resampling_to_500_hz() {
    int[] v5 = Arrays.copyOf(record.samples(1), FIVE_MINUTES);
    Score onV5 = Score.of(reference, new RPeakDetector(FS).detect(v5), TOLERANCE);

    Resampler resampler = new Resampler(FS, 500);
    int[] at500 = resampler.resample(Arrays.copyOf(record.samples(0), FIVE_MINUTES));
    int[] peaks500 = new RPeakDetector(500).detect(at500);
    int[] backTo360 = Arrays.stream(peaks500).map(p -> (int) Math.round(p * FS / 500)).toArray();
    Score resampled = Score.of(reference, backTo360, TOLERANCE);

    assertThat(onV5.sensitivity()).isGreaterThan(0.95);
    assertThat(onV5.positivePredictivity()).isGreaterThan(0.95);
    assertThat(resampled.sensitivity()).isGreaterThan(0.95);
    assertThat(resampled.positivePredictivity()).isGreaterThan(0.95);
  }

  @Test
  void heart_rate_matches_the_annotated_rate() {
    int[] detected = new RPeakDetector(FS).detect(Arrays.copyOf(record.samples(0), FIVE_MINUTES));

    double fromAnnotations = RPeakDetector.heartRate(reference, FS);
    double fromDetector = RPeakDetector.heartRate(detected, FS);

    assertThat(fromAnnotations).isBetween(60.0, 90.0);
    assertThat(fromDetector).isCloseTo(fromAnnotations, within(1.0));
  }

  @Test
  void finds_the_same_beats_in_all_twelve_leads_of_the_ptb_record_at_1000_hz() throws Exception {
    WfdbRecord ptb = WfdbReader.read("ecg/s0010_re");
    RPeakDetector detector = new RPeakDetector(1000);
    int[] lead2 = detector.detect(ptb.samples(ptb.signalIndex("ii").orElseThrow()));

    double hr = RPeakDetector.heartRate(lead2, 1000);
    assertThat(hr).isBetween(50.0, 120.0);
    // Regular sinus rhythm: every RR interval within 15% of the median.
    int[] rr = new int[lead2.length - 1];
    for (int i = 0; i < rr.length; i++) {
      rr[i] = lead2[i + 1] - lead2[i];
    }
    int[] sorted = rr.clone();
    Arrays.sort(sorted);
    int median = sorted[sorted.length / 2];
    assertThat(Arrays.stream(rr).boxed().toList())
        .allSatisfy(r -> assertThat((double) r).isCloseTo(median, within(0.15 * median)));
    // The other leads see the same beats, give or take the R wave's timing in each lead.
    for (int lead = 0; lead < 12; lead++) {
      Score agreement = Score.of(lead2, detector.detect(ptb.samples(lead)), 100);
      assertThat(agreement.fn() + agreement.fp())
          .as("beats of lead %s that differ from lead ii", ptb.signal(lead).description())
          .isZero();
    }
  }

  @Test
  void flat_or_short_signals_have_no_beats() {
    assertThat(new RPeakDetector(FS).detect(new int[10])).isEmpty();
    assertThat(new RPeakDetector(FS).detect(new int[(int) FS * 5])).isEmpty();
    assertThat(RPeakDetector.heartRate(new int[] {5}, FS)).isNaN();
  }

  /**
   * Beat-by-beat comparison: each reference beat matches at most one detection within tolerance.
   */
  record Score(int tp, int fn, int fp) {
    static Score of(int[] reference, int[] detected, int tolerance) {
      boolean[] used = new boolean[detected.length];
      int tp = 0;
      int j = 0;
      for (int ref : reference) {
        while (j < detected.length && detected[j] < ref - tolerance) {
          j++;
        }
        int best = -1;
        for (int k = j; k < detected.length && detected[k] <= ref + tolerance; k++) {
          if (!used[k]
              && (best < 0 || Math.abs(detected[k] - ref) < Math.abs(detected[best] - ref))) {
            best = k;
          }
        }
        if (best >= 0) {
          used[best] = true;
          tp++;
        }
      }
      return new Score(tp, reference.length - tp, detected.length - tp);
    }

    double sensitivity() {
      return tp / (double) (tp + fn);
    }

    double positivePredictivity() {
      return tp / (double) (tp + fp);
    }
  }
}
