package org.ambulink.appliance.journal;

import java.time.Instant;
import java.util.List;

/**
 * A chunk of entries as read back from the journal: the entries of one append (one monitor message
 * or one transport event), each with its sequence number in the stream.
 *
 * @param stream the stream (a transport id, or {@link Journal#STANDBY} between transports)
 * @param journaledAt when the chunk was committed (appliance clock)
 * @param items the entries in sequence order
 */
public record Journaled(String stream, Instant journaledAt, List<Item> items) {

  public Journaled {
    items = List.copyOf(items);
  }

  /** One entry and its sequence number. */
  public record Item(long seq, JournalEntry entry) {}

  public long firstSeq() {
    return items.isEmpty() ? -1 : items.get(0).seq();
  }

  public long lastSeq() {
    return items.isEmpty() ? -1 : items.get(items.size() - 1).seq();
  }
}
