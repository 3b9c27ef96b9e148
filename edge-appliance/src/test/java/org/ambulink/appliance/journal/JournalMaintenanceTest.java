package org.ambulink.appliance.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ambulink.appliance.testing.Closer;
import org.ambulink.appliance.testing.Journals;
import org.ambulink.testsupport.Await;
import org.ambulink.testsupport.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The journal's background duties: the check of every record after start, the disk policy on its
 * schedule, the warnings the crew sees, and a clean stop of its thread.
 */
class JournalMaintenanceTest {
  private static final String THREAD = "journal-maintenance";

  @TempDir Path dir;
  @RegisterExtension final Closer closer = new Closer();

  private Journal openJournal() {
    return closer.add(Journals.open(dir.resolve("journal.db"), 11));
  }

  private static DiskGuard guard(Journal j, long capBytes, Duration interval) {
    return new DiskGuard(
        j,
        DiskGuardTest.props(DataSize.ofBytes(capBytes), 80, interval),
        () -> Map.<String, Optional<Instant>>of(),
        Clock.systemUTC());
  }

  private JournalMaintenance maintenance(
      Journal j, DiskGuard guard, JournalRecovery.Report salvage) {
    return closer.add(new JournalMaintenance(j, guard, salvage));
  }

  private static void fill(Journal j, String stream, int chunks) {
    for (int i = 0; i < chunks; i++) {
      j.append(stream, List.of(new JournalEntry.Waveform(DiskGuardTest.lead(i))), null).join();
    }
  }

  private static Set<Thread> maintenanceThreads() {
    return Threads.alive(THREAD::equals);
  }

  @Test
  void aTamperedRecordIsReportedToTheCrewByName() throws Exception {
    Journal j = openJournal();
    fill(j, "T1", 5);
    closer.close(j);
    JournalTest.tamper(dir.resolve("journal.db"), "T1", 3); // the third record
    Journal again = openJournal();
    JournalMaintenance m =
        maintenance(
            again, guard(again, DataSize.ofGigabytes(1).toBytes(), Duration.ofSeconds(30)), null);
    assertThat(m.verified()).isFalse();
    assertThat(m.warnings()).isEmpty();

    m.start();
    Await.until("the check of every record", Duration.ofSeconds(5), m::verified);
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
    Await.until("the check of every record", Duration.ofSeconds(5), m::verified);
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
    Await.until("the check of every record", Duration.ofSeconds(5), m::verified);
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
    Await.until("the check of every record", Duration.ofSeconds(5), m::verified);
    assertThat(m.warnings()).isEmpty();

    // nothing delivered, over the cap: a later run of the policy says so
    fill(j, "T1", 30);
    assertThat(j.liveBytes()).isGreaterThan(4096);
    Await.until(
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
    Await.until("the maintenance thread", Duration.ofSeconds(5), () -> !mine(others).isEmpty());
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
