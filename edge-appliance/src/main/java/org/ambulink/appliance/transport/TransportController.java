package org.ambulink.appliance.transport;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalException;
import org.ambulink.appliance.journal.JournalTamperedException;
import org.ambulink.appliance.journal.Journaled;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;

/**
 * The crew's actions and what was journaled, as JSON: start a transport, read the current one, hand
 * it over, close it, and read back a transport's journal. Errors are RFC 9457 problem details whose
 * {@code detail} a person can act on.
 */
@RestController
@RequestMapping("/api")
class TransportController {
  private static final int MAX_PAGE = 1000;

  private final TransportLifecycle lifecycle;
  private final Journal journal;
  private final TransportViews views;

  TransportController(TransportLifecycle lifecycle, Journal journal, TransportViews views) {
    this.lifecycle = lifecycle;
    this.journal = journal;
    this.views = views;
  }

  @GetMapping("/destinations")
  List<Destination> destinations() {
    return lifecycle.destinations();
  }

  /** The body of Start transport; only the destination and crew are required. */
  record StartBody(
      String destinationId,
      List<String> crew,
      PatientBody patient,
      String chiefComplaint,
      Acuity acuity) {}

  /** What is known of the patient; all optional. */
  record PatientBody(String name, PatientDetails.Sex sex, Integer approximateAgeYears) {}

  @PostMapping("/transports")
  ResponseEntity<TransportViews.TransportView> start(@RequestBody StartBody body) {
    if (body == null) {
      throw new IllegalArgumentException("the request needs a JSON body with a destinationId");
    }
    PatientBody p = body.patient() == null ? new PatientBody("", null, null) : body.patient();
    Transport t =
        lifecycle.start(
            new TransportLifecycle.StartRequest(
                body.destinationId(),
                body.crew(),
                p.name(),
                p.sex(),
                p.approximateAgeYears(),
                body.chiefComplaint(),
                body.acuity()));
    return ResponseEntity.created(URI.create("/api/transports/" + t.id())).body(views.of(t));
  }

  @GetMapping("/transports/current")
  ResponseEntity<TransportViews.TransportView> current() {
    return lifecycle
        .current()
        .map(t -> ResponseEntity.ok(views.of(t)))
        .orElse(ResponseEntity.noContent().build());
  }

  /** Optional note for the record (e.g. to whom the patient was handed over). */
  record NoteBody(String note) {}

  @PostMapping("/transports/current/handover")
  TransportViews.TransportView handover(@RequestBody(required = false) NoteBody body) {
    return views.of(lifecycle.handover(body == null ? "" : body.note()));
  }

  @PostMapping("/transports/current/close")
  TransportViews.TransportView close(@RequestBody(required = false) NoteBody body) {
    return views.of(lifecycle.close(body == null ? "" : body.note()));
  }

  /** One journaled entry as JSON. */
  record EntryView(long seq, String kind, java.time.Instant journaledAt, Object value) {}

  /** A page of a stream's journal; {@code damaged} names records that failed their check. */
  record JournalPage(
      String stream, long lastSeq, long nextSeq, List<EntryView> entries, List<String> damaged) {}

  @GetMapping("/transports/{id}/journal")
  JournalPage journal(
      @PathVariable String id,
      @RequestParam(defaultValue = "1") long from,
      @RequestParam(defaultValue = "200") int max) {
    if (max < 1 || max > MAX_PAGE) {
      throw new IllegalArgumentException("max must be between 1 and " + MAX_PAGE + ", was " + max);
    }
    if (journal.stream(id) == null) {
      throw new NoSuchTransportException(id);
    }
    Journal.Page page = journal.read(id, from, max);
    List<EntryView> entries = new ArrayList<>();
    for (Journaled c : page.chunks()) {
      for (Journaled.Item item : c.items()) {
        if (item.seq() >= from) {
          entries.add(
              new EntryView(
                  item.seq(),
                  item.entry().kind().name(),
                  c.journaledAt(),
                  TransportViews.valueOf(item.entry())));
        }
      }
    }
    return new JournalPage(
        id,
        journal.lastSeq(id),
        page.nextSeq(),
        entries,
        page.damaged().stream().map(JournalTamperedException::getMessage).toList());
  }

  /** No such transport in the journal. */
  static final class NoSuchTransportException extends RuntimeException {
    NoSuchTransportException(String id) {
      super("no transport '" + id + "' in the journal");
    }
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail badRequest(IllegalArgumentException e) {
    return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
  }

  /** A body that is not JSON, or not of the expected shape (e.g. an acuity that does not exist). */
  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException e) {
    String why =
        e.getMostSpecificCause() instanceof JacksonException j
            ? j.getOriginalMessage()
            : "the request needs a JSON body";
    return problem(
        HttpStatus.BAD_REQUEST,
        "Bad request",
        "the request body could not be read as JSON: " + why);
  }

  /** A query parameter of the wrong type; named, since its cause alone only shows the value. */
  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
    String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
    return problem(
        HttpStatus.BAD_REQUEST,
        "Bad request",
        e.getName() + " must be a " + type + ", was '" + e.getValue() + "'");
  }

  @ExceptionHandler(TransportStateException.class)
  ProblemDetail conflict(TransportStateException e) {
    return problem(HttpStatus.CONFLICT, "Not possible now", e.getMessage());
  }

  @ExceptionHandler(NoSuchTransportException.class)
  ProblemDetail notFound(NoSuchTransportException e) {
    return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
  }

  @ExceptionHandler(JournalException.class)
  ProblemDetail journalFailed(JournalException e) {
    return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "Could not record",
        e.getMessage() + ". Nothing was changed; try again.");
  }

  static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setTitle(title);
    return p;
  }
}
