package org.ambulink.drivers.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.wfdb.WfdbRecord;

/**
 * A simulated patient monitor that replays a real ECG record as an endless stream of monitor
 * messages: every standard lead of the record as exact waveform segments, plus the heart rate
 * detected in the ECG and plausible vital signs, the way a monitor in the ambulance reports them.
 *
 * <p>Waveform samples are the record's ADC counts minus the signal's baseline, resampled to the
 * output rate, with the exact scale {@code 1 / gain} and offset 0: their physical values are the
 * record's. Chunks follow each other without gap or overlap in samples and time; at the record's
 * end the replay starts again from its beginning and time runs on. Not thread-safe.
 */
public final class MonitorSimulator implements Iterator<MonitorMessage> {
  /** The message type of every message: an unsolicited observation report. */
  public static final String MESSAGE_TYPE = "ORU^R01";

  private static final Pattern EUI64 = Pattern.compile("[0-9A-Fa-f]{16}");
  private static final double HEART_RATE_WINDOW_S = 10;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final WfdbRecord record;
  private final double rate;
  private final Duration chunk;
  private final String deviceId;
  private final DeviceIdentity device;
  private final Instant start;
  private final String controlIdPrefix;
  private final boolean demo;
  private final long vitalsEverySeconds;
  private final Duration nibpInterval;
  private final List<MdcCode> leads;
  private final int[] sourceSignals;
  private final int[][] replay;
  private final BigDecimal[] scales;
  private final List<String> skipped;
  private final int loopLength;
  private final double samplesPerChunk;
  private final boolean wholeSamplesPerChunk;
  private final int[] beats; // R peaks of the heart-rate lead, in record samples
  private final SimulatedVitals vitals;

  private long chunkIndex;
  private long sequence;
  private long nextVitalsTick = 1; // in units of vitalsEverySeconds
  private long nextNibp; // in units of nibpInterval

