package org.ambulink.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.fhir.EcgStrip;
import org.ambulink.fhir.EcgStrips;
import org.ambulink.fhir.FhirValidation;
import org.ambulink.fhir.HandoverBundleBuilder;
import org.ambulink.fhir.HandoverBundles;
import org.ambulink.fhir.HandoverRecord;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The FHIR handover of a whole transport: build, serialize and validate the transaction bundles
 * ({@link HandoverBundleBuilder}, {@link FhirValidation}) of a simulated transport (vitals every
 * second, 10-s 12-lead strips as the appliance schedules them), and their size. Beside it, in the
 * same run, the floor: the same numbers written as plain JSON arrays with a {@link StringBuilder},
 * without FHIR. Progress goes to stderr, the report (markdown) to stdout.
 */
public final class FhirBenchmark {
  /** The target: build and serialize a 60-minute transport in under this. */
  static final Duration TARGET = Duration.ofSeconds(2);

  /** A fixed start time and seed: the same record on every run. */
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private static final PrintStream progress = System.err;

  private FhirBenchmark() {}

  /** Settings from the command line. */
  record Options(
      int minutes,
      int warmupRounds,
      int repeats,
      int validateRepeats,
      int validateSeconds,
      String recordName) {

    static Options parse(String[] args) {
      int minutes = 60;
      int warmupRounds = 2;
      int repeats = 5;
      int validateRepeats = 3;
      int validateSeconds = 10;
      String record = "ecg/s0010_re";
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--help") || args[i].equals("-h")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value; see --help");
        }
        Cli.Option option = new Cli.Option(args[i], args[++i]);
        switch (option.name()) {
          case "--minutes" -> minutes = positive(option);
          case "--warmup-rounds" -> warmupRounds = Integer.parseInt(option.value());
          case "--repeats" -> repeats = positive(option);
          case "--validate-repeats" -> validateRepeats = Integer.parseInt(option.value());
          case "--validate-seconds" -> validateSeconds = positive(option);
          case "--record" -> record = option.value();
          default -> throw Cli.unknown(option);
        }
      }
      if (warmupRounds < 0 || validateRepeats < 0) {
        throw new IllegalArgumentException("--warmup-rounds and --validate-repeats must be >= 0");
      }
      return new Options(minutes, warmupRounds, repeats, validateRepeats, validateSeconds, record);
    }

    private static int positive(Cli.Option option) {
      int n = Integer.parseInt(option.value());
      if (n < 1) {
        throw new IllegalArgumentException(option.name() + " must be at least 1, was " + n);
      }
      return n;
    }

    String commandLine() {
      return "--minutes "
          + minutes
          + " --warmup-rounds "
          + warmupRounds
          + " --repeats "
          + repeats
          + " --validate-repeats "
          + validateRepeats
          + " --validate-seconds "
          + validateSeconds
          + " --record "
          + recordName;
    }
  }

  static final String USAGE =
      """
      usage: bin/bench fhir [options]
         or: java -cp benchmarks/target/benchmarks.jar org.ambulink.bench.FhirBenchmark [options]
        --minutes N           length of the simulated transport (default 60)
        --warmup-rounds N     unmeasured rounds of every timed step first, for the JIT (default 2)
        --repeats N           measured repetitions of build, serialize, build + serialize and the
                              floor (default 5)
        --validate-repeats N  measured validations of the slice after a warm-up one (default 3;
                              0: skip validation)
        --validate-seconds S  the slice validated: the first S seconds of the transport, vitals
                              and the strips starting in them (default 10); the whole transport
                              takes minutes to validate
        --record NAME         WFDB record on the classpath (default ecg/s0010_re)
      Prints progress to stderr and a markdown report to stdout.
      """;

  public static void main(String[] args) throws Exception {
    Options options = Cli.options(args, Options::parse, USAGE);
    if (options == null) {
      return;
    }
    Reports.Run run = Reports.Run.start("bin/bench fhir", String.join(" ", args));
    run.announce(progress);
    new FhirBenchmark.Run(options, run).run();
  }

  // --- the input: a transport as the appliance reads it back from the journal -------------------

  /**
   * The handover record of a simulated transport and what went into it.
   *
   * @param messages monitor messages simulated
   * @param segmentsKept waveform segments inside a strip window (the others are dropped, as the
   *     appliance's second journal pass drops them)
   */
  record Input(HandoverRecord record, int messages, int segmentsKept, long stripSamples) {

    static Input simulate(Options o) throws IOException {
      MonitorSimulator sim =
          MonitorSimulator.builder(WfdbReader.read(o.recordName()))
              .outputRate(500)
              .chunk(Duration.ofMillis(250))
              .start(START)
              .seed(1)
              .controlIdPrefix("FHIR-")
              .build();
      int count = Math.toIntExact(Duration.ofMinutes(o.minutes()).toMillis() / 250);
      List<NumericObservation> vitals = new ArrayList<>();
      List<AlarmEvent> alarms = new ArrayList<>();
      List<WaveformSegment> waveforms = new ArrayList<>();
      Set<String> devices = new LinkedHashSet<>();
      Instant first = null;
      Instant last = null;
      for (int i = 0; i < count; i++) {
        MonitorMessage m = sim.next();
        devices.add(m.device().equipmentId());
        vitals.addAll(m.observations());
        alarms.addAll(m.alarms());
        for (WaveformSegment s : m.waveforms()) {
          waveforms.add(s);
          first = first == null || s.startTime().isBefore(first) ? s.startTime() : first;
          last = last == null || s.endTime().isAfter(last) ? s.endTime() : last;
        }
      }
      List<Instant> alarmTimes =
          alarms.stream().map(AlarmEvent::time).filter(t -> t != null).toList();
      List<EcgStrips.ScheduledStrip> schedule =
          EcgStrips.schedule(first, last, alarmTimes, List.of());
      List<WaveformSegment> needed = new ArrayList<>();
      for (WaveformSegment w : waveforms) {
        for (EcgStrips.ScheduledStrip s : schedule) {
          if (w.endTime().isAfter(s.start())
              && w.startTime().isBefore(s.start().plus(EcgStrips.STRIP_LENGTH))) {
            needed.add(w);
            break;
          }
        }
      }
      waveforms.clear();
      List<EcgStrip> strips = new ArrayList<>();
      long stripSamples = 0;
      for (EcgStrips.ScheduledStrip s : schedule) {
        EcgStrip strip = EcgStrips.cut(needed, s.start(), EcgStrips.STRIP_LENGTH, s.reason());
        strips.add(strip);
        for (WaveformSegment lead : strip.leads()) {
          stripSamples += lead.sampleCount();
        }
      }
      HandoverRecord record =
          HandoverRecord.builder("T-BENCH-0001", "AMB-BENCH", START)
              .end(START.plus(Duration.ofMinutes(o.minutes())))
              .destination(new HandoverRecord.Destination("MGH-ED", "MGH Emergency"))
              .patient(
                  new HandoverRecord.PatientInfo("UNK-7K3QX2", "", HandoverRecord.Sex.MALE, 80))
              .chiefComplaint("chest pain")
              .acuityEsi(2)
              .crew(List.of("Medic A", "Medic B"))
              .devices(devices.stream().map(DeviceIdentity::of).toList())
              .vitals(vitals)
              .strips(strips)
              .alarms(alarms)
              .build();
      return new Input(record, count, needed.size(), stripSamples);
    }
  }

  // --- the floor: the same numbers without FHIR --------------------------------------------------

  /**
   * The record's vitals (metric, unit, time, value) and strips (start, and per lead its code, rate,
   * scale, offset and integer samples) as plain JSON arrays, written with a {@link StringBuilder}.
   */
  static String plainJson(HandoverRecord r) {
    StringBuilder b = new StringBuilder(1 << 20);
    b.append("{\"vitals\":[");
    boolean comma = false;
    for (NumericObservation v : r.vitals()) {
      if (comma) {
        b.append(',');
      }
      comma = true;
      b.append('[')
          .append(v.metric().code())
          .append(',')
          .append(v.unit().code())
          .append(',')
          .append(v.observedAt().toEpochMilli())
          .append(',')
          .append(v.value().toPlainString())
          .append(']');
    }
    b.append("],\"strips\":[");
    comma = false;
    for (EcgStrip s : r.strips()) {
      if (comma) {
        b.append(',');
      }
      comma = true;
      b.append("{\"start\":").append(s.start().toEpochMilli()).append(",\"leads\":[");
      boolean leadComma = false;
      for (WaveformSegment w : s.leads()) {
        if (leadComma) {
          b.append(',');
        }
        leadComma = true;
        b.append("{\"lead\":")
            .append(w.lead().code())
            .append(",\"rate\":")
            .append(w.sampleRateHz())
            .append(",\"scale\":")
            .append(w.scale().toPlainString())
            .append(",\"offset\":")
            .append(w.offset().toPlainString())
            .append(",\"samples\":[");
        int n = w.sampleCount();
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            b.append(',');
          }
          b.append(w.sample(i));
        }
        b.append("]}");
      }
      b.append("]}");
    }
    b.append("]}");
    return b.toString();
  }

  // --- measuring --------------------------------------------------------------------------------

  /** Min, median and max of repeated timings, in milliseconds. */
  record Timing(String step, double[] millis) {
    static Timing of(String step, long[] nanos) {
      double[] ms = new double[nanos.length];
      for (int i = 0; i < nanos.length; i++) {
        ms[i] = nanos[i] / 1e6;
      }
      Arrays.sort(ms);
      return new Timing(step, ms);
    }

    double min() {
      return millis[0];
    }

    double median() {
      int n = millis.length;
      return n % 2 == 1 ? millis[n / 2] : (millis[n / 2 - 1] + millis[n / 2]) / 2;
    }

    double max() {
      return millis[millis.length - 1];
    }
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  /** Times {@code work} {@code times} times; the result of each run goes to {@code sink}. */
  private static long[] time(int times, Supplier<Object> work, List<Object> sink) {
    long[] nanos = new long[times];
    for (int i = 0; i < times; i++) {
      long t0 = System.nanoTime();
      Object out = work.get();
      nanos[i] = System.nanoTime() - t0;
      sink.add(out);
      if (sink.size() > 1) {
        sink.remove(0); // keep the last result reachable, not all of them
      }
    }
    return nanos;
  }

  private static int gzipBytes(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.size();
  }

  /** One run of the benchmark. */
  private static final class Run {
    private final Options o;
    private final Reports.Run run;
    private final HandoverBundleBuilder builder = new HandoverBundleBuilder();
    private final List<Timing> timings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Input input;
    private double inputSeconds;
    private HandoverBundles assembled;
    private List<String> json;
    private String floorJson;
    private long gcMs;
    private double measuredSeconds;
    private double validatorStartMs = Double.NaN;
    private double firstValidationMs = Double.NaN;
    private double warmSmallMs = Double.NaN;
    private Timing validation;
    private int validationErrors;
    private int validationWarnings;
    private String firstError = "";
    private int sliceEntries;
    private int sliceVitals;
    private int sliceStrips;

    Run(Options o, Reports.Run run) {
      this.o = o;
      this.run = run;
    }

    void run() throws Exception {
      progress.printf("bench: simulating a %d-minute transport ...", o.minutes());
      long t0 = System.nanoTime();
      input = Input.simulate(o);
      inputSeconds = (System.nanoTime() - t0) / 1e9;
      HandoverRecord r = input.record();
      progress.printf(
          " %,d messages, %,d vitals, %,d alarms, %d strips (%.1f s, not timed)%n",
          input.messages(), r.vitals().size(), r.alarms().size(), r.strips().size(), inputSeconds);

      assembled = builder.assemble(r, HandoverBundleBuilder.DEFAULT_MAX_BYTES);
      json = builder.buildJson(r, HandoverBundleBuilder.DEFAULT_MAX_BYTES);
      floorJson = plainJson(r);
      List<Object> sink = new ArrayList<>();
      if (o.warmupRounds() > 0) {
        progress.printf("bench: %d warm-up rounds for the JIT ...", o.warmupRounds());
        long w0 = System.nanoTime();
        for (int i = 0; i < o.warmupRounds(); i++) {
          time(1, () -> builder.buildAll(r), sink);
          time(1, () -> builder.build(r), sink);
          time(1, () -> encodeAll(assembled.bundles()), sink);
          time(1, () -> builder.buildJson(r, HandoverBundleBuilder.DEFAULT_MAX_BYTES), sink);
          time(1, () -> plainJson(r), sink);
        }
        progress.printf(" %.1f s%n", (System.nanoTime() - w0) / 1e9);
      }
      long gc0 = gcMillis();
      long m0 = System.nanoTime();
      measure("build: `buildAll` (default 8 MiB cap) → `Bundle`s", () -> builder.buildAll(r), sink);
      measure(
          "build without the cap: `build` (one bundle, no size checks), for comparison",
          () -> builder.build(r),
          sink);
      measure("serialize: `encode` each bundle → JSON", () -> encodeAll(assembled.bundles()), sink);
      measure(
          "build + serialize: `buildJson` (the target)",
          () -> builder.buildJson(r, HandoverBundleBuilder.DEFAULT_MAX_BYTES),
          sink);
      measure(
          "floor: same numbers as plain JSON arrays (`StringBuilder`)", () -> plainJson(r), sink);
      measuredSeconds = (System.nanoTime() - m0) / 1e9;
      gcMs = gcMillis() - gc0;
      sink.clear();

      if (o.validateRepeats() > 0) {
        validate(r);
      }
      System.out.print(report());
    }

    private void measure(String step, Supplier<Object> work, List<Object> sink) {
      progress.printf("bench: %s, %d times ...", step, o.repeats());
      Timing t = Timing.of(step, time(o.repeats(), work, sink));
      timings.add(t);
      progress.printf(
          Locale.ROOT, " median %.1f ms (min %.1f, max %.1f)%n", t.median(), t.min(), t.max());
    }

    private List<String> encodeAll(List<Bundle> bundles) {
      List<String> out = new ArrayList<>(bundles.size());
      for (Bundle b : bundles) {
        out.add(builder.encode(b));
      }
      return out;
    }

    private void validate(HandoverRecord r) {
      // A small bundle (no vitals, no strips) for the validator's one-off start-up.
      HandoverRecord small =
          HandoverRecord.builder(r.transportId(), r.applianceId(), r.start())
              .end(r.end())
              .destination(r.destination())
              .patient(r.patient())
              .devices(r.devices())
              .build();
      Bundle smallBundle = builder.build(small);
      progress.print("bench: validator start-up ...");
      long t0 = System.nanoTime();
      FhirValidation v = FhirValidation.shared();
      validatorStartMs = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime();
      v.validate(smallBundle);
      firstValidationMs = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime();
      v.validate(smallBundle);
      warmSmallMs = (System.nanoTime() - t0) / 1e6;
      progress.printf(
          Locale.ROOT,
          " shared() %.0f ms, first validation %.0f ms, again %.1f ms%n",
          validatorStartMs,
          firstValidationMs,
          warmSmallMs);
      // The whole transport takes minutes to validate (hundreds of ms per entry); a slice of it
      // stands in: the first seconds of vitals and the strips that start in them.
      Instant sliceEnd = r.start().plus(Duration.ofSeconds(o.validateSeconds()));
      HandoverRecord slice =
          HandoverRecord.builder(r.transportId(), r.applianceId(), r.start())
              .end(r.end())
              .destination(r.destination())
              .patient(r.patient())
              .devices(r.devices())
              .vitals(r.vitals().stream().filter(x -> x.observedAt().isBefore(sliceEnd)).toList())
              .strips(r.strips().stream().filter(x -> x.start().isBefore(sliceEnd)).toList())
              .build();
      Bundle sliceBundle = builder.build(slice);
      sliceEntries = sliceBundle.getEntry().size();
      sliceVitals = slice.vitals().size();
      sliceStrips = slice.strips().size();
      progress.printf(
          "bench: validating a slice (%d s: %d vitals, %d strips, %d entries) once to warm up ...",
          o.validateSeconds(), sliceVitals, sliceStrips, sliceEntries);
      t0 = System.nanoTime();
      FhirValidation.Result result = v.validate(sliceBundle);
      validationErrors = result.errors().size();
      validationWarnings = result.warnings().size();
      if (!result.errors().isEmpty()) {
        firstError = result.errors().get(0).toString();
      }
      progress.printf(" %.1f s%n", (System.nanoTime() - t0) / 1e9);
      String step =
          String.format(
              Locale.ROOT,
              "validate (warm): `FhirValidation.shared().validate`, slice of %d entries",
              sliceEntries);
      progress.printf("bench: %s, %d times ...", step, o.validateRepeats());
      long[] nanos = new long[o.validateRepeats()];
      for (int i = 0; i < nanos.length; i++) {
        long s0 = System.nanoTime();
        v.validate(sliceBundle);
        nanos[i] = System.nanoTime() - s0;
      }
      validation = Timing.of(step, nanos);
      progress.printf(Locale.ROOT, " median %.0f ms%n", validation.median());
    }

    // --- the report ------------------------------------------------------------------------------

    private String report() throws IOException {
      HandoverRecord r = input.record();
      StringBuilder s = new StringBuilder();
      s.append(run.markdown("FHIR handover", o.commandLine()));
      long stripSegments = r.strips().stream().mapToLong(x -> x.leads().size()).sum();
      s.append(
          String.format(
              Locale.ROOT,
              "- input: a %d-minute transport, %,d messages from `MonitorSimulator` replaying `%s`"
                  + " (12 leads at 500 Hz, 250 ms per message, vitals every second, NIBP every 5"
                  + " min): %,d numeric observations, %,d alarms, %d ECG strips of 10 s (%,d lead"
                  + " segments, %,d samples, cut from the %,d waveform segments inside a strip"
                  + " window); built in %.1f s, not timed%n",
              o.minutes(),
              input.messages(),
              o.recordName().substring(o.recordName().lastIndexOf('/') + 1),
              r.vitals().size(),
              r.alarms().size(),
              r.strips().size(),
              stripSegments,
              input.stripSamples(),
              input.segmentsKept(),
              inputSeconds));
      s.append(
          String.format(
              Locale.ROOT,
              "- %d unmeasured rounds of every step first, for the JIT; then each step %d times in"
                  + " a row, one thread%n%n",
              o.warmupRounds(),
              o.repeats()));

      s.append("#### Time\n\n");
      s.append("| step | min ms | median ms | max ms | ÷ floor (median) |\n");
      s.append("|---|---:|---:|---:|---:|\n");
      Timing floor = timings.get(timings.size() - 1);
      for (Timing t : timings) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.1f | %,.1f | %,.1f | %s |%n",
                t.step(),
                t.min(),
                t.median(),
                t.max(),
                t == floor
                    ? "1"
                    : String.format(Locale.ROOT, "%.1f", t.median() / floor.median())));
      }
      if (validation != null) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %,.0f | %,.0f | |%n",
                validation.step(),
                validation.min(),
                validation.median(),
                validation.max()));
        s.append(
            String.format(
                Locale.ROOT,
                "| validator start-up, once: `FhirValidation.shared()` | | %,.0f | | |%n"
                    + "| first validation (small bundle: no vitals, no strips; loads the"
                    + " definitions) | | %,.0f | | |%n"
                    + "| the same small bundle again (warm) | | %,.1f | | |%n",
                validatorStartMs,
                firstValidationMs,
                warmSmallMs));
      }
      s.append(
          "\nBuild includes `buildAll`'s packing, which encodes each unit to estimate its size and"
              + " each finished bundle to check the cap; `build` without the cap makes one bundle and"
              + " encodes nothing. Serialize encodes the bundles built once"
              + " before. The floor writes the same numbers (vitals' metric, unit, time and value;"
              + " each strip lead's code, rate, scale, offset and integer samples) as plain JSON"
              + " arrays.\n\n");

      s.append("#### Size\n\n");
      s.append("| bundle | entries | Observations | JSON bytes | gzip bytes |\n");
      s.append("|---|---:|---:|---:|---:|\n");
      Map<String, Integer> byType = new TreeMap<>();
      long totalBytes = 0;
      long totalGzip = 0;
      int totalEntries = 0;
      int totalObservations = 0;
      List<Bundle> bundles = assembled.bundles();
      for (int i = 0; i < bundles.size(); i++) {
        Bundle b = bundles.get(i);
        int observations = 0;
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
          String type = e.getResource().fhirType();
          byType.merge(type, 1, Integer::sum);
          if (type.equals("Observation")) {
            observations++;
          }
        }
        byte[] bytes = json.get(i).getBytes(StandardCharsets.UTF_8);
        int gz = gzipBytes(bytes);
        totalBytes += bytes.length;
        totalGzip += gz;
        totalEntries += b.getEntry().size();
        totalObservations += observations;
        s.append(
            String.format(
                Locale.ROOT,
                "| %d of %d | %,d | %,d | %,d | %,d |%n",
                i + 1,
                bundles.size(),
                b.getEntry().size(),
                observations,
                bytes.length,
                gz));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| **all** | **%,d** | **%,d** | **%,d** | **%,d** |%n",
              totalEntries,
              totalObservations,
              totalBytes,
              totalGzip));
      byte[] floorBytes = floorJson.getBytes(StandardCharsets.UTF_8);
      s.append(
          String.format(
              Locale.ROOT,
              "| floor: plain JSON arrays | | | %,d | %,d |%n%n",
              floorBytes.length,
              gzipBytes(floorBytes)));
      List<String> types = new ArrayList<>();
      byType.forEach((k, v) -> types.add(k + " " + String.format(Locale.ROOT, "%,d", v)));
      notes.add(
          "entries per resource type, all bundles: "
              + String.join(", ", types)
              + " (Patient, Encounter, Location and Devices repeat in every bundle, one Provenance"
              + " each)");
      notes.add("mapping report: " + assembled.report().summary());
      notes.add(
          String.format(
              Locale.ROOT,
              "FHIR JSON ÷ plain JSON: %.1f× the bytes",
              (double) totalBytes / floorBytes.length));
      Timing target = timings.get(3);
      notes.add(
          String.format(
              Locale.ROOT,
              "build + serialize ÷ floor (median): %,.0f ms ÷ %,.1f ms = **%.0f×**",
              target.median(),
              floor.median(),
              target.median() / floor.median()));
      if (validation != null) {
        notes.add(
            String.format(
                Locale.ROOT,
                "validation slice: the first %d s (%d vitals, %d strips of 12 leads, %d entries):"
                    + " %,d errors, %,d warnings%s; warm %.1f ms per entry (the whole transport's"
                    + " %,d entries are not validated here: that takes minutes)",
                o.validateSeconds(),
                sliceVitals,
                sliceStrips,
                sliceEntries,
                validationErrors,
                validationWarnings,
                firstError.isEmpty() ? "" : " (first error: " + firstError + ")",
                validation.median() / sliceEntries,
                totalEntries));
      }
      boolean met = target.max() < TARGET.toMillis();
      notes.add(
          String.format(
              Locale.ROOT,
              "target < %d s to build and serialize a %d-minute transport: median %,.0f ms, max"
                  + " %,.0f ms: **%s**",
              TARGET.toSeconds(),
              o.minutes(),
              target.median(),
              target.max(),
              met
                  ? "met"
                  : target.median() < TARGET.toMillis()
                      ? "met at the median, not at the max"
                      : "NOT met"));
      s.append(Reports.notes(notes));
      s.append(Reports.gc(gcMs, measuredSeconds));
      return s.toString();
    }
  }
}
