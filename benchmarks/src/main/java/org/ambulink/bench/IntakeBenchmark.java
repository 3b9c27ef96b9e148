package org.ambulink.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.intake.MonitorIntake;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.transport.serial.SerialHealth;
import org.ambulink.drivers.transport.serial.SerialMllpListener;
import org.ambulink.drivers.transport.serial.SerialMllpSender;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.testsupport.SocatPty;
import org.ambulink.testsupport.TempDirs;

/**
 * Monitor intake throughput: how many real-time 12-lead monitors the appliance's intake (HL7 decode
 * + sink + ACK) keeps up with, over MLLP/TCP on loopback and over a serial pty pair, each beside
 * its floor measured in the same run: the same bytes over the same transport with a handler that
 * answers a fixed ACK without parsing. Progress goes to stderr, the report (markdown) to stdout.
 */
public final class IntakeBenchmark {
  /** The target for the TCP path: this many monitors' worth of real time, on 2 cores. */
  static final double TARGET_REAL_TIME = 100;

  /** A real RS-232 line at 115200 bit/s, 8N1: 10 bits per byte. */
  static final double SERIAL_115200_BYTES_PER_SECOND = 115_200 / 10.0;

  private static final String FLOOR = "floor: MLLP only, fixed ACK";
  private static final String INTAKE = "intake: decode + sink + ACK";
  private static final PrintStream progress = System.err;

  private IntakeBenchmark() {}

  /** Settings from the command line. */
  record Options(Cli.Common common, Set<String> parts) {

    static final Set<String> ALL_PARTS = Set.of("inprocess", "tcp", "serial");

    static Options parse(String[] args) {
      Cli.Parser parser =
          new Cli.Parser(Duration.ofSeconds(8), Duration.ofSeconds(4), List.of(1, 4), false);
      Set<String> parts = new LinkedHashSet<>(List.of("inprocess", "tcp", "serial"));
      List<Cli.Option> options = parser.parse(args);
      if (options == null) {
        return null;
      }
      for (Cli.Option option : options) {
        switch (option.name()) {
          case "--only" -> {
            parts = new LinkedHashSet<>();
            for (String p : option.value().split(",")) {
              if (!ALL_PARTS.contains(p.trim())) {
                throw new IllegalArgumentException(
                    "--only " + option.value() + ": parts are inprocess, tcp, serial");
              }
              parts.add(p.trim());
            }
          }
          default -> throw Cli.unknown(option);
        }
      }
      Cli.Common c = parser.common();
      if (c.window() < 2 || c.window() > MllpTcpListener.MAX_IN_FLIGHT_PER_CONNECTION) {
        throw new IllegalArgumentException(
            "--window must be 2.."
                + MllpTcpListener.MAX_IN_FLIGHT_PER_CONNECTION
                + " (window 1 is always measured, for latency), was "
                + c.window());
      }
      if (c.monitors().isEmpty() || c.monitors().stream().anyMatch(m -> m < 1 || m > 32)) {
        throw new IllegalArgumentException("--monitors must be 1..32 each, was " + c.monitors());
      }
      return new Options(c, parts);
    }

    String commandLine() {
      return common.commandLine()
          + " --corpus "
          + common.corpus()
          + " --record "
          + common.record()
          + (parts.equals(ALL_PARTS) ? "" : " --only " + String.join(",", parts));
    }
  }

  static final String USAGE =
      """
      usage: bin/bench [options]
        --jit-warmup S   seconds of in-process decoding first, until the JIT is done (default 8)
        --warmup S       warm-up seconds before each measurement (default 2)
        --duration S     measured seconds per case (default 4)
        --monitors LIST  concurrent TCP monitors to measure, e.g. 1,4 (default 1,4)
        --window N       messages in flight per monitor for throughput (default 32); window 1
                         (stop-and-wait, as real monitors send) is always measured as well
        --corpus N       distinct pre-encoded messages to cycle through (default 400 = 100 s ECG)
        --record NAME    WFDB record on the classpath (default ecg/s0010_re)
        --only PARTS     any of inprocess,tcp,serial (default all)
      Prints progress to stderr and a markdown report to stdout. Serial needs socat.
      """;

