package org.ambulink.appliance.transport;

import static org.ambulink.appliance.testing.Journals.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.testing.Closer;
import org.ambulink.appliance.testing.Journals;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport's life on a real journal: states, the stream monitor data goes to, bad input, and a
 * reboot (journal closed and reopened, a new lifecycle) in the middle of a transport.
 */
class TransportLifecycleTest {
  static final List<Destination> DESTINATIONS =
      List.of(
          new Destination("city-general", "City General Hospital ED", 42.3349, -71.0733),
          new Destination("riverside", "Riverside Regional ED", 42.3736, -71.1190));

  @TempDir Path dir;
  @RegisterExtension final Closer closer = new Closer();

  private Journal openJournal() {
    return closer.add(Journals.open(dir.resolve("journal.db"), 42));
  }

  /** A reboot in the middle of things: the journal closed and opened again. */
  private Journal reboot(Journal j) {
    closer.close(j);
    return openJournal();
  }

  /** The transport a new lifecycle resumed, which must be {@code t} in that state. */
  private static Transport resumed(TransportLifecycle life, Transport t, Transport.State state) {
    Transport resumed = life.current().orElseThrow();
    assertThat(resumed.id()).isEqualTo(t.id());
    assertThat(resumed.state()).isEqualTo(state);
    return resumed;
  }

  private static TransportLifecycle lifecycle(Journal j) {
    return new TransportLifecycle(j, DESTINATIONS, Clock.systemUTC());
  }

  static TransportLifecycle.StartRequest request(String destination) {
    return new TransportLifecycle.StartRequest(
        destination,
        List.of(" Medic Alvarez ", "Medic Brooks", " "),
        "Jane Roe",
        PatientDetails.Sex.FEMALE,
        60,
        "crushing chest pain",
        Acuity.EMERGENT);
  }

  private static TransportLifecycle.StartRequest withAge(Integer age) {
    return new TransportLifecycle.StartRequest(
        "riverside", List.of("Medic Alvarez"), "", null, age, "", null);
  }

  static List<TransportEvent> events(Journal j, String stream) {
    return items(j, stream).stream()
        .filter(i -> i.entry() instanceof JournalEntry.Transport)
        .map(i -> ((JournalEntry.Transport) i.entry()).value())
        .toList();
  }

  /** The transport events of the stream, which must be of these types, in this order. */
  static List<TransportEvent> events(Journal j, String stream, TransportEvent.Type... types) {
    List<TransportEvent> events = events(j, stream);
    assertThat(events).extracting(TransportEvent::type).containsExactly(types);
    return events;
  }

