package org.ambulink.appliance.ehr;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalTamperedException;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each handed-over transport's record to the hospital EHR, whatever the network does.
 *
 * <p><b>Outbox.</b> At handover the record's bundles are built ({@link HandoverBundles}) and
 * journaled in the transport's stream as {@link JournalEntry.Outbox} entries, sealed like all
 * patient data, in the same commit as the clear-text bookkeeping {@code ehr/<transportId>} ({@link
 * EhrBookkeeping}: state, outbox position, counters; no patient data). From then on the record
 * survives reboots: at start every transport whose bookkeeping says {@code PENDING} is resumed from
 * its outbox, and a part the EHR has accepted is never posted again.
 *
 * <p><b>Delivery.</b> One thread posts the parts in order ({@link EhrClient}). A failure another
 * try may get past (5xx, 408, 429, no answer, connection lost) is retried with exponential backoff
 * and jitter, or after the server's {@code Retry-After}; by default without limit, since the record
 * must arrive. A circuit breaker pauses posting after repeated failures. Anything else (a 4xx, an
 * entry of the transaction refused) fails the delivery and shows the server's words to the crew.
 * Once every part is in, the {@code ehr} cursor of the stream moves past the outbox so that the
 * disk policy may purge what was delivered; after the transport is closed it moves to the end of
 * the stream (only transport events follow the outbox).
 *
 * <p>Logs name transports and HTTP statuses only: never a bundle, a server's message or a token.
 */
public final class EhrDeliveryWorker implements AutoCloseable {
  /** The journal consumer whose cursor says what reached the EHR. */
  public static final String CONSUMER = "ehr";

  static final String META_PREFIX = "ehr/";
  static final String DEDUPE_PREFIX = "ehr-outbox|";

  /** The lifecycle's bookkeeping of a transport (state and times), see TransportLifecycle. */
  private static final String TRANSPORT_PREFIX = "transport/";

  private static final Duration TIDY_INTERVAL = Duration.ofMinutes(1);

  /** Failed attempts in a row after which a delivery lets a waiting one go first. */
  static final int YIELD_AFTER_FAILURES = 3;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final Logger log = LoggerFactory.getLogger(EhrDeliveryWorker.class);

  private final Journal journal;
  private final HandoverBundles bundles;
  private final EhrClient client;
  private final EhrProperties props;
  private final Clock clock;
  private final Retry retry;
  private final CircuitBreaker breaker;
  private final ScheduledExecutorService executor;
  private final ScheduledExecutorService outboxExecutor;
  private final AtomicInteger queuedDeliveries = new AtomicInteger();
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Counter attempts;
  private final Counter delivered;
  private final Counter failed;
  private volatile Instant breakerOpenedAt;
  private volatile Delivery current;
  private volatile boolean closing;

  /** What the crew sees that is not kept on disk: it may hold the server's words. */
  private static final class Live {
    volatile boolean preparing;
    volatile String message;
    volatile Instant nextAttemptAt;
  }

  /** One part of the outbox and its sequence number. */
  private record Part(long seq, JournalEntry.Outbox outbox) {}

  /** The delivery under way on the worker thread. */
  private static final class Delivery {
    final String id;
    final Live live;
    EhrBookkeeping book;
    int failuresThisTurn;

    Delivery(String id, Live live, EhrBookkeeping book) {
      this.id = id;
      this.live = live;
      this.book = book;
    }
  }

  /** The worker is stopping: the delivery stays PENDING and resumes at the next start. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopping", null, false, false);
    }
  }

  /**
   * The delivery keeps failing while others wait: it goes to the back of the queue (still PENDING)
   * so that one record the EHR keeps failing on does not hold up the others.
   */
  private static final class Yield extends RuntimeException {
    Yield() {
      super("yield", null, false, false);
    }
  }

