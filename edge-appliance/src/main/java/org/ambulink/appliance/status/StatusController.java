package org.ambulink.appliance.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ambulink.appliance.console.ConsoleSync;
import org.ambulink.appliance.ehr.EhrDeliveryWorker;
import org.ambulink.appliance.ehr.EhrStatus;
import org.ambulink.appliance.intake.MonitorHealthIndicator;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalMaintenance;
import org.ambulink.appliance.journal.JournalProperties;
import org.ambulink.appliance.live.LiveService;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.appliance.transport.TransportViews;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Everything the crew's page shows, in one poll: transport, monitor, ED link, what reached the ED,
 * EHR delivery, GPS and the journal, plus the warnings a crew must see.
 */
@RestController
class StatusController {
  /** The consumer whose cursor says what reached the ED (the console sync, issue: WebRTC). */
  static final String ED_CONSUMER = ConsoleSync.CONSUMER;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final TransportLifecycle lifecycle;
  private final TransportViews views;
  private final MonitorHealthIndicator monitor;
  private final Journal journal;
  private final JournalProperties journalProps;
  private final JournalMaintenance maintenance;
  private final PositionStatus positions;
  private final EhrDeliveryWorker ehr;
  private final ConsoleSync console;
  private final LiveService live;
  private final Clock clock = Clock.systemUTC();

  StatusController(
      TransportLifecycle lifecycle,
      TransportViews views,
      MonitorHealthIndicator monitor,
      Journal journal,
      JournalProperties journalProps,
      JournalMaintenance maintenance,
      PositionStatus positions,
      EhrDeliveryWorker ehr,
      ConsoleSync console,
      LiveService live) {
    this.lifecycle = lifecycle;
    this.views = views;
    this.monitor = monitor;
    this.journal = journal;
    this.journalProps = journalProps;
    this.maintenance = maintenance;
    this.positions = positions;
    this.ehr = ehr;
    this.console = console;
    this.live = live;
  }

  /** The monitor tile. */
  record MonitorStatus(boolean connected, Double lastMessageAgeSeconds, String detail) {}

  /** The ED link tile. */
  record EdLink(String state, String detail) {}

  /** What of the transport has reached the ED. */
  record EdDelivery(Instant deliveredUpTo, long pendingEntries) {}

  /**
   * The ED console sync: whether it is configured, the link ({@code NOT_CONFIGURED}, {@code
   * CONNECTING}, {@code UP}, {@code DOWN}, {@code REFUSED}), the last accepted post, the journal
   * entries still to send, the last error (null after a success) and the next attempt after a
   * failure.
   */
  record ConsoleStatus(
      boolean configured,
      String link,
      Instant lastSuccessAt,
      long backlog,
      String lastError,
      Instant nextAttemptAt) {}

  /** EHR delivery of the handover bundle. */
  record Ehr(String state, String detail) {}

  /** The journal tile. */
  record JournalStatus(
      long entries, long bytes, long capBytes, double usedPercent, List<String> warnings) {}

  /** The whole status. */
  record ApplianceStatus(
      Instant time,
      String state,
      TransportViews.TransportView transport,
      MonitorStatus monitor,
      EdLink edLink,
      EdDelivery edDelivery,
      Ehr ehr,
      PositionStatus.Gps gps,
      JournalStatus journal,
      ConsoleStatus console,
      Map<String, Object> live,
      List<String> warnings) {}

  @GetMapping("/api/status")
  ApplianceStatus status() {
    Instant now = clock.instant();
    Transport t = lifecycle.current().orElse(null);
    String state = t == null ? "IDLE" : t.state().name();
    List<String> warnings = new ArrayList<>();

    Health h = monitor.health();
    Map<String, Object> d = h.getDetails();
    Object ageMs = d.get("lastMessageAgeMs");
    boolean connected = Status.UP.equals(h.getStatus());
    String detail =
        connected ? "receiving" : String.valueOf(d.getOrDefault("reason", "no monitor data"));
    MonitorStatus m =
        new MonitorStatus(
            connected, ageMs instanceof Number n ? n.doubleValue() / 1000.0 : null, detail);
    if (!connected && t != null && t.state() == Transport.State.EN_ROUTE) {
      warnings.add("Monitor: " + detail);
    }

    EdDelivery delivery = new EdDelivery(null, 0);
    if (t != null) {
      long last = journal.lastSeq(t.id());
      long cursor = journal.cursor(ED_CONSUMER, t.id());
      Instant upTo = null;
      if (cursor > 0) {
        Journal.Page p = journal.read(t.id(), cursor, 1);
        if (!p.chunks().isEmpty()) {
          upTo = p.chunks().get(0).journaledAt();
        }
      }
      delivery = new EdDelivery(upTo, Math.max(0, last - Math.max(0, cursor)));
    }

    long cap = journalProps.diskCap().toBytes();
    long bytes = journal.liveBytes();
    long entries = journal.streams().stream().mapToLong(Journal.StreamInfo::entries).sum();
    List<String> jw = maintenance.warnings();
    warnings.addAll(jw);
    JournalStatus js = new JournalStatus(entries, bytes, cap, 100.0 * bytes / cap, jw);

    PositionStatus.Gps gps = positions.status(t, now);
    if (t != null && t.state() == Transport.State.EN_ROUTE && gps.configured() && !gps.fix()) {
      warnings.add("GPS: no position fix; ETA unknown");
    }

    EhrStatus e = ehr.status(t);
    if (EhrStatus.FAILED.equals(e.state())) {
      warnings.add("EHR: " + e.detail());
    }

    ConsoleSync.Status cs = console.status();
    EdLink link = edLink(cs);
    if (t != null && cs.link() == ConsoleSync.Link.REFUSED) {
      warnings.add("ED console: " + link.detail());
    }

    return new ApplianceStatus(
        now,
        state,
        t == null ? null : views.of(t),
        m,
        link,
        delivery,
        new Ehr(e.state(), e.detail()),
        gps,
        js,
        new ConsoleStatus(
            cs.configured(),
            cs.link().name(),
            cs.lastSuccessAt(),
            cs.backlog(),
            cs.lastError(),
            cs.nextAttemptAt()),
        live.status(),
        warnings);
  }

  /** The ED link tile, from the console sync. */
  static EdLink edLink(ConsoleSync.Status s) {
    String last =
        s.lastSuccessAt() == null ? "" : "; last contact " + TIME.format(s.lastSuccessAt());
    String waiting = s.backlog() > 0 ? "; " + s.backlog() + " journal entries waiting" : "";
    return switch (s.link()) {
      case NOT_CONFIGURED ->
          new EdLink("NOT_CONFIGURED", "ED console sync is not configured on this appliance");
      case CONNECTING -> new EdLink("CONNECTING", "connecting to the ED console" + waiting);
      case UP -> new EdLink("UP", "ED console reachable" + last + waiting);
      case DOWN ->
          new EdLink("DOWN", "cannot reach the ED console: " + s.lastError() + last + waiting);
      case REFUSED -> new EdLink("REFUSED", s.lastError() + waiting);
    };
  }

  static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
