package org.ambulink.drivers.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the R peaks of an ECG lead and the heart rate from their intervals, so the simulated
 * monitor reports the heart rate of the ECG it replays rather than an invented number.
 *
 * <p>Method (after Pan &amp; Tompkins 1985, offline and zero-phase): band-pass 5–15 Hz
 * (second-order Butterworth high- and low-pass biquads, run forward and backward), five-point
 * derivative, squaring, 150 ms moving-window integration centred on each sample; then the local
 * maxima of the integrated signal (each the largest within 200 ms) are classified with the adaptive
 * thresholds {@code NPKI + 0.25 (SPKI - NPKI)}, a 200 ms refractory period, T-wave rejection within
 * 360 ms of a beat (slope under half the previous QRS slope) and a search-back at half the
 * threshold when no beat came for 1.66 mean RR intervals. The R peak is the largest absolute
 * band-passed value within 100 ms of the integrated maximum.
 */
public final class RPeakDetector {
  private static final double REFRACTORY_S = 0.200;
  private static final double T_WAVE_WINDOW_S = 0.360;
  private static final double INTEGRATION_WINDOW_S = 0.150;
  private static final double PEAK_SEARCH_S = 0.100;
  private static final double LEARNING_S = 2.0;

  private final double fs;

  /**
   * @param fs the sample rate of the signals to analyse, in Hz; at least 50
   */
  public RPeakDetector(double fs) {
    if (!(fs >= 50) || Double.isInfinite(fs)) {
      throw new IllegalArgumentException(
          "R-peak detection needs a sample rate of at least 50 Hz, was " + fs);
    }
    this.fs = fs;
  }

  public double sampleRate() {
    return fs;
  }

  /**
   * Detects the R peaks of one ECG lead.
   *
   * @param ecg the samples in any linear unit (ADC counts are fine); polarity does not matter
   * @return the sample indices of the R peaks, ascending
   */
  public int[] detect(int[] ecg) {
    int n = ecg.length;
    if (n < fs) {
      return new int[0];
    }
    double[] band = bandPass(ecg);
    double[] slope = derivative(band);
    double[] energy = new double[n];
    for (int i = 0; i < n; i++) {
      energy[i] = slope[i] * slope[i];
    }
    double[] mwi = integrate(energy, Math.max(1, (int) Math.round(INTEGRATION_WINDOW_S * fs)));
    List<Integer> qrs = classify(mwi, slope);
    int search = (int) Math.round(PEAK_SEARCH_S * fs);
    int[] peaks = new int[qrs.size()];
    int count = 0;
    for (int p : qrs) {
      int best = p;
      for (int i = Math.max(0, p - search); i <= Math.min(n - 1, p + search); i++) {
        if (Math.abs(band[i]) > Math.abs(band[best])) {
          best = i;
        }
      }
      if (count == 0 || best > peaks[count - 1]) {
        peaks[count++] = best;
      }
    }
    return Arrays.copyOf(peaks, count);
  }

  /** Adaptive-threshold classification of the integrated signal's local maxima. */
  private List<Integer> classify(double[] mwi, double[] slope) {
    int n = mwi.length;
    int refractory = (int) Math.round(REFRACTORY_S * fs);
    int tWave = (int) Math.round(T_WAVE_WINDOW_S * fs);
    int slopeWindow = (int) Math.round(0.075 * fs);
    int learn = (int) Math.min(n, Math.round(LEARNING_S * fs));
    double max = 0;
    double mean = 0;
    for (int i = 0; i < learn; i++) {
      max = Math.max(max, mwi[i]);
      mean += mwi[i];
    }
    mean /= learn;
    double spki = 0.25 * max;
    double npki = 0.5 * mean;

    List<Integer> qrs = new ArrayList<>();
    List<Integer> noise = new ArrayList<>(); // candidate maxima since the last QRS
    double[] rr = new double[8];
    int rrCount = 0;
    int last = -refractory;
    double lastSlope = 0;
    for (int i = 1; i < n - 1; i++) {
      if (!(mwi[i] > mwi[i - 1] && mwi[i] >= mwi[i + 1]) || !dominates(mwi, i, refractory)) {
        continue;
      }
      double threshold = npki + 0.25 * (spki - npki);
      if (rrCount > 0 && !qrs.isEmpty()) {
        double rrMean = 0;
        int m = Math.min(rrCount, rr.length);
        for (int k = 0; k < m; k++) {
          rrMean += rr[k];
        }
        rrMean /= m;
        if (i - last > 1.66 * rrMean) {
          // Search back for a missed beat among the candidates since the last one.
          int best = -1;
          for (int c : noise) {
            if (c - last > refractory
                && mwi[c] > 0.5 * threshold
                && (best < 0 || mwi[c] > mwi[best])) {
              best = c;
            }
          }
          if (best >= 0) {
            spki = 0.25 * mwi[best] + 0.75 * spki;
            rr[rrCount++ % rr.length] = best - last;
            last = best;
            lastSlope = maxSlope(slope, best, slopeWindow);
            qrs.add(best);
            noise.clear();
            threshold = npki + 0.25 * (spki - npki);
          }
        }
      }
      if (i - last < refractory) {
        continue;
      }
      if (mwi[i] > threshold) {
        double s = maxSlope(slope, i, slopeWindow);
        if (!qrs.isEmpty() && i - last < tWave && s < 0.5 * lastSlope) {
          npki = 0.125 * mwi[i] + 0.875 * npki; // a T wave
          noise.add(i);
          continue;
        }
        spki = 0.125 * mwi[i] + 0.875 * spki;
        if (!qrs.isEmpty()) {
          rr[rrCount++ % rr.length] = i - last;
        }
        last = i;
        lastSlope = s;
        qrs.add(i);
        noise.clear();
      } else {
        npki = 0.125 * mwi[i] + 0.875 * npki;
        noise.add(i);
      }
    }
    return qrs;
  }

