package org.ambulink.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.drivers.hl7.Hl7DecodeException;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.hl7.MessageHeader;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.model.MonitorMessage;

/**
 * Where a message's time goes without any transport: each step on its own, one thread, over the
 * corpus. Tells whether the link numbers are bound by parsing or by moving bytes.
 */
final class InProcess {

  /** One step's cost on one core. */
  record Step(String name, long operations, double seconds) {
    double microsPerMessage() {
      return seconds * 1e6 / operations;
    }

    double perSecond() {
      return operations / seconds;
    }
  }

  @FunctionalInterface
  private interface Op {
    long run(int i) throws Exception;
  }

  private InProcess() {}

  static List<Step> measure(
      Corpus corpus, Hl7Decoder decoder, FrameHandler intake, Duration warmup, Duration measure)
      throws Exception {
    byte[][] payloads = corpus.payloads();
    String[] texts = new String[payloads.length];
    for (int i = 0; i < payloads.length; i++) {
      texts[i] = new String(payloads[i], StandardCharsets.UTF_8);
    }
    Hl7Encoder encoder = new Hl7Encoder();
    List<Step> steps = new ArrayList<>();
    steps.add(
        time(
            "bytes to String (UTF-8)",
            corpus,
            i -> new String(payloads[i], StandardCharsets.UTF_8).length(),
            warmup,
            measure));
    steps.add(
        time(
            "MessageHeader.peek (MSH only)",
            corpus,
            i -> MessageHeader.peek(texts[i]).controlId().length(),
            warmup,
            measure));
    steps.add(
        time(
            "Hl7Decoder.decode (String in)",
            corpus,
            i -> decodeOrFail(decoder, texts[i]).sampleCount(),
            warmup,
            measure));
    steps.add(
        time(
            "MonitorIntake.onFrame (bytes in, ACK out)",
            corpus,
            i -> intake.onFrame(payloads[i], "in-process").toCompletableFuture().join().length,
            warmup,
            measure));
    steps.add(
        time(
            "Hl7Encoder.encodeObservationReport (sender side, for scale)",
            corpus,
            i -> encoder.encodeObservationReport(corpus.messages().get(i)).length(),
            warmup,
            measure));
    return steps;
  }

  private static MonitorMessage decodeOrFail(Hl7Decoder decoder, String text)
      throws Hl7DecodeException {
    return decoder.decode(text);
  }

  private static Step time(String name, Corpus corpus, Op op, Duration warmup, Duration measure)
      throws Exception {
    long blackhole = 0;
    blackhole += loop(corpus, op, warmup.toNanos())[1];
    long[] r = loop(corpus, op, measure.toNanos());
    blackhole += r[1];
    if (blackhole == 42) {
      System.out.print(""); // keeps the results alive
    }
    return new Step(name, r[0], r[2] / 1e9);
  }

  /** Returns {operations, checksum, nanos}; runs whole passes over the corpus, checking time. */
  private static long[] loop(Corpus corpus, Op op, long nanos) throws Exception {
    long start = System.nanoTime();
    long end = start + nanos;
    long ops = 0;
    long sum = 0;
    int n = corpus.size();
    int i = 0;
    long now;
    do {
      for (int k = 0; k < 8; k++) {
        sum += op.run(i);
        i = i + 1 == n ? 0 : i + 1;
      }
      ops += 8;
      now = System.nanoTime();
    } while (now < end);
    return new long[] {ops, sum, now - start};
  }
}
