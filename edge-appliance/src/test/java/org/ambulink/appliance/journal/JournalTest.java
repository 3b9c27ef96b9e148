package org.ambulink.appliance.journal;

import static org.ambulink.appliance.testing.Journals.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.crypto.SecretKey;
import org.ambulink.appliance.testing.Closer;
import org.ambulink.appliance.transport.Acuity;
import org.ambulink.appliance.transport.PatientDetails;
import org.ambulink.appliance.transport.TransportDetails;
import org.ambulink.appliance.transport.TransportEvent;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

class JournalTest {
  @TempDir Path dir;
  @RegisterExtension final Closer closer = new Closer();

  private Journal open(SecretKey key) {
    return closer.add(Journal.open(Journal.Settings.of(dir.resolve("journal.db"), key)));
  }

  /** 250 ms of lead I, a random walk with the extreme values at samples 7 and 8. */
  static WaveformSegment lead(int seed) {
    int[] samples = new int[125];
    Random r = new Random(seed);
    int v = 0;
    for (int i = 0; i < samples.length; i++) {
      v += r.nextInt(41) - 20;
      samples[i] = i == 7 ? Integer.MIN_VALUE : i == 8 ? Integer.MAX_VALUE : v;
    }
    return lead(
        seed, Instant.parse("2026-12-02T10:00:00.123456789Z"), samples, new BigDecimal("-0.0100"));
  }

  /**
   * Lead I of monitor-1 at 500 Hz, 5 µV per unit: chunk {@code seed}, which starts {@code seed} ×
   * 250 ms after {@code first}.
   */
  static WaveformSegment lead(int seed, Instant first, int[] samples, BigDecimal offset) {
    return new WaveformSegment(
        MdcCode.of(131329, "MDC_ECG_ELEC_POTL_I"),
        "1.1.1." + seed,
        500,
        first.plusMillis(seed * 250L),
        samples,
        new BigDecimal("0.005"),
        offset,
        WaveformSegment.MILLIVOLT,
        "monitor-1");
  }

  static NumericObservation heartRate(int value) {
    return new NumericObservation(
        MdcCode.of(147842, "MDC_ECG_HEART_RATE"),
        new BigDecimal(value + ".0"),
        MdcCode.of(264864, "MDC_DIM_BEAT_PER_MIN"),
        "1.1.1.1",
        Instant.parse("2026-12-02T10:00:01Z"),
        "monitor-1",
        ResultStatus.FINAL,
        false);
  }

  static AlarmEvent alarm(int i) {
    return new AlarmEvent(
        "a" + i,
        MdcCode.of(3, "MDC_EVT_HI"),
        null,
        AlarmPriority.HIGH,
        AlarmEvent.Kind.PHYSIOLOGICAL,
        "start",
        null,
        "HR high",
        Instant.parse("2026-12-02T10:00:02Z"),
        "monitor-1");
  }

  /**
   * Flips one byte in the middle of a record's ciphertext, as an attacker or a bad sector would;
   * the journal must be closed.
   */
  static void tamper(Path file, String stream, long firstSeq) {
    try (DB db = Journal.store(file)) {
      var records =
          db.treeMap("records")
              .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
              .valueSerializer(Serializer.BYTE_ARRAY)
              .valuesOutsideNodesEnable()
              .open();
      byte[] v = records.get(new Object[] {stream, firstSeq});
      v[v.length / 2] ^= 0x01;
      records.put(new Object[] {stream, firstSeq}, v);
      db.commit();
    }
  }

  static TransportEvent started(String id) {
    return new TransportEvent(
        TransportEvent.Type.STARTED,
        id,
        Instant.parse("2026-12-02T09:59:00Z"),
        new TransportDetails(
            "st-marys",
            List.of("Medic 12", "Medic 7"),
            new PatientDetails("UNK-" + id, "", PatientDetails.Sex.FEMALE, 60),
            "chest pain",
            Acuity.EMERGENT),
        "");
  }

