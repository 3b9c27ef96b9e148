package org.ambulink.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ambulink.appliance.webrtc.RtcEngine;
import org.ambulink.testsupport.AppProcess;
import tools.jackson.databind.JsonNode;

/**
 * The live session end to end (the WebRTC issue's numbers), every part real, in one run: the
 * appliance and the ED console as processes from their exec jars, a coturn relay (relay-only ICE),
 * the simulated monitor (12 leads and more at 500 Hz in 250 ms chunks over MLLP) and a headless
 * Chromium on the live view, the appliance streaming its test-pattern video (640x360 at 15 fps by
 * default) beside the ECG ({@link LiveSystem}).
 *
 * <ol>
 *   <li><b>Floor</b>: the raw round trip of the {@code ecg} data channel between two webrtc-java
 *       peers in this JVM through the same coturn, before anything else runs ({@link LiveFloor},
 *       {@link DataChannelFloorBenchmark}'s code).
 *   <li><b>Latency</b>, over a steady phase with no outage: for every ECG frame the appliance
 *       numbered, its decode time on the appliance ({@code GET /api/live/decode-times}) against
 *       when the page first received it ({@code ambulinkLive.receivedAt(seq)}); same machine, same
 *       clock. p50/p99/max, p99 ÷ floor p99 and the issue's target (p99 ≤ 2 × floor p99 + 10 ms).
 *   <li><b>The appliance's cost</b> over the same phase: CPU (utime + stime from {@code /proc}) as
 *       % of one core, resident memory (VmRSS, sampled every second); the other processes' CPU
 *       beside it, since they share the machine.
 *   <li><b>Recovery</b>: the relay is stopped for an outage and started again, several times; time
 *       from the relay back to live again (connected, new live frames) and to the gap backfilled.
 * </ol>
 */
public final class LiveSessionBenchmark {
  /** The issue's targets. */
  static final double TARGET_FLOOR_FACTOR = 2;

