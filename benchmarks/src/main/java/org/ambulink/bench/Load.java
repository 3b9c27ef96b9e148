package org.ambulink.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Drives links as monitors do, as fast as the receiver answers: one thread per link keeps {@code
 * window} messages in flight (window 1 is stop-and-wait, one {@link Link#exchange} after the other)
 * and counts what was acknowledged. Counts start after the warm-up and stop after the measurement
 * time; messages in flight at the end are drained, not counted.
 */
final class Load {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  /**
   * What one measurement saw.
   *
   * @param messages messages acknowledged in the measurement time, all links
   * @param samples waveform samples in those messages
   * @param bytes HL7 payload bytes in those messages
   * @param seconds the measurement time
   * @param jvmCpuSeconds CPU time of the whole JVM (senders and receiver) in that time
   * @param otherCpuSeconds CPU time of a helper process (socat) in that time, 0 if none
   * @param machineCpuSeconds CPU time of the whole machine in that time (all processes)
   * @param gcMillis garbage-collection time in that time
   * @param negativeAcks replies that were not {@code AA}
   * @param latencyNanos round-trip times (send to ACK) in that time, sorted; empty unless window 1
   * @param totalMessages every message acknowledged, warm-up and drain included
   * @param totalSamples the samples in those
   */
  record Measurement(
      long messages,
      long samples,
      long bytes,
      double seconds,
      double jvmCpuSeconds,
      double otherCpuSeconds,
      double machineCpuSeconds,
      long gcMillis,
      long negativeAcks,
      long[] latencyNanos,
      long totalMessages,
      long totalSamples) {

    double messagesPerSecond() {
      return messages / seconds;
    }

    double samplesPerSecond() {
      return samples / seconds;
    }

    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }

    /** JVM CPU microseconds per acknowledged message (senders and receiver together). */
    double cpuMicrosPerMessage() {
      return messages == 0 ? Double.NaN : jvmCpuSeconds * 1e6 / messages;
    }

    /** Cores kept busy on average by the JVM (and the helper process, if any). */
    double coresBusy() {
      return (jvmCpuSeconds + otherCpuSeconds) / seconds;
    }

    /** Cores kept busy by other processes on the machine: background load that skews results. */
    double backgroundCores() {
      return Math.max(0, (machineCpuSeconds - jvmCpuSeconds - otherCpuSeconds) / seconds);
    }

    double latencyPercentileMicros(double p) {
      return Reports.percentile(latencyNanos, p) / 1e3;
    }
  }

  private Load() {}

  /**
   * Runs the links for {@code warmup + measure}.
   *
   * @param otherCpu CPU time of a helper process to account (e.g. socat), or null
   */
  static Measurement run(
      List<Link> links,
      int window,
      Corpus corpus,
      Duration warmup,
      Duration measure,
      LongSupplier otherCpu)
      throws Exception {
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < links.size(); i++) {
      // Each monitor starts at another place in the corpus, like monitors out of step.
      int offset = (int) ((long) i * corpus.size() / links.size());
      workers.add(new Worker(links.get(i), window, corpus, offset, "load-" + i));
    }
    Sender.startAll(workers);
    Sender.sleep(warmup, workers, () -> {});
    Snapshot before = Snapshot.take(workers, otherCpu);
    Sender.recordAll(workers, true);
    Sender.sleep(measure, workers, () -> {});
    Sender.recordAll(workers, false);
    Snapshot after = Snapshot.take(workers, otherCpu);
    Sender.stopAll(workers, ACK_TIMEOUT.multipliedBy(2));
    long[] latencies = workers.stream().flatMapToLong(Worker::latencies).sorted().toArray();
    Snapshot end = Snapshot.take(workers, otherCpu);
    return new Measurement(
        after.messages - before.messages,
        after.samples - before.samples,
        after.bytes - before.bytes,
        (after.nanos - before.nanos) / 1e9,
        (after.jvmCpu - before.jvmCpu) / 1e9,
        (after.otherCpu - before.otherCpu) / 1e9,
        (after.machineCpu - before.machineCpu) / 1e9,
        after.gcMillis - before.gcMillis,
        after.negativeAcks - before.negativeAcks,
        latencies,
        end.messages,
        end.samples);
  }

  private record Snapshot(
      long nanos,
      long messages,
      long samples,
      long bytes,
      long negativeAcks,
      long jvmCpu,
      long otherCpu,
      long machineCpu,
      long gcMillis) {

    static Snapshot take(List<Worker> workers, LongSupplier otherCpu) {
      return new Snapshot(
          System.nanoTime(),
          Sender.sum(workers, w -> w.messages),
          Sender.sum(workers, w -> w.samples),
          Sender.sum(workers, w -> w.bytes),
          Sender.sum(workers, w -> w.negativeAcks),
          ProcessCpu.jvmNanos(),
          otherCpu == null ? 0 : otherCpu.getAsLong(),
          ProcessCpu.machineBusyNanos(),
          ProcessCpu.gcMillis());
    }
  }

  /** One monitor: keeps {@code window} messages in flight on its link. */
  private static final class Worker extends Sender {
    private final Link link;
    private final int window;
    private final Corpus corpus;
    private int next;

    // Written by the worker only, read by the coordinator.
    volatile long messages;
    volatile long samples;
    volatile long bytes;
    volatile long negativeAcks;

    private long[] latency = new long[1 << 16];
    private int latencyCount;

    Worker(Link link, int window, Corpus corpus, int offset, String name) {
      super(name);
      this.link = link;
      this.window = window;
      this.corpus = corpus;
      this.next = offset;
    }

    @Override
    void sendUntilStopped() throws Exception {
      if (window == 1) {
        stopAndWait();
      } else {
        pipelined();
      }
    }

    private void stopAndWait() throws Exception {
      while (!stop) {
        int i = nextIndex();
        long t0 = System.nanoTime();
        byte[] ack = link.exchange(corpus.payloads()[i], ACK_TIMEOUT);
        long rtt = System.nanoTime() - t0;
        if (recording) {
          recordLatency(rtt);
        }
        acknowledged(i, ack);
      }
    }

    private void pipelined() throws Exception {
      int[] inFlight = new int[window];
      int head = 0;
      int count = 0;
      for (; count < window; count++) {
        int i = nextIndex();
        link.send(corpus.payloads()[i]);
        inFlight[(head + count) % window] = i;
      }
      while (!stop) {
        byte[] ack = link.awaitReply(ACK_TIMEOUT);
        acknowledged(inFlight[head], ack);
        int i = nextIndex();
        link.send(corpus.payloads()[i]);
        inFlight[head] = i;
        head = (head + 1) % window;
      }
      for (; count > 0; count--) {
        acknowledged(inFlight[head], link.awaitReply(ACK_TIMEOUT));
        head = (head + 1) % window;
      }
    }

    private int nextIndex() {
      int i = next;
      next = (next + 1) % corpus.size();
      return i;
    }

    private void acknowledged(int i, byte[] ack) {
      if (!Acks.isPositive(ack)) {
        negativeAcks++;
      }
      samples += corpus.samples()[i];
      bytes += corpus.payloads()[i].length;
      messages++;
    }

    private void recordLatency(long nanos) {
      if (latencyCount == latency.length) {
        latency = Arrays.copyOf(latency, latency.length * 2);
      }
      latency[latencyCount++] = nanos;
    }

    java.util.stream.LongStream latencies() {
      return Arrays.stream(latency, 0, latencyCount);
    }
  }
}
