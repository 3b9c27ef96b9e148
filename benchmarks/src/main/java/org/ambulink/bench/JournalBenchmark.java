package org.ambulink.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.testsupport.TempDirs;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

/**
 * Journal throughput and latency: how many real-time 12-lead monitors the appliance's durable
 * journal ({@link Journal}: encode, AES-GCM seal, MapDB put, group commit with fsync) keeps up
 * with, and how long a monitor's ACK waits for its message to be on disk. Beside it, measured in
 * the same run in the same folder, the floor: a plain {@link FileChannel} append and {@code
 * force(false)} of the same sealed bytes in the same batches the journal committed. Progress goes
 * to stderr, the report (markdown) to stdout.
 */
public final class JournalBenchmark {
  /** The target: this many real-time monitors (12 leads at 500 Hz plus vitals). */
  static final double TARGET_REAL_TIME = 50;

  /** The target: journal bytes/s at least this fraction of a raw append at its batching. */
  static final double TARGET_RAW_RATIO = 0.5;

  private static final PrintStream progress = System.err;

  private JournalBenchmark() {}

  /** Settings from the command line. */
  record Options(
      Cli.Common common, int paced, Duration pacedMeasure, Duration commitWindow, Path dir) {

    static Options parse(String[] args) {
      Cli.Parser parser =
          new Cli.Parser(Duration.ofSeconds(4), Duration.ofSeconds(8), List.of(1, 4, 16), true);
      int paced = 50;
      Duration pacedMeasure = Duration.ofSeconds(10);
      Duration commitWindow = Duration.ofMillis(20);
      Path dir = null;
      List<Cli.Option> options = parser.parse(args);
      if (options == null) {
        return null;
      }
      for (Cli.Option option : options) {
        switch (option.name()) {
          case "--paced" -> paced = Integer.parseInt(option.value());
          case "--paced-duration" -> pacedMeasure = Cli.seconds(option, false);
          case "--commit-window" ->
              commitWindow = Duration.ofNanos(Math.round(Double.parseDouble(option.value()) * 1e6));
          case "--dir" -> dir = Path.of(option.value());
          default -> throw Cli.unknown(option);
        }
      }
      Cli.Common c = parser.common();
      if (c.window() < 1 || c.window() > 1024) {
        throw new IllegalArgumentException("--window must be 1..1024, was " + c.window());
      }
      if (c.monitors().stream().anyMatch(m -> m < 1 || m > 256)) {
        throw new IllegalArgumentException("--monitors must be 1..256 each, was " + c.monitors());
      }
      if (paced < 0 || paced > 1000) {
        throw new IllegalArgumentException("--paced must be 0..1000 monitors, was " + paced);
      }
      if (c.monitors().isEmpty() && paced == 0) {
        throw new IllegalArgumentException("nothing to measure: no --monitors and --paced 0");
      }
      if (commitWindow.isNegative()) {
        throw new IllegalArgumentException("--commit-window must not be negative");
      }
      return new Options(c, paced, pacedMeasure, commitWindow, dir);
    }

    String commandLine() {
      return common.commandLine()
          + " --paced "
          + paced
          + " --paced-duration "
          + Reports.secondsOf(pacedMeasure)
          + " --commit-window "
          + commitWindow.toNanos() / 1e6
          + " --corpus "
          + common.corpus()
          + " --record "
          + common.record();
    }
  }

  static final String USAGE =
      """
      usage: bin/bench journal [options]
         or: java -cp benchmarks/target/benchmarks.jar org.ambulink.bench.JournalBenchmark [options]
        --jit-warmup S      seconds of unmeasured journaling first, for the JIT (default 4)
        --warmup S          warm-up seconds before each measurement (default 2)
        --duration S        measured seconds per throughput case (default 8)
        --monitors LIST     concurrent monitors appending as fast as the journal acknowledges,
                            e.g. 1,4,16 (default 1,4,16; 0 for none)
        --window N          appends in flight per monitor, like MLLP pipelining (default 32)
        --paced N           monitors at exactly 4 msg/s each, for ACK latency (default 50; 0: skip)
        --paced-duration S  measured seconds of the paced case (default 10)
        --commit-window MS  the journal's group-commit window (default 20, as the appliance)
        --corpus N          distinct monitor messages to cycle through (default 400 = 100 s ECG)
        --record NAME       WFDB record on the classpath (default ecg/s0010_re)
        --dir PATH          where the journal and floor files go (default: the system temp dir);
                            a fresh folder is made inside and deleted afterwards
      Prints progress to stderr and a markdown report to stdout.
      """;

  public static void main(String[] args) throws Exception {
    Options options = Cli.options(args, Options::parse, USAGE);
    if (options == null) {
      return;
    }
    new Run(options, String.join(" ", args)).run();
  }

  // --- the corpus as the journal sees it ---------------------------------------------------------

