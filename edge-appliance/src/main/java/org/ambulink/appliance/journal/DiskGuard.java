package org.ambulink.appliance.journal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal within its disk cap, by a fixed policy (config/README.md, "Journal disk
 * policy"):
 *
 * <ol>
 *   <li>A closed transport is deleted once every delivery consumer has all of it and the retention
 *       period after its close has passed.
 *   <li>While the journal is over its cap, waveforms are purged oldest first: first from transports
 *       (closed or not) up to what every delivery consumer has delivered, then from standby data
 *       older than the retention period. Vitals, alarms and transport events are never purged by
 *       the cap, nor is anything not yet delivered.
 *   <li>When the journal is still over the cap, or above the warning share of it, the crew sees a
 *       warning. Recording goes on regardless: the monitor's data is never refused for the cap.
 * </ol>
 */
public final class DiskGuard {
  private static final Logger log = LoggerFactory.getLogger(DiskGuard.class);

  private final Journal journal;
  private final JournalProperties props;
  private final Supplier<Map<String, Optional<Instant>>> closedTransports;
  private final Function<String, Boolean> isTransport;
  private final Clock clock;
  private final List<String> consumers;
  private volatile List<String> warnings = List.of();

  /**
   * @param closedTransports every transport in the journal and when it was closed (empty: open)
   */
  public DiskGuard(
      Journal journal,
      JournalProperties props,
      Supplier<Map<String, Optional<Instant>>> closedTransports,
      Clock clock) {
    this(journal, props, props.deliveryConsumers(), closedTransports, clock);
  }

  /**
   * @param consumers the delivery consumers that run on this appliance: a configured consumer that
   *     does not run (e.g. EHR delivery without an EHR address) would hold purging back for good
   */
  public DiskGuard(
      Journal journal,
      JournalProperties props,
      List<String> consumers,
      Supplier<Map<String, Optional<Instant>>> closedTransports,
      Clock clock) {
    if (consumers.isEmpty()) {
      throw new IllegalArgumentException("the disk policy needs at least one delivery consumer");
    }
    this.consumers = List.copyOf(consumers);
    this.journal = journal;
    this.props = props;
    this.closedTransports = closedTransports;
    this.isTransport = s -> !Journal.STANDBY.equals(s);
    this.clock = clock;
  }

  /** Warnings for the crew, as of the last check. */
  /** The delivery consumers whose cursors count: data they all passed is delivered. */
  public List<String> consumers() {
    return consumers;
  }

  public List<String> warnings() {
    return warnings;
  }

  /** Applies the policy once; called on a schedule. Returns the bytes freed. */
  public synchronized long check() {
    long freed = 0;
    Instant now = clock.instant();
    Map<String, Optional<Instant>> transports = closedTransports.get();
    // 1. retention of closed, fully delivered transports
    for (Journal.StreamInfo s : journal.streams()) {
      Optional<Instant> closed = transports.getOrDefault(s.stream(), Optional.empty());
      if (closed.isPresent()
          && closed.get().plus(props.retentionAfterHandover()).isBefore(now)
          && delivered(s.stream()) >= s.lastSeq()) {
        freed += journal.deleteStream(s.stream(), "transport/" + s.stream()).join();
        log.info("journal: transport {} deleted after its retention period", s.stream());
      }
    }
    long cap = props.diskCap().toBytes();
    // 2. over the cap: delivered waveforms, oldest stream first; then old standby waveforms
    if (journal.liveBytes() > cap) {
      for (Journal.StreamInfo s : journal.streams()) {
        if (journal.liveBytes() <= cap) {
          break;
        }
        long upto =
            isTransport.apply(s.stream())
                ? delivered(s.stream())
                : standbyPurgeableUpTo(s.stream(), now.minus(props.retentionAfterHandover()));
        if (upto > 0) {
          long f =
              journal.purge(s.stream(), upto, e -> e.kind() == JournalEntry.Kind.WAVEFORM).join();
          if (f > 0) {
            log.warn(
                "journal over its cap: purged {} bytes of waveforms from {} up to {}",
                f,
                s.stream(),
                upto);
          }
          freed += f;
        }
      }
    }
    // 3. warnings
    List<String> w = new ArrayList<>();
    long live = journal.liveBytes();
    double percent = 100.0 * live / cap;
    if (live > cap) {
      w.add(
          String.format(
              "Journal full: %s of %s used and nothing delivered is left to purge. Recording"
                  + " continues; check the ED link so that data can be delivered.",
              mb(live), mb(cap)));
    } else if (percent >= props.warnAtPercent()) {
      w.add(String.format("Journal %.0f%% full (%s of %s).", percent, mb(live), mb(cap)));
    }
    Throwable broken = journal.failure();
    if (broken != null) {
      w.add("Journal cannot write: " + broken.getMessage());
    }
    warnings = List.copyOf(w);
    return freed;
  }

  /** The sequence up to which every delivery consumer has delivered the stream. */
  long delivered(String stream) {
    long min = Long.MAX_VALUE;
    for (String consumer : consumers) {
      min = Math.min(min, journal.cursor(consumer, stream));
    }
    return min == Long.MAX_VALUE ? -1 : min;
  }

  /** Standby data is never delivered; its waveforms may go once older than the retention. */
  private long standbyPurgeableUpTo(String stream, Instant olderThan) {
    long upto = -1;
    long from = 1;
    while (true) {
      Journal.Page page = journal.read(stream, from, 256);
      if (page.chunks().isEmpty()) {
        return upto;
      }
      for (Journaled c : page.chunks()) {
        if (!c.journaledAt().isBefore(olderThan)) {
          return upto;
        }
        upto = c.lastSeq();
      }
      from = page.nextSeq();
    }
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  /** For tests and the status page: the period between checks. */
  public Duration interval() {
    return props.purgeInterval();
  }
}
