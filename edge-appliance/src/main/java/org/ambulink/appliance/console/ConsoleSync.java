package org.ambulink.appliance.console;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalTamperedException;
import org.ambulink.appliance.journal.Journaled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends the transports' journal to the ED console (docs/console-api.md), whatever the network does.
 *
 * <p>One thread reads each transport's stream from the {@code console} consumer cursor on, oldest
 * stream first, turns what it reads into console events ({@link ConsoleEvents}) and posts them in
 * batches of at most {@code batch-size}, in journal order. The cursor moves past a batch only after
 * the console answered {@code 200}; the cursor is durable, so after a restart nothing the console
 * acknowledged is sent again, and a batch whose answer was lost is sent again with the same event
 * ids (the console keeps each once). Ranges without console events (waveforms, dropped items, the
 * EHR outbox) are passed without a post. The {@code standby} stream (no transport) is not sent.
 *
 * <p>A 5xx, 408, 429, timeout or lost connection is retried with exponential backoff and jitter
 * (the server's {@code Retry-After} wins); a 401/403 (the credential) is logged once and retried
 * every {@code retry-max-backoff}, keeping the events; another answer (400, 404, 413: a smaller
 * batch next) is retried slowly as well. With nothing to send, a heartbeat (no events) goes every
 * {@code heartbeat-interval}. The journal is polled every 200 ms, so the console hears of a new
 * record within about a quarter of a second while the link is up.
 *
 * <p>Logs carry transport ids, event ids, HTTP statuses and the console's reasons only: never a
 * value, a chief complaint or the token.
 */
public final class ConsoleSync implements AutoCloseable {
  /** The journal consumer whose cursor says what reached the ED console. */
  public static final String CONSUMER = "console";

  static final Duration POLL = Duration.ofMillis(200);
  private static final int PAGE_CHUNKS = 64;
  private static final Logger log = LoggerFactory.getLogger(ConsoleSync.class);

  /** The state of the link to the console, for the crew page. */
  public enum Link {
    /** No {@code ambulink.console.base-url}: nothing is sent. */
    NOT_CONFIGURED,
    /** Configured, no answer yet. */
    CONNECTING,
    /** The last post was answered 200. */
    UP,
    /** The last post failed (no network, 5xx, timeout, an answer the appliance cannot use). */
    DOWN,
    /** The console refused this appliance's credential (401/403), or there is none. */
    REFUSED
  }

  /**
   * The sync as the crew page shows it.
   *
   * @param backlog journal entries of transports not yet past the console cursor
   * @param lastError what went wrong last (HTTP status and the console's words), null when the last
   *     post succeeded
   */
  public record Status(
      boolean configured,
      Link link,
      Instant lastSuccessAt,
      long backlog,
      String lastError,
      Instant nextAttemptAt) {}

  /** A batch being sent: events of one stream after its cursor, up to {@code upTo}. */
  private record Batch(
      String stream, long fromCursor, long upTo, List<ConsoleEvents.Event> events) {}

  private final Journal journal;
  private final ConsoleClient client;
  private final ConsoleProperties props;
  private final String applianceId;
  private final ConsoleEvents converter;
  private final Clock clock;
  private final IntervalFunction backoff;
  private final Map<String, ConsoleEvents.StreamContext> contexts = new HashMap<>();
  private final Thread thread;
  private final Counter eventsSent;
  private final Map<String, Counter> posts = new HashMap<>();
  private final String notRunning;

  private Batch batch;
  private int batchLimit;
  private int failures;
  private Instant lastPostAt;
  private String lastProblem = "";
  private volatile Link link;
  private volatile Instant lastSuccessAt;
  private volatile String lastError;
  private volatile Instant nextAttemptAt;
  private volatile boolean closing;

  /**
   * @param client null when console sync is not configured
   * @param notRunning when not null the sync does not run (e.g. no token) and shows this as its
   *     error
   */
  ConsoleSync(
      Journal journal,
      ConsoleClient client,
      ConsoleProperties props,
      String applianceId,
      ConsoleEvents converter,
      MeterRegistry registry,
      Clock clock,
      String notRunning) {
    this.journal = journal;
    this.client = client;
    this.props = props;
    this.applianceId = applianceId;
    this.converter = converter;
    this.clock = clock;
    this.notRunning = notRunning;
    this.batchLimit = props.batchSize();
    this.backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            props.retryInitialBackoff(), 2.0, 0.5, props.retryMaxBackoff());
    this.link = client == null ? Link.NOT_CONFIGURED : Link.CONNECTING;
    if (notRunning != null) {
      this.link = Link.REFUSED;
      this.lastError = notRunning;
    }
    this.thread = new Thread(this::run, "console-sync");
    this.thread.setDaemon(true);
    this.eventsSent =
        Counter.builder("ambulink.console.events.sent")
            .description("Events the ED console answered 200 for (first sends and resends)")
            .register(registry);
    for (String outcome : List.of("accepted", "failed", "refused", "unusable")) {
      posts.put(
          outcome,
          Counter.builder("ambulink.console.posts")
              .description("Posts of event batches (and heartbeats) to the ED console")
              .tag("outcome", outcome)
              .register(registry));
    }
    Gauge.builder("ambulink.console.backlog", this, ConsoleSync::backlog)
        .description("Journal entries of transports not yet sent to the ED console")
        .register(registry);
  }

  /** Whether console sync is configured ({@code ambulink.console.base-url} is set). */
  public boolean configured() {
    return client != null;
  }

  /** Starts the sync thread, when configured. */
  public void start() {
    if (client == null) {
      log.info("console sync is not configured (ambulink.console.base-url is empty)");
      return;
    }
    if (notRunning != null) {
      log.error("console sync does not run: {}", notRunning);
      return;
    }
    log.info("console sync: sending events to {}", client.target());
    thread.start();
  }

  public Status status() {
    return new Status(client != null, link, lastSuccessAt, backlog(), lastError, nextAttemptAt);
  }

  /** Journal entries of transports the console cursor has not passed. */
  public long backlog() {
    long n = 0;
    for (Journal.StreamInfo s : journal.streams()) {
      if (!Journal.STANDBY.equals(s.stream())) {
        n += pendingEntries(s, journal.cursor(CONSUMER, s.stream()));
      }
    }
    return n;
  }

  private static long pendingEntries(Journal.StreamInfo s, long cursor) {
    return Math.max(0, s.lastSeq() - Math.max(cursor, s.firstSeq() - 1));
  }

  // --- the loop ----------------------------------------------------------------------------------

  private void run() {
    while (!closing) {
      long waitMillis;
      try {
        waitMillis = step();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closing) {
          return;
        }
        // e.g. the journal could not be read: the batch is built again from the cursor
        log.error("console sync: unexpected failure, retrying: {}", e.toString());
        batch = null;
        waitMillis = props.retryInitialBackoff().toMillis();
      }
      if (waitMillis > 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(waitMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** One round: sends what is due; returns how long to wait before the next. */
  private long step() throws InterruptedException {
    Instant now = clock.instant();
    Instant next = nextAttemptAt;
    if (next != null && now.isBefore(next)) {
      return Math.min(POLL.toMillis(), Duration.between(now, next).toMillis() + 1);
    }
    if (batch != null && journal.cursor(CONSUMER, batch.stream()) != batch.fromCursor()) {
      batch = null;
    }
    if (batch == null) {
      batch = nextBatch();
    }
    if (batch == null) {
      if (lastPostAt == null || !now.isBefore(lastPostAt.plus(props.heartbeatInterval()))) {
        post(List.of(), null); // heartbeat
      }
      return POLL.toMillis();
    }
    if (batch.events().isEmpty()) {
      acknowledge(batch);
      batch = null;
      return 0;
    }
    return post(batch.events(), batch) ? 0 : POLL.toMillis();
  }

  /** The next batch of the oldest stream with entries past its cursor; null when none has. */
  private Batch nextBatch() {
    List<Journal.StreamInfo> streams = journal.streams();
    contexts.keySet().removeIf(k -> streams.stream().noneMatch(s -> s.stream().equals(k)));
    for (Journal.StreamInfo s : streams) {
      String stream = s.stream();
      if (Journal.STANDBY.equals(stream)) {
        continue;
      }
      long cursor = journal.cursor(CONSUMER, stream);
      if (cursor >= s.lastSeq()) {
        continue;
      }
      return read(stream, cursor, s.lastSeq(), context(stream, cursor));
    }
    return null;
  }

  private Batch read(String stream, long cursor, long lastSeq, ConsoleEvents.StreamContext ctx) {
    List<ConsoleEvents.Event> events = new ArrayList<>();
    long upTo = cursor;
    long from = cursor + 1;
    boolean full = false;
    while (!full && from <= lastSeq) {
      Journal.Page page = journal.read(stream, from, PAGE_CHUNKS);
      for (JournalTamperedException d : page.damaged()) {
        log.warn(
            "console sync: transport {}: a journal record failed its integrity check and is"
                + " skipped ({})",
            stream,
            d.getMessage());
      }
      if (page.chunks().isEmpty() && page.damaged().isEmpty()) {
        // nothing readable is left up to the stream's end (e.g. purged): move past it
        upTo = Math.max(upTo, lastSeq);
        break;
      }
      for (Journaled chunk : page.chunks()) {
        int n = ConsoleEvents.count(chunk, from);
        if (!events.isEmpty() && events.size() + n > batchLimit) {
          full = true;
          break;
        }
        events.addAll(converter.convert(chunk, from, ctx));
        upTo = Math.max(upTo, chunk.lastSeq());
        if (events.size() >= batchLimit) {
          full = true;
          break;
        }
      }
      if (!full) {
        upTo = Math.max(upTo, page.nextSeq() - 1);
      }
      from = Math.max(from, page.nextSeq());
    }
    return new Batch(stream, cursor, upTo, List.copyOf(events));
  }

  /** The stream's context; after a restart, rebuilt from what the console already has. */
  private ConsoleEvents.StreamContext context(String stream, long cursor) {
    ConsoleEvents.StreamContext ctx = contexts.get(stream);
    if (ctx != null) {
      return ctx;
    }
    ctx = new ConsoleEvents.StreamContext(stream);
    long from = 1;
    while (from <= cursor) {
      Journal.Page page = journal.read(stream, from, PAGE_CHUNKS);
      if (page.chunks().isEmpty() && page.damaged().isEmpty()) {
        break;
      }
      for (Journaled chunk : page.chunks()) {
        converter.replay(chunk, cursor, ctx);
      }
      from = Math.max(from + 1, page.nextSeq());
    }
    ctx.fedUpTo = Math.max(ctx.fedUpTo, cursor);
    contexts.put(stream, ctx);
    return ctx;
  }

  /**
   * Posts the events (in slices of the batch limit, for a record with more events than a batch
   * takes) or a heartbeat; on 200 moves the cursor. Returns whether everything was accepted.
   */
  private boolean post(List<ConsoleEvents.Event> events, Batch b) throws InterruptedException {
    int limit = Math.max(1, batchLimit);
    int slices = events.isEmpty() ? 1 : (events.size() + limit - 1) / limit;
    for (int i = 0; i < slices; i++) {
      List<ConsoleEvents.Event> slice =
          events.subList(i * limit, Math.min(events.size(), (i + 1) * limit));
      List<ObjectNode> bodies = new ArrayList<>(slice.size());
      slice.forEach(e -> bodies.add(e.body()));
      long backlog = b == null ? 0 : backlogAfter(b, i == slices - 1);
      ConsoleClient.Outcome outcome = client.post(applianceId, backlog, bodies);
      if (!handle(outcome, slice.size())) {
        return false;
      }
    }
    if (b != null) {
      acknowledge(b);
      batch = null;
    }
    return true;
  }

  /** Entries still waiting after this batch: the rest of its stream and the other transports. */
  private long backlogAfter(Batch b, boolean lastSlice) {
    long n = 0;
    for (Journal.StreamInfo s : journal.streams()) {
      if (Journal.STANDBY.equals(s.stream())) {
        continue;
      }
      long sent =
          s.stream().equals(b.stream())
              ? (lastSlice ? b.upTo() : b.fromCursor())
              : journal.cursor(CONSUMER, s.stream());
      n += pendingEntries(s, sent);
    }
    return n;
  }

  /** Takes the console's answer; true when the events are stored. */
  private boolean handle(ConsoleClient.Outcome outcome, int sent) {
    Instant now = clock.instant();
    lastPostAt = now; // a failed post also counts as contact attempted (no heartbeat right after)
    if (outcome instanceof ConsoleClient.Accepted a) {
      posts.get("accepted").increment();
      eventsSent.increment(sent);
      for (ConsoleClient.Rejected r : a.rejected()) {
        log.warn(
            "console sync: the console rejected event {} ({}); it is not sent again",
            r.eventId(),
            r.reason());
      }
      if (link != Link.UP) {
        log.info("console sync: the ED console accepts events");
      }
      link = Link.UP;
      lastSuccessAt = now;
      lastError = null;
      lastProblem = "";
      nextAttemptAt = null;
      failures = 0;
      batchLimit = props.batchSize();
      return true;
    }
    Duration wait;
    String problem;
    if (outcome instanceof ConsoleClient.Refused r) {
      posts.get("refused").increment();
      problem = "refused/" + r.status();
      lastError =
          "the console refused this appliance's credential (HTTP "
              + r.status()
              + (r.detail().isEmpty() ? "" : ": " + r.detail())
              + ")";
      wait = props.retryMaxBackoff();
      if (!problem.equals(lastProblem)) {
        log.error(
            "console sync: the console refused this appliance's credential: HTTP {}{}; check"
                + " AMBULINK_CONSOLE_TOKEN and ambulink.transport.appliance-id. Events are kept"
                + " and tried again every {}",
            r.status(),
            r.detail().isEmpty() ? "" : " (" + r.detail() + ")",
            wait);
      }
      link = Link.REFUSED;
    } else if (outcome instanceof ConsoleClient.Failed f) {
      posts.get("failed").increment();
      failures++;
      problem = "failed";
      lastError = f.message();
      wait = f.retryAfter() != null ? f.retryAfter() : backoffFor(failures);
      if (!problem.equals(lastProblem)) {
        log.warn(
            "console sync: cannot deliver to the ED console ({}); events are kept and tried again"
                + " with backoff",
            f.message());
      } else {
        log.debug("console sync: attempt {} failed ({})", failures, f.status());
      }
      link = Link.DOWN;
    } else {
      ConsoleClient.Unusable u = (ConsoleClient.Unusable) outcome;
      posts.get("unusable").increment();
      problem = "unusable/" + u.status();
      lastError = u.message();
      if (u.status() == 413 && sent > 1) {
        batchLimit = Math.max(1, sent / 2);
        batch = null; // built again, smaller
        wait = props.retryInitialBackoff();
        log.warn(
            "console sync: the console found a batch of {} events too large; sending {} at a time",
            sent,
            batchLimit);
      } else {
        wait = props.retryMaxBackoff();
        if (!problem.equals(lastProblem)) {
          log.error(
              "console sync: {}; events are kept and tried again every {}", u.message(), wait);
        }
      }
      link = Link.DOWN;
    }
    lastProblem = problem;
    nextAttemptAt = now.plus(wait);
    return false;
  }

  private Duration backoffFor(int failure) {
    return Duration.ofMillis(backoff.apply(Math.min(failure, 32)));
  }

  private void acknowledge(Batch b) {
    try {
      journal.acknowledge(CONSUMER, b.stream(), b.upTo()).join();
    } catch (CompletionException e) {
      // delivered but not recorded: sent again (same event ids) once the journal takes writes
      log.error(
          "console sync: transport {}: could not record delivery up to {}: {}",
          b.stream(),
          b.upTo(),
          e.getCause() == null ? e.toString() : e.getCause().toString());
    }
  }

  /** Stops the sync; what was not acknowledged is sent after the next start. */
  @Override
  public void close() {
    closing = true;
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("console sync did not stop within 10 s");
      }
    }
  }
}