  /**
   * The corpus decoded as the appliance decodes it ({@link Hl7Decoder} on the PCD-01 text) and
   * turned into what it journals ({@link JournalSink#entries}): one append per monitor message, of
   * one entry per numeric, waveform lead, alarm and dropped item.
   *
   * @param appends the entries of each message, in corpus order
   * @param controlIds MSH-10 of each message
   * @param samples waveform samples in each append
   */
  record Appends(
      Corpus corpus,
      List<List<JournalEntry>> appends,
      String[] controlIds,
      int[] samples,
      long totalEntries) {

    static Appends of(Corpus corpus) throws Exception {
      Hl7Decoder decoder = new Hl7Decoder();
      List<List<JournalEntry>> appends = new ArrayList<>(corpus.size());
      String[] controlIds = new String[corpus.size()];
      int[] samples = new int[corpus.size()];
      long total = 0;
      for (int i = 0; i < corpus.size(); i++) {
        MonitorMessage m = decoder.decode(new String(corpus.payloads()[i], StandardCharsets.UTF_8));
        if (m.sampleCount() != corpus.samples()[i]) {
          throw new IllegalStateException(
              "corpus message "
                  + i
                  + " decoded to "
                  + m.sampleCount()
                  + " samples, was encoded with "
                  + corpus.samples()[i]);
        }
        List<JournalEntry> entries = List.copyOf(JournalSink.entries(m));
        appends.add(entries);
        controlIds[i] = m.controlId();
        samples[i] = Math.toIntExact(m.sampleCount());
        total += entries.size();
      }
      return new Appends(corpus, List.copyOf(appends), controlIds, samples, total);
    }

    int size() {
      return appends.size();
    }

    double averageEntries() {
      return (double) totalEntries / appends.size();
    }
  }

  // --- what the journal's observer saw -----------------------------------------------------------

  /** Records every group commit while recording is on; called on the journal's writer thread. */
  static final class CommitLog implements Journal.CommitObserver {
    private volatile boolean recording;
    private int count;
    private int[] appends = new int[1024];
    private int[] entries = new int[1024];
    private long[] bytes = new long[1024];
    private long[] nanos = new long[1024];
    private volatile Throwable failure;

    @Override
    public synchronized void committed(int appends, int entries, long bytes, long nanos) {
      if (!recording) {
        return;
      }
      if (count == this.appends.length) {
        int n = count * 2;
        this.appends = Arrays.copyOf(this.appends, n);
        this.entries = Arrays.copyOf(this.entries, n);
        this.bytes = Arrays.copyOf(this.bytes, n);
        this.nanos = Arrays.copyOf(this.nanos, n);
      }
      this.appends[count] = appends;
      this.entries[count] = entries;
      this.bytes[count] = bytes;
      this.nanos[count] = nanos;
      count++;
    }

    @Override
    public void failed(Throwable cause) {
      failure = cause;
    }

    /** Throws if a commit failed. */
    void check() {
      Throwable f = failure;
      if (f != null) {
        throw new IllegalStateException("a journal commit failed: " + f, f);
      }
    }

    void recording(boolean on) {
      recording = on;
    }

    synchronized Batches batches() {
      return new Batches(
          Arrays.copyOf(appends, count),
          Arrays.copyOf(entries, count),
          Arrays.copyOf(bytes, count),
          Arrays.copyOf(nanos, count));
    }
  }

  /** The group commits of a measurement, in order: appends, entries, sealed bytes, nanos each. */
  record Batches(int[] appends, int[] entries, long[] bytes, long[] nanos) {
    int count() {
      return appends.length;
    }

    long totalBytes() {
      return Arrays.stream(bytes).sum();
    }

    long totalAppends() {
      return Arrays.stream(appends).asLongStream().sum();
    }

    long totalEntries() {
      return Arrays.stream(entries).asLongStream().sum();
    }

    long totalNanos() {
      return Arrays.stream(nanos).sum();
    }
  }

  // --- one simulated monitor ---------------------------------------------------------------------

  /** An append in flight: corpus index, when append() was called, when it became durable. */
  private record Pending(int index, long sentNanos, CompletableFuture<Done> done) {}

  /** How an append ended, stamped on the writer thread when its future completed. */
  private record Done(Journal.Appended appended, Throwable error, long atNanos) {}

  /**
   * One monitor: its own stream and device id, appending one corpus message after the other. A
   * throughput monitor keeps {@code window} appends in flight (as an MLLP monitor pipelines); a
   * paced one appends every 250 ms exactly (real time), without waiting for the previous ACK unless
   * {@code window} are outstanding. Every acknowledgement is checked (stream, sequence numbers, not
   * a duplicate) and remembered for the read-back check.
   */
  private static final class Monitor extends Sender {
    private final Journal journal;
    private final Appends corpus;
    private final String stream;
    private final String deviceId;
    private final int window;
    private final long periodNanos;
    private final long firstDueNanos;
    private final int offset;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private int next;
    private long sent;
    private long nextSeq = 1;
    private int[] acked = new int[4096];
    private int ackedCount;
    private long[] latency = new long[4096];
    private int latencyCount;

    // Written by the monitor only, read by the coordinator.
    volatile long messages;
    volatile long entries;
    volatile long samples;
    volatile long late;

    Monitor(
        Journal journal,
        Appends corpus,
        int number,
        int of,
        int window,
        long periodNanos,
        long startNanos) {
      super("monitor-" + number);
      this.journal = journal;
      this.corpus = corpus;
      this.stream = "monitor-" + number;
      this.deviceId = "bench-monitor-" + number;
      this.window = window;
      this.periodNanos = periodNanos;
      // Monitors out of step: each starts elsewhere in the corpus and, paced, elsewhere in 250 ms.
      this.offset = (int) ((long) number * corpus.size() / of);
      this.next = offset;
      this.firstDueNanos = startNanos + (periodNanos * number) / of;
    }

    @Override
    void sendUntilStopped() {
      if (periodNanos > 0) {
        paced();
      } else {
        asFastAsAcknowledged();
      }
      while (!inFlight.isEmpty()) {
        acknowledged(inFlight.poll());
      }
    }

