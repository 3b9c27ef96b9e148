package org.ambulink.appliance.journal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import kotlin.collections.LongIterator;
import org.mapdb.Serializer;
import org.mapdb.StoreDirect;
import org.mapdb.volume.FileChannelVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery from a journal store that cannot be opened: its files are moved aside (never deleted), a
 * new journal is created in their place, and every record that can still be read and authenticated
 * is copied into it with its stream and sequence numbers. Consumer cursors are not copied, so
 * consumers deliver the salvaged data again (deliveries are idempotent). The report says what was
 * saved and what was lost, and the appliance shows it to the crew.
 */
public final class JournalRecovery {
  private static final Logger log = LoggerFactory.getLogger(JournalRecovery.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final long PAD_BYTES = 16L << 20;

  private JournalRecovery() {}

  /** What a salvage did. */
  public record Report(
      Path damagedFile, Path keptAt, long chunksSaved, long chunksLost, List<String> problems) {
    public String summary() {
      return "the journal "
          + damagedFile
          + " was damaged; "
          + chunksSaved
          + " record(s) were saved into a new journal"
          + (chunksLost > 0 ? ", " + chunksLost + " could not be read" : "")
          + (problems.isEmpty() ? "" : " (" + problems.get(0) + ")")
          + "; the damaged files are kept at "
          + keptAt;
    }
  }

  /**
   * Moves the damaged store aside, opens a new journal at the same place and copies into it what is
   * readable. Returns the new, open journal and the report.
   */
  public static Salvaged salvage(Journal.Settings settings) {
    Path file = settings.file().toAbsolutePath();
    Clock clock = settings.clock();
    Path aside =
        file.resolveSibling(file.getFileName() + ".damaged-" + STAMP.format(clock.instant()));
    try {
      for (Path p : Journal.files(file)) {
        Path target =
            aside.resolveSibling(
                aside.getFileName()
                    + p.getFileName().toString().substring(file.getFileName().toString().length()));
        Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new JournalException("cannot move the damaged journal " + file + " aside: " + e, e);
    }
    log.error("journal store damaged; files moved to {}, salvaging", aside);
    Journal journal = Journal.open(settings);
    List<String> problems = new ArrayList<>();
    long saved = 0;
    long lost = 0;
    RecordSealer sealer = new RecordSealer(settings.key());
    StoreDirect store = null;
    Path work = null;
    try {
      // Read a scratch copy, never the kept files. A truncated store is padded back with zeros:
      // MapDB refuses to read a file shorter than its header says, but what is left is readable.
      work = Files.createTempFile(file.getParent(), ".salvage-", ".db");
      Files.copy(aside, work, StandardCopyOption.REPLACE_EXISTING);
      try (RandomAccessFile raf = new RandomAccessFile(work.toFile(), "rw")) {
        raf.setLength(raf.length() * 2 + PAD_BYTES);
      }
      // The store alone, not a DB: opening a DB checks its catalogue of named collections, which
      // is one of the records a damaged file may have lost.
      store =
          StoreDirect.Companion.make(
              work.toString(),
              FileChannelVol.FACTORY,
              0L,
              false,
              true,
              3,
              1L << 20,
              0L,
              false,
              false,
              false,
              true,
              true);
      // Walk every record in the store, not the (possibly broken) index: a journal record names
      // its stream and first sequence number and authenticates them, anything else is skipped.
      Map<String, TreeMap<Long, byte[]>> found = new TreeMap<>();
      LongIterator recids;
      try {
        recids = store.getAllRecids();
      } catch (RuntimeException e) {
        problems.add("record index unreadable: " + e);
        recids = null;
      }
      while (recids != null) {
        long recid;
        try {
          if (!recids.hasNext()) {
            break;
          }
          recid = recids.nextLong();
        } catch (RuntimeException e) {
          problems.add("record index unreadable after " + saved + " record(s): " + e);
          break;
        }
        byte[] raw;
        try {
          // the records map stores its values with a length prefix (Serializer.BYTE_ARRAY)
          raw = store.get(recid, Serializer.BYTE_ARRAY);
        } catch (RuntimeException e) {
          continue; // not readable as bytes: lost with the damage, or not a record of ours
        }
        if (raw == null) {
          continue;
        }
        RecordSealer.Opened o = sealer.openAny(raw);
        if (o == null) {
          continue;
        }
        try {
          EntryCodec.decode(o.plaintext());
        } catch (IllegalArgumentException bad) {
          lost++;
          continue;
        }
        found.computeIfAbsent(o.stream(), k -> new TreeMap<>()).put(o.firstSeq(), raw);
      }
      List<CompletableFuture<Void>> copies = new ArrayList<>();
      for (Map.Entry<String, TreeMap<Long, byte[]>> stream : found.entrySet()) {
        Map.Entry<Long, byte[]> oldest = stream.getValue().firstEntry();
        Instant created =
            EntryCodec.decode(sealer.open(stream.getKey(), oldest.getKey(), oldest.getValue()))
                .journaledAt();
        for (Map.Entry<Long, byte[]> chunk : stream.getValue().entrySet()) {
          byte[] sealed = chunk.getValue();
          List<Journaled.Item> items =
              EntryCodec.decode(sealer.open(stream.getKey(), chunk.getKey(), sealed)).items();
          long last = items.isEmpty() ? chunk.getKey() : items.get(items.size() - 1).seq();
          copies.add(journal.importChunk(stream.getKey(), created, chunk.getKey(), last, sealed));
          saved++;
        }
      }
      problems.add(
          "records lost with the damaged part of the file cannot be counted; compare the"
              + " sequence numbers for gaps");
      CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).join();
    } catch (RuntimeException | IOException e) {
      problems.add("the damaged store could not be read at all: " + e);
    } finally {
      if (store != null) {
        try {
          store.close();
        } catch (RuntimeException e) {
          // a scratch copy; nothing to keep
        }
      }
      if (work != null) {
        try {
          Files.deleteIfExists(work);
        } catch (IOException e) {
          log.warn("could not delete the salvage scratch copy {}", work);
        }
      }
    }
    Report report = new Report(file, aside, saved, lost, problems);
    log.error("{}", report.summary());
    return new Salvaged(journal, report);
  }

  /** The new journal and what went into it. */
  public record Salvaged(Journal journal, Report report) {}
}
