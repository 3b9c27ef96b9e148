package org.ambulink.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ED console's incoming board under load (the issue: "20 simulated appliances sending events
 * and 40 board viewers; the board stays current, every change visible within 1 s at p99, on this
 * 2-core machine"). The console runs as a JVM of its own from its exec jar ({@link
 * ConsoleProcess}); this JVM plays the appliances ({@link SimulatedAppliance}: a batch a second
 * each, vitals, position every 10 s, occasional alarms) and the staff's boards ({@link
 * BoardViewer}: logged in, {@code /api/board/stream} held open). For every change posted it
 * measures how long until each viewer has received a summary reflecting it. Beside it, in the same
 * run and the same console, the floor: one appliance and one viewer (a board of another ED, so the
 * two never see each other's transports). Progress goes to stderr, the report (markdown) to stdout.
 */
public final class ConsoleLoadBenchmark {
  /** The target: every change on every board within this, at p99. */
  static final Duration TARGET_P99 = Duration.ofSeconds(1);

  static final String ED = "city-general";
  static final String FLOOR_ED = "bench-floor";
  static final String PASSWORD = "bench-password-0123456789";

  private static final PrintStream progress = System.err;

  private ConsoleLoadBenchmark() {}

  /** Settings from the command line. */
  record Options(
      int appliances,
      int viewers,
      int accounts,
      Duration duration,
      Duration warmup,
      Duration floorDuration,
      int floorRate,
      Duration missAfter,
      Path consoleJar,
      List<String> consoleJavaOptions,
      long seed) {

    static Options parse(String[] args) {
      int appliances = 20;
      int viewers = 40;
      int accounts = 8;
      Duration duration = Duration.ofSeconds(60);
      Duration warmup = Duration.ofSeconds(10);
      Duration floorDuration = Duration.ofSeconds(10);
      int floorRate = 10;
      Duration missAfter = Duration.ofSeconds(5);
      Path jar = null;
      List<String> javaOptions = List.of();
      long seed = 1;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--help") || args[i].equals("-h")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value; see --help");
        }
        Cli.Option option = new Cli.Option(args[i], args[++i]);
        switch (option.name()) {
          case "--appliances" -> appliances = positive(option);
          case "--viewers" -> viewers = positive(option);
          case "--accounts" -> accounts = positive(option);
          case "--duration" -> duration = Cli.seconds(option, false);
          case "--warmup" -> warmup = Cli.seconds(option, false);
          case "--floor-duration" -> floorDuration = Cli.seconds(option, false);
          case "--floor-rate" -> floorRate = positive(option);
          case "--miss-after" -> missAfter = Cli.seconds(option, false);
          case "--console-jar" -> jar = Path.of(option.value());
          case "--console-java-options" ->
              javaOptions =
                  option.value().isBlank()
                      ? List.of()
                      : Arrays.asList(option.value().trim().split("\\s+"));
          case "--seed" -> seed = Long.parseLong(option.value());
          default -> throw Cli.unknown(option);
        }
      }
      if (floorRate > 100) {
        throw new IllegalArgumentException("--floor-rate is at most 100 batches a second");
      }
      return new Options(
          appliances,
          viewers,
          accounts,
          duration,
          warmup,
          floorDuration,
          floorRate,
          missAfter,
          jar == null ? defaultConsoleJar() : jar,
          javaOptions,
          seed);
    }

    private static int positive(Cli.Option option) {
      int n = Integer.parseInt(option.value());
      if (n < 1) {
        throw new IllegalArgumentException(option.name() + " must be at least 1, was " + n);
      }
      return n;
    }

    String commandLine() {
      return "--appliances "
          + appliances
          + " --viewers "
          + viewers
          + " --accounts "
          + accounts
          + " --duration "
          + Reports.secondsOf(duration)
          + " --warmup "
          + Reports.secondsOf(warmup)
          + " --floor-duration "
          + Reports.secondsOf(floorDuration)
          + " --floor-rate "
          + floorRate
          + " --miss-after "
          + Reports.secondsOf(missAfter)
          + (consoleJavaOptions.isEmpty()
              ? ""
              : " --console-java-options '" + String.join(" ", consoleJavaOptions) + "'");
    }
  }

  /**
   * The console's exec jar of the same build as this benchmark: {@code
   * ed-console/<out>/ed-console-exec.jar} beside {@code benchmarks/<out>/benchmarks.jar}.
   */
  static Path defaultConsoleJar() {
    try {
      Path here =
          Path.of(
              ConsoleLoadBenchmark.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
      for (Path p = here; p != null && p.getParent() != null; p = p.getParent()) {
        Path parent = p.getParent();
        if (parent.getFileName() != null && parent.getFileName().toString().equals("benchmarks")) {
          return parent
              .resolveSibling("ed-console")
              .resolve(p.getFileName())
              .resolve("ed-console-exec.jar");
        }
      }
    } catch (Exception e) {
      // fall back to the default build folder
    }
    return Path.of("ed-console/target/ed-console-exec.jar");
  }

  static final String USAGE =
      """
      usage: bin/bench console [options]
         or: java -cp benchmarks/target/benchmarks.jar org.ambulink.bench.ConsoleLoadBenchmark [options]
        --appliances N          simulated appliances, each with its own device token and transport
                                heading to the ED (default 20)
        --viewers N             board viewers, each logged in with a session of its own and holding
                                /api/board/stream open (default 40)
        --accounts N            staff accounts the viewers log in as, physicians and nurses in turn
                                (default 8)
        --duration S            measured load, seconds (default 60)
        --warmup S              unmeasured load first, for the JIT (default 10)
        --floor-duration S      measured floor: 1 appliance, 1 viewer, load paused (default 10)
        --floor-rate N          the floor appliance's batches per second, for enough samples
                                (default 10)
        --miss-after S          a change not on a board within this counts as missed (default 5)
        --console-jar PATH      the console's exec jar (default: ed-console/<build folder>/
                                ed-console-exec.jar of the same build as this benchmark)
        --console-java-options "FLAGS"  JVM flags for the console (default none)
        --seed N                the simulated vitals and alarms (default 1)
      The console runs as a JVM of its own (H2 file database in a temporary folder). Prints progress
      to stderr and a markdown report to stdout.
      """;

  public static void main(String[] args) throws Exception {
    Options options = Cli.options(args, Options::parse, USAGE);
    if (options == null) {
      return;
    }
    Reports.Run run = Reports.Run.start("bin/bench console", String.join(" ", args));
    run.announce(progress);
    System.out.print(new ConsoleLoadBenchmark.Run(options, run).run());
  }

  /** One case's numbers. */
  record Case(
      String name,
      int appliances,
      int viewers,
      long changes,
      long deliveries,
      long[] delays,
      long late,
      long never,
      long[] posts,
      long postFailures,
      double seconds,
      double consoleCores,
      double benchCores,
      double otherCores,
      long summaries) {

    double delayMillis(double p) {
      return Reports.percentile(delays, p) / 1e6;
    }

    double postMillis(double p) {
      return Reports.percentile(posts, p) / 1e6;
    }

    long missed() {
      return late + never;
    }
  }

  /** One run: the console, the floor, the load, the report. */
  static final class Run {
    private final Options o;
    private final Reports.Run run;
    private final JsonMapper json = JsonMapper.builder().build();
    private final SecureRandom random = new SecureRandom();

    Run(Options o, Reports.Run run) {
      this.o = o;
      this.run = run;
    }

    String run() throws Exception {
      Map<String, String> tokens = new LinkedHashMap<>();
      for (int i = 1; i <= o.appliances(); i++) {
        tokens.put(String.format(Locale.ROOT, "amb-%02d", i), token());
      }
      String floorDevice = "floor-01";
      tokens.put(floorDevice, token());
      List<String> users = new ArrayList<>();
      List<String> settings = new ArrayList<>();
      settings.add("--ambulink.console.ed-id=" + ED);
      settings.add("--AMBULINK_CONSOLE_ADMIN_PASSWORD=" + PASSWORD);
      settings.add("--AMBULINK_CONSOLE_DEMO_PASSWORD=" + PASSWORD);
      for (int i = 0; i < o.accounts(); i++) {
        boolean physician = i % 2 == 0;
        String name = (physician ? "dr.bench" : "nurse.bench") + (i / 2 + 1);
        users.add(name);
        settings.add("--ambulink.console.demo-users[" + i + "].username=" + name);
        settings.add(
            "--ambulink.console.demo-users[" + i + "].role=" + (physician ? "physician" : "nurse"));
        settings.add("--ambulink.console.demo-users[" + i + "].ed-id=" + ED);
      }
      String floorUser = "dr.floor";
      int f = o.accounts();
      settings.add("--ambulink.console.demo-users[" + f + "].username=" + floorUser);
      settings.add("--ambulink.console.demo-users[" + f + "].role=physician");
      settings.add("--ambulink.console.demo-users[" + f + "].ed-id=" + FLOOR_ED);
      int d = 0;
      for (Map.Entry<String, String> t : tokens.entrySet()) {
        settings.add("--ambulink.console.devices[" + d + "].id=" + t.getKey());
        settings.add("--ambulink.console.devices[" + d + "].token=" + t.getValue());
        d++;
      }

      progress.printf("bench: starting the console (%s)...%n", o.consoleJar());
      long t0 = System.nanoTime();
      try (ConsoleProcess console =
          ConsoleProcess.start(
              o.consoleJar(), o.consoleJavaOptions(), settings, Duration.ofMinutes(5))) {
        double startSeconds = (System.nanoTime() - t0) / 1e9;
        progress.printf(
            Locale.ROOT,
            "bench: console up in %.1f s (pid %d, %s)%n",
            startSeconds,
            console.pid(),
            console.base);
        try {
          return measure(console, tokens, users, floorDevice, floorUser, startSeconds);
        } catch (Exception | Error e) {
          progress.println("bench: failed; the console's log ends:\n" + console.tail(80));
          throw e;
        }
      }
    }

    private String measure(
        ConsoleProcess console,
        Map<String, String> tokens,
        List<String> users,
        String floorDevice,
        String floorUser,
        double startSeconds)
        throws Exception {
      URI base = console.base;
      HttpClient applianceHttp =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      HttpClient viewerHttp =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();

      // the appliances and their transports
      List<SimulatedAppliance> appliances = new ArrayList<>();
      Map<String, BoardChanges> loadTransports = new LinkedHashMap<>();
      int i = 0;
      for (Map.Entry<String, String> t : tokens.entrySet()) {
        if (t.getKey().equals(floorDevice)) {
          continue;
        }
        SimulatedAppliance a =
            new SimulatedAppliance(
                t.getKey(),
                t.getValue(),
                "T-" + t.getKey(),
                ED,
                o.viewers(),
                base,
                applianceHttp,
                json,
                Duration.ofSeconds(1),
                Duration.ofMillis(1000L * i / o.appliances()),
                o.seed() + i);
        appliances.add(a);
        loadTransports.put(a.changes.transportId, a.changes);
        i++;
      }
      SimulatedAppliance floor =
          new SimulatedAppliance(
              floorDevice,
              tokens.get(floorDevice),
              "T-" + floorDevice,
              FLOOR_ED,
              1,
              base,
              applianceHttp,
              json,
              Duration.ofNanos(1_000_000_000L / o.floorRate()),
              Duration.ZERO,
              o.seed() - 1);
      Map<String, BoardChanges> floorTransports = Map.of(floor.changes.transportId, floor.changes);

      // the viewers: log in (BCrypt: the slow part), then open the streams
      List<BoardViewer> viewers = new ArrayList<>();
      for (int v = 0; v < o.viewers(); v++) {
        viewers.add(
            new BoardViewer(
                v, users.get(v % users.size()), base, viewerHttp, json, loadTransports));
      }
      BoardViewer floorViewer =
          new BoardViewer(0, floorUser, base, viewerHttp, json, floorTransports);
      progress.printf("bench: %d staff logins...%n", o.viewers() + 1);
      long loginStart = System.nanoTime();
      ExecutorService logins = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (BoardViewer v : viewers) {
          done.add(logins.submit(() -> login(v)));
        }
        done.add(logins.submit(() -> login(floorViewer)));
        for (Future<?> fut : done) {
          fut.get();
        }
      } finally {
        logins.shutdownNow();
      }
      double loginSeconds = (System.nanoTime() - loginStart) / 1e9;
      for (BoardViewer v : viewers) {
        v.open();
      }
      floorViewer.open();

      try {
        // warm-up under the full load
        progress.printf(
            Locale.ROOT,
            "bench: %d appliances, %d viewers: %.0f s warm-up...%n",
            o.appliances(),
            o.viewers(),
            Reports.secondsOf(o.warmup()));
        for (SimulatedAppliance a : appliances) {
          a.start();
          a.mode(SimulatedAppliance.Mode.SEND);
        }
        Thread.sleep(o.warmup().toMillis());

        // the floor: load paused (the appliances only send heartbeats when idle for 5 s)
        for (SimulatedAppliance a : appliances) {
          a.mode(SimulatedAppliance.Mode.IDLE);
        }
        awaitSeen(loadTransports.values(), o.missAfter());
        progress.printf(
            Locale.ROOT,
            "bench: floor: 1 appliance (%d batches/s), 1 viewer, %.0f s...%n",
            o.floorRate(),
            Reports.secondsOf(o.floorDuration()));
        floor.start();
        floor.mode(SimulatedAppliance.Mode.SEND);
        Thread.sleep(2000);
        Window floorWindow = Window.start(console);
        long floorSummaries = floorViewer.summaries.get();
        floor.mode(SimulatedAppliance.Mode.MEASURE);
        Thread.sleep(o.floorDuration().toMillis());
        floor.mode(SimulatedAppliance.Mode.IDLE);
        Window.Result floorResult = floorWindow.end(console);
        awaitSeen(floorTransports.values(), o.missAfter());
        floorSummaries = floorViewer.summaries.get() - floorSummaries;
        floor.stop();

        // the load, measured
        progress.printf(
            Locale.ROOT,
            "bench: load: %d appliances, %d viewers, %.0f s measured...%n",
            o.appliances(),
            o.viewers(),
            Reports.secondsOf(o.duration()));
        for (SimulatedAppliance a : appliances) {
          a.mode(SimulatedAppliance.Mode.MEASURE);
        }
        Window loadWindow = Window.start(console);
        long loadSummaries = summaries(viewers);
        int warningsBefore = console.warnings().size();
        RssSampler rss = RssSampler.start(console);
        Thread.sleep(o.duration().toMillis());
        for (SimulatedAppliance a : appliances) {
          a.mode(SimulatedAppliance.Mode.IDLE);
        }
        Window.Result loadResult = loadWindow.end(console);
        long rssPeakKiB = rss.stop();
        long rssEndKiB = console.statusKiB("VmRSS");
        progress.println("bench: waiting for the last changes to reach every board...");
        awaitSeen(loadTransports.values(), o.missAfter());
        loadSummaries = summaries(viewers) - loadSummaries;
        List<String> warnings = console.warnings();
        warnings = warnings.subList(Math.min(warningsBefore, warnings.size()), warnings.size());

        for (SimulatedAppliance a : appliances) {
          a.stop();
        }
        List<String> streamErrors = new ArrayList<>();
        for (BoardViewer v : viewers) {
          if (!v.reading()) {
            streamErrors.add(v.username + " (viewer " + v.index + "): " + v.error);
          }
        }
        if (!floorViewer.reading()) {
          streamErrors.add("floor viewer: " + floorViewer.error);
        }
        for (BoardViewer v : viewers) {
          v.close();
        }
        floorViewer.close();

        Case floorCase =
            summarize(
                "floor: 1 appliance, 1 viewer (load paused)",
                List.of(floor),
                List.of(floorViewer),
                floorResult,
                floorSummaries);
        Case loadCase = summarize("load", appliances, viewers, loadResult, loadSummaries);
        return report(
            warnings,
            floorCase,
            loadCase,
            loadResult,
            rssPeakKiB,
            rssEndKiB,
            startSeconds,
            loginSeconds,
            appliances,
            streamErrors);
      } finally {
        for (SimulatedAppliance a : appliances) {
          a.stop();
        }
        floor.stop();
        for (BoardViewer v : viewers) {
          v.close();
        }
        floorViewer.close();
      }
    }

    private Void login(BoardViewer v) throws Exception {
      v.login(PASSWORD);
      return null;
    }

    private String token() {
      byte[] b = new byte[32];
      random.nextBytes(b);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Waits until every viewer has seen every change posted, or {@code limit} has passed. */
    private static void awaitSeen(Iterable<BoardChanges> transports, Duration limit)
        throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos() + 500_000_000L;
      while (System.nanoTime() < deadline) {
        boolean all = true;
        for (BoardChanges c : transports) {
          all &= c.allSeen();
        }
        if (all) {
          return;
        }
        Thread.sleep(20);
      }
    }

    private Case summarize(
        String name,
        List<SimulatedAppliance> appliances,
        List<BoardViewer> viewers,
        Window.Result w,
        long summaries) {
      long changes = 0;
      long never = 0;
      long failures = 0;
      BoardChanges.LongList posts = new BoardChanges.LongList();
      for (SimulatedAppliance a : appliances) {
        changes += a.changes.measured();
        failures += a.failures.get();
        synchronized (a.postNanos) {
          posts.addAll(a.postNanos);
        }
        for (BoardViewer v : viewers) {
          never += a.changes.unseen(v.index);
        }
      }
      BoardChanges.LongList delays = new BoardChanges.LongList();
      for (BoardViewer v : viewers) {
        delays.addAll(v.delays);
      }
      long[] sorted = delays.sorted();
      long late = Arrays.stream(sorted).filter(x -> x > o.missAfter().toNanos()).count();
      return new Case(
          name,
          appliances.size(),
          viewers.size(),
          changes,
          changes * viewers.size(),
          sorted,
          late,
          never,
          posts.sorted(),
          failures,
          w.seconds(),
          w.consoleCores(),
          w.benchCores(),
          w.otherCores(),
          summaries);
    }

    private static long summaries(List<BoardViewer> viewers) {
      return viewers.stream().mapToLong(v -> v.summaries.get()).sum();
    }

    private String report(
        List<String> warnings,
        Case floor,
        Case load,
        Window.Result loadWindow,
        long rssPeakKiB,
        long rssEndKiB,
        double startSeconds,
        double loginSeconds,
        List<SimulatedAppliance> appliances,
        List<String> streamErrors) {
      StringBuilder r = new StringBuilder();
      r.append(run.markdown("ED console: board under load", o.commandLine()));
      List<String> javaOptions = new ArrayList<>(o.consoleJavaOptions());
      r.append(
          "- console: a JVM of its own, `java "
              + (javaOptions.isEmpty() ? "" : String.join(" ", javaOptions) + " ")
              + "-Xlog:gc:file=… -jar "
              + shown(o.consoleJar())
              + "` on 127.0.0.1, H2 file database in a temporary folder, default settings"
              + String.format(
                  Locale.ROOT,
                  "; up in %.1f s; %d staff logins (BCrypt, 2 at a time) took %.1f s"
                      + " (%d answered 500 and were tried again)%n",
                  startSeconds,
                  o.viewers() + 1,
                  loginSeconds,
                  BoardViewer.loginRetries.get()));
      r.append(
          String.format(
              Locale.ROOT,
              "- appliances: each its own device token and transport to %s; one batch per second,"
                  + " started at evenly spread offsets within the second: vitals (HR, SpO2, NIBP"
                  + " sys/dia/mean, RR), every 10th batch also a position with ETA, now and then an"
                  + " alarm (1 in 40 batches raises one, ended 5–20 s later); a batch is posted"
                  + " only after the previous one was answered; an empty batch (heartbeat) after"
                  + " %d s with nothing to send%n",
              ED,
              SimulatedAppliance.HEARTBEAT.toSeconds()));
      r.append(
          String.format(
              Locale.ROOT,
              "- viewers: %d, logged in as %d staff accounts (a session each), each holding"
                  + " `GET /api/board/stream` open (java.net.http, lines read on a thread per"
                  + " viewer); the floor's viewer is staff of another ED (`%s`), so floor and load"
                  + " never see each other's transports%n",
              o.viewers(),
              o.accounts(),
              FLOOR_ED));
      r.append(
          "- change → visible: from the start of the POST of a batch to the arrival, at a viewer,"
              + " of the first summary whose `lastEventAt` is at or after the batch's `at` (every"
              + " event of a batch has the same `at`, one batch is one transaction); counted once"
              + " per change and viewer; a change not seen within "
              + Reports.secondsOf(o.missAfter())
              + " s counts as missed\n");
      r.append(
          String.format(
              Locale.ROOT,
              "- sequence: %.0f s of load (warm-up, not measured), load paused, the floor"
                  + " (%d batches/s, 2 s warm-up then %.0f s measured), then %.0f s of load"
                  + " measured; console and load generators share the machine's cores%n",
              Reports.secondsOf(o.warmup()),
              o.floorRate(),
              Reports.secondsOf(o.floorDuration()),
              Reports.secondsOf(o.duration())));
      r.append("\n");
      r.append(
          "| case | appliances | viewers | changes | deliveries | missed | change → visible p50 ms"
              + " | p95 ms | p99 ms | max ms | POST p50 ms | POST p99 ms | console cores | load"
              + " generators cores | other load |\n");
      r.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Case c : List.of(floor, load)) {
        r.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f"
                    + " | %.2f | %.2f |%n",
                c.name(),
                c.appliances(),
                c.viewers(),
                c.changes(),
                c.deliveries(),
                c.missed(),
                c.delayMillis(50),
                c.delayMillis(95),
                c.delayMillis(99),
                c.delays().length == 0 ? Double.NaN : c.delays()[c.delays().length - 1] / 1e6,
                c.postMillis(50),
                c.postMillis(99),
                c.consoleCores(),
                c.benchCores(),
                c.otherCores()));
      }
      r.append("\n");
      r.append(
          "Cores: CPU time ÷ wall time over the measured part: the console's JVM (`/proc`), this"
              + " JVM (appliances and viewers), and everything else on the machine (should be"
              + " near 0).\n\n");
      double ratio = load.delayMillis(99) / floor.delayMillis(99);
      boolean met = load.delayMillis(99) < TARGET_P99.toMillis() && load.missed() == 0;
      r.append(
          String.format(
              Locale.ROOT,
              "- change → visible p99: load %.1f ms, floor %.1f ms, **load ÷ floor %.1f**%n",
              load.delayMillis(99),
              floor.delayMillis(99),
              ratio));
      r.append(
          String.format(
              Locale.ROOT,
              "- target: every change visible within %d ms at p99 with %d appliances and %d"
                  + " viewers: %s (p99 %.1f ms, %,d of %,d deliveries missed)%n",
              TARGET_P99.toMillis(),
              load.appliances(),
              load.viewers(),
              met ? "**met**" : "**not met**",
              load.delayMillis(99),
              load.missed(),
              load.deliveries()));
      for (Case c : List.of(floor, load)) {
        r.append(
            String.format(
                Locale.ROOT,
                "- %s: %,d changes in %.1f s (%.1f/s), %,d deliveries, %,d seen within %.0f s,"
                    + " %,d later, %,d never; %,d POSTs measured, %,d failed; viewers received"
                    + " %,d summaries meanwhile (%.2f per delivery; fewer than 1 when the dispatcher"
                    + " coalesces)%n",
                c.name(),
                c.changes(),
                c.seconds(),
                c.changes() / c.seconds(),
                c.deliveries(),
                c.delays().length - c.late(),
                Reports.secondsOf(o.missAfter()),
                c.late(),
                c.never(),
                c.posts().length,
                c.postFailures(),
                c.summaries(),
                c.deliveries() == 0 ? Double.NaN : (double) c.summaries() / c.deliveries()));
      }
      long heartbeats = appliances.stream().mapToLong(a -> a.heartbeats.get()).sum();
      r.append(
          String.format(
              Locale.ROOT,
              "- heartbeats sent (only while the load was paused for the floor): %,d%n",
              heartbeats));
      r.append(
          String.format(
              Locale.ROOT,
              "- console memory during the load: RSS at the end %,d MiB, highest sampled %,d MiB;"
                  + " GC: %s%n",
              rssEndKiB / 1024,
              rssPeakKiB / 1024,
              loadWindow.gc().markdown()));
      r.append(
          String.format(
              Locale.ROOT,
              "- console CPU per change during the load: %.2f ms (%.2f cores ÷ %.1f changes/s)%n",
              load.consoleCores() * 1000 / (load.changes() / load.seconds()),
              load.consoleCores(),
              load.changes() / load.seconds()));
      r.append(
          "- console log during the load: "
              + warnings.size()
              + " WARN/ERROR lines"
              + (warnings.isEmpty() ? "" : ", first: `" + warnings.get(0).trim() + "`")
              + "\n");
      if (!streamErrors.isEmpty()) {
        r.append(
            "- board streams that ended early: "
                + streamErrors.size()
                + ", first: "
                + streamErrors.get(0)
                + "\n");
      }
      for (SimulatedAppliance a : appliances) {
        if (a.lastFailure != null) {
          r.append("- a failed POST, e.g. " + a.deviceId + ": " + a.lastFailure + "\n");
          break;
        }
      }
      return r.toString();
    }

    private static String shown(Path p) {
      Path cwd = Path.of("").toAbsolutePath();
      Path abs = p.toAbsolutePath().normalize();
      return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
  }

  /** CPU and GC counters over a measured part. */
  record Window(
      long wallStart, long consoleStart, long benchStart, long machineStart, long gcMark) {

    static Window start(ConsoleProcess console) {
      return new Window(
          System.nanoTime(),
          console.cpuNanos(),
          ProcessCpu.jvmNanos(),
          ProcessCpu.machineBusyNanos(),
          console.gcLogMark());
    }

    record Result(
        double seconds,
        double consoleCores,
        double benchCores,
        double otherCores,
        ConsoleProcess.Gc gc) {}

    Result end(ConsoleProcess console) {
      long wall = System.nanoTime() - wallStart;
      long consoleCpu = console.cpuNanos() - consoleStart;
      long bench = ProcessCpu.jvmNanos() - benchStart;
      long machine = ProcessCpu.machineBusyNanos() - machineStart;
      return new Result(
          wall / 1e9,
          (double) consoleCpu / wall,
          (double) bench / wall,
          Math.max(0, (double) (machine - consoleCpu - bench) / wall),
          console.gcSince(gcMark, console.gcLogMark()));
    }
  }

  /** Samples the console's resident memory twice a second; the highest value. */
  static final class RssSampler {
    private final Thread thread;
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean running = true;

    private RssSampler(ConsoleProcess console) {
      thread =
          new Thread(
              () -> {
                while (running) {
                  peak.accumulateAndGet(console.statusKiB("VmRSS"), Math::max);
                  try {
                    Thread.sleep(500);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "rss-sampler");
      thread.setDaemon(true);
    }

    static RssSampler start(ConsoleProcess console) {
      RssSampler s = new RssSampler(console);
      s.thread.start();
      return s;
    }

    long stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
      return peak.get();
    }
  }
}
