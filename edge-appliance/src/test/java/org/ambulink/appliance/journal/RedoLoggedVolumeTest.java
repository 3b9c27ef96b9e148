package org.ambulink.appliance.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ambulink.appliance.testing.Journals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's main file changes all or nothing: a process killed while a commit was copied into it
 * leaves a complete redo log that is replayed at open; one killed while the redo log was written
 * leaves an incomplete one that is discarded (that commit never returned).
 */
class RedoLoggedVolumeTest {
  private static final int PAGE = RedoLoggedVolume.PAGE;

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("journal.db");
  }

  private void append(int from, int count) {
    try (Journal j = Journals.open(file(), 7)) {
      for (int i = from; i < from + count; i++) {
        j.append("T1", List.of(new JournalEntry.Waveform(JournalTest.lead(i))), "monitor-1|M" + i)
            .join();
      }
    }
  }

  @Test
  void aCompleteRedoLogIsReplayedIntoAStoreTornMidCopy() throws Exception {
    append(0, 3);
    byte[] before = Files.readAllBytes(file());
    append(3, 3);
    byte[] after = Files.readAllBytes(file());
    assertThat(Files.size(RedoLoggedVolume.redoFile(file()))).as("emptied after a commit").isZero();

    TreeMap<Long, byte[]> changed = new TreeMap<>();
    for (long p = 0; p * PAGE < after.length; p++) {
      byte[] now = page(after, p);
      if (!Arrays.equals(now, page(before, p))) {
        changed.put(p, now);
      }
    }
    assertThat(changed).hasSizeGreaterThan(2).containsKey(0L); // the header, and more
    // killed half-way through copying the commit: the new header over half-old pages
    byte[] torn = Arrays.copyOf(before, Math.max(before.length, after.length));
    int half = 0;
    for (Map.Entry<Long, byte[]> p : changed.entrySet()) {
      if (half++ >= changed.size() / 2) {
        break;
      }
      int at = (int) (p.getKey() * PAGE);
      System.arraycopy(p.getValue(), 0, torn, at, Math.min(PAGE, torn.length - at));
    }
    Files.write(file(), torn);
    ByteBuffer redo = RedoLoggedVolume.encode(after.length, changed);
    Files.write(RedoLoggedVolume.redoFile(file()), Arrays.copyOf(redo.array(), redo.limit()));

    try (Journal j = Journals.open(file(), 7)) {
      assertThat(j.lastSeq("T1")).isEqualTo(6);
      assertThat(Journals.items(j, "T1")).hasSize(6);
      assertThat(j.verify()).isEmpty();
      assertThat(j.repairs()).isEmpty();
    }
    assertThat(Files.size(RedoLoggedVolume.redoFile(file()))).isZero();
    assertThat(Files.readAllBytes(file())).isEqualTo(after);
  }

  @Test
  void anIncompleteRedoLogIsDiscardedAndTheStoreIsAsOfItsLastCommit() throws Exception {
    append(0, 3);
    byte[] committed = Files.readAllBytes(file());
    TreeMap<Long, byte[]> garbage = new TreeMap<>();
    byte[] junk = new byte[PAGE];
    Arrays.fill(junk, (byte) 0x5a);
    garbage.put(0L, junk);
    garbage.put(1L, junk);
    ByteBuffer redo = RedoLoggedVolume.encode(committed.length, garbage);
    // killed while the redo log was being written: it ends early
    Files.write(RedoLoggedVolume.redoFile(file()), Arrays.copyOf(redo.array(), redo.limit() - 9));

    try (Journal j = Journals.open(file(), 7)) {
      assertThat(j.lastSeq("T1")).isEqualTo(3);
      assertThat(Journals.items(j, "T1")).hasSize(3);
      j.append("T1", List.of(new JournalEntry.Waveform(JournalTest.lead(3))), "monitor-1|M3")
          .join();
    }
    assertThat(Files.size(RedoLoggedVolume.redoFile(file()))).isZero();
    try (Journal j = Journals.open(file(), 7)) {
      assertThat(j.lastSeq("T1")).isEqualTo(4);
    }
  }

  @Test
  void aRedoLogThatFailsItsChecksumIsDiscarded() throws Exception {
    append(0, 2);
    byte[] committed = Files.readAllBytes(file());
    byte[] junk = new byte[PAGE];
    ByteBuffer redo = RedoLoggedVolume.encode(committed.length, Map.of(0L, junk));
    byte[] bytes = Arrays.copyOf(redo.array(), redo.limit());
    bytes[30] ^= 1;
    Files.write(RedoLoggedVolume.redoFile(file()), bytes);

    try (Journal j = Journals.open(file(), 7)) {
      assertThat(j.lastSeq("T1")).isEqualTo(2);
    }
    assertThat(Files.readAllBytes(file())).isEqualTo(committed);
  }

  @Test
  void theRedoLogIsOneOfTheStoresFiles() {
    append(0, 1);
    assertThat(Journal.files(file())).contains(RedoLoggedVolume.redoFile(file()));
  }

  private static byte[] page(byte[] file, long p) {
    int from = (int) (p * PAGE);
    byte[] out = new byte[PAGE];
    if (from < file.length) {
      System.arraycopy(file, from, out, 0, Math.min(PAGE, file.length - from));
    }
    return out;
  }
}
