package org.ambulink.appliance.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.SecretKey;
import org.mapdb.BTreeMap;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.Serializer;
import org.mapdb.StoreWAL;
import org.mapdb.serializer.SerializerArrayTuple;
import org.mapdb.volume.VolumeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's durable, encrypted journal (MapDB file store with its write-ahead log).
 *
 * <p>Data is kept in <em>streams</em>: one per transport, plus {@link #STANDBY} for what a monitor
 * sends between transports. {@link #append} gives every entry the next sequence number of its
 * stream and returns a future that completes only once the entries are on disk. Appends are
 * group-committed by one writer thread: it waits at most the commit window after the oldest pending
 * append (or until a batch is full), writes every pending append and commits once, i.e. one {@code
 * fsync} for many monitor messages. Every write to the store goes through that thread, so sequence
 * numbers have no gaps and no reader sees an entry before its commit.
 *
 * <p>Each append is stored as one record (a <em>chunk</em>), encrypted and authenticated with the
 * journal key under its stream and first sequence number. An append may carry a de-duplication key
 * (the monitor's device and message control id): a monitor that resends a message whose ACK it did
 * not get finds it already journaled, and the journal keeps it once.
 *
 * <p>Consumers (live stream, console sync, EHR delivery) keep durable cursors: the last sequence
 * they delivered, per stream. A consumer restarts from its cursor after a crash.
 */
public final class Journal implements AutoCloseable {
  /** The stream for monitor data received while no transport is running. */
  public static final String STANDBY = "standby";

  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  /** How the journal is opened. */
  public record Settings(
      Path file, SecretKey key, Duration commitWindow, int maxBatchEntries, Clock clock) {
    public Settings {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(commitWindow, "commitWindow");
      if (commitWindow.isNegative()) {
        throw new IllegalArgumentException("commit window must not be negative: " + commitWindow);
      }
      if (maxBatchEntries < 1) {
        throw new IllegalArgumentException(
            "max batch entries must be positive: " + maxBatchEntries);
      }
      clock = clock == null ? Clock.systemUTC() : clock;
    }

    public static Settings of(Path file, SecretKey key) {
      return new Settings(file, key, Duration.ofMillis(20), 10_000, Clock.systemUTC());
    }

    public Settings withCommitWindow(Duration window) {
      return new Settings(file, key, window, maxBatchEntries, clock);
    }
  }

  /** Where an append landed; {@code duplicate} when its de-duplication key was already there. */
  public record Appended(String stream, long firstSeq, long lastSeq, boolean duplicate) {}

  /** Per-stream bookkeeping, as kept in the store. */
  public record StreamInfo(
      String stream, Instant created, long firstSeq, long lastSeq, long chunks, long bytes) {
    public long entries() {
      return lastSeq < 0 ? 0 : lastSeq - firstSeq + 1;
    }
  }

  /** A page of a stream: readable chunks in order, and the ones that failed their check. */
  public record Page(
      List<Journaled> chunks, List<JournalTamperedException> damaged, long nextSeq) {}

  /** Told about every group commit, for metrics. Called on the writer thread: be quick. */
  public interface CommitObserver {
    void committed(int appends, int entries, long bytes, long nanos);

    default void failed(Throwable cause) {}

    CommitObserver NONE = (a, e, b, n) -> {};
  }

  private final Settings settings;
  private final DB db;
  private final BTreeMap<Object[], byte[]> records;
  private final BTreeMap<String, long[]> streams;
  private final BTreeMap<String, String> dedupe;
  private final BTreeMap<String, Long> cursors;
  private final BTreeMap<String, String> meta;
  private final RecordSealer sealer;
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Map<String, long[]> committedStreams = new ConcurrentHashMap<>();
  private final List<String> repairs = new ArrayList<>();
  private volatile CommitObserver observer = CommitObserver.NONE;
  private volatile boolean closing;
  private volatile Throwable broken;

  private Journal(Settings settings, DB db) {
    this.settings = settings;
    this.db = db;
    this.records =
        db.treeMap("records")
            .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
            .valueSerializer(Serializer.BYTE_ARRAY)
            .valuesOutsideNodesEnable()
            .createOrOpen();
    this.streams = db.treeMap("streams", Serializer.STRING, Serializer.LONG_ARRAY).createOrOpen();
    this.dedupe = db.treeMap("dedupe", Serializer.STRING, Serializer.STRING).createOrOpen();
    this.cursors = db.treeMap("cursors", Serializer.STRING, Serializer.LONG).createOrOpen();
    this.meta = db.treeMap("meta", Serializer.STRING, Serializer.STRING).createOrOpen();
    db.commit();
    this.sealer = new RecordSealer(settings.key());
    for (Map.Entry<String, long[]> e : streams.entrySet()) {
      committedStreams.put(e.getKey(), e.getValue().clone());
    }
    this.writer = new Thread(this::writeLoop, "journal-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Opens (or creates) the journal file.
   *
   * @throws JournalCorruptedException when the store cannot be opened as a journal; see {@link
   *     JournalRecovery} for salvaging what is readable
   */
  public static Journal open(Settings settings) {
    Path file = settings.file().toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new JournalException("cannot create the journal folder " + file.getParent(), e);
    }
    DB db;
    try {
      db = store(file);
    } catch (DBException.FileLocked e) {
      throw new JournalException(
          "the journal " + file + " is in use by another process (is the appliance running?)", e);
    } catch (DBException | IllegalStateException | ArrayIndexOutOfBoundsException e) {
      throw new JournalCorruptedException(file, e);
    }
    Journal journal;
    try {
      journal = new Journal(settings, db);
    } catch (RuntimeException e) {
      closeQuietly(db);
      throw new JournalCorruptedException(file, e);
    }
    try {
      journal.checkKey();
      journal.checkStreams();
      return journal;
    } catch (JournalException e) {
      journal.close();
      throw e;
    } catch (RuntimeException e) {
      journal.close();
      throw new JournalCorruptedException(file, e);
    }
  }

  /**
   * Opens (or creates) the MapDB store: what {@code
   * DBMaker.fileDB(file).transactionEnable().fileChannelEnable().make()} makes (write-ahead log,
   * commit() forces it to disk; no mmap: on a full disk it kills the JVM), except that the main
   * file is a {@link RedoLoggedVolume}. MapDB 3.1.0 copies a commit into the main file in place and
   * never replays its WAL at open, so a process killed during that copy left a store that cannot be
   * opened; the redo log makes the copy all or nothing (see {@link RedoLoggedVolume}).
   */
  public static DB store(Path file) {
    String name = file.toAbsolutePath().toString();
    VolumeFactory volumes = RedoLoggedVolume.factory(file);
    boolean existed = volumes.exists(name);
    StoreWAL store =
        StoreWAL.make(
            name,
            volumes,
            0L, // file lock: fail at once when another process has the store open
            true, // thread safe
            CC.STORE_DIRECT_CONC_SHIFT,
            0L, // allocate increment: MapDB's default (1 MiB pages)
            0L, // allocate start size
            false, // delete after close
            false, // delete after open
            false, // record checksums (StoreWAL does not support them)
            true, // header checksum
            false); // header checksum bypass
    try {
      return new DB(store, existed, true, Thread.currentThread().getContextClassLoader(), 0);
    } catch (RuntimeException e) {
      try {
        store.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The store's files: the main file, its write-ahead logs and its redo log. */
  public static List<Path> files(Path file) {
    List<Path> out = new ArrayList<>();
    Path abs = file.toAbsolutePath();
    String name = abs.getFileName().toString();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(abs.getParent())) {
      for (Path p : dir) {
        String n = p.getFileName().toString();
        if (n.equals(name)
            || n.startsWith(name + ".wal.")
            || n.equals(name + RedoLoggedVolume.SUFFIX)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      // no folder, no files
    }
    return out;
  }

  public void setObserver(CommitObserver observer) {
    this.observer = observer == null ? CommitObserver.NONE : observer;
  }

  public Path file() {
    return settings.file();
  }

  // --- writing ---------------------------------------------------------------------------------

  /**
   * Appends entries to a stream as one chunk; completes when they are committed to disk.
   *
   * @param dedupeKey when not null and already journaled, nothing is written and the earlier
   *     append's place is returned with {@code duplicate} set
   */
  public CompletableFuture<Appended> append(
      String stream, List<JournalEntry> entries, String dedupeKey) {
    return append(stream, entries, dedupeKey, Map.of());
  }

  /**
   * Appends entries and, in the same commit, sets small clear-text bookkeeping values (no patient
   * data: they are not encrypted), e.g. a transport's state for the retention policy.
   */
  public CompletableFuture<Appended> append(
      String stream,
      List<JournalEntry> entries,
      String dedupeKey,
      Map<String, String> metaUpdates) {
    Objects.requireNonNull(stream, "stream");
    if (stream.isEmpty() || stream.indexOf('\u0000') >= 0 || stream.indexOf('/') >= 0) {
      throw new IllegalArgumentException("bad journal stream name '" + stream + "'");
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("nothing to append to " + stream);
    }
    return submit(new AppendOp(stream, List.copyOf(entries), dedupeKey, Map.copyOf(metaUpdates)));
  }

  /**
   * Sets small clear-text bookkeeping values (no patient data: they are not encrypted) in a commit
   * of their own, for a consumer whose state changes without new entries (e.g. EHR delivery
   * attempts). The journal's own keys ({@code journal/…}) cannot be set.
   */
  public CompletableFuture<Void> updateMeta(Map<String, String> updates) {
    for (String k : updates.keySet()) {
      if (k.startsWith("journal/")) {
        throw new IllegalArgumentException("'" + k + "' is the journal's own bookkeeping");
      }
    }
    return submit(new MetaOp(Map.copyOf(updates)));
  }

  /** Records that {@code consumer} delivered {@code stream} up to {@code seq}; never goes back. */
  public CompletableFuture<Void> acknowledge(String consumer, String stream, long seq) {
    return submit(new CursorOp(cursorKey(consumer, stream), seq));
  }

  /** Removes a whole stream: its chunks, bookkeeping, cursors and de-duplication keys. */
  public CompletableFuture<Long> deleteStream(String stream, String... metaKeys) {
    return submit(new DeleteStreamOp(stream, List.of(metaKeys)));
  }

  /**
   * Rewrites the chunks of {@code stream} up to {@code uptoSeq} without the entries {@code drop}
   * selects; sequence numbers of what stays do not change. Returns the bytes freed.
   */
  public CompletableFuture<Long> purge(String stream, long uptoSeq, Predicate<JournalEntry> drop) {
    return submit(new PurgeOp(stream, uptoSeq, drop));
  }

  private <T> CompletableFuture<T> submit(Op op) {
    Throwable b = broken;
    if (b != null) {
      return CompletableFuture.failedFuture(
          new JournalException("the journal stopped after a failed commit: " + b.getMessage(), b));
    }
    if (closing) {
      return CompletableFuture.failedFuture(new JournalException("the journal is closed"));
    }
    queue.add(op);
    @SuppressWarnings("unchecked")
    CompletableFuture<T> f = (CompletableFuture<T>) op.done;
    return f;
  }

  private void writeLoop() {
    long window = settings.commitWindow().toNanos();
    List<Op> batch = new ArrayList<>();
    while (true) {
      Op first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        first = null;
      }
      if (first == null) {
        if (closing && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.add(first);
      int entries = first.size();
      long deadline = first.enqueued + window;
      while (entries < settings.maxBatchEntries()) {
        long wait = deadline - System.nanoTime();
        Op next;
        if (wait <= 0 || closing) {
          next = queue.poll();
        } else {
          try {
            next = queue.poll(wait, TimeUnit.NANOSECONDS);
          } catch (InterruptedException e) {
            next = queue.poll();
          }
        }
        if (next == null) {
          break;
        }
        batch.add(next);
        entries += next.size();
      }
      commit(batch, entries);
      batch.clear();
    }
  }

  private void commit(List<Op> batch, int entries) {
    long start = System.nanoTime();
    Tx tx = new Tx();
    List<Object> results = new ArrayList<>(batch.size());
    try {
      if (broken != null) {
        throw new JournalException("the journal stopped after a failed commit");
      }
      for (Op op : batch) {
        results.add(op.apply(tx));
      }
      for (Map.Entry<String, long[]> e : tx.touched.entrySet()) {
        if (e.getValue() == null) {
          streams.remove(e.getKey());
        } else {
          streams.put(e.getKey(), e.getValue());
        }
      }
      db.commit();
    } catch (Throwable t) {
      log.error(
          "journal commit of {} operation(s) failed, rolled back: {}", batch.size(), t.toString());
      try {
        db.rollback();
      } catch (Throwable r) {
        t.addSuppressed(r);
        broken = t;
      }
      observer.failed(t);
      JournalException failure =
          t instanceof JournalException je
              ? je
              : new JournalException("journal commit failed: " + t, t);
      for (Op op : batch) {
        op.done.completeExceptionally(failure);
      }
      return;
    }
    for (Map.Entry<String, long[]> e : tx.touched.entrySet()) {
      if (e.getValue() == null) {
        committedStreams.remove(e.getKey());
      } else {
        committedStreams.put(e.getKey(), e.getValue().clone());
      }
    }
    long nanos = System.nanoTime() - start;
    observer.committed(batch.size(), entries, tx.bytes, nanos);
    for (int i = 0; i < batch.size(); i++) {
      @SuppressWarnings("unchecked")
      CompletableFuture<Object> f = (CompletableFuture<Object>) batch.get(i).done;
      f.complete(results.get(i));
    }
  }

  /** Changes made by one group commit, visible to the operations that follow in it. */
  private final class Tx {
    // stream -> {created millis, first seq, last seq, chunks, bytes}; null value: deleted
    final Map<String, long[]> touched = new LinkedHashMap<>();
    long bytes;

    long[] stream(String name) {
      if (touched.containsKey(name)) {
        return touched.get(name);
      }
      long[] s = streams.get(name);
      return s == null ? null : s.clone();
    }
  }

  private abstract static class Op {
    final long enqueued = System.nanoTime();
    final CompletableFuture<?> done = new CompletableFuture<>();

    int size() {
      return 1;
    }

    abstract Object apply(Tx tx);
  }

  private final class AppendOp extends Op {
    final String stream;
    final List<JournalEntry> entries;
    final String dedupeKey;
    final Map<String, String> metaUpdates;

    AppendOp(
        String stream,
        List<JournalEntry> entries,
        String dedupeKey,
        Map<String, String> metaUpdates) {
      this.stream = stream;
      this.entries = entries;
      this.dedupeKey = dedupeKey;
      this.metaUpdates = metaUpdates;
    }

    @Override
    int size() {
      return entries.size();
    }

    @Override
    Object apply(Tx tx) {
      if (dedupeKey != null) {
        String seen = dedupe.get(dedupeKey);
        if (seen != null) {
          String[] p = seen.split("/", 3);
          return new Appended(p[0], Long.parseLong(p[1]), Long.parseLong(p[2]), true);
        }
      }
      long[] s = tx.stream(stream);
      if (s == null) {
        s = new long[] {settings.clock().millis(), 1, 0, 0, 0};
      }
      long first = s[2] + 1;
      long last = first + entries.size() - 1;
      byte[] plain = EntryCodec.encode(settings.clock().instant(), first, entries);
      byte[] sealed = sealer.seal(stream, first, plain);
      records.put(new Object[] {stream, first}, sealed);
      s[2] = last;
      s[3]++;
      s[4] += sealed.length;
      tx.touched.put(stream, s);
      tx.bytes += sealed.length;
      if (dedupeKey != null) {
        dedupe.put(dedupeKey, stream + "/" + first + "/" + last);
      }
      meta.putAll(metaUpdates);
      return new Appended(stream, first, last, false);
    }
  }

  /** Copies a sealed chunk as it is (salvage): same stream, same sequence numbers. */
  CompletableFuture<Void> importChunk(
      String stream, Instant created, long firstSeq, long lastSeq, byte[] sealed) {
    return submit(new ImportOp(stream, created, firstSeq, lastSeq, sealed));
  }

  private final class ImportOp extends Op {
    final String stream;
    final Instant created;
    final long first;
    final long last;
    final byte[] sealed;

    ImportOp(String stream, Instant created, long first, long last, byte[] sealed) {
      this.stream = stream;
      this.created = created;
      this.first = first;
      this.last = last;
      this.sealed = sealed;
    }

    @Override
    Object apply(Tx tx) {
      long[] s = tx.stream(stream);
      if (s == null) {
        s = new long[] {created.toEpochMilli(), first, 0, 0, 0};
      }
      records.put(new Object[] {stream, first}, sealed);
      s[1] = Math.min(s[1], first);
      s[2] = Math.max(s[2], last);
      s[3]++;
      s[4] += sealed.length;
      tx.touched.put(stream, s);
      tx.bytes += sealed.length;
      return null;
    }
  }

  private final class CursorOp extends Op {
    final String key;
    final long seq;

    CursorOp(String key, long seq) {
      this.key = key;
      this.seq = seq;
    }

    @Override
    Object apply(Tx tx) {
      Long current = cursors.get(key);
      if (current == null || current < seq) {
        cursors.put(key, seq);
      }
      return null;
    }
  }

  private final class MetaOp extends Op {
    final Map<String, String> updates;

    MetaOp(Map<String, String> updates) {
      this.updates = updates;
    }

    @Override
    Object apply(Tx tx) {
      meta.putAll(updates);
      return null;
    }
  }

  private final class DeleteStreamOp extends Op {
    final String stream;
    final List<String> metaKeys;

    DeleteStreamOp(String stream, List<String> metaKeys) {
      this.stream = stream;
      this.metaKeys = metaKeys;
    }

    @Override
    Object apply(Tx tx) {
      long[] s = tx.stream(stream);
      long freed = s == null ? 0 : s[4];
      NavigableMap<Object[], byte[]> chunks = chunksOf(stream);
      List<Object[]> keys = new ArrayList<>(chunks.keySet());
      for (Object[] k : keys) {
        records.remove(k);
      }
      String suffix = "\u0000" + stream;
      cursors.keySet().removeIf(k -> k.endsWith(suffix));
      String prefix = stream + "/";
      dedupe.values().removeIf(v -> v.startsWith(prefix));
      metaKeys.forEach(meta::remove);
      tx.touched.put(stream, null);
      return freed;
    }
  }

  private final class PurgeOp extends Op {
    final String stream;
    final long uptoSeq;
    final Predicate<JournalEntry> drop;

    PurgeOp(String stream, long uptoSeq, Predicate<JournalEntry> drop) {
      this.stream = stream;
      this.uptoSeq = uptoSeq;
      this.drop = drop;
    }

    @Override
    Object apply(Tx tx) {
      long[] s = tx.stream(stream);
      if (s == null) {
        return 0L;
      }
      long freed = 0;
      Map<Object[], byte[]> rewritten = new HashMap<>();
      for (Map.Entry<Object[], byte[]> e : chunksOf(stream).entrySet()) {
        long first = (Long) e.getKey()[1];
        if (first > uptoSeq) {
          break;
        }
        EntryCodec.Chunk chunk;
        try {
          chunk = EntryCodec.decode(sealer.open(stream, first, e.getValue()));
        } catch (JournalTamperedException | IllegalArgumentException damaged) {
          continue; // kept as it is, for whoever investigates
        }
        List<Journaled.Item> keep = new ArrayList<>();
        for (Journaled.Item item : chunk.items()) {
          if (item.seq() > uptoSeq || !drop.test(item.entry())) {
            keep.add(item);
          }
        }
        if (keep.size() == chunk.items().size()) {
          continue;
        }
        byte[] sealed =
            keep.isEmpty()
                ? null
                : sealer.seal(stream, first, EntryCodec.encodeItems(chunk.journaledAt(), keep));
        freed += e.getValue().length - (sealed == null ? 0 : sealed.length);
        rewritten.put(e.getKey(), sealed);
      }
      for (Map.Entry<Object[], byte[]> e : rewritten.entrySet()) {
        if (e.getValue() == null) {
          records.remove(e.getKey());
          s[3]--;
        } else {
          records.put(e.getKey(), e.getValue());
        }
      }
      s[4] -= freed;
      tx.touched.put(stream, s);
      return freed;
    }
  }

  // --- reading ---------------------------------------------------------------------------------

  /** The last committed sequence number of a stream, -1 when it has none. */
  public long lastSeq(String stream) {
    long[] s = committedStreams.get(stream);
    return s == null ? -1 : s[2];
  }

  /** Every stream with its bookkeeping as of the last commit, oldest first. */
  public List<StreamInfo> streams() {
    List<StreamInfo> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : committedStreams.entrySet()) {
      out.add(info(e.getKey(), e.getValue()));
    }
    out.sort(
        (a, b) ->
            a.created().equals(b.created())
                ? a.stream().compareTo(b.stream())
                : a.created().compareTo(b.created()));
    return out;
  }

  public StreamInfo stream(String stream) {
    long[] s = committedStreams.get(stream);
    return s == null ? null : info(stream, s);
  }

  private static StreamInfo info(String stream, long[] s) {
    return new StreamInfo(stream, Instant.ofEpochMilli(s[0]), s[1], s[2], s[3], s[4]);
  }

  /** Bytes of sealed records across all streams (what the disk cap counts). */
  public long liveBytes() {
    long n = 0;
    for (long[] s : committedStreams.values()) {
      n += s[4];
    }
    return n;
  }

  /** Size of the store's files on disk. */
  public long fileBytes() {
    long n = 0;
    for (Path p : files(settings.file())) {
      try {
        n += Files.size(p);
      } catch (IOException e) {
        // gone meanwhile
      }
    }
    return n;
  }

  /**
   * Reads committed chunks of a stream holding entries from {@code fromSeq} on, at most {@code
   * maxChunks} of them. The first chunk may start before {@code fromSeq}.
   */
  public Page read(String stream, long fromSeq, int maxChunks) {
    long last = lastSeq(stream);
    List<Journaled> out = new ArrayList<>();
    List<JournalTamperedException> damaged = new ArrayList<>();
    long next = fromSeq;
    if (last < fromSeq) {
      return new Page(out, damaged, next);
    }
    NavigableMap<Object[], byte[]> chunks = chunksOf(stream);
    Object[] floor = chunks.floorKey(new Object[] {stream, fromSeq});
    NavigableMap<Object[], byte[]> from = floor == null ? chunks : chunks.tailMap(floor, true);
    for (Map.Entry<Object[], byte[]> e : from.entrySet()) {
      long first = (Long) e.getKey()[1];
      if (first > last || out.size() + damaged.size() >= maxChunks) {
        break;
      }
      try {
        EntryCodec.Chunk chunk = EntryCodec.decode(sealer.open(stream, first, e.getValue()));
        Journaled j = new Journaled(stream, chunk.journaledAt(), chunk.items());
        if (j.lastSeq() >= fromSeq) {
          out.add(j);
          next = Math.max(next, j.lastSeq() + 1);
        }
      } catch (JournalTamperedException | IllegalArgumentException bad) {
        // A damaged chunk that starts before fromSeq was reported to whoever read up to it: the
        // next page (fromSeq = its first + 1) finds it again as its floor and skips it.
        if (first >= fromSeq) {
          damaged.add(
              bad instanceof JournalTamperedException t
                  ? t
                  : new JournalTamperedException(stream, first, bad.getMessage()));
        }
        next = Math.max(next, first + 1);
      }
    }
    return new Page(out, damaged, next);
  }

  private NavigableMap<Object[], byte[]> chunksOf(String stream) {
    return records.subMap(
        new Object[] {stream, Long.MIN_VALUE}, true, new Object[] {stream, Long.MAX_VALUE}, true);
  }

  /** Whether a message with this de-duplication key is in the journal already. */
  public boolean holds(String dedupeKey) {
    return dedupe.containsKey(dedupeKey);
  }

  /** Clear-text bookkeeping values whose keys start with {@code prefix}, as last committed. */
  public Map<String, String> meta(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e :
        meta.subMap(prefix, true, prefix + Character.MAX_VALUE, true).entrySet()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** What {@code consumer} has delivered of {@code stream}: its last sequence, -1 for none. */
  public long cursor(String consumer, String stream) {
    Long c = cursors.get(cursorKey(consumer, stream));
    return c == null ? -1 : c;
  }

  private static String cursorKey(String consumer, String stream) {
    if (consumer.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException("bad consumer name '" + consumer + "'");
    }
    return consumer + "\u0000" + stream;
  }

  /**
   * Reads every record of every stream and reports those that fail their integrity check; a
   * tampered record is reported, never silently skipped.
   */
  public List<JournalTamperedException> verify() {
    List<JournalTamperedException> bad = new ArrayList<>();
    for (String stream : committedStreams.keySet()) {
      long from = 0;
      while (true) {
        Page p = read(stream, from, 1000);
        bad.addAll(p.damaged());
        if (p.chunks().isEmpty() && p.damaged().isEmpty()) {
          break;
        }
        from = p.nextSeq();
      }
    }
    return bad;
  }

  /** Whether the writer has stopped after a commit it could not roll back. */
  public Throwable failure() {
    return broken;
  }

  /** Commits what is pending, stops the writer and closes the store. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Op leftover;
    while ((leftover = queue.poll()) != null) {
      leftover.done.completeExceptionally(new JournalException("the journal is closed"));
    }
    closeQuietly(db);
  }

  private static final String KEY_CHECK = "journal/key-check";

  /**
   * Tells a wrong key from a damaged store: a new journal stores a sealed check value; opening with
   * another key fails on it with a plain message (and is never mistaken for corruption, which would
   * start a salvage).
   */
  private void checkKey() {
    String stored = meta.get(KEY_CHECK);
    byte[] expected = "ambulink journal key check".getBytes(StandardCharsets.UTF_8);
    if (stored == null) {
      meta.put(
          KEY_CHECK, Base64.getEncoder().encodeToString(sealer.seal("key-check", 0, expected)));
      db.commit();
      return;
    }
    byte[] plain;
    try {
      plain = sealer.open("key-check", 0, Base64.getDecoder().decode(stored));
    } catch (JournalTamperedException | IllegalArgumentException e) {
      throw new JournalException(
          "the journal "
              + settings.file()
              + " was written with another key: check AMBULINK_JOURNAL_KEY or"
              + " ambulink.journal.key-file (the journal was not changed)");
    }
    if (!Arrays.equals(plain, expected)) {
      throw new JournalCorruptedException(
          settings.file(), new IllegalStateException("the key check value is damaged"));
    }
  }

  /**
   * A cheap check at open that the store is whole: every stream's bookkeeping is sane, its index
   * can be walked, and its newest record (the last thing written, so the first thing a truncated
   * file loses) is there and reads back with the sequence number the bookkeeping says. A store that
   * fails is reported as corrupted instead of being used.
   */
  private void checkStreams() {
    for (Map.Entry<String, long[]> e : committedStreams.entrySet()) {
      String stream = e.getKey();
      long[] s = e.getValue();
      if (s.length != 5 || s[2] < 0 || s[3] < 0 || s[4] < 0) {
        throw new JournalCorruptedException(
            settings.file(),
            new IllegalStateException("stream " + stream + " has bad bookkeeping"));
      }
      NavigableMap<Object[], byte[]> chunks = chunksOf(stream);
      long count = 0;
      for (Object[] ignored : chunks.keySet()) {
        count++;
      }
      if (count != s[3]) {
        repairStream(
            stream, s, "its bookkeeping counts " + s[3] + " records, the store holds " + count);
        continue;
      }
      Map.Entry<Object[], byte[]> newest = chunks.lastEntry();
      if (newest != null) {
        long first = (Long) newest.getKey()[1];
        Journaled.Item lastItem;
        try {
          List<Journaled.Item> items =
              EntryCodec.decode(sealer.open(stream, first, newest.getValue())).items();
          lastItem = items.get(items.size() - 1);
        } catch (JournalTamperedException | IllegalArgumentException bad) {
          throw new JournalCorruptedException(settings.file(), bad);
        }
        if (lastItem.seq() > s[2]) {
          repairStream(
              stream,
              s,
              "its newest record ends at " + lastItem.seq() + ", its bookkeeping at " + s[2]);
        }
      }
    }
  }

  /**
   * A stream whose bookkeeping disagrees with its records, e.g. after the process was killed inside
   * a commit: every record of the stream must read back and authenticate (else the store is
   * corrupted); the bookkeeping is then rebuilt from the records, and de-duplication keys that
   * point past the stream's real end are dropped, so that a message the monitor sends again is
   * stored, not taken for one already kept. Only data whose commit never completed (so never
   * acknowledged) can be missing.
   */
  private void repairStream(String stream, long[] s, String why) {
    long count = 0;
    long bytes = 0;
    long firstSeq = Long.MAX_VALUE;
    long lastSeq = 0;
    for (Map.Entry<Object[], byte[]> e : chunksOf(stream).entrySet()) {
      long first = (Long) e.getKey()[1];
      List<Journaled.Item> items;
      try {
        items = EntryCodec.decode(sealer.open(stream, first, e.getValue())).items();
      } catch (JournalTamperedException | IllegalArgumentException bad) {
        throw new JournalCorruptedException(
            settings.file(),
            new IllegalStateException("stream " + stream + ": " + why + "; " + bad.getMessage()));
      }
      count++;
      bytes += e.getValue().length;
      if (!items.isEmpty()) {
        firstSeq = Math.min(firstSeq, items.get(0).seq());
        lastSeq = Math.max(lastSeq, items.get(items.size() - 1).seq());
      }
    }
    long[] fixed = {s[0], firstSeq == Long.MAX_VALUE ? 1 : firstSeq, lastSeq, count, bytes};
    streams.put(stream, fixed);
    String prefix = stream + "/";
    long end = lastSeq;
    dedupe.values().removeIf(v -> v.startsWith(prefix) && Long.parseLong(v.split("/", 3)[1]) > end);
    db.commit();
    committedStreams.put(stream, fixed.clone());
    String note = "stream " + stream + " repaired at open (" + why + "): now ends at " + lastSeq;
    log.warn("journal {}: {}", settings.file(), note);
    repairs.add(note);
  }

  /** What was repaired when the journal was opened (an interrupted commit), for the crew log. */
  public List<String> repairs() {
    return List.copyOf(repairs);
  }

  private static void closeQuietly(DB db) {
    try {
      if (!db.isClosed()) {
        db.close();
      }
    } catch (RuntimeException e) {
      log.warn("closing the journal store failed: {}", e.toString());
    }
  }
}
