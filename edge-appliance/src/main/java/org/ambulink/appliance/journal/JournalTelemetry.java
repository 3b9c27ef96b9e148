package org.ambulink.appliance.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Journal metrics ({@code ambulink.journal.*}): commit latency histogram, batch sizes, entries and
 * bytes committed, depth (entries and bytes kept, file size), failed commits, and per-consumer lag
 * on the stream being recorded.
 */
public final class JournalTelemetry implements Journal.CommitObserver {
  private final Timer commit;
  private final DistributionSummary batch;
  private final Counter entries;
  private final Counter bytes;
  private final Counter failures;

  public JournalTelemetry(
      MeterRegistry registry,
      Journal journal,
      List<String> consumers,
      Supplier<String> activeStream) {
    commit =
        Timer.builder("ambulink.journal.commit")
            .description("time to write and force one group commit to disk")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram()
            .register(registry);
    batch =
        DistributionSummary.builder("ambulink.journal.commit.appends")
            .description("appends (monitor messages, events) per group commit")
            .register(registry);
    entries =
        Counter.builder("ambulink.journal.entries.committed")
            .description("entries committed")
            .register(registry);
    bytes =
        Counter.builder("ambulink.journal.bytes.committed")
            .baseUnit("bytes")
            .description("sealed bytes committed")
            .register(registry);
    failures =
        Counter.builder("ambulink.journal.commit.failures")
            .description("group commits that failed and were rolled back")
            .register(registry);
    Gauge.builder(
            "ambulink.journal.depth.entries",
            journal,
            j -> j.streams().stream().mapToLong(Journal.StreamInfo::entries).sum())
        .description("entries kept in the journal")
        .register(registry);
    Gauge.builder("ambulink.journal.depth.bytes", journal, Journal::liveBytes)
        .baseUnit("bytes")
        .description("sealed bytes kept in the journal (what the disk cap counts)")
        .register(registry);
    Gauge.builder("ambulink.journal.file.bytes", journal, Journal::fileBytes)
        .baseUnit("bytes")
        .description("size of the journal's files")
        .register(registry);
    for (String consumer : consumers) {
      Gauge.builder(
              "ambulink.journal.consumer.lag",
              journal,
              j -> {
                String stream = activeStream.get();
                long last = j.lastSeq(stream);
                return last < 0 ? 0 : last - Math.max(0, j.cursor(consumer, stream));
              })
          .tag("consumer", consumer)
          .description("entries of the stream being recorded that the consumer has not delivered")
          .register(registry);
    }
  }

  @Override
  public void committed(int appends, int entryCount, long byteCount, long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
    batch.record(appends);
    entries.increment(entryCount);
    bytes.increment(byteCount);
  }

  @Override
  public void failed(Throwable cause) {
    failures.increment();
  }
}
