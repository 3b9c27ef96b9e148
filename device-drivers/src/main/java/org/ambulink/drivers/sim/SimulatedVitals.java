package org.ambulink.drivers.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

/**
 * Plausible, slowly drifting vital signs for the simulated monitor: SpO2, pulse rate, respiratory
 * rate, EtCO2, temperature and the arterial pressure an NIBP cuff measures. Deterministic for a
 * seed, so a test or a demo replays the same patient.
 *
 * <p>Each quantity is a mean-reverting random walk (an Ornstein–Uhlenbeck process sampled every
 * second: {@code x' = mu + (x - mu) e^(-1/tau) + sd sqrt(1 - e^(-2/tau)) N(0,1)}) around an adult
 * resting value, plus a small reading noise, rounded as a monitor displays it and kept within
 * physiological limits. The pulse rate follows the heart rate given to {@link #next}. NIBP readings
 * draw their noise from a separate stream, so how often the cuff measures does not change the other
 * values.
 */
public final class SimulatedVitals {
  private final SplittableRandom random;
  private final SplittableRandom cuffRandom;
  private final Process spo2 = new Process(97, 1.0, 300, 88, 100);
  private final Process respRate = new Process(16, 2.0, 240, 8, 32);
  private final Process etco2 = new Process(37, 2.5, 300, 28, 50);
  private final Process temperature = new Process(36.9, 0.25, 1800, 35.8, 38.2);
  private final Process systolic = new Process(130, 8, 600, 95, 175);
  private final Process diastolic = new Process(80, 5, 600, 55, 100);
  private final Process restingRate = new Process(75, 6, 300, 50, 120);
  private long seconds;

  /** One second's readings. Integers as monitors show them; temperature to 0.1 °C. */
  public record Vitals(
      long second,
      int spo2Percent,
      int pulseRatePerMin,
      int respiratoryRatePerMin,
      int etco2MmHg,
      BigDecimal temperatureCelsius) {}

  /** A cuff measurement in mmHg; the mean is {@code dia + (sys - dia) / 3}, rounded. */
  public record Nibp(int systolic, int diastolic, int mean) {}

  public SimulatedVitals(long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    this.random = root.split();
    this.cuffRandom = root.split();
    for (Process p :
        new Process[] {spo2, respRate, etco2, temperature, systolic, diastolic, restingRate}) {
      p.start(random);
    }
  }

  /** Seconds advanced so far. */
  public long seconds() {
    return seconds;
  }

  /**
   * Advances one second and returns the readings.
   *
   * @param heartRate the ECG heart rate in beats/min, which the pulse rate follows; NaN when
   *     unknown (then the pulse rate follows the model's own resting rate)
   */
  public Vitals next(double heartRate) {
    seconds++;
    spo2.step(random);
    respRate.step(random);
    etco2.step(random);
    temperature.step(random);
    systolic.step(random);
    diastolic.step(random);
    restingRate.step(random);
    double pulseBase = Double.isNaN(heartRate) ? restingRate.value : heartRate;
    double pulse = pulseBase + random.nextGaussian() * 1.0;
    return new Vitals(
        seconds,
        (int) clamp(Math.round(spo2.value + 0.3 * random.nextGaussian()), 85, 100),
        (int) clamp(Math.round(pulse), 20, 250),
        (int) clamp(Math.round(respRate.value + 0.5 * random.nextGaussian()), 6, 40),
        (int) clamp(Math.round(etco2.value + 0.5 * random.nextGaussian()), 20, 60),
        BigDecimal.valueOf(temperature.value + 0.03 * random.nextGaussian())
            .setScale(1, RoundingMode.HALF_UP));
  }

  /** A cuff measurement of the current arterial pressure. */
  public Nibp measureNibp() {
    long sys = Math.round(systolic.value + 2 * cuffRandom.nextGaussian());
    long dia = Math.round(diastolic.value + 2 * cuffRandom.nextGaussian());
    dia = clamp(dia, 50, 105);
    sys = clamp(Math.max(sys, dia + 25), 90, 190);
    long mean = Math.round(dia + (sys - dia) / 3.0);
    return new Nibp((int) sys, (int) dia, (int) mean);
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** An Ornstein–Uhlenbeck process with time constant {@code tau} seconds, kept in [lo, hi]. */
  private static final class Process {
    private final double mu;
    private final double sd;
    private final double decay;
    private final double kick;
    private final double lo;
    private final double hi;
    private double value;

    Process(double mu, double sd, double tauSeconds, double lo, double hi) {
      this.mu = mu;
      this.sd = sd;
      this.decay = Math.exp(-1 / tauSeconds);
      this.kick = sd * Math.sqrt(1 - decay * decay);
      this.lo = lo;
      this.hi = hi;
    }

    void start(SplittableRandom r) {
      value = bound(mu + 0.5 * sd * r.nextGaussian());
    }

    void step(SplittableRandom r) {
      value = bound(mu + (value - mu) * decay + kick * r.nextGaussian());
    }

    private double bound(double v) {
      return Math.max(lo, Math.min(hi, v));
    }
  }
}