    private void asFastAsAcknowledged() {
      while (!stop) {
        while (inFlight.size() < window) {
          send();
        }
        acknowledged(inFlight.poll());
      }
    }

    private void paced() {
      long due = firstDueNanos;
      while (!stop) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
          drainCompleted();
          LockSupport.parkNanos(Math.min(wait, 50_000_000L));
          continue;
        }
        if (-wait > periodNanos && recording) {
          late++;
        }
        while (inFlight.size() >= window) {
          acknowledged(inFlight.poll());
        }
        send();
        due += periodNanos;
        drainCompleted();
      }
    }

    private void drainCompleted() {
      while (!inFlight.isEmpty() && inFlight.peek().done().isDone()) {
        acknowledged(inFlight.poll());
      }
    }

    private void send() {
      int i = next;
      next = (next + 1) % corpus.size();
      // A real monitor never repeats a control id; the corpus repeats, so each lap is another id.
      String controlId = corpus.controlIds()[i] + "." + (sent / corpus.size());
      sent++;
      long t0 = System.nanoTime();
      CompletableFuture<Done> done =
          journal
              .append(stream, corpus.appends().get(i), deviceId + "|" + controlId)
              .handle((a, e) -> new Done(a, e, System.nanoTime()));
      inFlight.add(new Pending(i, t0, done));
    }

    private void acknowledged(Pending p) {
      Done d = p.done().join();
      if (d.error() != null) {
        throw new IllegalStateException("append to " + stream + " failed: " + d.error(), d.error());
      }
      Journal.Appended a = d.appended();
      int size = corpus.appends().get(p.index()).size();
      if (a.duplicate()
          || !a.stream().equals(stream)
          || a.firstSeq() != nextSeq
          || a.lastSeq() != nextSeq + size - 1) {
        throw new IllegalStateException(
            "append to "
                + stream
                + " of "
                + size
                + " entries expected at seq "
                + nextSeq
                + ", acknowledged as "
                + a);
      }
      nextSeq = a.lastSeq() + 1;
      if (ackedCount == acked.length) {
        acked = Arrays.copyOf(acked, ackedCount * 2);
      }
      acked[ackedCount++] = p.index();
      if (recording) {
        if (latencyCount == latency.length) {
          latency = Arrays.copyOf(latency, latencyCount * 2);
        }
        latency[latencyCount++] = d.atNanos() - p.sentNanos();
        messages++;
        entries += size;
        samples += corpus.samples()[p.index()];
      }
    }

    /**
     * Reads the whole stream back: every acknowledged append must be there, in order, as one chunk
     * with its entries and samples, and nothing else. Returns the chunks read.
     */
    long checkReadBack() {
      long from = 1;
      int chunk = 0;
      while (true) {
        Journal.Page page = journal.read(stream, from, 1000);
        if (!page.damaged().isEmpty()) {
          throw new IllegalStateException(
              stream + ": " + page.damaged().size() + " damaged chunk(s): " + page.damaged());
        }
        if (page.chunks().isEmpty()) {
          break;
        }
        for (Journaled j : page.chunks()) {
          if (chunk >= ackedCount) {
            throw new IllegalStateException(
                stream + " holds more chunks than the " + ackedCount + " acknowledged");
          }
          int index = acked[chunk];
          List<JournalEntry> expected = corpus.appends().get(index);
          int samplesRead = 0;
          for (Journaled.Item item : j.items()) {
            if (item.entry() instanceof JournalEntry.Waveform w) {
              samplesRead += w.value().sampleCount();
            }
          }
          if (j.items().size() != expected.size()
              || samplesRead != corpus.samples()[index]
              || !j.items().get(0).entry().kind().equals(expected.get(0).kind())) {
            throw new IllegalStateException(
                String.format(
                    "%s chunk %d (seq %d..%d): %d entries / %d samples read, %d / %d appended",
                    stream,
                    chunk,
                    j.firstSeq(),
                    j.lastSeq(),
                    j.items().size(),
                    samplesRead,
                    expected.size(),
                    corpus.samples()[index]));
          }
          chunk++;
        }
        from = page.nextSeq();
      }
      if (chunk != ackedCount) {
        throw new IllegalStateException(
            stream + ": " + ackedCount + " appends acknowledged, " + chunk + " read back");
      }
      Journal.StreamInfo info = journal.stream(stream);
      if (info == null || info.chunks() != ackedCount || info.lastSeq() != nextSeq - 1) {
        throw new IllegalStateException(stream + " bookkeeping disagrees: " + info);
      }
      return chunk;
    }

    long[] latencies() {
      return Arrays.copyOf(latency, latencyCount);
    }
  }

  // --- results -----------------------------------------------------------------------------------

  /** One measured journal case. */
  record Case(
      String name,
      String load,
      boolean pacedCase,
      int monitors,
      double seconds,
      long messages,
      long entries,
      long samples,
      long late,
      Batches batches,
      long[] durableNanos,
      double jvmCpuSeconds,
      double machineCpuSeconds,
      long gcMillis,
      long chunksChecked,
      long liveBytes,
      long fileBytes) {

    double messagesPerSecond() {
      return messages / seconds;
    }

    double megabytesPerSecond() {
      return batches.totalBytes() / seconds / 1e6;
    }

    double commitsPerSecond() {
      return batches.count() / seconds;
    }

    double appendsPerCommit() {
      return batches.count() == 0 ? Double.NaN : (double) batches.totalAppends() / batches.count();
    }

    double kilobytesPerCommit() {
      return batches.count() == 0 ? Double.NaN : batches.totalBytes() / 1e3 / batches.count();
    }

    /** Fraction of the measured time the writer thread spent committing (not waiting). */
    double writerBusy() {
      return batches.totalNanos() / 1e9 / seconds;
    }

    double coresBusy() {
      return jvmCpuSeconds / seconds;
    }

    double otherLoad() {
      return Math.max(0, (machineCpuSeconds - jvmCpuSeconds) / seconds);
    }
  }

  /** The floor for a case: its batches replayed with a plain FileChannel append + force(false). */
  record Floor(long batches, long bytes, double seconds, long[] batchNanos, boolean partial) {
    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }

    double commitsPerSecond() {
      return batches / seconds;
    }
  }

  /** Where one case's commit time goes, from a replica of the journal's MapDB store. */
  record Phases(long batches, double sealMillis, double putMillis, double commitMillis) {}

  private static double percentileMillis(long[] sortedNanos, double p) {
    return Reports.percentile(sortedNanos, p) / 1e6;
  }

  private static double meanMillis(long[] nanos) {
    return nanos.length == 0 ? Double.NaN : Arrays.stream(nanos).average().orElse(0) / 1e6;
  }

  // --- the run -----------------------------------------------------------------------------------

  /** One run of every case. */
  private static final class Run {
    private final Options o;
    private final Reports.Run run;
    private final SecretKey key;
    private final List<Case> cases = new ArrayList<>();
    private final List<Floor> floors = new ArrayList<>();
    private final List<Phases> phases = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Appends corpus;
    private Path dir;
    private String store = "unknown";
    private double rawFsyncsPerSecond;
    private long[] rawFsyncNanos = new long[0];

    Run(Options o, String args) {
      this.o = o;
      this.run = Reports.Run.start("bin/bench journal", args);
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      this.key = new SecretKeySpec(raw, "AES");
    }

    void run() throws Exception {
      run.announce(progress);
      long t0 = System.nanoTime();
      Corpus messages =
          Corpus.build(o.common().record(), o.common().corpus(), 500, Duration.ofMillis(250));
      corpus = Appends.of(messages);
      progress.printf(
          "bench: corpus of %d messages decoded into appends of %.2f entries on average, built"
              + " in %.1f s%n",
          corpus.size(), corpus.averageEntries(), (System.nanoTime() - t0) / 1e9);

      Path base = o.dir() == null ? Path.of(System.getProperty("java.io.tmpdir")) : o.dir();
      Files.createDirectories(base);
      dir = Files.createTempDirectory(base, "ambulink-journal-bench-");
      Thread cleanup = new Thread(this::deleteDir, "delete-bench-dir");
      Runtime.getRuntime().addShutdownHook(cleanup);
      try {
        FileStore fs = Files.getFileStore(dir);
        store = fs.name() + " (" + fs.type() + ")";
      } catch (IOException e) {
        // leave it unknown
      }
      progress.printf("bench: files in %s on %s%n", dir, store);
      try {
        if (o.common().jitWarmup().toNanos() > 0) {
          progress.printf(
              "bench: JIT warm-up, %.1f s of journaling%n",
              Reports.secondsOf(o.common().jitWarmup()));
          measure("warm-up", 4, o.common().window(), false, Duration.ZERO, o.common().jitWarmup());
        }
        for (int monitors : o.common().monitors()) {
          Case c =
              measure(
                  "m" + monitors,
                  monitors,
                  o.common().window(),
                  false,
                  o.common().warmup(),
                  o.common().measure());
          cases.add(c);
          floors.add(floor(c));
          phases.add(phases(c));
        }
        if (o.paced() > 0) {
          cases.add(
              measure(
                  "paced",
                  o.paced(),
                  o.common().window(),
                  true,
                  o.common().warmup(),
                  o.pacedMeasure()));
          floors.add(null);
          phases.add(null);
        }
        rawFsync(Duration.ofSeconds(2));
      } finally {
        deleteDir();
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
      System.out.print(report());
    }

    // --- the journal -----------------------------------------------------------------------------

    private Case measure(
        String name, int monitors, int window, boolean paced, Duration warmup, Duration measure)
        throws Exception {
      String load = load(monitors, window, paced);
      progress.printf("bench: journal, %s ...", load);
      Path file = dir.resolve("journal-" + name + ".db");
      Journal journal =
          Journal.open(Journal.Settings.of(file, key).withCommitWindow(o.commitWindow()));
      CommitLog log = new CommitLog();
      journal.setObserver(log);
      List<Monitor> all = new ArrayList<>();
      long period = paced ? Math.round(1e9 / corpus.corpus().realTimeMessagesPerSecond()) : 0;
      long start = System.nanoTime();
      for (int i = 0; i < monitors; i++) {
        all.add(new Monitor(journal, corpus, i, monitors, window, period, start));
      }
      Case result;
      try {
        Sender.startAll(all);
        Sender.sleep(warmup, all, log::check);
        long jvm0 = ProcessCpu.jvmNanos();
        long machine0 = ProcessCpu.machineBusyNanos();
        long gc0 = ProcessCpu.gcMillis();
        long t0 = System.nanoTime();
        log.recording(true);
        Sender.recordAll(all, true);
        Sender.sleep(measure, all, log::check);
        Sender.recordAll(all, false);
        log.recording(false);
        long t1 = System.nanoTime();
        long jvm1 = ProcessCpu.jvmNanos();
        long machine1 = ProcessCpu.machineBusyNanos();
        long gc1 = ProcessCpu.gcMillis();
        Sender.stopAll(all, Duration.ofMinutes(1));
        log.check();
        long checked = 0;
        for (Monitor m : all) {
          checked += m.checkReadBack();
        }
        long[] durable = all.stream().flatMapToLong(m -> Arrays.stream(m.latencies())).toArray();
        Arrays.sort(durable);
        Batches batches = log.batches();
        long[] sortedCommit = batches.nanos().clone();
        Arrays.sort(sortedCommit);
        result =
            new Case(
                name,
                load,
                paced,
                monitors,
                (t1 - t0) / 1e9,
                Sender.sum(all, m -> m.messages),
                Sender.sum(all, m -> m.entries),
                Sender.sum(all, m -> m.samples),
                Sender.sum(all, m -> m.late),
                batches,
                durable,
                (jvm1 - jvm0) / 1e9,
                (machine1 - machine0) / 1e9,
                gc1 - gc0,
                checked,
                journal.liveBytes(),
                journal.fileBytes());
      } finally {
        Sender.signalStop(all);
        journal.close();
        for (Path p : Journal.files(file)) {
          Files.deleteIfExists(p);
        }
      }
      progress.printf(
          " %,.0f appends/s, %.1f MB/s, %,.0f commits/s, durable p99 %.1f ms; %,d chunks read"
              + " back%n",
          result.messagesPerSecond(),
          result.megabytesPerSecond(),
          result.commitsPerSecond(),
          percentileMillis(result.durableNanos(), 99),
          result.chunksChecked());
      return result;
    }

    // --- the floor -------------------------------------------------------------------------------

    /**
     * Replays the case's commits, in order, on a plain file: for each, as many writes as it had
     * appends (its sealed bytes split evenly), then one {@code force(false)}. Whole passes until at
     * least one second has gone by; stops mid-pass after twice the case's measured time.
     */
    private Floor floor(Case c) throws IOException {
      progress.printf("bench: floor for %s ...", c.load());
      Batches b = c.batches();
      if (b.count() == 0) {
        progress.println(" no commits to replay");
        return new Floor(0, 0, 0, new long[0], false);
      }
      int piece = 0;
      for (int i = 0; i < b.count(); i++) {
        piece = (int) Math.max(piece, b.bytes()[i] / b.appends()[i] + b.appends()[i]);
      }
      ByteBuffer buf = ByteBuffer.allocateDirect(piece);
      byte[] noise = new byte[piece];
      new Random(7).nextBytes(noise);
      buf.put(noise);
      Path file = dir.resolve("floor-" + c.name() + ".bin");
      long minNanos = Duration.ofSeconds(1).toNanos();
      long maxNanos = Math.max(minNanos, (long) (c.seconds() * 2e9));
      long[] nanos = new long[b.count()];
      List<long[]> passes = new ArrayList<>();
      long batches = 0;
      long bytes = 0;
      boolean partial = false;
      long t0 = System.nanoTime();
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        outer:
        while (true) {
          for (int i = 0; i < b.count(); i++) {
            long s = System.nanoTime();
            int n = b.appends()[i];
            long total = b.bytes()[i];
            for (int k = 0; k < n; k++) {
              int len = (int) (total / n + (k < total % n ? 1 : 0));
              buf.clear().limit(len);
              while (buf.hasRemaining()) {
                ch.write(buf);
              }
            }
            ch.force(false);
            long e = System.nanoTime();
            nanos[i] = e - s;
            batches++;
            bytes += total;
            if (e - t0 > maxNanos && i < b.count() - 1) {
              passes.add(Arrays.copyOf(nanos, i + 1));
              partial = passes.size() == 1;
              break outer;
            }
          }
          passes.add(nanos.clone());
          if (System.nanoTime() - t0 >= minNanos) {
            break;
          }
        }
      } finally {
        Files.deleteIfExists(file);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long[] all = passes.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      Floor f = new Floor(batches, bytes, seconds, all, partial);
      progress.printf(
          " %,d batches in %.1f s: %.1f MB/s, %,.0f commits/s%n",
          batches, seconds, f.megabytesPerSecond(), f.commitsPerSecond());
      return f;
    }

    /** The raw fsync rate: one 64-byte append and {@code force(false)}, over and over. */
    private void rawFsync(Duration d) throws IOException {
      progress.print("bench: raw fsync rate (64-byte append + force(false)) ...");
      Path file = dir.resolve("fsync.bin");
      ByteBuffer buf = ByteBuffer.allocateDirect(64);
      long[] nanos = new long[1 << 14];
      int n = 0;
      long t0 = System.nanoTime();
      long end = t0 + d.toNanos();
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long now = t0;
        while (now < end) {
          long s = now;
          buf.clear();
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(false);
          now = System.nanoTime();
          if (n == nanos.length) {
            nanos = Arrays.copyOf(nanos, n * 2);
          }
          nanos[n++] = now - s;
        }
        rawFsyncsPerSecond = n / ((now - t0) / 1e9);
      } finally {
        Files.deleteIfExists(file);
      }
      rawFsyncNanos = Arrays.copyOf(nanos, n);
      Arrays.sort(rawFsyncNanos);
      progress.printf(
          " %,.0f fsyncs/s, p50 %.2f ms%n",
          rawFsyncsPerSecond, percentileMillis(rawFsyncNanos, 50));
    }

    // --- where the time goes ---------------------------------------------------------------------

    /**
     * Replays the case's commits on a MapDB store made the way {@link Journal} makes its store (the
     * journal's own store: MapDB's write-ahead log behind the journal's redo log; the same four
     * maps and serializers), timing the phases the journal does not report separately: AES-GCM
     * sealing of the same record sizes, the puts (de-duplication lookup and key, record, stream
     * bookkeeping) and {@code db.commit()}. What the journal's commit time has beyond these is its
     * own encoding and bookkeeping. At most as many commits as the case had, and no longer than the
     * case's measured time.
     */
    private Phases phases(Case c) throws Exception {
      progress.printf("bench: commit phases for %s (MapDB replica) ...", c.load());
      Batches b = c.batches();
      Path file = dir.resolve("phases-" + c.name() + ".db");
      long seal = 0;
      long put = 0;
      long commit = 0;
      long done = 0;
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      SecureRandom random = new SecureRandom();
      byte[] nonce = new byte[12];
      // the journal binds context, stream and first sequence number in: about 40 bytes
      byte[] aad = new byte[40];
      Random noise = new Random(11);
      DB db = Journal.store(file);
      try {
        BTreeMap<Object[], byte[]> records =
            db.treeMap("records")
                .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .createOrOpen();
        BTreeMap<String, long[]> streams =
            db.treeMap("streams", Serializer.STRING, Serializer.LONG_ARRAY).createOrOpen();
        BTreeMap<String, String> dedupe =
            db.treeMap("dedupe", Serializer.STRING, Serializer.STRING).createOrOpen();
        db.treeMap("cursors", Serializer.STRING, Serializer.LONG).createOrOpen();
        db.commit();
        long[] seq = new long[c.monitors()];
        long[] chunks = new long[c.monitors()];
        long sent = 0;
        long deadline = System.nanoTime() + (long) (c.seconds() * 1e9);
        for (int i = 0; i < b.count() && System.nanoTime() < deadline; i++) {
          int n = b.appends()[i];
          long total = b.bytes()[i];
          double entriesPerAppend = (double) b.entries()[i] / n;
          byte[][] sealed = new byte[n][];
          byte[][] plain = new byte[n][];
          for (int k = 0; k < n; k++) {
            int len = (int) (total / n + (k < total % n ? 1 : 0));
            plain[k] = new byte[Math.max(1, len - 28)];
            noise.nextBytes(plain[k]);
          }
          long s0 = System.nanoTime();
          for (int k = 0; k < n; k++) {
            random.nextBytes(nonce);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[12 + cipher.getOutputSize(plain[k].length)];
            cipher.doFinal(plain[k], 0, plain[k].length, out, 12);
            sealed[k] = out;
          }
          long s1 = System.nanoTime();
          boolean[] touched = new boolean[c.monitors()];
          for (int k = 0; k < n; k++) {
            int m = (int) (sent++ % c.monitors());
            String stream = "monitor-" + m;
            String dedupeKey = "bench-monitor-" + m + "|BENCH-" + sent;
            if (dedupe.get(dedupeKey) != null) {
              throw new IllegalStateException("replica: duplicate key " + dedupeKey);
            }
            long first = seq[m] + 1;
            long last = first + Math.round(entriesPerAppend) - 1;
            records.put(new Object[] {stream, first}, sealed[k]);
            dedupe.put(dedupeKey, stream + "/" + first + "/" + last);
            seq[m] = last;
            chunks[m]++;
            touched[m] = true;
          }
          for (int m = 0; m < c.monitors(); m++) {
            if (touched[m]) {
              streams.put("monitor-" + m, new long[] {0, 1, seq[m], chunks[m], 0});
            }
          }
          long s2 = System.nanoTime();
          db.commit();
          long s3 = System.nanoTime();
          seal += s1 - s0;
          put += s2 - s1;
          commit += s3 - s2;
          done++;
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JVM has no AES/GCM", e);
      } finally {
        db.close();
        for (Path p : Journal.files(file)) {
          Files.deleteIfExists(p);
        }
      }
      Phases p =
          new Phases(
              done,
              done == 0 ? Double.NaN : seal / 1e6 / done,
              done == 0 ? Double.NaN : put / 1e6 / done,
              done == 0 ? Double.NaN : commit / 1e6 / done);
      progress.printf(
          " %,d commits: seal %.2f ms, put %.2f ms, commit %.2f ms each%n",
          done, p.sealMillis(), p.putMillis(), p.commitMillis());
      return p;
    }

    // --- the report ------------------------------------------------------------------------------

    private String report() {
      StringBuilder r = new StringBuilder();
      Corpus c = corpus.corpus();
      double rt = c.realTimeMessagesPerSecond();
      r.append(run.markdown("Journal", o.commandLine()));
      r.append("- journal and floor files: a fresh folder under ")
          .append(o.dir() == null ? "the system temp dir" : "`" + o.dir() + "`")
          .append(", on ")
          .append(store)
          .append(", deleted afterwards\n");
      double bytesPerAppend =
          cases.stream()
              .filter(x -> x.batches().totalAppends() > 0)
              .mapToDouble(x -> (double) x.batches().totalBytes() / x.batches().totalAppends())
              .average()
              .orElse(Double.NaN);
      r.append(
          String.format(
              Locale.ROOT,
              "- corpus: %s, decoded with `Hl7Decoder` and turned into one append each: %.2f"
                  + " entries on average (one `Waveform` per lead, one `Observation` per numeric),"
                  + " %,.0f sealed bytes per append (%,.0f bytes of HL7 text)%n",
              c.describe(),
              corpus.averageEntries(),
              bytesPerAppend,
              c.averageBytes()));
      r.append(
          String.format(
              Locale.ROOT,
              "- real time for one monitor: %.0f appends/s, %,.0f samples/s; \"× real time\" is"
                  + " appends/s ÷ %.0f, i.e. how many such monitors the journal keeps up with%n",
              rt,
              c.realTimeSamplesPerSecond(),
              rt));
      r.append(
          String.format(
              Locale.ROOT,
              "- journal: `Journal.open(Settings.of(file, key).withCommitWindow(%s ms))`, a fresh"
                  + " file per case, AES-256 key from `SecureRandom`; each monitor appends to its"
                  + " own stream, de-duplication key `deviceId|controlId`%n",
              fmt(o.commitWindow().toNanos() / 1e6, 1)));
      r.append(
          String.format(
              Locale.ROOT,
              "- first %.1f s of journaling (4 monitors) for the JIT, then each case: %.1f s"
                  + " warm-up, then %.1f s measured (paced: %.1f s); afterwards every acknowledged"
                  + " append is read back%n%n",
              Reports.secondsOf(o.common().jitWarmup()),
              Reports.secondsOf(o.common().warmup()),
              Reports.secondsOf(o.common().measure()),
              Reports.secondsOf(o.pacedMeasure())));

      r.append("### Journal: group commit under load\n\n");
      r.append(
          "| load | appends/s | entries/s | samples/s | sealed MB/s | × real time | commits/s"
              + " | appends/commit | KB/commit | commit p50 ms | commit p99 ms | durable p50 ms"
              + " | durable p99 ms | writer busy | cores busy | other load |\n");
      r.append(
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Case x : cases) {
        r.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %,.0f | %,.0f | %.2f | %,.0f | %,.1f | %.1f | %,.0f | %.2f | %.2f |"
                    + " %.2f | %.2f | %.0f%% | %.2f | %.2f |%n",
                x.load(),
                x.messagesPerSecond(),
                x.entries() / x.seconds(),
                x.samples() / x.seconds(),
                x.megabytesPerSecond(),
                x.messagesPerSecond() / rt,
                x.commitsPerSecond(),
                x.appendsPerCommit(),
                x.kilobytesPerCommit(),
                percentileMillis(sorted(x.batches().nanos()), 50),
                percentileMillis(sorted(x.batches().nanos()), 99),
                percentileMillis(x.durableNanos(), 50),
                percentileMillis(x.durableNanos(), 99),
                x.writerBusy() * 100,
                x.coresBusy(),
                x.otherLoad()));
      }
      r.append(
          "\nCommit time is the writer's time per group commit as the journal's observer reports"
              + " it (encode, seal, MapDB puts, MapDB commit with its fsyncs), without the commit"
              + " window's wait; durable is append() call to its future completing, i.e. what"
              + " delays the monitor's ACK. Writer busy is the sum of commit times over the"
              + " measured time (100% means the writer never waited for its window); cores busy"
              + " is the whole JVM; other load is other processes (should be near 0).\n\n");

      r.append("### Floor: plain `FileChannel` append + `force(false)` at the same batching\n\n");
      r.append(
          "| load | batches replayed | raw MB/s | raw commits/s | raw batch p50 ms | raw batch p99"
              + " ms | journal ÷ raw (MB/s) | journal ÷ raw (commits/s) | raw time ÷ journal"
              + " commit time |\n");
      r.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (int i = 0; i < cases.size(); i++) {
        Case x = cases.get(i);
        Floor f = floors.get(i);
        if (f == null || f.batches() == 0) {
          continue;
        }
        r.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d%s | %.2f | %,.1f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                x.load(),
                f.batches(),
                f.partial() ? " (part of a pass)" : "",
                f.megabytesPerSecond(),
                f.commitsPerSecond(),
                percentileMillis(f.batchNanos(), 50),
                percentileMillis(f.batchNanos(), 99),
                x.megabytesPerSecond() / f.megabytesPerSecond(),
                x.commitsPerSecond() / f.commitsPerSecond(),
                meanMillis(f.batchNanos()) / meanMillis(x.batches().nanos())));
      }
      r.append(
          String.format(
              Locale.ROOT,
              "\nThe floor replays the journal's own commits of that case, in order, on a plain"
                  + " file in the same folder: per commit as many writes as it had appends (its"
                  + " sealed bytes split evenly), then one `force(false)`, single thread, as fast"
                  + " as possible. Raw fsync rate for scale (64-byte append + `force(false)`, 2 s):"
                  + " **%,.0f fsyncs/s**, p50 %.2f ms, p99 %.2f ms.%n%n",
              rawFsyncsPerSecond,
              percentileMillis(rawFsyncNanos, 50),
              percentileMillis(rawFsyncNanos, 99)));

      if (phases.stream().anyMatch(p -> p != null && p.batches() > 0)) {
        r.append("### Where a commit's time goes\n\n");
        r.append(
            "| load | appends/commit | journal commit ms | replica: seal (AES-GCM) ms | replica:"
                + " MapDB puts ms | replica: puts µs/append | replica: MapDB commit ms | replica"
                + " total ms | raw write + force ms | replica commits |\n");
        r.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < cases.size(); i++) {
          Phases p = phases.get(i);
          Floor f = floors.get(i);
          if (p == null || p.batches() == 0) {
            continue;
          }
          Case x = cases.get(i);
          long replayedAppends = 0;
          for (int k = 0; k < p.batches(); k++) {
            replayedAppends += x.batches().appends()[k];
          }
          r.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %.1f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %,d |%n",
                  x.load(),
                  x.appendsPerCommit(),
                  meanMillis(x.batches().nanos()),
                  p.sealMillis(),
                  p.putMillis(),
                  p.putMillis() * 1e3 * p.batches() / replayedAppends,
                  p.commitMillis(),
                  p.sealMillis() + p.putMillis() + p.commitMillis(),
                  f == null ? Double.NaN : meanMillis(f.batchNanos()),
                  p.batches()));
        }
        r.append(
            "\nMeans per commit. Journal commit is the observer's time; the other columns come"
                + " from replaying the same commits (count, appends and sealed bytes each) on a"
                + " MapDB store made by `Journal.store` (write-ahead log, file channel, the"
                + " journal's redo log; the same maps and serializers), sealing random bytes of"
                + " the same sizes. The replica leaves out the journal's `EntryCodec` encoding; it"
                + " runs after the case, so other load on the machine can make its total"
                + " differ from the journal's.\n\n");
      }
      r.append(summary(rt));
      r.append(Reports.notes(notes));
      return r.toString();
    }

    private String summary(double rt) {
      StringBuilder s = new StringBuilder();
      List<Case> throughput = cases.stream().filter(x -> !x.pacedCase()).toList();
      throughput.stream()
          .max(Comparator.comparingDouble(Case::messagesPerSecond))
          .ifPresent(
              best -> {
                double times = best.messagesPerSecond() / rt;
                s.append(
                    String.format(
                        Locale.ROOT,
                        "- target ≥ %.0f× real time (12 leads at 500 Hz plus vitals): best case"
                            + " (%s) %,.0f×: **%s**%n",
                        TARGET_REAL_TIME,
                        best.load(),
                        times,
                        times >= TARGET_REAL_TIME ? "met" : "NOT met"));
              });
      cases.stream()
          .filter(Case::pacedCase)
          .forEach(
              p -> {
                double expected = p.monitors() * rt;
                boolean kept = p.late() == 0 && p.messagesPerSecond() >= expected * 0.98;
                s.append(
                    String.format(
                        Locale.ROOT,
                        "- paced, %d monitors at %.0f msg/s each (%,.0f× real time): %,.1f"
                            + " appends/s acknowledged, %d sends more than 250 ms late; ACK"
                            + " waits for the disk %.1f ms at p50, %.1f ms at p99: **%s**%n",
                        p.monitors(),
                        rt,
                        (double) p.monitors(),
                        p.messagesPerSecond(),
                        p.late(),
                        percentileMillis(p.durableNanos(), 50),
                        percentileMillis(p.durableNanos(), 99),
                        kept ? "kept up" : "did NOT keep up"));
              });
      Case busiest = null;
      Floor busiestFloor = null;
      for (int i = 0; i < cases.size(); i++) {
        Floor f = floors.get(i);
        if (f != null
            && f.batches() > 0
            && (busiest == null
                || cases.get(i).megabytesPerSecond() > busiest.megabytesPerSecond())) {
          busiest = cases.get(i);
          busiestFloor = f;
        }
      }
      if (busiest != null) {
        double ratio = busiest.megabytesPerSecond() / busiestFloor.megabytesPerSecond();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
          Floor f = floors.get(i);
          if (f != null && f.batches() > 0) {
            all.append(all.isEmpty() ? "" : ", ")
                .append(cases.get(i).load())
                .append(" ")
                .append(fmt(cases.get(i).megabytesPerSecond() / f.megabytesPerSecond(), 2));
          }
        }
        s.append(
            String.format(
                Locale.ROOT,
                "- target journal ≥ %.1f × raw append at the same batching (MB/s): busiest case"
                    + " (%s) %.2f MB/s ÷ %.2f MB/s = %.2f: **%s** (every case: %s)%n",
                TARGET_RAW_RATIO,
                busiest.load(),
                busiest.megabytesPerSecond(),
                busiestFloor.megabytesPerSecond(),
                ratio,
                ratio >= TARGET_RAW_RATIO ? "met" : "NOT met",
                all));
      }
      long checked = cases.stream().mapToLong(Case::chunksChecked).sum();
      s.append(
          String.format(
              Locale.ROOT,
              "- correctness: every append was acknowledged with contiguous sequence numbers and"
                  + " no duplicate; after each case all %,d acknowledged appends were read back"
                  + " (`Journal.read`), none damaged, each with its entries and samples%n",
              checked));
      for (Case x : cases) {
        s.append(
            String.format(
                Locale.ROOT,
                "- space, %s: %.1f MB of sealed records in %.1f MB of MapDB files (%.2f×)%n",
                x.load(),
                x.liveBytes() / 1e6,
                x.fileBytes() / 1e6,
                (double) x.fileBytes() / x.liveBytes()));
      }
      long gc = cases.stream().mapToLong(Case::gcMillis).sum();
      double measured = cases.stream().mapToDouble(Case::seconds).sum();
      s.append(Reports.gc(gc, measured));
      return s.toString();
    }

    private static long[] sorted(long[] values) {
      long[] copy = values.clone();
      Arrays.sort(copy);
      return copy;
    }

    private static String load(int monitors, int window, boolean paced) {
      if (paced) {
        return monitors + " monitors paced at 4 msg/s";
      }
      return monitors + (monitors == 1 ? " monitor" : " monitors") + ", window " + window;
    }

    private void deleteDir() {
      Path d = dir;
      if (d == null || !Files.exists(d)) {
        return;
      }
      try {
        TempDirs.delete(d);
      } catch (IOException e) {
        progress.println("bench: could not delete " + d + ": " + e);
      }
    }
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