  private MonitorSimulator(Builder b) {
    this.record = b.record;
    this.rate = b.outputRate;
    this.chunk = b.chunk;
    this.deviceId = b.deviceId;
    this.start = b.start == null ? Instant.now() : b.start;
    this.controlIdPrefix =
        b.controlIdPrefix != null
            ? b.controlIdPrefix
            : Long.toString(start.getEpochSecond(), 36).toUpperCase(Locale.ROOT) + "-";
    this.demo = b.demo;
    this.vitalsEverySeconds = b.vitalsInterval.getSeconds();
    this.nibpInterval = b.nibpInterval;
    this.device =
        new DeviceIdentity(
            deviceId, "AmbuLink simulated monitor", "AmbuLink", "WFDB replay of " + record.name());

    record Lead(MdcCode code, int signal) {}
    List<Lead> found = new ArrayList<>();
    List<String> skippedNames = new ArrayList<>();
    for (int s = 0; s < record.signalCount(); s++) {
      String description = record.signal(s).description();
      Optional<MdcCode> lead = EcgLeads.byName(description);
      if (lead.isEmpty() || found.stream().anyMatch(l -> l.code.equals(lead.get()))) {
        skippedNames.add(description.isEmpty() ? "signal " + s : description);
      } else {
        found.add(new Lead(lead.get(), s));
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "record "
              + record.name()
              + " has no standard ECG lead among its signals "
              + skippedNames
              + "; expected names like I, II, MLII, aVR, V1..V6");
    }
    found.sort(Comparator.comparingInt(l -> EcgLeads.TWELVE_LEAD.indexOf(l.code)));
    this.leads = found.stream().map(Lead::code).toList();
    this.skipped = List.copyOf(skippedNames);
    this.sourceSignals = found.stream().mapToInt(Lead::signal).toArray();

    Resampler resampler = new Resampler(record.samplingFrequency(), rate);
    this.loopLength = resampler.outputLength(record.length());
    if (loopLength < 1) {
      throw new IllegalArgumentException(
          "record " + record.name() + " has no samples at " + rate + " Hz");
    }
    this.replay = new int[leads.size()][];
    this.scales = new BigDecimal[leads.size()];
    for (int l = 0; l < leads.size(); l++) {
      int s = sourceSignals[l];
      try {
        scales[l] = record.scale(s);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      int[] counts = record.samples(s);
      int baseline = record.signal(s).baseline();
      for (int i = 0; i < counts.length; i++) {
        counts[i] -= baseline;
      }
      replay[l] = resampler.resample(counts);
    }

    double spc = chunk.toNanos() * rate / NANOS_PER_SECOND;
    this.wholeSamplesPerChunk = Math.abs(spc - Math.rint(spc)) < 1e-9;
    this.samplesPerChunk = wholeSamplesPerChunk ? Math.rint(spc) : spc;
    if (samplesPerChunk < 1) {
      throw new IllegalArgumentException(
          "a chunk of " + chunk.toMillis() + " ms holds no sample at " + rate + " Hz");
    }

    int hrLead = leads.indexOf(EcgLeads.II);
    int hrSignal = sourceSignals[hrLead < 0 ? 0 : hrLead];
    this.beats = new RPeakDetector(record.samplingFrequency()).detect(record.samples(hrSignal));
    this.vitals = new SimulatedVitals(b.seed);
  }

  /** A builder for a simulator replaying {@code record}. */
  public static Builder builder(WfdbRecord record) {
    return new Builder(record);
  }

  /** The leads the simulator sends, in 12-lead display order. */
  public List<MdcCode> leads() {
    return leads;
  }

  /** Descriptions of the record's signals that are not standard leads and are not sent. */
  public List<String> skippedSignals() {
    return skipped;
  }

  /** The record signal a lead is replayed from. */
  public int sourceSignal(MdcCode lead) {
    return sourceSignals[leadIndex(lead)];
  }

  /**
   * The samples the simulator loops for {@code lead}: the record's counts minus baseline at the
   * output rate. Chunk samples are {@code leadSamples(lead)[(loopPosition + i) % loopLength()]}.
   */
  public int[] leadSamples(MdcCode lead) {
    return replay[leadIndex(lead)].clone();
  }

  /** Millivolts per sample count of {@code lead}, exactly {@code 1 / gain}. */
  public BigDecimal scale(MdcCode lead) {
    return scales[leadIndex(lead)];
  }

  /** Samples per lead in one pass of the record at the output rate. */
  public int loopLength() {
    return loopLength;
  }

  public double outputRate() {
    return rate;
  }

  public Duration chunkDuration() {
    return chunk;
  }

  public Instant start() {
    return start;
  }

  public String deviceId() {
    return deviceId;
  }

  public WfdbRecord record() {
    return record;
  }

  /** The R peaks the heart rate is derived from, as sample indices of the record. */
  public int[] beats() {
    return beats.clone();
  }

  /** Always true: the replay loops for ever. */
  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public MonitorMessage next() {
    return nextChunk().message();
  }

  /** The next chunk's message and the samples it carries. */
  public SimulatedChunk nextChunk() {
    long k = chunkIndex++;
    long first = boundary(k);
    long end = boundary(k + 1);
    int count = Math.toIntExact(end - first);
    Instant from = timeOf(first);
    Instant to = timeOf(end);
    int position = (int) (first % loopLength);

    List<WaveformSegment> waveforms = new ArrayList<>(leads.size());
    for (int l = 0; l < leads.size(); l++) {
      int[] samples = new int[count];
      int[] source = replay[l];
      int p = position;
      for (int i = 0; i < count; i++) {
        samples[i] = source[p];
        if (++p == loopLength) {
          p = 0;
        }
      }
      waveforms.add(
          new WaveformSegment(
              leads.get(l),
              MonitorCodes.waveformPath(leads.get(l)),
              rate,
              from,
              samples,
              scales[l],
              BigDecimal.ZERO,
              WaveformSegment.MILLIVOLT,
              deviceId));
    }

    List<NumericObservation> observations = new ArrayList<>();
    addNibp(observations, from, to);
    addVitals(observations, from, to);

    String controlId = controlIdPrefix + (++sequence);
    MonitorMessage message =
        new MonitorMessage(
            controlId, MESSAGE_TYPE, device, to, observations, waveforms, List.of(), List.of());
    return new SimulatedChunk(message, k, first, count, position);
  }

  private void addVitals(List<NumericObservation> out, Instant from, Instant to) {
    while (true) {
      Instant at = start.plusSeconds(nextVitalsTick * vitalsEverySeconds);
      if (!at.isBefore(to)) {
        return;
      }
      nextVitalsTick++;
      if (at.isBefore(from)) {
        continue;
      }
      double hr = heartRateAt(Duration.between(start, at));
      SimulatedVitals.Vitals v = null;
      for (long s = 0; s < vitalsEverySeconds; s++) {
        v = vitals.next(hr);
      }
      if (!Double.isNaN(hr)) {
        out.add(numeric(MonitorCodes.HEART_RATE, Math.round(hr), MonitorCodes.BEATS_PER_MIN, at));
      }
      out.add(numeric(MonitorCodes.SPO2, v.spo2Percent(), MonitorCodes.PERCENT, at));
      out.add(
          numeric(MonitorCodes.PULSE_RATE, v.pulseRatePerMin(), MonitorCodes.BEATS_PER_MIN, at));
      out.add(
          numeric(
              MonitorCodes.RESP_RATE, v.respiratoryRatePerMin(), MonitorCodes.BREATHS_PER_MIN, at));
      out.add(numeric(MonitorCodes.ETCO2, v.etco2MmHg(), MonitorCodes.MMHG, at));
      out.add(
          numeric(
              MonitorCodes.TEMPERATURE, v.temperatureCelsius(), MonitorCodes.DEGREES_CELSIUS, at));
    }
  }

  private void addNibp(List<NumericObservation> out, Instant from, Instant to) {
    while (true) {
      Instant at = start.plus(nibpInterval.multipliedBy(nextNibp));
      if (!at.isBefore(to)) {
        return;
      }
      nextNibp++;
      if (at.isBefore(from)) {
        continue;
      }
      SimulatedVitals.Nibp nibp = vitals.measureNibp();
      out.add(numeric(MonitorCodes.NIBP_SYS, nibp.systolic(), MonitorCodes.MMHG, at));
      out.add(numeric(MonitorCodes.NIBP_DIA, nibp.diastolic(), MonitorCodes.MMHG, at));
      out.add(numeric(MonitorCodes.NIBP_MEAN, nibp.mean(), MonitorCodes.MMHG, at));
    }
  }

  private NumericObservation numeric(MdcCode metric, long value, MdcCode unit, Instant at) {
    return numeric(metric, BigDecimal.valueOf(value), unit, at);
  }

  private NumericObservation numeric(MdcCode metric, BigDecimal value, MdcCode unit, Instant at) {
    return new NumericObservation(
        metric,
        value,
        unit,
        MonitorCodes.numericPath(metric),
        at,
        deviceId,
        ResultStatus.PRELIMINARY,
        demo);
  }

  /**
   * The heart rate at {@code elapsed} replay time: 60 over the mean RR interval of the beats in the
   * last 10 s of the replayed ECG, across loops; NaN before two beats were seen.
   */
  double heartRateAt(Duration elapsed) {
    double t = elapsed.toNanos() / 1e9;
    double period = loopLength / rate;
    double fs = record.samplingFrequency();
    double first = Double.NaN;
    double last = Double.NaN;
    int count = 0;
    long lastLoop = (long) Math.floor(t / period);
    long firstLoop = Math.max(0, (long) Math.floor((t - HEART_RATE_WINDOW_S) / period));
    for (long loop = firstLoop; loop <= lastLoop; loop++) {
      for (int peak : beats) {
        double within = peak / fs;
        if (within >= period) {
          break; // cut off by resampling
        }
        double bt = loop * period + within;
        if (bt > t - HEART_RATE_WINDOW_S && bt <= t) {
          if (count == 0) {
            first = bt;
          }
          last = bt;
          count++;
        }
      }
    }
    return count < 2 ? Double.NaN : 60 * (count - 1) / (last - first);
  }

  /** The output sample index where chunk {@code k} starts. */
  private long boundary(long k) {
    return wholeSamplesPerChunk
        ? k * (long) samplesPerChunk
        : (long) Math.floor(k * chunk.toNanos() * rate / NANOS_PER_SECOND);
  }

  /** The time of output sample {@code n}, to the nearest nanosecond. */
  private Instant timeOf(long n) {
    BigDecimal nanos =
        BigDecimal.valueOf(n)
            .multiply(BigDecimal.valueOf(NANOS_PER_SECOND))
            .divide(BigDecimal.valueOf(rate), 0, RoundingMode.HALF_UP);
    return start.plusNanos(nanos.longValueExact());
  }

  private int leadIndex(MdcCode lead) {
    int i = leads.indexOf(lead);
    if (i < 0) {
      throw new IllegalArgumentException("lead " + lead + " is not replayed; leads are " + leads);
    }
    return i;
  }

  /**
   * Configures a {@link MonitorSimulator}; each setter's javadoc states its default, and {@link
   * #build} fails fast with a message naming a bad value.
   */
  public static final class Builder {
    private final WfdbRecord record;
    private double outputRate = 500;
    private Duration chunk = Duration.ofMillis(250);
    private String deviceId = "0123456789ABCDEF";
    private Instant start;
    private long seed = 1;
    private Duration vitalsInterval = Duration.ofSeconds(1);
    private Duration nibpInterval = Duration.ofMinutes(5);
    private String controlIdPrefix;
    private boolean demo;

    private Builder(WfdbRecord record) {
      this.record = Objects.requireNonNull(record, "record");
    }

    /** Output samples per second and lead; default 500. */
    public Builder outputRate(double hz) {
      this.outputRate = hz;
      return this;
    }

    /** Duration of the waveform in one message; default 250 ms. */
    public Builder chunk(Duration chunk) {
      this.chunk = Objects.requireNonNull(chunk, "chunk");
      return this;
    }

    /** The monitor's EUI-64 equipment id, 16 hex digits; default {@code 0123456789ABCDEF}. */
    public Builder deviceId(String deviceId) {
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      return this;
    }

    /** The time of the first sample; default the time {@link #build} is called. */
    public Builder start(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** Seed of the vital-signs model; default 1. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How often the numerics are reported, whole seconds; default 1 s. */
    public Builder vitalsInterval(Duration interval) {
      this.vitalsInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** How often the NIBP cuff measures, first at the start; default 5 minutes. */
    public Builder nibpInterval(Duration interval) {
      this.nibpInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Prefix of the control ids, which continue with 1, 2, 3...; default the start time's epoch
     * second in base 36 and a dash, so that runs started at different times do not reuse ids.
     */
    public Builder controlIdPrefix(String prefix) {
      this.controlIdPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Whether numerics are flagged as simulated ({@code DEMO}), not patient data; default false.
     */
    public Builder demo(boolean demo) {
      this.demo = demo;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the bad value: a rate or interval that is not
     *     positive, a chunk shorter than one sample, a device id that is not 16 hex digits, a
     *     vitals interval that is not whole seconds, a record without a standard ECG lead or with a
     *     gain that has no exact decimal reciprocal
     */
    public MonitorSimulator build() {
      if (!(outputRate > 0) || Double.isInfinite(outputRate)) {
        throw new IllegalArgumentException(
            "output rate must be a positive number of Hz, was " + outputRate);
      }
      if (chunk.isNegative() || chunk.isZero()) {
        throw new IllegalArgumentException("chunk duration must be positive, was " + chunk);
      }
      if (!EUI64.matcher(deviceId).matches()) {
        throw new IllegalArgumentException(
            "device id must be an EUI-64 of 16 hex digits like 0123456789ABCDEF, was '"
                + deviceId
                + "'");
      }
      if (vitalsInterval.getSeconds() < 1 || vitalsInterval.getNano() != 0) {
        throw new IllegalArgumentException(
            "vitals interval must be a whole number of seconds, was " + vitalsInterval);
      }
      if (nibpInterval.isNegative() || nibpInterval.isZero()) {
        throw new IllegalArgumentException("NIBP interval must be positive, was " + nibpInterval);
      }
      if (controlIdPrefix != null && controlIdPrefix.length() > 40) {
        throw new IllegalArgumentException(
            "control id prefix must be at most 40 characters, was '" + controlIdPrefix + "'");
      }
      return new MonitorSimulator(this);
    }
  }

  @Override
  public String toString() {
    return "MonitorSimulator[record "
        + record.name()
        + ", leads "
        + leads.stream().map(EcgLeads::displayName).toList()
        + ", "
        + rate
        + " Hz, chunks of "
        + chunk.toMillis()
        + " ms, device "
        + deviceId
        + "]";
  }
}