  /**
   * @param client null when EHR delivery is not configured: nothing is sent, the tile says so
   */
  public EhrDeliveryWorker(
      Journal journal,
      HandoverBundles bundles,
      EhrClient client,
      EhrProperties props,
      MeterRegistry registry,
      Clock clock) {
    this.journal = journal;
    this.bundles = bundles;
    this.client = client;
    this.props = props;
    this.clock = clock;
    IntervalFunction backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            props.retryInitialBackoff(),
            props.retryMultiplier(),
            props.retryJitter(),
            props.retryMaxBackoff());
    this.retry =
        Retry.of(
            "ehr",
            RetryConfig.<EhrClient.Result>custom()
                .maxAttempts(props.maxAttempts() == 0 ? Integer.MAX_VALUE : props.maxAttempts())
                .retryOnException(
                    t ->
                        t instanceof EhrClient.RetryableFailure
                            || t instanceof CallNotPermittedException)
                .intervalBiFunction((attempt, outcome) -> interval(attempt, outcome, backoff))
                .writableStackTraceEnabled(false)
                .build());
    int n = props.breakerFailureThreshold();
    this.breaker =
        CircuitBreaker.of(
            "ehr",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(n)
                .minimumNumberOfCalls(n)
                .failureRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofDays(1))
                .waitDurationInOpenState(props.breakerOpenWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(t -> t instanceof EhrClient.RetryableFailure)
                .ignoreExceptions(Stopped.class, Yield.class)
                .writableStackTraceEnabled(false)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                breakerOpenedAt = clock.instant();
                log.warn(
                    "EHR: {} failed attempts in a row, posting paused for {}",
                    n,
                    props.breakerOpenWait());
              }
            });
    retry
        .getEventPublisher()
        .onRetry(
            e -> {
              Delivery d = current;
              if (d != null) {
                d.live.nextAttemptAt = clock.instant().plus(e.getWaitInterval());
              }
            });
    this.executor = singleThread("ehr-delivery");
    // Building and journaling the outbox never waits behind a delivery that keeps retrying: the
    // record is durable right after the handover.
    this.outboxExecutor = singleThread("ehr-outbox");
    this.attempts =
        Counter.builder("ambulink.ehr.attempts")
            .description("Posts of a handover bundle to the EHR")
            .register(registry);
    this.delivered =
        Counter.builder("ambulink.ehr.deliveries")
            .description("Transport records whose EHR delivery ended, by outcome")
            .tag("outcome", "delivered")
            .register(registry);
    this.failed =
        Counter.builder("ambulink.ehr.deliveries")
            .description("Transport records whose EHR delivery ended, by outcome")
            .tag("outcome", "failed")
            .register(registry);
    Gauge.builder("ambulink.ehr.pending", pending, Set::size)
        .description("Transport records waiting to reach the EHR")
        .register(registry);
  }

  private static ScheduledExecutorService singleThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** Whether EHR delivery is configured ({@code ambulink.ehr.base-url} is set). */
  public boolean configured() {
    return client != null;
  }

  /**
   * Resumes every delivery the journal says is pending, and enqueues the outbox of a transport
   * handed over just before a stop that did not get to it.
   *
   * @param currentTransport the lifecycle's current transport, or null
   */
  public void start(Transport currentTransport) {
    if (client == null) {
      log.info("EHR delivery is not configured (ambulink.ehr.base-url is empty)");
      return;
    }
    for (Map.Entry<String, String> e : journal.meta(META_PREFIX).entrySet()) {
      String id = e.getKey().substring(META_PREFIX.length());
      EhrBookkeeping b = EhrBookkeeping.parse(e.getValue());
      if (b != null && b.state() == EhrBookkeeping.State.PENDING) {
        pending.add(id);
        live(id);
        log.info(
            "transport {}: resuming EHR delivery ({} of {} part(s) delivered)",
            id,
            b.partsDelivered(),
            b.parts());
        submitDelivery(id);
      }
    }
    if (currentTransport != null
        && currentTransport.state() == Transport.State.HANDED_OVER
        && bookkeeping(currentTransport.id()) == null) {
      log.info(
          "transport {}: handed over before the last stop, enqueueing its EHR record",
          currentTransport.id());
      handedOver(currentTransport);
    }
    executor.scheduleWithFixedDelay(this::tidy, 0, TIDY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Called right after a handover is committed: builds and journals the outbox on a thread of its
   * own, then queues its delivery (the crew's request does not wait for either).
   */
  public void handedOver(Transport t) {
    if (client == null || closing) {
      return;
    }
    Live l = live(t.id());
    l.preparing = true;
    l.message = null;
    pending.add(t.id());
    submit(
        outboxExecutor,
        () -> {
          boolean ready;
          try {
            ready = enqueue(t, l);
          } finally {
            l.preparing = false;
          }
          if (ready) {
            submitDelivery(t.id());
          }
        });
  }

  private void submitDelivery(String id) {
    queuedDeliveries.incrementAndGet();
    submit(
        executor,
        () -> {
          queuedDeliveries.decrementAndGet();
          try {
            deliver(id);
          } catch (Stopped s) {
            throw s;
          } catch (RuntimeException e) {
            // e.g. the journal could not be read or written: still PENDING, try again later
            log.error("transport {}: EHR delivery interrupted: {}", id, e.toString());
            try {
              executor.schedule(
                  () -> submitDelivery(id),
                  props.retryMaxBackoff().toMillis(),
                  TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
              // resumes at the next start
            }
          }
        });
  }

  private void submit(ScheduledExecutorService on, Runnable task) {
    try {
      on.execute(
          () -> {
            try {
              task.run();
            } catch (Stopped s) {
              // closing: what is pending stays pending
            } catch (RuntimeException e) {
              log.error("EHR delivery: unexpected failure: {}", e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  // --- outbox ----------------------------------------------------------------------------------

  /** Builds the bundles and journals them with the bookkeeping; false when that failed. */
  private boolean enqueue(Transport t, Live l) {
    String id = t.id();
    String key = META_PREFIX + id;
    List<String> parts;
    try {
      parts = bundles.build(t);
      if (parts == null || parts.isEmpty()) {
        throw new IllegalStateException("the FHIR mapper made no bundle of this transport");
      }
      for (String p : parts) {
        if (p == null || p.isBlank()) {
          throw new IllegalStateException("the FHIR mapper made an empty bundle");
        }
      }
    } catch (RuntimeException e) {
      log.error(
          "transport {}: the EHR record could not be built ({})", id, e.getClass().getSimpleName());
      l.message =
          "The transport record could not be built for the EHR: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      pending.remove(id);
      failed.increment();
      persist(
          id,
          new EhrBookkeeping(
              EhrBookkeeping.State.FAILED, -1, 0, "build", 0, 0, 0, 0, clock.instant()));
      return false;
    }
    List<JournalEntry> entries = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      entries.add(new JournalEntry.Outbox(i + 1, parts.size(), parts.get(i)));
    }
    // The outbox's first sequence number is known only once appended; until the follow-up write
    // below the bookkeeping holds a lower bound, from which the outbox is found by reading on.
    long lowerBound = Math.max(1, journal.lastSeq(id) + 1);
    EhrBookkeeping b = EhrBookkeeping.pending(lowerBound, parts.size(), clock.instant());
    Journal.Appended a;
    try {
      a = journal.append(id, entries, DEDUPE_PREFIX + id, Map.of(key, b.format())).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.error("transport {}: the EHR outbox could not be journaled: {}", id, cause.toString());
      l.message = "The EHR record could not be saved in the journal: " + cause.getMessage();
      pending.remove(id);
      failed.increment();
      return false;
    }
    if (a.duplicate()) {
      log.info("transport {}: EHR outbox already journaled at seq {}", id, a.firstSeq());
      return true;
    }
    if (a.firstSeq() != lowerBound) {
      persist(id, b.withSeq(a.firstSeq()));
    }
    log.info(
        "transport {}: EHR outbox journaled, {} part(s) at seq {}", id, parts.size(), a.firstSeq());
    return true;
  }

  private List<Part> readOutbox(String id, EhrBookkeeping b) {
    List<Part> out = new ArrayList<>();
    JournalTamperedException damage = null;
    int parts = -1;
    long from = Math.max(1, b.seq());
    while (parts < 0 || out.size() < parts) {
      Journal.Page page = journal.read(id, from, 16);
      if (!page.damaged().isEmpty()) {
        damage = page.damaged().get(0);
      }
      for (Journaled c : page.chunks()) {
        for (Journaled.Item item : c.items()) {
          if (item.seq() >= b.seq()
              && item.entry() instanceof JournalEntry.Outbox o
              && (parts < 0 || out.size() < parts)
              && o.part() == out.size() + 1) {
            out.add(new Part(item.seq(), o));
            parts = o.parts();
          }
        }
      }
      if (page.chunks().isEmpty() && page.damaged().isEmpty()) {
        break;
      }
      from = page.nextSeq();
    }
    if (parts < 0 || out.size() < parts) {
      throw new IllegalStateException(
          damage != null
              ? "The EHR record in the journal failed its integrity check ("
                  + damage.getMessage()
                  + ")"
              : "The EHR record is missing from the journal");
    }
    return out;
  }

  // --- delivery --------------------------------------------------------------------------------

  private void deliver(String id) {
    if (closing) {
      return;
    }
    EhrBookkeeping book = bookkeeping(id);
    if (book == null || book.state() != EhrBookkeeping.State.PENDING) {
      pending.remove(id);
      return;
    }
    Delivery d = new Delivery(id, live(id), book);
    current = d;
    try {
      List<Part> parts;
      try {
        parts = readOutbox(id, book);
      } catch (IllegalStateException e) {
        fail(d, "outbox", e.getMessage());
        return;
      }
      for (Part p : parts) {
        if (p.outbox().part() <= d.book.partsDelivered()) {
          continue; // accepted before a restart: never posted again
        }
        String prefix =
            p.outbox().parts() > 1
                ? "Part " + p.outbox().part() + " of " + p.outbox().parts() + ": "
                : "";
        EhrClient.Result r;
        try {
          r = retry.executeSupplier(CircuitBreaker.decorateSupplier(breaker, () -> attempt(d, p)));
        } catch (Yield y) {
          log.info("transport {}: EHR delivery goes to the back of the queue", id);
          submitDelivery(id);
          return; // stays PENDING
        } catch (EhrClient.RetryableFailure | CallNotPermittedException e) {
          if (closing || Thread.currentThread().isInterrupted()) {
            return; // stays PENDING
          }
          fail(
              d,
              "attempts",
              prefix
                  + "Gave up after "
                  + props.maxAttempts()
                  + " attempts (ambulink.ehr.max-attempts); last: "
                  + (e instanceof EhrClient.RetryableFailure
                      ? e.getMessage()
                      : "posting paused after repeated failures"));
          return;
        }
        if (r instanceof EhrClient.Refused f) {
          fail(d, f.status(), prefix + f.message());
          return;
        }
        EhrClient.Accepted a = (EhrClient.Accepted) r;
        d.book = d.book.partDelivered(a.created(), a.matched(), clock.instant());
        persist(id, d.book);
        log.info(
            "transport {}: EHR accepted part {}/{} (HTTP {}, {} created, {} matched)",
            id,
            p.outbox().part(),
            p.outbox().parts(),
            a.status(),
            a.created(),
            a.matched());
      }
      long upTo = parts.get(parts.size() - 1).seq();
      journal.acknowledge(CONSUMER, id, upTo).join();
      d.book = d.book.delivered(clock.instant());
      d.live.message = null;
      d.live.nextAttemptAt = null;
      pending.remove(id);
      delivered.increment();
      persist(id, d.book);
      log.info(
          "transport {}: delivered to the EHR ({} created, {} matched, {} attempt(s))",
          id,
          d.book.created(),
          d.book.matched(),
          d.book.attempts());
    } finally {
      current = null;
    }
  }

  /** One post of one part, inside the circuit breaker and the retry. */
  private EhrClient.Result attempt(Delivery d, Part p) {
    if (closing || Thread.currentThread().isInterrupted()) {
      throw new Stopped();
    }
    if (d.failuresThisTurn >= YIELD_AFTER_FAILURES && queuedDeliveries.get() > 0) {
      throw new Yield();
    }
    attempts.increment();
    d.live.nextAttemptAt = null;
    try {
      EhrClient.Result r = client.post(p.outbox().bundleJson());
      String status =
          r instanceof EhrClient.Accepted a
              ? String.valueOf(a.status())
              : ((EhrClient.Refused) r).status();
      d.book = d.book.attempted(status, clock.instant());
      if (r instanceof EhrClient.Accepted) {
        d.live.message = null;
      }
      persist(d.id, d.book);
      return r;
    } catch (EhrClient.RetryableFailure f) {
      d.failuresThisTurn++;
      d.book = d.book.attempted(f.status(), clock.instant());
      d.live.message = f.getMessage();
      persist(d.id, d.book);
      log.warn(
          "transport {}: EHR attempt {} failed ({}), will retry",
          d.id,
          d.book.attempts(),
          f.status());
      throw f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped();
    }
  }

  private long interval(
      Integer attempt, Either<Throwable, EhrClient.Result> outcome, IntervalFunction backoff) {
    if (outcome.isLeft()) {
      Throwable t = outcome.getLeft();
      if (t instanceof EhrClient.RetryableFailure f && f.retryAfter() != null) {
        return f.retryAfter().toMillis();
      }
      if (t instanceof CallNotPermittedException) {
        Instant opened = breakerOpenedAt;
        long left =
            opened == null
                ? props.breakerOpenWait().toMillis()
                : Duration.between(clock.instant(), opened.plus(props.breakerOpenWait()))
                    .toMillis();
        return Math.max(0, left) + 20;
      }
    }
    return backoff.apply(Math.min(attempt == null ? 1 : attempt, 64));
  }

  private void fail(Delivery d, String status, String message) {
    d.book = d.book.failed(status, clock.instant());
    d.live.message = message;
    d.live.nextAttemptAt = null;
    pending.remove(d.id);
    failed.increment();
    persist(d.id, d.book);
    log.warn(
        "transport {}: EHR delivery FAILED ({}) after {} attempt(s)",
        d.id,
        status,
        d.book.attempts());
  }

  private void persist(String id, EhrBookkeeping b) {
    try {
      journal.updateMeta(Map.of(META_PREFIX + id, b.format())).join();
    } catch (CompletionException | IllegalStateException e) {
      log.error("transport {}: could not record the EHR delivery state: {}", id, e.toString());
    }
  }

  /**
   * Housekeeping: once a delivered transport is closed, only transport events follow its outbox, so
   * the {@code ehr} cursor moves to the stream's end (the retention policy can then delete it);
   * bookkeeping of transports the retention policy deleted is removed.
   */
  private void tidy() {
    try {
      for (Map.Entry<String, String> e : journal.meta(META_PREFIX).entrySet()) {
        String id = e.getKey().substring(META_PREFIX.length());
        EhrBookkeeping b = EhrBookkeeping.parse(e.getValue());
        if (b == null || b.state() == EhrBookkeeping.State.PENDING || pending.contains(id)) {
          continue;
        }
        if (journal.stream(id) == null) {
          journal.deleteStream(id, e.getKey()).join();
          live.remove(id);
          continue;
        }
        if (b.state() == EhrBookkeeping.State.DELIVERED) {
          String transportKey = TRANSPORT_PREFIX + id;
          String t = journal.meta(transportKey).get(transportKey);
          long last = journal.lastSeq(id);
          if (t != null
              && TransportLifecycle.closedAt(t).isPresent()
              && journal.cursor(CONSUMER, id) < last) {
            journal.acknowledge(CONSUMER, id, last).join();
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("EHR delivery housekeeping failed: {}", e.toString());
    }
  }

  // --- status ----------------------------------------------------------------------------------

  /** The EHR tile for the crew page, given the lifecycle's current transport (or null). */
  public EhrStatus status(Transport t) {
    if (client == null) {
      return new EhrStatus(
          EhrStatus.NOT_STARTED, "EHR delivery is not configured on this appliance");
    }
    if (t == null || t.state() == Transport.State.EN_ROUTE) {
      for (String id : pending) {
        if (t == null || !id.equals(t.id())) {
          EhrStatus s = status(id);
          return new EhrStatus(s.state(), "Previous transport " + id + ": " + s.detail());
        }
      }
      return new EhrStatus(
          EhrStatus.NOT_STARTED,
          t == null ? "" : "The transport record is sent to the EHR at handover");
    }
    return status(t.id());
  }

  /** The EHR delivery of one transport. */
  public EhrStatus status(String transportId) {
    EhrBookkeeping b = bookkeeping(transportId);
    Live l = live.get(transportId);
    String message = l == null ? null : l.message;
    if (b == null) {
      if (message != null && (l == null || !l.preparing)) {
        return new EhrStatus(EhrStatus.FAILED, message);
      }
      return new EhrStatus(EhrStatus.PENDING, "Preparing the transport record for the EHR");
    }
    return switch (b.state()) {
      case DELIVERED ->
          new EhrStatus(
              EhrStatus.DELIVERED,
              "Delivered at "
                  + TIME.format(b.updatedAt())
                  + ": "
                  + b.created()
                  + " resource(s) created, "
                  + b.matched()
                  + " already in the EHR (matched)");
      case FAILED ->
          new EhrStatus(EhrStatus.FAILED, message != null ? message : failure(b.lastStatus()));
      case PENDING -> new EhrStatus(EhrStatus.PENDING, pendingDetail(b, l));
    };
  }

  private String pendingDetail(EhrBookkeeping b, Live l) {
    StringBuilder s = new StringBuilder("Sending to the EHR");
    if (b.parts() > 1) {
      s.append(" (").append(b.partsDelivered()).append(" of ").append(b.parts());
      s.append(" parts delivered)");
    }
    if (b.attempts() == 0) {
      return s.append(": first attempt under way").toString();
    }
    s.append(": ").append(b.attempts()).append(b.attempts() == 1 ? " attempt" : " attempts");
    s.append(" so far");
    String message = l == null ? null : l.message;
    boolean lastFailed = EhrClient.statusCode(b.lastStatus()) / 100 != 2;
    if (message != null || lastFailed) {
      s.append("; last error: ").append(message != null ? message : error(b.lastStatus()));
    }
    Instant next = l == null ? null : l.nextAttemptAt;
    if (next != null && next.isAfter(clock.instant())) {
      s.append("; next try at ").append(TIME.format(next));
    }
    return s.toString();
  }

  /** A failed attempt, from its status word (after a restart the server's words are gone). */
  private static String error(String status) {
    return switch (status) {
      case "timeout" -> "the EHR did not answer in time";
      case "connect" -> "cannot connect to the EHR";
      case "io" -> "the connection to the EHR failed";
      case EhrBookkeeping.NONE -> "none yet";
      default ->
          status.startsWith("token-")
              ? "the EHR's token endpoint answered HTTP " + status.substring(6)
              : "the EHR answered HTTP " + status;
    };
  }

  /** Why a delivery failed, from its status word (after a restart the server's words are gone). */
  private static String failure(String status) {
    return switch (status) {
      case "build" -> "The transport record could not be built for the EHR (see the appliance log)";
      case "outbox" -> "The EHR record in the journal could not be read";
      case "response" ->
          "The EHR's answer was not a transaction-response Bundle, so it is not known what it kept";
      case "attempts" ->
          "Gave up after the configured number of attempts (ambulink.ehr.max-attempts)";
      case "412" ->
          "The EHR found more than one existing record matching an identifier of this transport"
              + " (HTTP 412); the hospital must resolve the duplicates";
      case "401", "403" ->
          "The EHR refused the appliance's credentials (HTTP "
              + status
              + "); check ambulink.ehr.auth and its token or client";
      default ->
          status.startsWith("token-")
              ? "The EHR's token endpoint refused the appliance (HTTP "
                  + status.substring(6)
                  + "); check the client credentials"
              : "The EHR refused the record (HTTP "
                  + status
                  + "); its explanation was shown before the appliance restarted";
    };
  }

  EhrBookkeeping bookkeeping(String transportId) {
    String key = META_PREFIX + transportId;
    return EhrBookkeeping.parse(journal.meta(key).get(key));
  }

  private Live live(String id) {
    return live.computeIfAbsent(id, k -> new Live());
  }

  /** Stops the worker; a delivery under way stays PENDING and resumes at the next start. */
  @Override
  public void close() {
    closing = true;
    outboxExecutor.shutdown();
    executor.shutdownNow();
    try {
      // A record being journaled is finished (it is the crew's handover); a post is interrupted.
      if (!outboxExecutor.awaitTermination(10, TimeUnit.SECONDS)
          || !executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("EHR delivery did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
