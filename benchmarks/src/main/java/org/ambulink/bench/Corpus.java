package org.ambulink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;

/**
 * Distinct PCD-01 messages from the simulator, encoded once up front so that senders only copy
 * bytes: the benchmark measures the receiving side, not the encoder.
 *
 * @param messages the simulator's messages
 * @param payloads the same messages encoded as HL7, UTF-8, unframed
 * @param samples waveform samples (all leads) in each message
 * @param chunk ECG time in one message
 */
record Corpus(
    String record,
    int leads,
    double sampleRate,
    Duration chunk,
    List<MonitorMessage> messages,
    byte[][] payloads,
    int[] samples,
    long totalBytes,
    long totalSamples,
    long messagesWithNumerics) {

  /** A fixed start time and seed: the same bytes on every run. */
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  static Corpus build(String recordName, int count, double rate, Duration chunk)
      throws IOException {
    WfdbRecord record = WfdbReader.read(recordName);
    MonitorSimulator sim =
        MonitorSimulator.builder(record)
            .outputRate(rate)
            .chunk(chunk)
            .start(START)
            .seed(1)
            .controlIdPrefix("BENCH-")
            .build();
    Hl7Encoder encoder = new Hl7Encoder();
    MonitorMessage[] messages = new MonitorMessage[count];
    for (int i = 0; i < count; i++) {
      messages[i] = sim.next();
    }
    byte[][] payloads = new byte[count][];
    int[] samples = new int[count];
    long bytes = 0;
    long totalSamples = 0;
    long withNumerics = 0;
    for (int i = 0; i < count; i++) {
      payloads[i] = encode(encoder, messages[i]);
      samples[i] = Math.toIntExact(messages[i].sampleCount());
      bytes += payloads[i].length;
      totalSamples += samples[i];
      if (!messages[i].observations().isEmpty()) {
        withNumerics++;
      }
    }
    return new Corpus(
        record.name(),
        sim.leads().size(),
        rate,
        chunk,
        List.of(messages),
        payloads,
        samples,
        bytes,
        totalSamples,
        withNumerics);
  }

  private static byte[] encode(Hl7Encoder encoder, MonitorMessage message) {
    return encoder.encodeObservationReport(message).getBytes(StandardCharsets.UTF_8);
  }

  int size() {
    return payloads.length;
  }

  double averageBytes() {
    return (double) totalBytes / payloads.length;
  }

  /** Samples per second one monitor produces in real time (12 leads at 500 Hz: 6000). */
  double realTimeSamplesPerSecond() {
    return totalSamples / (payloads.length * (chunk.toNanos() / 1e9));
  }

  /** Messages per second one monitor sends in real time (one per chunk: 4 at 250 ms). */
  double realTimeMessagesPerSecond() {
    return 1e9 / chunk.toNanos();
  }

  /**
   * What the corpus is, for a report: "400 distinct PCD-01 `ORU^R01` messages from the simulator
   * replaying `s0010_re` (12 leads at 500 Hz, 250 ms per message, 1500 samples each; numerics in
   * 100 of them)".
   */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d distinct PCD-01 `ORU^R01` messages from the simulator replaying `%s` (%d leads at %.0f"
            + " Hz, %d ms per message, %d samples each; numerics in %d of them)",
        size(),
        record,
        leads,
        sampleRate,
        chunk.toMillis(),
        samples[0],
        messagesWithNumerics);
  }
}
