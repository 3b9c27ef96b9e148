package org.ambulink.bench;

import java.util.Arrays;

/**
 * The changes one appliance posted for its transport, in order, and how far each board viewer has
 * seen them. A change is one batch with events: every event in it carries the same {@code at}, and
 * the console applies a batch in one transaction, so a summary whose {@code lastEventAt} is at or
 * after a change's {@code at} reflects that change (and every earlier one). The appliance adds the
 * change before it posts; a viewer advances its cursor over every change its summary covers and
 * records change → visible for the measured ones.
 */
final class BoardChanges {
  final String transportId;
  private final int[] cursors;
  private long[] at = new long[256];
  private long[] postedNanos = new long[256];
  private byte[] flags = new byte[256];
  private int count;

  private static final byte MEASURED = 1;
  private static final byte FAILED = 2;

  /** For a transport that {@code viewers} viewers watch (indexes 0 .. viewers - 1). */
  BoardChanges(String transportId, int viewers) {
    this.transportId = transportId;
    this.cursors = new int[viewers];
  }

  /**
   * A change about to be posted: its events' {@code at} (epoch ms, larger than the last one's) and
   * the time the post starts. Returns its index, for {@link #failed}.
   */
  synchronized int add(long atMillis, long postNanos, boolean measured) {
    if (count > 0 && atMillis <= at[count - 1]) {
      throw new IllegalArgumentException("changes must have increasing 'at'");
    }
    if (count == at.length) {
      at = Arrays.copyOf(at, count * 2);
      postedNanos = Arrays.copyOf(postedNanos, count * 2);
      flags = Arrays.copyOf(flags, count * 2);
    }
    at[count] = atMillis;
    postedNanos[count] = postNanos;
    flags[count] = measured ? MEASURED : 0;
    return count++;
  }

  /** The post of a change was not answered 200: it is left out of the counts. */
  synchronized void failed(int index) {
    flags[index] |= FAILED;
  }

  /**
   * A viewer received a summary of this transport with the given {@code lastEventAt} at {@code
   * arrivalNanos}: the changes it newly covers are seen; the measured ones' delays go to {@code
   * delays}. Returns how many changes it newly covered.
   */
  synchronized int seen(int viewer, long lastEventAtMillis, long arrivalNanos, LongList delays) {
    int c = cursors[viewer];
    int start = c;
    while (c < count && at[c] <= lastEventAtMillis) {
      if (flags[c] == MEASURED) {
        delays.add(arrivalNanos - postedNanos[c]);
      }
      c++;
    }
    cursors[viewer] = c;
    return c - start;
  }

  /** Measured changes posted successfully. */
  synchronized int measured() {
    int n = 0;
    for (int i = 0; i < count; i++) {
      n += flags[i] == MEASURED ? 1 : 0;
    }
    return n;
  }

  /** Measured changes (posted successfully) that the viewer has not seen. */
  synchronized int unseen(int viewer) {
    int n = 0;
    for (int i = cursors[viewer]; i < count; i++) {
      n += flags[i] == MEASURED ? 1 : 0;
    }
    return n;
  }

  /** Whether every viewer has seen every successfully posted change. */
  synchronized boolean allSeen() {
    for (int viewer = 0; viewer < cursors.length; viewer++) {
      for (int i = cursors[viewer]; i < count; i++) {
        if ((flags[i] & FAILED) == 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** A growable list of longs, for delays. */
  static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void addAll(LongList other) {
      for (int i = 0; i < other.size; i++) {
        add(other.values[i]);
      }
    }

    int size() {
      return size;
    }

    long[] sorted() {
      long[] r = Arrays.copyOf(values, size);
      Arrays.sort(r);
      return r;
    }
  }
}