  @Test
  void everyKindOfEntryRoundTripsExactlyWithConsecutiveSequenceNumbers() {
    Journal j = open(key(1));
    AlarmEvent alarm = alarm(1);
    List<JournalEntry> first =
        List.of(
            new JournalEntry.Transport(started("T1")),
            new JournalEntry.Waveform(lead(1)),
            new JournalEntry.Observation(heartRate(72)),
            new JournalEntry.Alarm(alarm),
            new JournalEntry.Dropped(
                "monitor-1",
                "MSG1",
                Instant.parse("2026-12-02T10:00:03Z"),
                new DroppedItem("OBX-4", "sentinel", null)),
            new JournalEntry.Position(
                Instant.parse("2026-12-02T10:00:04Z"), 42.35, -71.06, 14.2, null));
    Journal.Appended a = j.append("T1", first, null).join();
    Journal.Appended b = j.append("T1", List.of(new JournalEntry.Waveform(lead(2))), null).join();

    assertThat(a.firstSeq()).isEqualTo(1);
    assertThat(a.lastSeq()).isEqualTo(6);
    assertThat(b.firstSeq()).isEqualTo(7);
    assertThat(j.lastSeq("T1")).isEqualTo(7);

    Journal.Page page = j.read("T1", 1, 100);
    assertThat(page.damaged()).isEmpty();
    List<Journaled.Item> items = page.chunks().stream().flatMap(c -> c.items().stream()).toList();
    assertThat(items).extracting(Journaled.Item::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(items.subList(0, 6)).extracting(Journaled.Item::entry).isEqualTo(first);
    WaveformSegment back = ((JournalEntry.Waveform) items.get(6).entry()).value();
    assertThat(back.samples()).containsExactly(lead(2).samples());
    assertThat(back.scale()).isEqualTo(new BigDecimal("0.005"));
    assertThat(back.offset().toString()).isEqualTo("-0.0100");
    assertThat(back.startTime()).isEqualTo(lead(2).startTime());
    // reading from the middle starts at the chunk holding that sequence
    assertThat(j.read("T1", 7, 10).chunks()).hasSize(1);
    assertThat(j.read("T1", 8, 10).chunks()).isEmpty();
    assertThat(j.read("other", 1, 10).chunks()).isEmpty();
  }

  @Test
  void survivesReopenWithStreamsCursorsAndDedupeIntact() {
    Journal j = open(key(2));
    List<CompletableFuture<Journal.Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      appends.add(j.append("T1", List.of(new JournalEntry.Waveform(lead(i))), "monitor-1|M" + i));
    }
    appends.forEach(CompletableFuture::join);
    j.append(Journal.STANDBY, List.of(new JournalEntry.Observation(heartRate(60))), null).join();
    j.acknowledge("ehr", "T1", 20).join();
    j.acknowledge("ehr", "T1", 10).join(); // never goes back
    closer.close(j);

    Journal again = open(key(2));
    assertThat(again.lastSeq("T1")).isEqualTo(50);
    assertThat(again.streams()).extracting(Journal.StreamInfo::stream).contains("T1", "standby");
    assertThat(again.cursor("ehr", "T1")).isEqualTo(20);
    assertThat(again.cursor("live", "T1")).isEqualTo(-1);
    Journal.Appended dup =
        again.append("T1", List.of(new JournalEntry.Waveform(lead(3))), "monitor-1|M3").join();
    assertThat(dup.duplicate()).isTrue();
    assertThat(dup.firstSeq()).isEqualTo(4);
    assertThat(again.lastSeq("T1")).isEqualTo(50);
    Journal.Appended next =
        again.append("T1", List.of(new JournalEntry.Waveform(lead(51))), "monitor-1|M51").join();
    assertThat(next.firstSeq()).isEqualTo(51);
  }

  @Test
  void concurrentAppendsAreGroupCommittedWithoutGapsOrDuplicates() throws Exception {
    Journal j = open(key(3));
    List<long[]> commits = new ArrayList<>();
    j.setObserver(
        (appends, entries, bytes, nanos) -> {
          synchronized (commits) {
            commits.add(new long[] {appends, entries});
          }
        });
    List<CompletableFuture<Journal.Appended>> all = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 250; i++) {
                  CompletableFuture<Journal.Appended> f =
                      j.append(
                          "T1",
                          List.of(
                              new JournalEntry.Waveform(lead(i)),
                              new JournalEntry.Observation(heartRate(i))),
                          "dev" + thread + "|" + i);
                  synchronized (all) {
                    all.add(f);
                  }
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    List<Long> firsts = all.stream().map(f -> f.join().firstSeq()).sorted().toList();
    for (int i = 0; i < firsts.size(); i++) {
      assertThat(firsts.get(i)).isEqualTo(1 + 2L * i);
    }
    assertThat(j.lastSeq("T1")).isEqualTo(2000);
    long appends;
    synchronized (commits) {
      appends = commits.stream().mapToLong(c -> c[0]).sum();
      assertThat(commits.size()).as("group commit: fewer commits than appends").isLessThan(1000);
    }
    assertThat(appends).isEqualTo(1000);
  }

