package org.ambulink.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.ambulink.appliance.webrtc.IceCandidate;
import org.ambulink.appliance.webrtc.IceServer;
import org.ambulink.appliance.webrtc.RtcChannel;
import org.ambulink.appliance.webrtc.RtcEngine;
import org.ambulink.appliance.webrtc.RtcPeer;
import org.ambulink.appliance.webrtc.SessionDescription;
import org.ambulink.testsupport.CoturnServer;

/**
 * The floor of live data over WebRTC: the raw round trip of a webrtc-java data channel between two
 * peers in this JVM ({@link RtcPeer}, as the appliance uses it), through a real coturn relay on
 * loopback (relay-only, REST-scheme credentials; libwebrtc ignores loopback for host candidates, so
 * a relay is the only path on a box without other interfaces, and the production path on hospital
 * networks). Peer B echoes every message back on the same channel from its message callback; peer A
 * measures the round trip. No encoding, no journal, no console: the later end-to-end latency
 * (monitor → appliance → viewer) is judged against this.
 *
 * <p>Cases: each channel ({@code ecg}: unordered, no retransmissions; {@code events}: reliable,
 * ordered) × message size (a small event, a 250 ms ECG chunk of 12 leads × 125 samples × 2 bytes +
 * header) × pacing (a fixed rate, and as fast as the send buffer allows). Messages lost on the
 * unordered channel are counted.
 */
public final class DataChannelFloorBenchmark {
  static final String USAGE =
      """
      usage: bin/bench rtc-floor [options]
         or: java -cp benchmarks/target/benchmarks.jar org.ambulink.bench.DataChannelFloorBenchmark [options]
        --messages N        measured messages per case (default 2000)
        --warmup N          unmeasured messages per channel first, for the JIT (default 1000)
        --rate N            messages per second of the paced cases (default 100)
        --sizes LIST        message sizes in bytes, at least 16 (default 64,3016: an event, and a
                            250 ms ECG chunk of 12 leads x 125 samples x 2 bytes + 16 header)
        --buffer BYTES      unpaced cases: send while the channel's buffered amount is below this
                            (default 262144)
      Needs coturn (turnserver) on the PATH, and Debian's libpulse0 for webrtc-java's native library.
      Prints progress to stderr and a markdown report to stdout.
      """;

  private static final int HEADER = 16;
  private static final Duration DRAIN_QUIET = Duration.ofMillis(750);
  private static final Duration DRAIN_MAX = Duration.ofSeconds(10);

  record Options(int messages, int warmup, int rate, List<Integer> sizes, long buffer) {
    static Options parse(String[] args) {
      int messages = 2000;
      int warmup = 1000;
      int rate = 100;
      List<Integer> sizes = List.of(64, 3016);
      long buffer = 256 * 1024;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value; see --help");
        }
        String v = args[++i];
        switch (a) {
          case "--messages" -> messages = positive(a, v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--rate" -> rate = positive(a, v);
          case "--sizes" ->
              sizes = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
          case "--buffer" -> buffer = positive(a, v);
          default -> throw Cli.unknown(new Cli.Option(a, v));
        }
      }
      for (int s : sizes) {
        if (s < HEADER || s > 64 * 1024) {
          throw new IllegalArgumentException(
              "--sizes must be between 16 and 65536 bytes, was " + s);
        }
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("--warmup must not be negative");
      }
      return new Options(messages, warmup, rate, sizes, buffer);
    }