  @Test
  void startHandoverAndCloseWalkTheStatesAndSwitchTheRecordingStream() {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    assertThat(life.current()).isEmpty();
    assertThat(life.recordingStream()).isEqualTo(Journal.STANDBY);

    Transport t = life.start(request("city-general"));
    assertThat(t.state()).isEqualTo(Transport.State.EN_ROUTE);
    assertThat(t.id()).matches("T\\d{8}-\\d{6}-[A-Z2-9]{4}");
    assertThat(t.startedAt()).isNotNull();
    assertThat(t.handedOverAt()).isNull();
    assertThat(t.details().crew()).containsExactly("Medic Alvarez", "Medic Brooks");
    assertThat(t.details().patient().temporaryId()).matches("UNK-[A-Z2-9]{6}");
    assertThat(t.details().patient().name()).isEqualTo("Jane Roe");
    assertThat(t.details().destinationId()).isEqualTo("city-general");
    assertThat(life.recordingStream()).isEqualTo(t.id());
    assertThat(life.current()).contains(t);

    Transport h = life.handover("to Dr. Okafor, bay 3");
    assertThat(h.id()).isEqualTo(t.id());
    assertThat(h.state()).isEqualTo(Transport.State.HANDED_OVER);
    assertThat(h.handedOverAt()).isAfterOrEqualTo(t.startedAt());
    assertThat(life.recordingStream()).isEqualTo(Journal.STANDBY);
    assertThat(life.current()).get().extracting(Transport::state).isEqualTo(h.state());
    assertThatThrownBy(() -> life.handover(""))
        .isInstanceOf(TransportStateException.class)
        .hasMessageContaining("nothing to hand over");

    Transport c = life.close("");
    assertThat(c.state()).isEqualTo(Transport.State.CLOSED);
    assertThat(c.closedAt()).isAfterOrEqualTo(h.handedOverAt());
    assertThat(c.handedOverAt()).isEqualTo(h.handedOverAt());
    assertThat(life.current()).isEmpty();
    assertThat(life.recordingStream()).isEqualTo(Journal.STANDBY);
    assertThatThrownBy(() -> life.close(""))
        .isInstanceOf(TransportStateException.class)
        .hasMessageContaining("no transport to close");

    List<TransportEvent> events =
        events(
            j,
            t.id(),
            TransportEvent.Type.STARTED,
            TransportEvent.Type.HANDED_OVER,
            TransportEvent.Type.CLOSED);
    assertThat(events).allSatisfy(e -> assertThat(e.transportId()).isEqualTo(t.id()));
    assertThat(events.get(0).details()).isEqualTo(t.details());
    assertThat(events.get(1).note()).isEqualTo("to Dr. Okafor, bay 3");
    assertThat(events.get(2).at()).isEqualTo(c.closedAt());

    String meta = life.bookkeeping().get("transport/" + t.id());
    assertThat(meta).startsWith("CLOSED|");
    assertThat(TransportLifecycle.closedAt(meta))
        .contains(c.closedAt().truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void startWhileEnRouteIsRefusedNamingTheTransportAndRecordsNothing() {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    Transport t = life.start(request("city-general"));

    assertThatThrownBy(() -> life.start(request("riverside")))
        .isInstanceOf(TransportStateException.class)
        .hasMessageContaining(t.id())
        .hasMessageContaining("en route");
    assertThat(life.current()).contains(t);
    assertThat(j.lastSeq(t.id())).isEqualTo(1);
    assertThat(j.streams()).extracting(Journal.StreamInfo::stream).containsExactly(t.id());
  }

  @Test
  void badInputIsRefusedNamingTheBadValueAndRecordsNothing() {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);

    assertThatThrownBy(() -> life.start(request("atlantis-general")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'atlantis-general'")
        .hasMessageContaining("city-general")
        .hasMessageContaining("riverside");
    assertThatThrownBy(() -> life.start(request(null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown destination");
    for (List<String> crew : List.of(List.<String>of(), List.of("  ", ""))) {
      assertThatThrownBy(
              () ->
                  life.start(
                      new TransportLifecycle.StartRequest(
                          "riverside", crew, "", null, null, "", null)))
          .as("crew %s", crew)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("crew");
    }
    assertThatThrownBy(
            () ->
                life.start(
                    new TransportLifecycle.StartRequest(
                        "riverside", null, "", null, null, "", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("crew");
    assertThatThrownBy(() -> life.start(withAge(200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200");
    assertThatThrownBy(() -> life.start(withAge(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");

    assertThat(life.current()).isEmpty();
    assertThat(j.streams()).isEmpty();
    assertThat(life.bookkeeping()).isEmpty();
    // the edges are allowed
    assertThat(life.start(withAge(130)).details().patient().approximateAgeYears()).isEqualTo(130);
  }

  @Test
  void badInputWhileHandedOverLeavesTheHandedOverTransportAsItWas() {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    Transport t = life.start(request("city-general"));
    Transport h = life.handover("");

    assertThatThrownBy(() -> life.start(withAge(200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200");
    assertThatThrownBy(() -> life.start(request("atlantis")))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(life.current()).contains(h);
    events(j, t.id(), TransportEvent.Type.STARTED, TransportEvent.Type.HANDED_OVER);
    assertThat(life.bookkeeping().get("transport/" + t.id())).startsWith("HANDED_OVER|");
  }

  @Test
  void startingWhileHandedOverClosesThePreviousTransportFirst() {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    Transport first = life.start(request("city-general"));
    life.handover("");

    Transport second = life.start(request("riverside"));
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.state()).isEqualTo(Transport.State.EN_ROUTE);
    assertThat(second.details().patient().temporaryId())
        .isNotEqualTo(first.details().patient().temporaryId());
    assertThat(life.current()).contains(second);
    assertThat(life.recordingStream()).isEqualTo(second.id());

    List<TransportEvent> before =
        events(
            j,
            first.id(),
            TransportEvent.Type.STARTED,
            TransportEvent.Type.HANDED_OVER,
            TransportEvent.Type.CLOSED);
    assertThat(before.get(2).note()).contains("next transport");
    assertThat(before.get(2).at()).isBeforeOrEqualTo(second.startedAt());
    events(j, second.id(), TransportEvent.Type.STARTED);
    Map<String, String> meta = life.bookkeeping();
    assertThat(meta.get("transport/" + first.id())).startsWith("CLOSED|");
    assertThat(meta.get("transport/" + second.id())).startsWith("EN_ROUTE|");
  }

  @Test
  void aRebootWhileEnRouteResumesTheSameTransport() {
    Journal j = openJournal();
    Transport t = lifecycle(j).start(request("city-general"));
    Journal again = reboot(j);
    TransportLifecycle life = lifecycle(again);
    Transport resumed = resumed(life, t, Transport.State.EN_ROUTE);
    assertThat(resumed.startedAt()).isEqualTo(t.startedAt());
    assertThat(resumed.details()).isEqualTo(t.details());
    assertThat(resumed.details().patient().temporaryId())
        .isEqualTo(t.details().patient().temporaryId());
    assertThat(resumed.details().crew()).containsExactly("Medic Alvarez", "Medic Brooks");
    assertThat(resumed.details().acuity()).isEqualTo(Acuity.EMERGENT);
    assertThat(life.recordingStream()).isEqualTo(t.id());

    // and its life goes on in the same stream
    life.handover("after the reboot");
    events(again, t.id(), TransportEvent.Type.STARTED, TransportEvent.Type.HANDED_OVER);
    assertThat(again.lastSeq(t.id())).isEqualTo(2);
  }

  @Test
  void aRebootAfterHandoverResumesItHandedOver() {
    Journal j = openJournal();
    TransportLifecycle before = lifecycle(j);
    Transport t = before.start(request("riverside"));
    Transport h = before.handover("");
    Journal again = reboot(j);
    TransportLifecycle life = lifecycle(again);
    Transport resumed = resumed(life, t, Transport.State.HANDED_OVER);
    assertThat(resumed.handedOverAt()).isEqualTo(h.handedOverAt());
    assertThat(resumed.details()).isEqualTo(t.details());
    assertThat(life.recordingStream()).isEqualTo(Journal.STANDBY);

    assertThat(life.close("").state()).isEqualTo(Transport.State.CLOSED);
    assertThat(life.current()).isEmpty();
  }

  @Test
  void aRebootAfterCloseResumesNothing() {
    Journal j = openJournal();
    TransportLifecycle before = lifecycle(j);
    Transport t = before.start(request("riverside"));
    before.handover("");
    before.close("");
    Journal again = reboot(j);
    TransportLifecycle life = lifecycle(again);
    assertThat(life.current()).isEmpty();
    assertThat(life.recordingStream()).isEqualTo(Journal.STANDBY);
    assertThat(life.bookkeeping().get("transport/" + t.id())).startsWith("CLOSED|");
    // the next transport starts without closing anything again
    Transport next = life.start(request("city-general"));
    assertThat(events(again, t.id())).hasSize(3);
    assertThat(next.id()).isNotEqualTo(t.id());
  }

  @Test
  void transportEventsAndMonitorDataShareTheTransportStreamWithConsecutiveSequenceNumbers()
      throws Exception {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    JournalSink sink =
        new JournalSink(
            j, life::recordingStream, (m, peer) -> CompletableFuture.completedFuture(null));
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/100"))
            .outputRate(360)
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();

    MonitorMessage idle = sim.next();
    sink.accept(idle, "test").toCompletableFuture().join();
    Transport t = life.start(request("city-general"));
    List<MonitorMessage> during = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      MonitorMessage m = sim.next();
      during.add(m);
      sink.accept(m, "test").toCompletableFuture().join();
    }
    life.handover("");
    MonitorMessage after = sim.next();
    sink.accept(after, "test").toCompletableFuture().join();

    List<Journaled.Item> items = items(j, t.id());
    int monitorEntries = during.stream().mapToInt(m -> JournalSink.entries(m).size()).sum();
    assertThat(monitorEntries).isGreaterThan(3);
    assertThat(items).hasSize(monitorEntries + 2);
    for (int i = 0; i < items.size(); i++) {
      assertThat(items.get(i).seq()).as("entry %d", i).isEqualTo(i + 1L);
    }
    assertThat(items.get(0).entry()).isInstanceOf(JournalEntry.Transport.class);
    assertThat(((JournalEntry.Transport) items.get(0).entry()).value().type())
        .isEqualTo(TransportEvent.Type.STARTED);
    Journaled.Item last = items.get(items.size() - 1);
    assertThat(((JournalEntry.Transport) last.entry()).value().type())
        .isEqualTo(TransportEvent.Type.HANDED_OVER);
    List<JournalEntry> between =
        items.subList(1, items.size() - 1).stream().map(Journaled.Item::entry).toList();
    List<JournalEntry> sent = new ArrayList<>();
    during.forEach(m -> sent.addAll(JournalSink.entries(m)));
    assertThat(between).isEqualTo(sent);

    // before the start and after the handover: standby
    List<JournalEntry> standby =
        items(j, Journal.STANDBY).stream().map(Journaled.Item::entry).toList();
    List<JournalEntry> outside = new ArrayList<>(JournalSink.entries(idle));
    outside.addAll(JournalSink.entries(after));
    assertThat(standby).isEqualTo(outside);
  }

  @Test
  void positionsAreJournaledOnlyWhileEnRoute() throws Exception {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    JournalEntry.Position p =
        new JournalEntry.Position(Instant.parse("2026-03-14T14:00:00Z"), 42.3, -71.06, 12.0, 90.0);
    life.recordPosition(p);
    Transport t = life.start(request("city-general"));
    life.recordPosition(p);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (j.lastSeq(t.id()) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(items(j, t.id())).extracting(Journaled.Item::entry).last().isEqualTo(p);
    life.handover("");
    life.recordPosition(p);
    life.close("");
    // the handover and close events follow directly: no position after the handover
    assertThat(items(j, t.id())).hasSize(4);
    assertThat(j.stream(Journal.STANDBY)).isNull();
  }

  @Test
  void theClearBookkeepingHasStateAndTimesButNoPatientData() throws Exception {
    Journal j = openJournal();
    TransportLifecycle life = lifecycle(j);
    Transport t = life.start(request("city-general"));
    String enRoute = life.bookkeeping().get("transport/" + t.id());
    assertThat(enRoute).isEqualTo("EN_ROUTE|" + t.startedAt().toEpochMilli() + "|0|0");
    assertThat(TransportLifecycle.closedAt(enRoute)).isEmpty();
    Transport h = life.handover("to Dr. Okafor");
    assertThat(life.bookkeeping().get("transport/" + t.id()))
        .isEqualTo(
            "HANDED_OVER|"
                + t.startedAt().toEpochMilli()
                + "|"
                + h.handedOverAt().toEpochMilli()
                + "|0");
    life.close("");

    List<String> patientData =
        List.of(
            "Alvarez",
            "Brooks",
            "Jane Roe",
            "crushing chest pain",
            "Okafor",
            "city-general",
            t.details().patient().temporaryId());
    for (String value : life.bookkeeping().values()) {
      assertThat(value).matches("(EN_ROUTE|HANDED_OVER|CLOSED)\\|\\d+\\|\\d+\\|\\d+");
      for (String secret : patientData) {
        assertThat(value).doesNotContain(secret);
      }
    }
    assertThat(life.bookkeeping().keySet()).containsExactly("transport/" + t.id());
    closer.close(j);
    // nor is any of it readable in the store's files: the events are encrypted
    for (Path f : Journal.files(dir.resolve("journal.db"))) {
      String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String secret : patientData) {
        assertThat(raw).as("%s in %s", secret, f.getFileName()).doesNotContain(secret);
      }
    }
  }
}
