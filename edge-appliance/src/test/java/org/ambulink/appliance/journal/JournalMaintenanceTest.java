package org.ambulink.appliance.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;
import org.springframework.util.unit.DataSize;

/**
 * The journal's background duties: the check of every record after start, the disk policy on its
 * schedule, the warnings the crew sees, and a clean stop of its thread.
 */
class JournalMaintenanceTest {
  private static final String THREAD = "journal-maintenance";

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  static SecretKey key() {
    byte[] raw = new byte[32];
    new Random(11).nextBytes(raw);
    return new SecretKeySpec(raw, "AES");
  }

  private Journal openJournal() {
    Journal j =
        Journal.open(
            Journal.Settings.of(dir.resolve("journal.db"), key())
                .withCommitWindow(Duration.ofMillis(1)));
    open.add(j);
    return j;
  }

  private static DiskGuard guard(Journal j, long capBytes, Duration interval) {
    JournalProperties props =
        new JournalProperties(
            Path.of("unused"),
            "",
            false,
            Duration.ofMillis(20),
            10_000,
            JournalProperties.OnCorruption.SALVAGE,
            DataSize.ofBytes(capBytes),
            80,
            Duration.ofHours(72),
            List.of("console", "ehr"),
            interval);
    return new DiskGuard(j, props, () -> Map.<String, Optional<Instant>>of(), Clock.systemUTC());
  }

  private JournalMaintenance maintenance(
      Journal j, DiskGuard guard, JournalRecovery.Report salvage) {
    JournalMaintenance m = new JournalMaintenance(j, guard, salvage);
    open.add(m);
    return m;
  }

  private static void fill(Journal j, String stream, int chunks) {
    for (int i = 0; i < chunks; i++) {
      j.append(stream, List.of(new JournalEntry.Waveform(DiskGuardTest.lead(i))), null).join();
    }
  }

  private static Set<Thread> maintenanceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(THREAD) && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aTamperedRecordIsReportedToTheCrewByName() throws Exception {
    Journal j = openJournal();
    fill(j, "T1", 5);
    j.close();
    open.remove(j);
    // flip one byte of the third record, as a bad sector would
    try (DB db = Journal.maker(dir.resolve("journal.db")).make()) {
      var records =
          db.treeMap("records")
              .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
              .valueSerializer(Serializer.BYTE_ARRAY)
              .valuesOutsideNodesEnable()
              .open();
      byte[] v = records.get(new Object[] {"T1", 3L});
      v[v.length / 2] ^= 0x01;
      records.put(new Object[] {"T1", 3L}, v);
      db.commit();
    }
    Journal again = openJournal();
    JournalMaintenance m =
        maintenance(
            again, guard(again, DataSize.ofGigabytes(1).toBytes(), Duration.ofSeconds(30)), null);
    assertThat(m.verified()).isFalse();
    assertThat(m.warnings()).isEmpty();

    m.start();
    await("the check of every record", Duration.ofSeconds(5), m::verified);
    assertThat(m.warnings())
        .singleElement()
        .asString()
        .contains("damaged")
        .contains("T1/3")
        .contains("integrity");
    // the rest stays readable
    assertThat(again.read("T1", 1, 10).chunks())
        .extracting(Journaled::firstSeq)
        .containsExactly(1L, 2L, 4L, 5L);
  }

  @Test
  void aCleanJournalGivesNoWarnings() throws Exception {
    Journal j = openJournal();
    fill(j, "T1", 3);
    JournalMaintenance m =
        maintenance(j, guard(j, DataSize.ofGigabytes(1).toBytes(), Duration.ofSeconds(30)), null);
    m.start();
    await("the check of every record", Duration.ofSeconds(5), m::verified);
    assertThat(m.warnings()).isEmpty();
  }

  @Test
  void aSalvageAtStartIsShownToTheCrew() throws Exception {
    Journal j = openJournal();
    Path damaged = dir.resolve("journal.db");
    Path kept = dir.resolve("journal.db.damaged-20261202T100000Z");
    JournalRecovery.Report report =
        new JournalRecovery.Report(damaged, kept, 41, 2, List.of("index page unreadable"));
    JournalMaintenance m =
        maintenance(j, guard(j, DataSize.ofGigabytes(1).toBytes(), Duration.ofSeconds(30)), report);
    m.start();
    await("the check of every record", Duration.ofSeconds(5), m::verified);
    assertThat(m.warnings())
        .singleElement()
        .asString()
        .startsWith("Journal was damaged at start")
        .contains("41 record(s) were saved")
        .contains("2 could not be read")
        .contains(kept.toString());
  }

  @Test
  void theDiskPolicyRunsOnItsScheduleAndItsWarningsReachTheCrew() throws Exception {
    Journal j = openJournal();
    JournalMaintenance m = maintenance(j, guard(j, 4096, Duration.ofMillis(100)), null);
    m.start();
    await("the check of every record", Duration.ofSeconds(5), m::verified);
    assertThat(m.warnings()).isEmpty();

    // nothing delivered, over the cap: a later run of the policy says so
    fill(j, "T1", 30);
    assertThat(j.liveBytes()).isGreaterThan(4096);
    await(
        "a 'Journal full' warning",
        Duration.ofSeconds(5),
        () -> m.warnings().stream().anyMatch(w -> w.startsWith("Journal full")));
  }

  @Test
  void closeStopsTheMaintenanceThread() throws Exception {
    Journal j = openJournal();
    Set<Thread> others = maintenanceThreads(); // e.g. of an application context still cached
    JournalMaintenance m =
        maintenance(j, guard(j, DataSize.ofGigabytes(1).toBytes(), Duration.ofMillis(50)), null);
    m.start();
    await("the maintenance thread", Duration.ofSeconds(5), () -> !mine(others).isEmpty());
    Set<Thread> mine = mine(others);
    assertThat(mine).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());

    m.close();

    for (Thread t : mine) {
      t.join(1000);
      assertThat(t.isAlive()).as("%s after close()", t.getName()).isFalse();
    }
    assertThat(mine(others)).isEmpty();
  }

  private static Set<Thread> mine(Set<Thread> others) {
    Set<Thread> now = maintenanceThreads();
    now.removeAll(others);
    return now;
  }
}