  /**
   * Whether {@code mwi[i]} is the largest value within {@code half} samples either side: the
   * integrated energy of a fragmented QRS has several bumps, and only the largest is a candidate.
   */
  private static boolean dominates(double[] mwi, int i, int half) {
    for (int j = Math.max(0, i - half); j <= Math.min(mwi.length - 1, i + half); j++) {
      if (mwi[j] > mwi[i]) {
        return false;
      }
    }
    return true;
  }

  private static double maxSlope(double[] slope, int centre, int half) {
    double m = 0;
    for (int i = Math.max(0, centre - half); i <= Math.min(slope.length - 1, centre + half); i++) {
      m = Math.max(m, Math.abs(slope[i]));
    }
    return m;
  }

  /** Zero-phase 5–15 Hz band-pass; the first sample is subtracted to avoid a start transient. */
  private double[] bandPass(int[] ecg) {
    double[] x = new double[ecg.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = ecg[i] - (double) ecg[0];
    }
    Biquad hp = Biquad.highPass(5, fs);
    Biquad lp = Biquad.lowPass(Math.min(15, 0.45 * fs), fs);
    hp.filter(x, false);
    hp.filter(x, true);
    lp.filter(x, false);
    lp.filter(x, true);
    return x;
  }

  /** Five-point derivative {@code (2x[n+2] + x[n+1] - x[n-1] - 2x[n-2]) / 8}, centred. */
  private static double[] derivative(double[] x) {
    int n = x.length;
    double[] d = new double[n];
    for (int i = 2; i < n - 2; i++) {
      d[i] = (2 * x[i + 2] + x[i + 1] - x[i - 1] - 2 * x[i - 2]) / 8;
    }
    return d;
  }

  /** Centred moving average over {@code window} samples. */
  private static double[] integrate(double[] x, int window) {
    int n = x.length;
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + x[i];
    }
    double[] y = new double[n];
    int before = window / 2;
    int after = window - before - 1;
    for (int i = 0; i < n; i++) {
      int a = Math.max(0, i - before);
      int b = Math.min(n, i + after + 1);
      y[i] = (prefix[b] - prefix[a]) / window;
    }
    return y;
  }

  /**
   * The mean heart rate over the given peaks: 60 divided by the mean RR interval.
   *
   * @return beats per minute, or NaN with fewer than two peaks
   */
  public static double heartRate(int[] peaks, double fs) {
    if (peaks.length < 2) {
      return Double.NaN;
    }
    double meanRr = (peaks[peaks.length - 1] - peaks[0]) / (double) (peaks.length - 1) / fs;
    return 60 / meanRr;
  }

  /** A second-order Butterworth section (RBJ cookbook, Q = 1/sqrt 2). */
  private record Biquad(double b0, double b1, double b2, double a1, double a2) {
    static Biquad lowPass(double fc, double fs) {
      double w = 2 * Math.PI * fc / fs;
      double alpha = Math.sin(w) / Math.sqrt(2);
      double cos = Math.cos(w);
      double a0 = 1 + alpha;
      return new Biquad(
          (1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
    }

    static Biquad highPass(double fc, double fs) {
      double w = 2 * Math.PI * fc / fs;
      double alpha = Math.sin(w) / Math.sqrt(2);
      double cos = Math.cos(w);
      double a0 = 1 + alpha;
      return new Biquad(
          (1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
    }

    /** Filters {@code x} in place (direct form I), forward or backward. */
    void filter(double[] x, boolean backward) {
      double x1 = 0;
      double x2 = 0;
      double y1 = 0;
      double y2 = 0;
      int n = x.length;
      for (int k = 0; k < n; k++) {
        int i = backward ? n - 1 - k : k;
        double in = x[i];
        double out = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = in;
        y2 = y1;
        y1 = out;
        x[i] = out;
      }
    }
  }
}
