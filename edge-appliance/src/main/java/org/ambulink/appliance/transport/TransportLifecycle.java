package org.ambulink.appliance.transport;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalException;
import org.ambulink.appliance.journal.Journaled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's life: idle → en route → handed over → closed. Every step is a transport event
 * journaled in the transport's own stream (with the details the crew entered), so that a reboot in
 * the middle of a transport resumes the same transport; the state and times are also kept as clear
 * bookkeeping for the retention policy. While a transport is en route, monitor data is recorded in
 * its stream; otherwise in {@link Journal#STANDBY}.
 */
public final class TransportLifecycle {
  static final String META_PREFIX = "transport/";
  private static final Logger log = LoggerFactory.getLogger(TransportLifecycle.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private final Journal journal;
  private final List<Destination> destinations;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final List<Consumer<Transport>> handoverListeners = new CopyOnWriteArrayList<>();
  private volatile Transport current;

  public TransportLifecycle(Journal journal, List<Destination> destinations, Clock clock) {
    this.journal = journal;
    this.destinations = List.copyOf(destinations);
    this.clock = clock;
    this.current = restore();
  }

  /**
   * Registers a listener told, right after the handover is committed, about the transport handed
   * over (e.g. the EHR delivery enqueueing its outbox). It runs while the lifecycle is locked: it
   * must be quick, and what it throws is logged and does not undo the handover.
   */
  public void onHandover(Consumer<Transport> listener) {
    handoverListeners.add(listener);
  }

  /** The stream monitor data goes to now. Cheap: called for every monitor message. */
  public String recordingStream() {
    Transport t = current;
    return t != null && t.state() == Transport.State.EN_ROUTE ? t.id() : Journal.STANDBY;
  }

  /** The transport en route or handed over and not yet closed. */
  public Optional<Transport> current() {
    return Optional.ofNullable(current);
  }

  public List<Destination> destinations() {
    return destinations;
  }

  public Optional<Destination> destination(String id) {
    return destinations.stream().filter(d -> d.id().equals(id)).findFirst();
  }

  /** What the crew enters at Start transport; the patient's temporary id is made here. */
  public record StartRequest(
      String destinationId,
      List<String> crew,
      String patientName,
      PatientDetails.Sex sex,
      Integer approximateAgeYears,
      String chiefComplaint,
      Acuity acuity) {}

  /**
   * Starts a transport. A transport that was handed over but not closed is closed first.
   *
   * @throws TransportStateException when one is en route
   * @throws IllegalArgumentException naming a bad value
   */
  public synchronized Transport start(StartRequest r) {
    Transport before = current;
    if (before != null && before.state() == Transport.State.EN_ROUTE) {
      throw new TransportStateException(
          "transport " + before.id() + " is en route: hand it over before starting another");
    }
    if (r.destinationId() == null || destination(r.destinationId()).isEmpty()) {
      throw new IllegalArgumentException(
          "unknown destination '"
              + r.destinationId()
              + "'; choose one of "
              + destinations.stream().map(Destination::id).toList());
    }
    List<String> crew = new ArrayList<>();
    for (String c : r.crew() == null ? List.<String>of() : r.crew()) {
      if (c != null && !c.isBlank()) {
        crew.add(c.strip());
      }
    }
    if (crew.isEmpty()) {
      throw new IllegalArgumentException("crew must name at least one crew member");
    }
    // Validated (the patient's age) before the transport handed over is closed: a refused start
    // changes nothing.
    PatientDetails patient =
        new PatientDetails(
            "UNK-" + randomCode(6), r.patientName(), r.sex(), r.approximateAgeYears());
    TransportDetails details =
        new TransportDetails(r.destinationId(), crew, patient, r.chiefComplaint(), r.acuity());
    if (before != null) {
      close("closed when the next transport started");
    }
    Instant now = clock.instant(); // after that close: the next transport starts once it is closed
    String id = "T" + ID_TIME.format(now) + "-" + randomCode(4);
    Transport t = new Transport(id, Transport.State.EN_ROUTE, now, null, null, details);
    record(t, new TransportEvent(TransportEvent.Type.STARTED, id, now, details, ""));
    current = t;
    log.info("transport {} started", id);
    return t;
  }

  /** Hands the transport en route over to the ED. */
  public synchronized Transport handover(String note) {
    Transport t = current;
    if (t == null || t.state() != Transport.State.EN_ROUTE) {
      throw new TransportStateException(
          "no transport is en route, so there is nothing to hand over");
    }
    Instant now = clock.instant();
    Transport after = t.with(Transport.State.HANDED_OVER, now);
    record(after, new TransportEvent(TransportEvent.Type.HANDED_OVER, t.id(), now, null, note));
    current = after;
    log.info("transport {} handed over", t.id());
    for (Consumer<Transport> listener : handoverListeners) {
      try {
        listener.accept(after);
      } catch (RuntimeException e) {
        log.error("after the handover of transport {}: {}", t.id(), e.toString());
      }
    }
    return after;
  }

  /** Closes the transport that was handed over (or, to abandon it, the one en route). */
  public synchronized Transport close(String note) {
    Transport t = current;
    if (t == null) {
      throw new TransportStateException("there is no transport to close");
    }
    Instant now = clock.instant();
    Transport after = t.with(Transport.State.CLOSED, now);
    record(after, new TransportEvent(TransportEvent.Type.CLOSED, t.id(), now, null, note));
    current = null;
    log.info("transport {} closed", t.id());
    return after;
  }

  /** Journals a position fix in the stream being recorded (only during a transport). */
  public void recordPosition(JournalEntry.Position p) {
    Transport t = current;
    if (t != null && t.state() == Transport.State.EN_ROUTE) {
      journal.append(t.id(), List.of(p), null);
    }
  }

  /** State and times of every transport still in the journal, for the retention policy. */
  public Map<String, String> bookkeeping() {
    return journal.meta(META_PREFIX);
  }

  /**
   * Every transport still in the journal, with when it was closed (empty while it is not), for the
   * retention policy; from the clear bookkeeping, without reading the transports.
   */
  public Map<String, Optional<Instant>> closedTimes() {
    Map<String, Optional<Instant>> out = new LinkedHashMap<>();
    bookkeeping().forEach((k, v) -> out.put(k.substring(META_PREFIX.length()), closedAt(v)));
    return out;
  }

  /** When the transport was closed, if it was; from the bookkeeping. */
  public static Optional<Instant> closedAt(String bookkeeping) {
    String[] p = bookkeeping.split("\\|");
    if (p.length == 4 && p[0].equals(Transport.State.CLOSED.name())) {
      long millis = Long.parseLong(p[3]);
      return millis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
    return Optional.empty();
  }

  private void record(Transport after, TransportEvent event) {
    try {
      journal
          .append(
              after.id(),
              List.of(new JournalEntry.Transport(event)),
              null,
              Map.of(META_PREFIX + after.id(), after.bookkeeping()))
          .join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new JournalException(
          "could not record '" + event.type() + "' for " + after.id() + ": " + cause.getMessage(),
          cause);
    }
  }

  /** Rebuilds the transport that was open when the appliance stopped, from its journaled events. */
  private Transport restore() {
    for (Map.Entry<String, String> e : journal.meta(META_PREFIX).entrySet()) {
      String id = e.getKey().substring(META_PREFIX.length());
      if (e.getValue().startsWith(Transport.State.CLOSED.name())) {
        continue;
      }
      Transport t = replay(id);
      if (t != null && t.state() != Transport.State.CLOSED) {
        log.info("resuming transport {} ({})", id, t.state());
        return t;
      }
    }
    return null;
  }

  private Transport replay(String id) {
    Transport t = null;
    long from = 1;
    while (true) {
      Journal.Page page = journal.read(id, from, 512);
      if (page.chunks().isEmpty() && page.damaged().isEmpty()) {
        return t;
      }
      page.damaged().forEach(d -> log.error("while resuming transport {}: {}", id, d.getMessage()));
      for (Journaled chunk : page.chunks()) {
        for (Journaled.Item item : chunk.items()) {
          if (item.entry() instanceof JournalEntry.Transport te) {
            TransportEvent ev = te.value();
            t =
                switch (ev.type()) {
                  case STARTED ->
                      new Transport(
                          id, Transport.State.EN_ROUTE, ev.at(), null, null, ev.details());
                  case UPDATED -> t == null ? null : t.with(ev.details());
                  case HANDED_OVER ->
                      t == null ? null : t.with(Transport.State.HANDED_OVER, ev.at());
                  case CLOSED -> t == null ? null : t.with(Transport.State.CLOSED, ev.at());
                };
          }
        }
      }
      from = page.nextSeq();
    }
  }

  private String randomCode(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }
}