  @Test
  void bookkeepingAheadOfItsRecordsIsRepairedAndStaleDedupeKeysDropped() throws Exception {
    Journal j = open(key(12));
    for (int i = 0; i < 3; i++) {
      j.append("T1", List.of(new JournalEntry.Waveform(lead(i))), "monitor-1|M" + i).join();
    }
    closer.close(j);
    // as if the process died inside a commit that had reached the bookkeeping but not the record
    try (DB db = Journal.store(dir.resolve("journal.db"))) {
      var streams = db.treeMap("streams", Serializer.STRING, Serializer.LONG_ARRAY).open();
      long[] s = streams.get("T1");
      s[2] += 1;
      s[3] += 1;
      streams.put("T1", s);
      db.treeMap("dedupe", Serializer.STRING, Serializer.STRING)
          .open()
          .put("monitor-1|M3", "T1/4/4");
      db.commit();
    }

    Journal again = open(key(12));
    assertThat(again.repairs()).singleElement().asString().contains("T1").contains("3");
    assertThat(again.lastSeq("T1")).isEqualTo(3);
    assertThat(again.verify()).isEmpty();
    // the message whose commit never completed is stored when the monitor sends it again
    Journal.Appended resent =
        again.append("T1", List.of(new JournalEntry.Waveform(lead(3))), "monitor-1|M3").join();
    assertThat(resent.duplicate()).isFalse();
    assertThat(resent.firstSeq()).isEqualTo(4);
    // what was committed before is still kept once
    assertThat(
            again.append("T1", List.of(new JournalEntry.Waveform(lead(1))), "monitor-1|M1").join())
        .extracting(Journal.Appended::duplicate)
        .isEqualTo(true);
  }

