package org.ambulink.appliance.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ambulink.appliance.testing.Journals;
import org.ambulink.appliance.testing.MutableClock;
import org.ambulink.appliance.transport.Acuity;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.drivers.model.WaveformSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The journal disk policy (config/README.md, "Journal disk policy") on a real journal, with clocks
 * the test moves: what is purged over the cap, what is never purged, retention of closed
 * transports, and the crew's warnings.
 */
class DiskGuardTest {
  static final Duration RETENTION = Duration.ofHours(72);
  static final List<String> CONSUMERS = List.of("console", "ehr");

  @TempDir Path dir;

  /** The journal, the lifecycle and the guard all read this clock. */
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

  private Journal journal;
  private TransportLifecycle lifecycle;

  @BeforeEach
  void open() {
    journal =
        Journal.open(
            new Journal.Settings(
                dir.resolve("journal.db"), Journals.key(7), Duration.ofMillis(1), 1000, clock));
    lifecycle =
        new TransportLifecycle(
            journal,
            List.of(new Destination("city-general", "City General", 42.33, -71.07)),
            clock);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  /** The disk policy with this cap, the retention and the delivery consumers of these tests. */
  static JournalProperties props(DataSize cap, int warnAtPercent, Duration interval) {
    return new JournalProperties(
        Path.of("unused"),
        "",
        false,
        Duration.ofMillis(20),
        10_000,
        JournalProperties.OnCorruption.SALVAGE,
        cap,
        warnAtPercent,
        RETENTION,
        CONSUMERS,
        interval);
  }

  private DiskGuard guard(long capBytes) {
    return guard(capBytes, 100);
  }

  private DiskGuard guard(long capBytes, int warnAtPercent) {
    // the closed transports as the application wires them: from the lifecycle's bookkeeping
    return new DiskGuard(
        journal,
        props(DataSize.ofBytes(capBytes), warnAtPercent, Duration.ofSeconds(30)),
        lifecycle::closedTimes,
        clock);
  }

  /** One second of lead I at 500 Hz, random samples: bigger than {@link JournalTest#lead}. */
  static WaveformSegment lead(int seed) {
    int[] samples = new int[500];
    Random r = new Random(seed);
    for (int i = 0; i < samples.length; i++) {
      samples[i] = r.nextInt(4000) - 2000;
    }
    return JournalTest.lead(seed, Instant.parse("2026-12-02T10:00:00Z"), samples, BigDecimal.ZERO);
  }

  /**
   * {@code n} monitor messages into {@code stream}: a waveform, a heart rate, every 5th an alarm.
   */
  private void monitorData(String stream, int n) {
    for (int i = 0; i < n; i++) {
      List<JournalEntry> e = new ArrayList<>();
      e.add(new JournalEntry.Waveform(lead(i)));
      e.add(new JournalEntry.Observation(JournalTest.heartRate(60 + i)));
      if (i % 5 == 0) {
        e.add(new JournalEntry.Alarm(JournalTest.alarm(i)));
      }
      journal.append(stream, e, null).join();
    }
  }

  private Transport transportWithData(int messages) {
    Transport t =
        lifecycle.start(
            new TransportLifecycle.StartRequest(
                "city-general", List.of("Medic 1"), "", null, null, "", Acuity.URGENT));
    monitorData(t.id(), messages);
    return t;
  }

  private List<Journaled.Item> items(String stream) {
    return Journals.items(journal, stream);
  }

  private void acknowledgeAll(String stream, long seq) {
    for (String c : CONSUMERS) {
      journal.acknowledge(c, stream, seq).join();
    }
  }

  private static long count(List<Journaled.Item> items, JournalEntry.Kind kind) {
    return items.stream().filter(i -> i.entry().kind() == kind).count();
  }

  @Test
  void overTheCapWithNothingDeliveredNothingIsPurgedAndTheCrewSeesJournalFull() {
    Transport t = transportWithData(20);
    List<Journaled.Item> before = items(t.id());
    long live = journal.liveBytes();
    DiskGuard guard = guard(live / 4);

    assertThat(guard.check()).isZero();

    assertThat(journal.liveBytes()).isEqualTo(live);
    assertThat(items(t.id())).isEqualTo(before);
    assertThat(guard.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("Journal full")
        .contains("Recording continues");
  }

  @Test
  void deliveredWaveformsArePurgedUpToWhatEveryConsumerHasAndTheRestIsKeptWithItsSequence() {
    Transport t = transportWithData(20);
    List<Journaled.Item> before = items(t.id());
    long live = journal.liveBytes();
    long waveformsAtStart = count(before, JournalEntry.Kind.WAVEFORM);
    assertThat(waveformsAtStart).isEqualTo(20);
    // seq 1 is STARTED, then 2-3 entries per message: deliver about half of it
    long half = before.get(before.size() / 2).seq();
    acknowledgeAll(t.id(), half);
    // a cap that the vitals, alarms and events fit under, but not with every waveform
    DiskGuard guard = guard(live / 2);

    long freed = guard.check();

    assertThat(freed).isPositive();
    assertThat(journal.liveBytes()).isEqualTo(live - freed);
    List<Journaled.Item> after = items(t.id());
    assertThat(after)
        .as("nothing but delivered waveforms is gone")
        .isEqualTo(
            before.stream()
                .filter(i -> i.seq() > half || i.entry().kind() != JournalEntry.Kind.WAVEFORM)
                .toList());
    assertThat(after.stream().filter(i -> i.seq() <= half))
        .isNotEmpty()
        .noneMatch(i -> i.entry().kind() == JournalEntry.Kind.WAVEFORM);
    assertThat(count(after, JournalEntry.Kind.OBSERVATION)).isEqualTo(20);
    assertThat(count(after, JournalEntry.Kind.ALARM)).isEqualTo(4);
    assertThat(count(after, JournalEntry.Kind.TRANSPORT)).isEqualTo(1);
    assertThat(journal.lastSeq(t.id())).isEqualTo(before.get(before.size() - 1).seq());
    assertThat(journal.liveBytes()).as("half delivered is not enough").isGreaterThan(live / 2);
    assertThat(guard.warnings()).anySatisfy(w -> assertThat(w).startsWith("Journal full"));

    // the rest delivered: below the cap, no more "Journal full"
    acknowledgeAll(t.id(), journal.lastSeq(t.id()));
    assertThat(guard.check()).isPositive();
    assertThat(count(items(t.id()), JournalEntry.Kind.WAVEFORM)).isZero();
    assertThat(count(items(t.id()), JournalEntry.Kind.OBSERVATION)).isEqualTo(20);
    assertThat(journal.liveBytes()).isLessThanOrEqualTo(live / 2);
    assertThat(guard.warnings()).noneSatisfy(w -> assertThat(w).startsWith("Journal full"));
    // and new data goes on with the next sequence number
    long last = journal.lastSeq(t.id());
    monitorData(t.id(), 1); // waveform, heart rate, alarm
    assertThat(items(t.id()).stream().filter(i -> i.seq() > last))
        .extracting(Journaled.Item::seq)
        .containsExactly(last + 1, last + 2, last + 3);
  }

  @Test
  void whatOnlyOneConsumerHasDeliveredIsNotPurged() {
    Transport t = transportWithData(20);
    List<Journaled.Item> before = items(t.id());
    long live = journal.liveBytes();
    journal.acknowledge("console", t.id(), journal.lastSeq(t.id())).join();
    DiskGuard guard = guard(live / 4);

    assertThat(guard.check()).isZero();
    assertThat(items(t.id())).isEqualTo(before);
    assertThat(guard.warnings()).singleElement().asString().startsWith("Journal full");

    // a consumer outside the delivery consumers counts for nothing either
    journal.acknowledge("live", t.id(), journal.lastSeq(t.id())).join();
    assertThat(guard.check()).isZero();
    // the second delivery consumer catching up frees it
    journal.acknowledge("ehr", t.id(), journal.lastSeq(t.id())).join();
    assertThat(guard.check()).isPositive();
  }

  @Test
  void withOnlyTheConsumersThatRunTheirDeliveryIsEnough() {
    // as wired when EHR delivery has no address: only the console's cursor counts
    Transport t = transportWithData(20);
    long live = journal.liveBytes();
    DiskGuard guard =
        new DiskGuard(
            journal,
            props(DataSize.ofBytes(live / 4), 100, Duration.ofSeconds(30)),
            List.of("console"),
            lifecycle::closedTimes,
            clock);
    assertThat(guard.check()).isZero();
    journal.acknowledge("console", t.id(), journal.lastSeq(t.id())).join();
    assertThat(guard.check()).isPositive();
    assertThat(
            catchThrowable(
                () ->
                    new DiskGuard(
                        journal,
                        props(DataSize.ofBytes(1), 100, Duration.ofSeconds(30)),
                        List.of(),
                        lifecycle::closedTimes,
                        clock)))
        .hasMessageContaining("at least one delivery consumer");
  }

  @Test
  void aClosedTransportIsDeletedAfterItsRetentionOnlyWhenFullyDelivered() {
    Transport delivered = transportWithData(3);
    lifecycle.handover("");
    lifecycle.close("");
    Transport pending = transportWithData(3);
    lifecycle.handover("");
    lifecycle.close("");
    Transport open = transportWithData(3);
    acknowledgeAll(delivered.id(), journal.lastSeq(delivered.id()));
    acknowledgeAll(pending.id(), journal.lastSeq(pending.id()) - 1);
    acknowledgeAll(open.id(), journal.lastSeq(open.id()));
    DiskGuard guard = guard(DataSize.ofGigabytes(1).toBytes(), 80);

    // within the retention: all kept, fully delivered or not
    clock.advance(RETENTION.minusMinutes(1));
    assertThat(guard.check()).isZero();
    assertThat(journal.streams())
        .extracting(Journal.StreamInfo::stream)
        .containsExactlyInAnyOrder(delivered.id(), pending.id(), open.id());

    clock.advance(Duration.ofMinutes(2));
    long bytes = journal.stream(delivered.id()).bytes();
    assertThat(guard.check()).isEqualTo(bytes);

    assertThat(journal.stream(delivered.id())).isNull();
    assertThat(journal.read(delivered.id(), 1, 10).chunks()).isEmpty();
    for (String c : CONSUMERS) {
      assertThat(journal.cursor(c, delivered.id())).as("cursor of %s", c).isEqualTo(-1);
    }
    assertThat(lifecycle.bookkeeping()).doesNotContainKey("transport/" + delivered.id());
    // not fully delivered: kept, with everything in it
    assertThat(journal.lastSeq(pending.id())).isEqualTo(journal.stream(pending.id()).lastSeq());
    assertThat(items(pending.id())).hasSize((int) journal.lastSeq(pending.id()));
    assertThat(lifecycle.bookkeeping()).containsKey("transport/" + pending.id());
    // not closed: kept however old and delivered it is
    assertThat(items(open.id())).hasSize((int) journal.lastSeq(open.id()));
    assertThat(guard.warnings()).isEmpty();

    // once the last entry is delivered it goes at the next check
    acknowledgeAll(pending.id(), journal.lastSeq(pending.id()));
    assertThat(guard.check()).isPositive();
    assertThat(journal.streams()).extracting(Journal.StreamInfo::stream).containsExactly(open.id());
  }

  @Test
  void aboveTheWarningShareTheCrewSeesThePercent() {
    transportWithData(10);
    long live = journal.liveBytes();
    // about 90 % of the cap
    DiskGuard guard = guard(live * 100 / 90, 80);
    guard.check();
    String percent = String.format(Locale.ROOT, "%.0f", 100.0 * live / (live * 100 / 90)); // "90"
    assertThat(percent).isEqualTo("90");
    assertThat(guard.warnings())
        .singleElement()
        .asString()
        .startsWith("Journal " + percent + "% full");

    // below the warning share: nothing to say
    DiskGuard relaxed = guard(live * 2, 80);
    relaxed.check();
    assertThat(relaxed.warnings()).isEmpty();
  }

  @Test
  void oldStandbyWaveformsArePurgedOnlyUnderPressure() {
    monitorData(Journal.STANDBY, 10);
    long oldLast = journal.lastSeq(Journal.STANDBY);
    clock.advance(RETENTION.plusHours(1));
    monitorData(Journal.STANDBY, 10);
    List<Journaled.Item> before = items(Journal.STANDBY);
    long live = journal.liveBytes();

    // no pressure: old or not, kept
    DiskGuard roomy = guard(live * 10);
    assertThat(roomy.check()).isZero();
    assertThat(items(Journal.STANDBY)).isEqualTo(before);

    // pressure: the waveforms older than the retention go, the recent ones and all vitals stay
    DiskGuard tight = guard(live / 4);
    assertThat(tight.check()).isPositive();
    List<Journaled.Item> after = items(Journal.STANDBY);
    assertThat(after)
        .isEqualTo(
            before.stream()
                .filter(i -> i.seq() > oldLast || i.entry().kind() != JournalEntry.Kind.WAVEFORM)
                .toList());
    assertThat(count(after, JournalEntry.Kind.WAVEFORM)).isEqualTo(10);
    assertThat(count(after, JournalEntry.Kind.OBSERVATION)).isEqualTo(20);
    // still over the cap: the crew is told
    assertThat(tight.warnings()).singleElement().asString().startsWith("Journal full");
  }
}