    private static int positive(String name, String v) {
      int n = Integer.parseInt(v);
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be positive, was " + v);
      }
      return n;
    }

    String commandLine() {
      return "--messages "
          + messages
          + " --warmup "
          + warmup
          + " --rate "
          + rate
          + " --sizes "
          + String.join(",", sizes.stream().map(String::valueOf).toList())
          + " --buffer "
          + buffer;
    }
  }

  /** One measured case. */
  record Result(
      String channel,
      int size,
      String pacing,
      int sent,
      int received,
      long sendErrors,
      double seconds,
      long[] sortedRttNanos) {}

  /** What peer A is measuring now: echoes of another case are ignored. */
  private static final class Measurement {
    final int id;
    final long[] rtt;
    final AtomicInteger received = new AtomicInteger();
    final AtomicLong lastReceipt = new AtomicLong(System.nanoTime());

    Measurement(int id, int messages) {
      this.id = id;
      this.rtt = new long[messages];
      Arrays.fill(rtt, -1);
    }
  }

  private static volatile Measurement current = new Measurement(-1, 0);

  public static void main(String[] args) throws Exception {
    Options options = Cli.options(args, Options::parse, USAGE);
    if (options == null) {
      return;
    }
    Reports.Run run = Reports.Run.start("bin/bench rtc-floor", String.join(" ", args));
    run.announce(System.err);
    List<Result> results = new ArrayList<>();
    long connectMillis;
    List<String> candidateTypes = new ArrayList<>();
    // The engine is not disposed: the process halts right after the report (below), and disposing
    // the native factory makes its threads print "VM attach current thread failed" on stdout.
    RtcEngine engine = new RtcEngine();
    try (CoturnServer turn = CoturnServer.start(CoturnServer.randomSecret())) {
      System.err.println("bench: " + turn);
      Pair pair = Pair.connect(engine, turn, "bench");
      try (RtcPeer a = pair.a();
          RtcPeer b = pair.b()) {
        connectMillis = pair.connectMillis();
        candidateTypes.addAll(pair.candidateTypes());
        System.err.printf(
            "bench: connected through the relay in %d ms (candidates: %s)%n",
            connectMillis, String.join(",", candidateTypes));
        // B echoes from the native callback: sending from it does not block
        echo(b.ecg());
        echo(b.events());
        receive(a.ecg());
        receive(a.events());

        int caseId = 0;
        for (RtcChannel ch : List.of(a.events(), a.ecg())) {
          if (options.warmup() > 0) {
            System.err.printf("bench: warm-up %s, %d messages%n", ch.label(), options.warmup());
            measure(ch, caseId++, options.warmup(), options.sizes().get(0), 0, options.buffer());
          }
        }
        for (RtcChannel ch : List.of(a.ecg(), a.events())) {
          for (int size : options.sizes()) {
            for (int rate : new int[] {options.rate(), 0}) {
              String pacing = rate > 0 ? rate + "/s" : "unpaced";
              System.err.printf(
                  "bench: %s, %d B, %s, %d messages...%n",
                  ch.label(), size, pacing, options.messages());
              Result r = measure(ch, caseId++, options.messages(), size, rate, options.buffer());
              System.err.printf(
                  Locale.ROOT,
                  "bench:   p50 %.3f ms, p99 %.3f ms, lost %d%n",
                  Reports.percentile(r.sortedRttNanos(), 50) / 1e6,
                  Reports.percentile(r.sortedRttNanos(), 99) / 1e6,
                  r.sent() - r.received());
              results.add(r);
            }
          }
        }
      }
    }
    System.out.print(report(run, options, connectMillis, candidateTypes, results));
    System.out.flush();
    // The native library can crash the JVM on its way out (a known upstream issue): the peers and
    // coturn are closed and the report is out, so leave without running exit handlers.
    Runtime.getRuntime().halt(0);
  }

  /** Two peers in this JVM connected relay-only through {@code turn}, all channels open. */
  record Pair(RtcPeer a, RtcPeer b, long connectMillis, List<String> candidateTypes) {
    static Pair connect(RtcEngine engine, CoturnServer turn, String name) throws Exception {
      RtcPeer[] peers = new RtcPeer[2];
      ConcurrentLinkedQueue<IceCandidate> local = new ConcurrentLinkedQueue<>();
      peers[0] =
          new RtcPeer(
              engine,
              iceServers(turn, "appliance:" + name),
              true,
              c -> {
                local.add(c);
                peers[1].addRemoteCandidate(c);
              });
      peers[1] =
          new RtcPeer(
              engine,
              iceServers(turn, "viewer:" + name),
              true,
              c -> {
                local.add(c);
                peers[0].addRemoteCandidate(c);
              });
      try {
        RtcPeer a = peers[0];
        RtcPeer b = peers[1];
        long t0 = System.nanoTime();
        SessionDescription offer = a.createOffer().get(10, TimeUnit.SECONDS);
        a.acceptAnswer(b.acceptOffer(offer).get(10, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS);
        a.connected().get(20, TimeUnit.SECONDS);
        b.connected().get(20, TimeUnit.SECONDS);
        for (RtcChannel c : List.of(a.ecg(), a.events(), b.ecg(), b.events())) {
          c.opened().get(10, TimeUnit.SECONDS);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        List<String> types = new ArrayList<>();
        local.forEach(c -> types.add(c.type()));
        return new Pair(a, b, millis, types);
      } catch (Exception | Error e) {
        peers[0].close();
        peers[1].close();
        throw e;
      }
    }
  }

  static List<IceServer> iceServers(CoturnServer turn, String user) {
    CoturnServer.Credential c = turn.credential(user, Duration.ofHours(1));
    return List.of(new IceServer(List.of(turn.url()), c.username(), c.password()));
  }

  static void echo(RtcChannel channel) {
    channel.onMessage(
        m -> {
          try {
            channel.send(m);
          } catch (IllegalStateException e) {
            // the echo's buffer is full or the channel closing: counted as lost by A
          }
        });
  }

  static void receive(RtcChannel channel) {
    channel.onMessage(
        m -> {
          long now = System.nanoTime();
          ByteBuffer b = ByteBuffer.wrap(m);
          Measurement c = current;
          if (b.getInt(0) != c.id) {
            return;
          }
          int seq = b.getInt(4);
          if (seq >= 0 && seq < c.rtt.length && c.rtt[seq] < 0) {
            c.rtt[seq] = now - b.getLong(8);
            c.received.incrementAndGet();
            c.lastReceipt.set(now);
          }
        });
  }

  static Result measure(
      RtcChannel channel, int id, int messages, int size, int rate, long bufferLimit)
      throws InterruptedException {
    Measurement m = new Measurement(id, messages);
    current = m;
    byte[][] payloads = new byte[messages][];
    for (int i = 0; i < messages; i++) {
      payloads[i] = new byte[size];
      for (int j = HEADER; j < size; j++) {
        payloads[i][j] = (byte) (i + j);
      }
    }
    long sendErrors = 0;
    long start = System.nanoTime();
    long interval = rate > 0 ? 1_000_000_000L / rate : 0;
    for (int i = 0; i < messages; i++) {
      if (rate > 0) {
        long due = start + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
      } else {
        while (channel.bufferedAmount() >= bufferLimit) {
          LockSupport.parkNanos(20_000);
        }
      }
      ByteBuffer b = ByteBuffer.wrap(payloads[i]);
      b.putInt(0, id).putInt(4, i).putLong(8, System.nanoTime());
      try {
        channel.send(payloads[i]);
      } catch (IllegalStateException e) {
        sendErrors++;
      }
    }
    long drainStart = System.nanoTime();
    m.lastReceipt.set(drainStart);
    while (m.received.get() < messages
        && System.nanoTime() - m.lastReceipt.get() < DRAIN_QUIET.toNanos()
        && System.nanoTime() - drainStart < DRAIN_MAX.toNanos()) {
      Thread.sleep(5);
    }
    double seconds = (m.lastReceipt.get() - start) / 1e9;
    long[] rtts = Arrays.stream(m.rtt.clone()).filter(r -> r >= 0).sorted().toArray();
    return new Result(
        channel.label(),
        size,
        rate > 0 ? rate + "/s" : "unpaced",
        messages,
        rtts.length,
        sendErrors,
        seconds,
        rtts);
  }

  static String report(
      Reports.Run run,
      Options options,
      long connectMillis,
      List<String> candidateTypes,
      List<Result> results) {
    StringBuilder r = new StringBuilder();
    r.append(run.markdown("WebRTC data channel floor", options.commandLine()));
    r.append(
        String.format(
            Locale.ROOT,
            "- path: two webrtc-java %s peers in one JVM, relay-only through coturn on 127.0.0.1"
                + " (UDP); ICE + DTLS + both channels open in %d ms; local candidates: %s%n",
            "0.14.0",
            connectMillis,
            String.join(", ", candidateTypes.stream().distinct().toList())));
    r.append(
        "- round trip: A sends [case, sequence, send time, payload], B echoes it from its"
            + " message callback on the same channel, A takes the time on receipt\n\n");
    r.append(
        "| channel | size (B) | pacing | sent | echoed back | lost | RTT p50 (ms) | RTT p99 (ms) |"
            + " RTT max (ms) | msg/s |\n");
    r.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result x : results) {
      long[] s = x.sortedRttNanos();
      r.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %,d | %,d | %,d%s | %.3f | %.3f | %.3f | %,.0f |%n",
              x.channel().equals(RtcPeer.ECG)
                  ? "`ecg` (unordered, 0 retransmits)"
                  : "`events` (reliable)",
              x.size(),
              x.pacing(),
              x.sent(),
              x.received(),
              x.sent() - x.received(),
              x.sendErrors() > 0 ? " (" + x.sendErrors() + " send errors)" : "",
              Reports.percentile(s, 50) / 1e6,
              Reports.percentile(s, 99) / 1e6,
              s.length == 0 ? Double.NaN : s[s.length - 1] / 1e6,
              x.seconds() > 0 ? x.received() / x.seconds() : Double.NaN));
    }
    r.append(
        "\n- lost: sent but not echoed back within "
            + DRAIN_QUIET.toMillis()
            + " ms of the last echo (either direction; only the `ecg` channel may lose any)\n");
    r.append(
        "- msg/s: echoes received per second from the first send to the last echo (the paced cases"
            + " show the pacing)\n");
    return r.toString();
  }
}
