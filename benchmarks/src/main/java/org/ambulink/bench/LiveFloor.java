package org.ambulink.bench;

import org.ambulink.appliance.webrtc.RtcEngine;
import org.ambulink.appliance.webrtc.RtcPeer;
import org.ambulink.testsupport.CoturnServer;

/**
 * The floor of {@link LiveSessionBenchmark}: the raw round trip of the {@code ecg} data channel
 * between two webrtc-java peers in this JVM through the same coturn relay, measured by {@link
 * DataChannelFloorBenchmark}'s own code (its connected pair, echo, receive and measure steps).
 */
final class LiveFloor {
  private LiveFloor() {}

  /** The measured case, and how long ICE + DTLS + channels took. */
  record Result(DataChannelFloorBenchmark.Result measured, long connectMillis, String candidates) {}

  /**
   * Connects two peers relay-only through {@code turn}, warms the {@code ecg} channel up with
   * {@code warmup} unpaced messages, then measures {@code messages} round trips of {@code size}
   * bytes at {@code rate} per second. The engine is left open (closing the native factory makes its
   * threads print on stdout; the benchmark halts at the end instead).
   */
  static Result measure(
      RtcEngine engine, CoturnServer turn, int warmup, int messages, int size, int rate)
      throws Exception {
    DataChannelFloorBenchmark.Pair pair =
        DataChannelFloorBenchmark.Pair.connect(engine, turn, "floor");
    try (RtcPeer a = pair.a();
        RtcPeer b = pair.b()) {
      DataChannelFloorBenchmark.echo(b.ecg());
      DataChannelFloorBenchmark.receive(a.ecg());
      if (warmup > 0) {
        System.err.printf("bench: floor warm-up, %d messages on ecg%n", warmup);
        DataChannelFloorBenchmark.measure(a.ecg(), 9000, warmup, size, 0, 256 * 1024L);
      }
      System.err.printf(
          "bench: floor: ecg, %d B, %d/s, %d messages (%.0f s)...%n",
          size, rate, messages, messages / (double) rate);
      DataChannelFloorBenchmark.Result r =
          DataChannelFloorBenchmark.measure(a.ecg(), 9001, messages, size, rate, 256 * 1024L);
      return new Result(
          r,
          pair.connectMillis(),
          String.join(", ", pair.candidateTypes().stream().distinct().toList()));
    }
  }
}