  /** One measured case. */
  record Row(String path, String load, String handler, Load.Measurement m) {}

  /** Counts what intake hands over; completes at once (no journal yet). */
  static final class CountingSink implements MonitorIntake.Sink {
    private static final CompletableFuture<Void> KEPT = CompletableFuture.completedFuture(null);
    final LongAdder messages = new LongAdder();
    final LongAdder samples = new LongAdder();

    @Override
    public CompletionStage<Void> accept(MonitorMessage message, String peer) {
      messages.increment();
      samples.add(message.sampleCount());
      return KEPT;
    }
  }

  /** Counts the serial listener's reads: how the bytes arrive explains the serial numbers. */
  static final class ReadCounter implements LinkListener {
    final LongAdder reads = new LongAdder();
    final LongAdder bytes = new LongAdder();

    @Override
    public void bytesReceived(String peer, int count) {
      reads.increment();
      bytes.add(count);
    }
  }

  private static volatile SocatPty runningSocat;

  public static void main(String[] args) throws Exception {
    Options options = Cli.options(args, Options::parse, USAGE);
    if (options == null) {
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  SocatPty s = runningSocat;
                  if (s != null) {
                    try {
                      s.close();
                    } catch (InterruptedException | RuntimeException e) {
                      // exiting anyway; socat dies with its ptys' last reader
                    }
                  }
                },
                "stop-socat"));
    new IntakeBenchmark.Run(options, String.join(" ", args)).run();
  }

  /** One run of every case. */
  private static final class Run {
    private final Options o;
    private final Reports.Run run;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Corpus corpus;
    private CountingSink sink;
    private FrameHandler intake;
    private FrameHandler floor;
    private List<InProcess.Step> steps = List.of();

    Run(Options o, String args) {
      this.o = o;
      this.run = Reports.Run.start("bin/bench", args);
    }

    void run() throws Exception {
      run.announce(progress);
      long t0 = System.nanoTime();
      corpus = Corpus.build(o.common().record(), o.common().corpus(), 500, Duration.ofMillis(250));
      progress.printf(
          "bench: corpus of %d messages, %,.0f bytes each on average, %d samples each, built in"
              + " %.1f s%n",
          corpus.size(),
          corpus.averageBytes(),
          corpus.samples()[0],
          (System.nanoTime() - t0) / 1e9);

      sink = new CountingSink();
      Hl7Decoder decoder = new Hl7Decoder();
      intake = new MonitorIntake(decoder, sink, MonitorIntake.Observer.NONE);
      byte[] fixedAck = checkCorpus();
      CompletableFuture<byte[]> fixed = CompletableFuture.completedFuture(fixedAck);
      floor = (payload, peer) -> fixed;

      // HAPI's parser takes several seconds of decoding before the JIT has compiled it fully.
      progress.printf(
          "bench: JIT warm-up, %.0f s of in-process intake%n",
          Reports.secondsOf(o.common().jitWarmup()));
      long warmEnd = System.nanoTime() + o.common().jitWarmup().toNanos();
      for (int i = 0; System.nanoTime() < warmEnd; i = (i + 1) % corpus.size()) {
        intake.onFrame(corpus.payloads()[i], "warm-up").toCompletableFuture().join();
      }

      if (o.parts().contains("inprocess")) {
        progress.println("bench: in-process steps, one thread, no transport");
        steps = InProcess.measure(corpus, decoder, intake, inProcessWarmup(), inProcessMeasure());
        for (InProcess.Step s : steps) {
          progress.printf("  %-62s %9.1f us/msg%n", s.name(), s.microsPerMessage());
        }
      }
      if (o.parts().contains("tcp")) {
        for (int monitors : o.common().monitors()) {
          String load = load(monitors, o.common().window());
          rows.add(new Row("TCP loopback", load, FLOOR, tcp(floor, monitors, o.common().window())));
          rows.add(new Row("TCP loopback", load, INTAKE, tcpIntake(monitors, o.common().window())));
        }
        rows.add(new Row("TCP loopback", load(1, 1), FLOOR, tcp(floor, 1, 1)));
        rows.add(new Row("TCP loopback", load(1, 1), INTAKE, tcpIntake(1, 1)));
      }
      if (o.parts().contains("serial")) {
        if (SocatPty.available()) {
          Path dir = Files.createTempDirectory("ambulink-bench-");
          // If the run is stopped, the hook stops socat (which removes its links) and the JVM
          // then removes the emptied folder.
          dir.toFile().deleteOnExit();
          try {
            rows.add(new Row("serial (socat pty)", load(1, 1), FLOOR, serial(floor, 1, dir)));
            rows.add(new Row("serial (socat pty)", load(1, 1), INTAKE, serialIntake(1, dir)));
            String load = load(1, o.common().window());
            rows.add(
                new Row(
                    "serial (socat pty)", load, FLOOR, serial(floor, o.common().window(), dir)));
            rows.add(
                new Row(
                    "serial (socat pty)", load, INTAKE, serialIntake(o.common().window(), dir)));
          } finally {
            TempDirs.delete(dir);
          }
        } else {
          notes.add("Serial path skipped: socat is not installed (apt-get install socat).");
          progress.println("bench: serial skipped, socat is not installed");
        }
      }
      System.out.print(report());
    }

    /**
     * Every corpus message must decode and be acknowledged AA, with the samples it was sent with.
     */
    private byte[] checkCorpus() {
      byte[] first = null;
      for (int i = 0; i < corpus.size(); i++) {
        byte[] ack = intake.onFrame(corpus.payloads()[i], "check").toCompletableFuture().join();
        if (!Acks.isPositive(ack)) {
          throw new IllegalStateException(
              "intake did not accept corpus message "
                  + i
                  + ": "
                  + new String(ack, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (first == null) {
          first = ack;
        }
      }
      if (sink.samples.sum() != corpus.totalSamples()) {
        throw new IllegalStateException(
            "intake decoded "
                + sink.samples.sum()
                + " samples from the corpus, which holds "
                + corpus.totalSamples());
      }
      return first;
    }

    private Load.Measurement tcpIntake(int monitors, int window) throws Exception {
      return checked(() -> tcp(intake, monitors, window));
    }

    private Load.Measurement serialIntake(int window, Path dir) throws Exception {
      return checked(() -> serial(intake, window, dir));
    }

    @FunctionalInterface
    private interface Case {
      Load.Measurement run() throws Exception;
    }

    /** Runs an intake case and checks that the sink got exactly what was acknowledged. */
    private Load.Measurement checked(Case c) throws Exception {
      long messages = sink.messages.sum();
      long samples = sink.samples.sum();
      Load.Measurement m = c.run();
      long gotMessages = sink.messages.sum() - messages;
      long gotSamples = sink.samples.sum() - samples;
      if (gotMessages != m.totalMessages() || gotSamples != m.totalSamples()) {
        throw new IllegalStateException(
            String.format(
                "sink received %d messages / %d samples, senders got ACKs for %d / %d",
                gotMessages, gotSamples, m.totalMessages(), m.totalSamples()));
      }
      return m;
    }

    private Load.Measurement tcp(FrameHandler handler, int monitors, int window) throws Exception {
      progress.printf(
          "bench: TCP %s, %s ...", load(monitors, window), handler == floor ? "floor" : "intake");
      MllpTcpListener.Config config =
          new MllpTcpListener.Config(
              "127.0.0.1", 0, Mllp.DEFAULT_MAX_FRAME_BYTES, Math.max(32, monitors), Duration.ZERO);
      Load.Measurement m;
      try (MllpTcpListener listener = new MllpTcpListener(config, handler, LinkListener.NONE)) {
        listener.start();
        List<Link> links = new ArrayList<>();
        try {
          for (int i = 0; i < monitors; i++) {
            links.add(
                Link.of(
                    MllpTcpClient.connect("127.0.0.1", listener.port(), Duration.ofSeconds(5))));
          }
          m = Load.run(links, window, corpus, o.common().warmup(), o.common().measure(), null);
        } finally {
          for (Link l : links) {
            l.close();
          }
        }
      }
      progress.printf(" %,.0f msg/s%n", m.messagesPerSecond());
      return m;
    }

    private Load.Measurement serial(FrameHandler handler, int window, Path dir) throws Exception {
      progress.printf(
          "bench: serial %s, %s ...", load(1, window), handler == floor ? "floor" : "intake");
      Load.Measurement m;
      ReadCounter reads = new ReadCounter();
      try (SocatPty socat = SocatPty.start(dir)) {
        runningSocat = socat;
        SerialSettings settings =
            SerialSettings.builder(socat.a())
                .silenceWatchdog(Duration.ZERO)
                .maxInFlightFrames(Math.max(SerialSettings.DEFAULT_MAX_IN_FLIGHT_FRAMES, window))
                .build();
        try (SerialMllpListener listener = new SerialMllpListener(settings, handler, reads)) {
          listener.start();
          awaitOpen(listener);
          Link link =
              window == 1
                  ? Link.stopAndWait(SerialMllpSender.open(SerialSettings.of(socat.b())))
                  : new PtyPipelinedLink(socat.b());
          try {
            m =
                Load.run(
                    List.of(link),
                    window,
                    corpus,
                    o.common().warmup(),
                    o.common().measure(),
                    () -> ProcessCpu.ofPid(socat.pid()));
          } finally {
            link.close();
          }
        }
      } finally {
        runningSocat = null;
      }
      progress.printf(" %,.0f msg/s%n", m.messagesPerSecond());
      notes.add(
          String.format(
              Locale.ROOT,
              "serial, %s, %s: the listener read %.1f times per message, %,.0f bytes per read on"
                  + " average",
              load(1, window),
              handler == floor ? "floor" : "intake",
              (double) reads.reads.sum() / m.totalMessages(),
              (double) reads.bytes.sum() / reads.reads.sum()));
      return m;
    }

    private static void awaitOpen(SerialMllpListener listener) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (listener.health().state() != SerialHealth.State.CONNECTED) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("serial listener did not open: " + listener.health());
        }
        Thread.sleep(5);
      }
    }

    private static String load(int monitors, int window) {
      return monitors
          + (monitors == 1 ? " monitor" : " monitors")
          + ", window "
          + window
          + (window == 1 ? " (stop-and-wait)" : "");
    }

    private String report() {
      StringBuilder r = new StringBuilder();
      double rtSamples = corpus.realTimeSamplesPerSecond();
      r.append(run.markdown("Monitor intake", o.commandLine()));
      r.append(
          String.format(
              Locale.ROOT,
              "- corpus: %s, %,.0f bytes on average, encoded before the run%n",
              corpus.describe(),
              corpus.averageBytes()));
      r.append(
          String.format(
              Locale.ROOT,
              "- real time for one monitor: %.0f msg/s, %,.0f samples/s; \"× real time\" is"
                  + " samples/s ÷ %,.0f, i.e. how many such monitors the path keeps up with%n",
              corpus.realTimeMessagesPerSecond(),
              rtSamples,
              rtSamples));
      r.append(
          String.format(
              Locale.ROOT,
              "- first %.1f s of in-process intake for the JIT, then each case: %.1f s warm-up,"
                  + " then %.1f s measured; senders, listener and (serial) socat share the"
                  + " machine's cores%n%n",
              Reports.secondsOf(o.common().jitWarmup()),
              Reports.secondsOf(o.common().warmup()),
              Reports.secondsOf(o.common().measure())));

      if (!steps.isEmpty()) {
        r.append(
            String.format(
                Locale.ROOT,
                "### In-process cost per message (one thread, no transport; %.1f s warm-up, %.1f s"
                    + " measured per step)%n%n",
                Reports.secondsOf(inProcessWarmup()),
                Reports.secondsOf(inProcessMeasure())));
        r.append("| step | µs / message | messages/s on one core | × real time on one core |\n");
        r.append("|---|---:|---:|---:|\n");
        for (InProcess.Step s : steps) {
          r.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %,.1f | %,.0f | %,.0f |%n",
                  s.name(),
                  s.microsPerMessage(),
                  s.perSecond(),
                  s.perSecond() / corpus.realTimeMessagesPerSecond()));
        }
        r.append("\n");
      }

      if (!rows.isEmpty()) {
        r.append("### Over the links\n\n");
        r.append(
            "| path | load | handler | msg/s | samples/s | × real time | intake ÷ floor | MB/s"
                + " | CPU µs/msg | cores busy | other load | RTT p50 µs | RTT p99 µs |\n");
        r.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
          Load.Measurement m = row.m();
          String ratio = "";
          if (row.handler().equals(INTAKE)) {
            ratio =
                floorOf(row)
                    .map(f -> String.format(Locale.ROOT, "%.2f", m.messagesPerSecond() / f))
                    .orElse("");
          }
          r.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %s | %,.0f | %,.0f | %,.0f | %s | %.1f | %,.0f | %.2f | %.2f | %s | %s"
                      + " |%n",
                  row.path(),
                  row.load(),
                  row.handler(),
                  m.messagesPerSecond(),
                  m.samplesPerSecond(),
                  m.samplesPerSecond() / rtSamples,
                  ratio,
                  m.megabytesPerSecond(),
                  m.cpuMicrosPerMessage(),
                  m.coresBusy(),
                  m.backgroundCores(),
                  micros(m.latencyPercentileMicros(50)),
                  micros(m.latencyPercentileMicros(99))));
        }
        r.append(
            "\nCPU µs/msg is the whole JVM (senders and receiver); cores busy adds socat on the"
                + " serial path; other load is cores kept busy by other processes on the machine"
                + " meanwhile (should be near 0). RTT is send to ACK, measured only at window 1.\n\n");
        r.append(summary(rtSamples));
      }
      r.append(Reports.notes(notes));
      return r.toString();
    }

    private java.util.Optional<Double> floorOf(Row intakeRow) {
      return rows.stream()
          .filter(
              x ->
                  x.handler().equals(FLOOR)
                      && x.path().equals(intakeRow.path())
                      && x.load().equals(intakeRow.load()))
          .map(x -> x.m().messagesPerSecond())
          .findFirst();
    }

    private String summary(double rtSamples) {
      StringBuilder s = new StringBuilder();
      rows.stream()
          .filter(x -> x.path().startsWith("TCP") && x.handler().equals(INTAKE))
          .max(Comparator.comparingDouble(x -> x.m().samplesPerSecond()))
          .ifPresent(
              best -> {
                double rt = best.m().samplesPerSecond() / rtSamples;
                s.append(
                    String.format(
                        Locale.ROOT,
                        "- TCP intake, best case (%s): %,.0f× real time; target ≥ %.0f× on 2"
                            + " cores: %s (this machine has %d cores)%n",
                        best.load(),
                        rt,
                        TARGET_REAL_TIME,
                        rt >= TARGET_REAL_TIME ? "met" : "NOT met",
                        run.machine().cores()));
              });
      long nacks = rows.stream().mapToLong(x -> x.m().negativeAcks()).sum();
      s.append(
          nacks == 0
              ? "- every reply was `AA`; the sink received exactly the messages and samples that"
                  + " were acknowledged\n"
              : "- " + nacks + " replies were not `AA`\n");
      long gc = rows.stream().mapToLong(x -> x.m().gcMillis()).sum();
      double measured = rows.stream().mapToDouble(x -> x.m().seconds()).sum();
      s.append(Reports.gc(gc, measured));
      double frame = corpus.averageBytes() + 3;
      s.append(
          String.format(
              Locale.ROOT,
              "- a pty has no line rate: on a real 115200 bit/s 8N1 cable (%,.0f bytes/s) these"
                  + " %,.0f-byte frames fit %.2f msg/s, i.e. %.2f× real time for 12 leads at"
                  + " %.0f Hz%n",
              SERIAL_115200_BYTES_PER_SECOND,
              frame,
              SERIAL_115200_BYTES_PER_SECOND / frame,
              SERIAL_115200_BYTES_PER_SECOND / frame / corpus.realTimeMessagesPerSecond(),
              corpus.sampleRate()));
      return s.toString();
    }

    /** Each in-process step runs after the JIT warm-up, so it needs little warm-up of its own. */
    private Duration inProcessWarmup() {
      return o.common().warmup().compareTo(Duration.ofSeconds(1)) > 0
          ? Duration.ofSeconds(1)
          : o.common().warmup();
    }

    private Duration inProcessMeasure() {
      return o.common().measure().dividedBy(2);
    }

    private static String micros(double v) {
      return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%,.0f", v);
    }
  }
}
