package org.ambulink.appliance.live;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.Journaled;

/**
 * Where each ECG frame number of one transport's journal stream lives: per journaled message that
 * has frames, its first frame number, its journal sequence number (once committed) and its start
 * time. Built from the journal when a stream is first seen, then grown by the live path in append
 * order. Thread-safe.
 *
 * <p>The {@code epoch} names one numbering: it changes when the index is rebuilt, so a viewer that
 * holds frames of an older numbering starts its record afresh rather than mixing the two.
 */
final class EcgIndex {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String stream;
  private final String epoch;
  private long[] firstOrdinal = new long[1024];
  private long[] journalSeq = new long[1024];
  private long[] startMicros = new long[1024];
  private int[] frames = new int[1024];
  private int size;
  private long nextOrdinal;
  private int committedChunks; // chunks [0, committedChunks) are all in the journal

  private EcgIndex(String stream) {
    this.stream = stream;
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    this.epoch = HexFormat.of().formatHex(b);
  }

  /** The index of a stream as the journal has it now. */
  static EcgIndex build(Journal journal, String stream) {
    EcgIndex index = new EcgIndex(stream);
    long from = 0;
    while (true) {
      Journal.Page page = journal.read(stream, from, 256);
      for (Journaled chunk : page.chunks()) {
        var entries = chunk.items().stream().map(Journaled.Item::entry).toList();
        var fs = EcgFramer.frames(entries, 0, false);
        if (!fs.isEmpty()) {
          int i = index.add(fs.size(), fs.get(0).startMicros());
          index.committed(i, chunk.firstSeq());
        }
      }
      if (page.nextSeq() <= from || (page.chunks().isEmpty() && page.damaged().isEmpty())) {
        return index;
      }
      from = page.nextSeq();
    }
  }

  String stream() {
    return stream;
  }

  String epoch() {
    return epoch;
  }

  synchronized long nextOrdinal() {
    return nextOrdinal;
  }

  /** Frames below this number are all in the journal (readable for backfill). */
  synchronized long committedOrdinal() {
    return committedChunks == size ? nextOrdinal : firstOrdinal[committedChunks];
  }

  /** Records a message's frames (numbered from {@link #nextOrdinal()}); returns its chunk slot. */
  synchronized int add(int frameCount, long firstStartMicros) {
    if (size == firstOrdinal.length) {
      int n = size * 2;
      firstOrdinal = Arrays.copyOf(firstOrdinal, n);
      journalSeq = Arrays.copyOf(journalSeq, n);
      startMicros = Arrays.copyOf(startMicros, n);
      frames = Arrays.copyOf(frames, n);
    }
    firstOrdinal[size] = nextOrdinal;
    journalSeq[size] = -1;
    startMicros[size] = firstStartMicros;
    frames[size] = frameCount;
    nextOrdinal += frameCount;
    return size++;
  }

  /** The message in slot {@code chunk} was committed as journal entries from {@code seq} on. */
  synchronized void committed(int chunk, long seq) {
    journalSeq[chunk] = seq;
    while (committedChunks < size && journalSeq[committedChunks] >= 0) {
      committedChunks++;
    }
  }

  /** The first frame of the last {@code windowMicros} of ECG (by the monitor's clock). */
  synchronized long windowStart(long windowMicros) {
    if (size == 0) {
      return nextOrdinal;
    }
    long from = startMicros[size - 1] - windowMicros;
    int i = size - 1;
    while (i > 0 && startMicros[i - 1] >= from) {
      i--;
    }
    return firstOrdinal[i];
  }

  /**
   * Where frame {@code ordinal} is: the journal sequence number of its message and the message's
   * first frame number; null when unknown or not yet committed.
   */
  synchronized long[] locate(long ordinal) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (firstOrdinal[mid] + frames[mid] <= ordinal) {
        lo = mid + 1;
      } else if (firstOrdinal[mid] > ordinal) {
        hi = mid - 1;
      } else {
        return journalSeq[mid] < 0 ? null : new long[] {journalSeq[mid], firstOrdinal[mid]};
      }
    }
    return null;
  }
}