  static final double TARGET_SLACK_MS = 10;
  static final Duration TARGET_LIVE_AGAIN = Duration.ofSeconds(3);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);
  private static final long POLL_MS = 50;

  static final String USAGE =
      """
      usage: bin/bench live [options]
         or: java -cp benchmarks/target/benchmarks.jar org.ambulink.bench.LiveSessionBenchmark [options]
        --duration S        steady phase: latency, CPU and memory are measured over it (default 60)
        --settle S          wait after the session is live before the steady phase (default 10)
        --outage S          length of each relay outage (default 30)
        --outages N         relay outages, one after the other (default 3; 0: none)
        --floor-messages N  measured round trips of the floor (default 240)
        --floor-rate N      floor messages per second (default 4: one ECG frame every 250 ms)
        --floor-size B      floor message size in bytes (default 3072)
        --floor-warmup N    unmeasured floor messages first, unpaced (default 1000)
        --video WxH@FPS     the appliance's video (default 640x360@15, the appliance's defaults)
        --build-out DIR     build folder holding the exec jars: <module>/DIR/<module>-exec.jar
                            (default: the folder this benchmark's jar is in, e.g. target)
        --java-options 'FLAGS'  JVM flags of the appliance and the console (default none)
      Needs coturn (turnserver), Debian's libpulse0, chromium and chromium-driver (bin/bench live
      installs them when missing) and the exec jars (mvn install -DskipTests builds them).
      Prints progress to stderr and a markdown report to stdout.
      """;

  record Options(
      Duration duration,
      Duration settle,
      Duration outage,
      int outages,
      int floorMessages,
      int floorRate,
      int floorSize,
      int floorWarmup,
      LiveSystem.Video video,
      String buildOut,
      List<String> javaOptions) {

    static Options parse(String[] args) {
      Duration duration = Duration.ofSeconds(60);
      Duration settle = Duration.ofSeconds(10);
      Duration outage = Duration.ofSeconds(30);
      int outages = 3;
      int floorMessages = 240;
      int floorRate = 4;
      int floorSize = 3072;
      int floorWarmup = 1000;
      LiveSystem.Video video = new LiveSystem.Video(640, 360, 15);
      String buildOut = System.getProperty("build.out", defaultBuildOut());
      List<String> javaOptions = List.of();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value; see --help");
        }
        Cli.Option o = new Cli.Option(a, args[++i]);
        String v = o.value();
        switch (a) {
          case "--duration" -> duration = Cli.seconds(o, false);
          case "--settle" -> settle = Cli.seconds(o, true);
          case "--outage" -> outage = Cli.seconds(o, false);
          case "--outages" -> outages = atLeast(a, v, 0);
          case "--floor-messages" -> floorMessages = atLeast(a, v, 1);
          case "--floor-rate" -> floorRate = atLeast(a, v, 1);
          case "--floor-size" -> floorSize = atLeast(a, v, 16);
          case "--floor-warmup" -> floorWarmup = atLeast(a, v, 0);
          case "--video" -> {
            String[] p = v.split("[x@]");
            if (p.length != 3) {
              throw new IllegalArgumentException("--video must be WxH@FPS, e.g. 640x360@15");
            }
            video =
                new LiveSystem.Video(
                    atLeast(a, p[0], 16), atLeast(a, p[1], 16), atLeast(a, p[2], 1));
          }
          case "--build-out" -> buildOut = v;
          case "--java-options" ->
              javaOptions = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
          default -> throw Cli.unknown(o);
        }
      }
      if (floorSize > 64 * 1024) {
        throw new IllegalArgumentException("--floor-size must be at most 65536 bytes");
      }
      return new Options(
          duration,
          settle,
          outage,
          outages,
          floorMessages,
          floorRate,
          floorSize,
          floorWarmup,
          video,
          buildOut,
          javaOptions);
    }

    private static int atLeast(String name, String v, int min) {
      int n = Integer.parseInt(v.trim());
      if (n < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + v);
      }
      return n;
    }

    String commandLine() {
      return "--duration "
          + Reports.secondsOf(duration)
          + " --settle "
          + Reports.secondsOf(settle)
          + " --outage "
          + Reports.secondsOf(outage)
          + " --outages "
          + outages
          + " --floor-messages "
          + floorMessages
          + " --floor-rate "
          + floorRate
          + " --floor-size "
          + floorSize
          + " --floor-warmup "
          + floorWarmup
          + " --video "
          + video.width()
          + "x"
          + video.height()
          + "@"
          + video.fps()
          + " --build-out "
          + buildOut
          + (javaOptions.isEmpty()
              ? ""
              : " --java-options '" + String.join(" ", javaOptions) + "'");
    }
  }

  /** The folder this class's jar is in ({@code benchmarks/<out>/benchmarks.jar}), else target. */
  static String defaultBuildOut() {
    try {
      Path here =
          Path.of(
              LiveSessionBenchmark.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
      if (Files.isRegularFile(here) && here.getParent() != null) {
        return here.getParent().getFileName().toString();
      }
      // classes folder: benchmarks/<out>/classes
      if (here.getParent() != null) {
        return here.getParent().getFileName().toString();
      }
    } catch (Exception e) {
      // fall back
    }
    return "target";
  }

  /** The repository root: two folders above {@code benchmarks/<out>/benchmarks.jar}, else ".". */
  static Path root() {
    try {
      Path here =
          Path.of(
              LiveSessionBenchmark.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
      for (Path p = here; p != null; p = p.getParent()) {
        if (p.getFileName() != null && p.getFileName().toString().equals("benchmarks")) {
          return p.getParent();
        }
      }
    } catch (Exception e) {
      // fall back
    }
    return Path.of(".").toAbsolutePath().normalize();
  }

  // ------------------------------------------------------------------ results

  /** The steady phase. */
  record Steady(
      double seconds,
      long firstSeq,
      long endSeq,
      int decoded,
      int received,
      int excludedBackfill,
      long backfilledDuring,
      long[] sortedLatencyMicros,
      double clockOffsetStartMs,
      double clockOffsetEndMs,
      Map<String, Double> cores,
      double applianceRssAvgMiB,
      double applianceRssMaxMiB,
      double applianceHwmMiB,
      int rssSamples,
      double videoFps,
      String videoSize,
      String candidatePair) {}

  /** One outage. */
  record Outage(
      int number,
      double seconds,
      long framesDuring,
      long relayStartMillis,
      double toConnectedMillis,
      double toLiveMillis,
      double toBackfilledMillis,
      long backfilled,
      long lost) {}

  public static void main(String[] args) {
    Options options = Cli.options(args, Options::parse, USAGE);
    if (options == null) {
      return;
    }
    int status = 0;
    try {
      System.out.print(run(options, args));
      System.out.flush();
    } catch (Throwable e) {
      System.err.println("bench: failed: " + e);
      e.printStackTrace();
      status = 1;
    }
    // The native WebRTC library can crash the JVM on its way out (a known upstream issue), and
    // disposing its factory prints on stdout: everything is stopped and the report is out, so leave
    // without running exit handlers.
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  private static String run(Options options, String[] args) throws Exception {
    Reports.Run run = Reports.Run.start("bin/bench live", String.join(" ", args));
    run.announce(System.err);
    Path root = root();
    LiveFloor.Result floor;
    Steady steady;
    List<Outage> outages = new ArrayList<>();
    List<String> warnings;
    long t0 = System.nanoTime();
    try (LiveSystem sys = new LiveSystem()) {
      try {
        sys.startRelay();
        floor =
            LiveFloor.measure(
                new RtcEngine(),
                sys.coturn,
                options.floorWarmup(),
                options.floorMessages(),
                options.floorSize(),
                options.floorRate());
        long[] f = floor.measured().sortedRttNanos();
        System.err.printf(
            Locale.ROOT,
            "bench: floor RTT p50 %.3f ms, p99 %.3f ms, %d of %d echoed%n",
            Reports.percentile(f, 50) / 1e6,
            Reports.percentile(f, 99) / 1e6,
            floor.measured().received(),
            floor.measured().sent());

        sys.startApps(root, options.buildOut(), options.javaOptions(), options.video());
        awaitLive(sys, options.video());
        System.err.printf("bench: live; settling for %s%n", options.settle());
        Thread.sleep(options.settle().toMillis());
        steady = steady(sys, options);
        for (int i = 1; i <= options.outages(); i++) {
          outages.add(outage(sys, i, options.outage()));
        }
        warnings = new ArrayList<>();
        for (AppProcess app : List.of(sys.appliance, sys.console)) {
          app.warnings().forEach(w -> warnings.add(app.name() + ": " + w));
        }
      } catch (Throwable e) {
        System.err.println(sys.logs());
        throw e;
      }
    }
    System.err.printf(
        Locale.ROOT, "bench: done in %.0f s, everything stopped%n", (System.nanoTime() - t0) / 1e9);
    return report(run, options, floor, steady, outages, warnings);
  }

  /** Connected through the relay, video playing at its size, live ECG frames arriving. */
  private static void awaitLive(LiveSystem sys, LiveSystem.Video v) {
    Duration connect = Duration.ofSeconds(60);
    LiveSystem.await(
        "the peer connection",
        connect,
        () -> "connected".equals(sys.state().path("connection").asString()));
    LiveSystem.await(
        "video playing at " + v.width() + "x" + v.height(),
        connect,
        () -> {
          JsonNode x = sys.video();
          return x.path("playing").asBoolean()
              && x.path("width").asInt() == v.width()
              && x.path("height").asInt() == v.height();
        });
    long live = sys.state().path("framesLive").asLong();
    LiveSystem.await(
        "live ECG frames arriving",
        connect,
        () -> sys.state().path("framesLive").asLong() > live + 8);
    System.err.println("bench: session live: " + sys.state());
  }

  // ------------------------------------------------------------------ steady phase

  private static Steady steady(LiveSystem sys, Options options) throws Exception {
    JsonNode pair = sys.selectedPair();
    String candidatePair = pair.path("local").asString() + " ↔ " + pair.path("remote").asString();
    double offset0 = sys.pageClockOffsetMillis();
    JsonNode st0 = sys.state();
    JsonNode v0 = sys.video();
    long seq0 = sys.applianceNextSeq();
    Map<String, Long> cpu0 = cpu(sys);
    Map<Long, Long> chromium0 = chromiumCpu(sys);
    long start = System.nanoTime();
    System.err.printf(
        "bench: steady phase, %s, from frame %d (%s)%n", options.duration(), seq0, candidatePair);
    List<Long> rss = new ArrayList<>();
    long end = start + options.duration().toNanos();
    long next = start;
    while (System.nanoTime() < end) {
      long r = sys.appliance.statusKiB("VmRSS");
      if (r > 0) {
        rss.add(r);
      }
      next += 1_000_000_000L;
      long wait = Math.min(next, end) - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long stop = System.nanoTime();
    Map<String, Long> cpu1 = cpu(sys);
    Map<Long, Long> chromium1 = chromiumCpu(sys);
    long seq1 = sys.applianceNextSeq();
    JsonNode v1 = sys.video();
    long hwm = sys.appliance.statusKiB("VmHWM");
    double seconds = (stop - start) / 1e9;
    // frames decoded before the end may still be on their way
    Thread.sleep(1500);
    JsonNode st1 = sys.state();
    double offset1 = sys.pageClockOffsetMillis();
    Map<Long, Long> decoded = sys.decodeTimes(seq0, seq1 - 1);
    JsonNode received = sys.receivedAt(seq0, seq1);
    long backfilled = st1.path("framesBackfill").asLong() - st0.path("framesBackfill").asLong();
    List<Long> lat = new ArrayList<>();
    int got = 0;
    int excluded = 0;
    for (long s = seq0; s < seq1; s++) {
      Long d = decoded.get(s);
      JsonNode r = received.get((int) (s - seq0));
      if (d == null || r == null || r.isNull()) {
        continue;
      }
      got++;
      long micros = Math.round(r.asDouble() * 1000) - d;
      // receivedAt is the first copy, live or backfilled: a frame lost live and backfilled
      // arrives a second or more late. Only when some were backfilled, leave those out.
      if (backfilled > 0 && micros >= 1_000_000) {
        excluded++;
        continue;
      }
      lat.add(micros);
    }
    long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    Map<String, Double> cores = new java.util.LinkedHashMap<>();
    double wall = (stop - start);
    for (String k : cpu0.keySet()) {
      cores.put(k, (cpu1.get(k) - cpu0.get(k)) / wall);
    }
    long chromiumNanos = 0;
    for (Map.Entry<Long, Long> e : chromium1.entrySet()) {
      chromiumNanos += e.getValue() - chromium0.getOrDefault(e.getKey(), 0L);
    }
    cores.put("chromium", chromiumNanos / wall);
    double machine = cores.remove("machine");
    double others = machine;
    for (double c : cores.values()) {
      others -= c;
    }
    cores.put("everything else", Math.max(0, others));
    cores.put("machine", machine);
    double frames = v1.path("totalFrames").asDouble() - v0.path("totalFrames").asDouble();
    Steady result =
        new Steady(
            seconds,
            seq0,
            seq1,
            decoded.size(),
            got,
            excluded,
            backfilled,
            sorted,
            offset0,
            offset1,
            cores,
            rss.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1024,
            rss.stream().mapToLong(Long::longValue).max().orElse(-1) / 1024.0,
            hwm / 1024.0,
            rss.size(),
            frames / seconds,
            v1.path("width").asInt() + "x" + v1.path("height").asInt(),
            candidatePair);
    System.err.printf(
        Locale.ROOT,
        "bench: latency over %d frames: p50 %.1f ms, p99 %.1f ms, max %.1f ms; appliance %.1f%% of"
            + " a core, RSS avg %.0f MiB%n",
        sorted.length,
        Reports.percentile(sorted, 50) / 1e3,
        Reports.percentile(sorted, 99) / 1e3,
        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e3,
        cores.get("appliance") * 100,
        result.applianceRssAvgMiB());
    return result;
  }

  /** CPU time so far per process (ns): appliance, console, coturn, this JVM, the whole machine. */
  private static Map<String, Long> cpu(LiveSystem sys) {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    m.put("appliance", sys.appliance.cpuNanos());
    m.put("console", sys.console.cpuNanos());
    m.put("coturn", ProcessCpu.ofPid(sys.coturn.pid()));
    m.put("benchmark JVM (monitor simulator, WebDriver client)", ProcessCpu.jvmNanos());
    m.put("machine", ProcessCpu.machineBusyNanos());
    return m;
  }

  private static Map<Long, Long> chromiumCpu(LiveSystem sys) {
    Map<Long, Long> m = new HashMap<>();
    for (long pid : sys.chromium.pids()) {
      m.put(pid, ProcessCpu.ofPid(pid));
    }
    return m;
  }

  // ------------------------------------------------------------------ outages

  private static Outage outage(LiveSystem sys, int number, Duration length) throws Exception {
    LiveSystem.await(
        "live before outage " + number,
        RECOVERY_TIMEOUT,
        () -> {
          JsonNode s = sys.state();
          return "connected".equals(s.path("connection").asString())
              && s.path("ecgLive").asBoolean()
              && s.path("missing").asLong() == 0;
        });
    long before = sys.applianceNextSeq();
    long backfillBefore = sys.state().path("framesBackfill").asLong();
    long logMark = sys.appliance.logLines();
    sys.coturn.stopRelay();
    long cut = System.nanoTime();
    System.err.printf("bench: outage %d: relay stopped at frame %d%n", number, before);
    long rest = length.toNanos() - (System.nanoTime() - cut);
    if (rest > 0) {
      Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
    }
    long nextAtRestore = sys.applianceNextSeq();
    long framesBefore = sys.state().path("framesLive").asLong();
    long startCall = System.nanoTime();
    sys.coturn.startAgain();
    long restored = System.nanoTime();
    double seconds = (startCall - cut) / 1e9;
    long relayStart = (restored - startCall) / 1_000_000;
    double toConnected = Double.NaN;
    double toLive = Double.NaN;
    double toFull = Double.NaN;
    long deadline = restored + RECOVERY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode s = sys.state();
      long now = System.nanoTime();
      boolean connected = "connected".equals(s.path("connection").asString());
      if (connected && Double.isNaN(toConnected)) {
        toConnected = (now - restored) / 1e6;
      }
      if (connected && s.path("framesLive").asLong() > framesBefore) {
        toLive = (now - restored) / 1e6;
        break;
      }
      Thread.sleep(POLL_MS);
    }
    while (!Double.isNaN(toLive) && System.nanoTime() < deadline) {
      JsonNode r = sys.record();
      long now = System.nanoTime();
      if (!r.path("lastSeq").isNull() && r.path("lastSeq").asLong() >= nextAtRestore - 1) {
        toFull = (now - restored) / 1e6;
        break;
      }
      Thread.sleep(POLL_MS);
    }
    for (String line : sys.appliance.linesSince(logMark)) {
      if (line.contains("live")) {
        System.err.println("bench:   appliance: " + line);
      }
    }
    JsonNode s = sys.state();
    Outage o =
        new Outage(
            number,
            seconds,
            nextAtRestore - before,
            relayStart,
            toConnected,
            toLive,
            toFull,
            s.path("framesBackfill").asLong() - backfillBefore,
            s.path("lost").asLong());
    System.err.printf(
        Locale.ROOT,
        "bench: outage %d: %.1f s, %d frames during; relay back → connected %.0f ms, → live %.0f"
            + " ms, → gap backfilled %.0f ms%n",
        number,
        seconds,
        o.framesDuring(),
        toConnected,
        toLive,
        toFull);
    return o;
  }

  // ------------------------------------------------------------------ report

  static String report(
      Reports.Run run,
      Options options,
      LiveFloor.Result floor,
      Steady st,
      List<Outage> outages,
      List<String> warnings) {
    StringBuilder r = new StringBuilder();
    r.append(
        run.markdown("WebRTC end to end: live ECG and video to the ED", options.commandLine()));
    r.append("- RAM: ").append(ramGiB()).append("\n");
    r.append(
        String.format(
            Locale.ROOT,
            "- path: simulated monitor (this JVM) → MLLP → appliance (exec jar, own JVM) → webrtc-java"
                + " peer → coturn on 127.0.0.1 (relay-only, UDP) → headless Chromium on the console's"
                + " live view (signaling through the console, exec jar, own JVM); selected candidate"
                + " pair %s; video %s at %.1f frames/s received (configured %dx%d@%d)%n",
            st.candidatePair(),
            st.videoSize(),
            st.videoFps(),
            options.video().width(),
            options.video().height(),
            options.video().fps()));
    r.append(
        String.format(
            Locale.ROOT,
            "- floor: `ecg` data channel round trip between two webrtc-java peers in this JVM through"
                + " the same coturn, before the apps started (DataChannelFloorBenchmark's code);"
                + " ICE + DTLS + channels in %d ms, candidates %s%n",
            floor.connectMillis(),
            floor.candidates()));
    r.append(
        String.format(
            Locale.ROOT,
            "- latency: appliance decode of a frame (`/api/live/decode-times`) → first receipt in the"
                + " page (`ambulinkLive.receivedAt`), frames %,d..%,d of a %.1f s steady phase (no"
                + " outage); page clock − system clock %.2f ms at start, %.2f ms at end (not"
                + " corrected)%n%n",
            st.firstSeq(),
            st.endSeq() - 1,
            st.seconds(),
            st.clockOffsetStartMs(),
            st.clockOffsetEndMs()));

    DataChannelFloorBenchmark.Result f = floor.measured();
    long[] fs = f.sortedRttNanos();
    double floorP99 = Reports.percentile(fs, 99) / 1e6;
    long[] ls = st.sortedLatencyMicros();
    double p99 = Reports.percentile(ls, 99) / 1e3;
    r.append("| measure | samples | lost | p50 (ms) | p99 (ms) | max (ms) |\n");
    r.append("|---|---:|---:|---:|---:|---:|\n");
    r.append(
        String.format(
            Locale.ROOT,
            "| floor: `ecg` round trip, %,d B at %d/s | %,d | %,d | %.3f | %.3f | %.3f |%n",
            f.size(),
            options.floorRate(),
            fs.length,
            f.sent() - f.received(),
            Reports.percentile(fs, 50) / 1e6,
            floorP99,
            fs.length == 0 ? Double.NaN : fs[fs.length - 1] / 1e6));
    r.append(
        String.format(
            Locale.ROOT,
            "| live ECG frame, appliance decode → browser | %,d | %,d | %.3f | %.3f | %.3f |%n%n",
            ls.length,
            st.decoded() - st.received(),
            Reports.percentile(ls, 50) / 1e3,
            p99,
            ls.length == 0 ? Double.NaN : ls[ls.length - 1] / 1e3));
    double target = TARGET_FLOOR_FACTOR * floorP99 + TARGET_SLACK_MS;
    r.append(
        String.format(
            Locale.ROOT,
            "- live p99 ÷ floor p99: **%.1f** (%.3f ms ÷ %.3f ms)%n",
            p99 / floorP99,
            p99,
            floorP99));
    r.append(
        String.format(
            Locale.ROOT,
            "- target: live p99 ≤ 2 × floor p99 + 10 ms = %.3f ms: **%s**%n",
            target,
            p99 <= target ? "met" : "missed"));
    r.append(
        String.format(
            Locale.ROOT,
            "- frames: %,d numbered by the appliance in the phase, %,d received by the page (\"lost\""
                + " above: numbered, never received); %,d backfilled meanwhile%s%n",
            st.decoded(),
            st.received(),
            st.backfilledDuring(),
            st.excludedBackfill() > 0
                ? " ("
                    + st.excludedBackfill()
                    + " frames a second or more late left out as backfilled)"
                : ""));
    r.append("\n| process | CPU, % of one core |\n|---|---:|\n");
    for (Map.Entry<String, Double> e : st.cores().entrySet()) {
      String name = e.getKey();
      r.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f |%n",
              name.equals("appliance") ? "**appliance**" : name,
              e.getValue() * 100));
    }
    r.append(
        String.format(
            Locale.ROOT,
            "%n- appliance resident memory (VmRSS, %d samples a second apart): average **%.0f MiB**,"
                + " max **%.0f MiB** (VmHWM, peak since start: %.0f MiB)%n",
            st.rssSamples(),
            st.applianceRssAvgMiB(),
            st.applianceRssMaxMiB(),
            st.applianceHwmMiB()));
    r.append(
        "- CPU: utime + stime from `/proc/<pid>/stat` over the steady phase ÷ its wall time;"
            + " machine: all cores busy from `/proc/stat` (200 % = both cores)\n");

    if (!outages.isEmpty()) {
      r.append(
          "\n| outage | relay down (s) | frames numbered meanwhile | relay back → connected (ms) |"
              + " relay back → live (ms) | relay back → gap backfilled (ms) | frames backfilled |"
              + " given up |\n");
      r.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Outage o : outages) {
        r.append(
            String.format(
                Locale.ROOT,
                "| %d | %.1f | %,d | %s | %s | %s | %,d | %,d |%n",
                o.number(),
                o.seconds(),
                o.framesDuring(),
                millis(o.toConnectedMillis()),
                millis(o.toLiveMillis()),
                millis(o.toBackfilledMillis()),
                o.backfilled(),
                o.lost()));
      }
      double medConnected =
          median(outages.stream().mapToDouble(Outage::toConnectedMillis).toArray());
      double medLive = median(outages.stream().mapToDouble(Outage::toLiveMillis).toArray());
      double medFull = median(outages.stream().mapToDouble(Outage::toBackfilledMillis).toArray());
      r.append(
          String.format(
              Locale.ROOT,
              "| **median** | | | **%s** | **%s** | **%s** | | |%n%n",
              millis(medConnected),
              millis(medLive),
              millis(medFull)));
      boolean allMet =
          outages.stream().allMatch(o -> o.toLiveMillis() < TARGET_LIVE_AGAIN.toMillis());
      r.append(
          String.format(
              Locale.ROOT,
              "- target: live again within %d s of the relay's return: **%s** (median %s ms; %d of"
                  + " %d outages within)%n",
              TARGET_LIVE_AGAIN.toSeconds(),
              allMet
                  ? "met"
                  : (medLive < TARGET_LIVE_AGAIN.toMillis()
                      ? "met at the median, not in every outage"
                      : "missed"),
              millis(medLive),
              outages.stream().filter(o -> o.toLiveMillis() < TARGET_LIVE_AGAIN.toMillis()).count(),
              outages.size()));
      r.append(
          "- relay back: when coturn listens again (`CoturnServer.startAgain()` returned, "
              + outages.stream()
                  .map(o -> o.relayStartMillis() + "")
                  .reduce((a, b) -> a + ", " + b)
                  .orElse("")
              + " ms after it was called); connected: the page's connection state `connected`;"
              + " live: connected and a new live frame; gap backfilled: the page's contiguous record reaches the last frame the"
              + " appliance had numbered when the relay came back. Polled every "
              + POLL_MS
              + " ms through WebDriver.\n");
    }
    r.append("- apps' log lines at WARN or ERROR: ").append(warnings.size());
    List<String> kinds =
        warnings.stream()
            .map(
                w ->
                    w.replaceAll(
                        "^(\\w+): \\S+\\s+(WARN|ERROR) \\d+ --- \\[[^\\]]*\\] \\[[^\\]]*\\] (\\S+)\\s+: ",
                        "$1: $2 $3: "))
            .map(w -> w.length() > 110 ? w.substring(0, 110) + "…" : w)
            .distinct()
            .limit(6)
            .toList();
    if (!kinds.isEmpty()) {
      r.append(", e.g.:\n");
      kinds.forEach(k -> r.append("  - `").append(k.replace('`', '\'')).append("`\n"));
    } else {
      r.append("\n");
    }
    return r.toString();
  }

  private static String millis(double ms) {
    return Double.isNaN(ms)
        ? "not within " + RECOVERY_TIMEOUT.toSeconds() + " s"
        : String.format(Locale.ROOT, "%,.0f", ms);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v); // NaN sorts last: a recovery that never came counts as the slowest
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String ramGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.substring(9).replace("kB", "").trim());
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return "unknown";
  }
}