  @Test
  void aTamperedRecordIsReportedByNameAndTheRestStaysReadable() throws Exception {
    Journal j = open(key(4));
    for (int i = 0; i < 5; i++) {
      j.append("T1", List.of(new JournalEntry.Waveform(lead(i))), null).join();
    }
    closer.close(j);
    tamper(dir.resolve("journal.db"), "T1", 3); // the third record
    Journal again = open(key(4));
    Journal.Page page = again.read("T1", 1, 100);
    assertThat(page.chunks()).extracting(Journaled::firstSeq).containsExactly(1L, 2L, 4L, 5L);
    assertThat(page.damaged())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.stream()).isEqualTo("T1");
              assertThat(t.firstSeq()).isEqualTo(3);
              assertThat(t.getMessage()).contains("T1/3").contains("integrity");
            });
    assertThat(again.verify()).hasSize(1);
  }

  @Test
  void theWrongKeyIsRefusedAtOpenNotReadAsGarbage() {
    Journal j = open(key(5));
    j.append("T1", List.of(new JournalEntry.Observation(heartRate(80))), null).join();
    closer.close(j);
    // a configuration error, not damage: no salvage, the journal is left as it is
    assertThatThrownBy(() -> open(key(6)))
        .isInstanceOf(JournalException.class)
        .isNotInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining("journal.db")
        .hasMessageContaining("another key");
    // with the right key it is all there
    assertThat(open(key(5)).lastSeq("T1")).isEqualTo(1);
  }

  @Test
  void aTruncatedStoreIsReportedAndSalvagedNeverOpenedAsEmpty() throws Exception {
    Journal j = open(key(7));
    List<CompletableFuture<Journal.Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      appends.add(j.append("T1", List.of(new JournalEntry.Waveform(lead(i))), null));
    }
    appends.forEach(CompletableFuture::join);
    j.append("T2", List.of(new JournalEntry.Transport(started("T2"))), null).join();
    closer.close(j);
    Path file = dir.resolve("journal.db");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      // MapDB keeps its index in the first page and allocates data from 1 MiB on, in order: the
      // 400 records of ≈ 300 bytes end near 1.15 MiB, the b-tree nodes written with them after.
      assertThat(ch.size()).isGreaterThan(1 << 20);
      ch.truncate((1 << 20) + 60 * 1024);
    }
    Journal.Settings settings = Journal.Settings.of(file, key(7));
    assertThatThrownBy(() -> Journal.open(settings))
        .isInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("salvage");

    JournalRecovery.Salvaged s = JournalRecovery.salvage(settings);
    closer.add(s.journal());
    JournalRecovery.Report r = s.report();
    assertThat(r.keptAt()).exists();
    assertThat(Files.size(r.keptAt())).isPositive();
    assertThat(r.chunksSaved()).isPositive();
    assertThat(r.chunksSaved() + r.chunksLost()).isLessThan(401);
    assertThat(r.summary()).contains("saved").contains(r.keptAt().toString());
    // what was saved reads back with its original sequence numbers
    Journal.Page page = s.journal().read("T1", 1, 1000);
    assertThat(page.damaged()).isEmpty();
    for (Journaled c : page.chunks()) {
      WaveformSegment w = ((JournalEntry.Waveform) c.items().get(0).entry()).value();
      assertThat(w.samples()).containsExactly(lead((int) c.firstSeq() - 1).samples());
    }
    closer.close(s.journal());
    // and the new journal opens cleanly next time
    assertThat(open(key(7)).streams()).isNotEmpty();
  }

  @Test
  void purgeDropsOnlyWhatIsSelectedAndKeepsSequenceNumbers() {
    Journal j = open(key(8));
    for (int i = 0; i < 10; i++) {
      j.append(
              "T1",
              List.of(
                  new JournalEntry.Waveform(lead(i)), new JournalEntry.Observation(heartRate(i))),
              null)
          .join();
    }
    long before = j.liveBytes();
    long freed = j.purge("T1", 10, e -> e.kind() == JournalEntry.Kind.WAVEFORM).join();
    assertThat(freed).isPositive();
    assertThat(j.liveBytes()).isEqualTo(before - freed);
    List<Journaled.Item> items =
        j.read("T1", 1, 100).chunks().stream().flatMap(c -> c.items().stream()).toList();
    // seqs 1..10 are chunks 1-5 (waveform, observation pairs): waveforms up to 10 gone
    assertThat(items.stream().filter(i -> i.seq() <= 10))
        .allSatisfy(i -> assertThat(i.entry().kind()).isEqualTo(JournalEntry.Kind.OBSERVATION));
    assertThat(items.stream().filter(i -> i.seq() > 10).count()).isEqualTo(10);
    assertThat(items)
        .extracting(Journaled.Item::seq)
        .contains(2L, 4L, 11L, 20L)
        .doesNotContain(1L, 3L);

    j.acknowledge("ehr", "T1", 20).join();
    j.append("T2", List.of(new JournalEntry.Observation(heartRate(1))), "dev|X").join();
    j.deleteStream("T1").join();
    assertThat(j.stream("T1")).isNull();
    assertThat(j.read("T1", 1, 10).chunks()).isEmpty();
    assertThat(j.cursor("ehr", "T1")).isEqualTo(-1);
    assertThat(j.lastSeq("T2")).isEqualTo(1);
  }

  @Test
  void badInputIsRefusedWithTheOffendingValueAndNothingIsLost() {
    Journal j = open(key(9));
    j.append("T1", List.of(new JournalEntry.Observation(heartRate(1))), null).join();
    assertThatThrownBy(
            () -> j.append("a/b", List.of(new JournalEntry.Observation(heartRate(1))), null))
        .hasMessageContaining("'a/b'");
    assertThatThrownBy(() -> j.append("T1", List.of(), null)).hasMessageContaining("T1");
    assertThat(j.lastSeq("T1")).isEqualTo(1);
  }

  @Test
  void appendsAfterCloseFailClearly() {
    Journal j = open(key(10));
    closer.close(j);
    assertThatThrownBy(
            () -> j.append("T1", List.of(new JournalEntry.Observation(heartRate(1))), null).join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void commitWindowBatchesBoundedByTheWindow() {
    Journal j =
        Journal.open(
            Journal.Settings.of(dir.resolve("w.db"), key(11))
                .withCommitWindow(Duration.ofMillis(30)));
    closer.add(j);
    long t0 = System.nanoTime();
    j.append("T1", List.of(new JournalEntry.Observation(heartRate(1))), null).join();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // a lone append waits for the window before its commit (more can join it meanwhile)
    assertThat(ms).isGreaterThanOrEqualTo(29);
  }
}
