package org.ambulink.appliance.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.jetbrains.annotations.Nullable;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal store's main file, made crash-safe: every change MapDB writes to it is held in memory
 * until MapDB syncs the file (the end of its commit), then written to a redo log ({@code
 * journal.db.redo}, whole 4 KiB page images, checksummed) and forced to disk, and only then copied
 * into the main file, which is forced in turn; the redo log is then emptied.
 *
 * <p>Why: MapDB 3.1.0's write-ahead-log store ({@code StoreWAL}) keeps a transaction's records in
 * its WAL, but its commit then rewrites the main file in place (header first, then index values,
 * free-space pages and records) and it never replays the WAL when a store is opened (the WAL does
 * not even hold the index values). A process killed while a commit is being copied into the main
 * file leaves a file whose header describes the new state and whose index and records are half old,
 * half new: it cannot be opened. With this volume the main file only ever changes by replaying a
 * complete, forced redo log, so after a kill at any moment:
 *
 * <ul>
 *   <li>the redo log is incomplete (or fails its checksum): the main file was not touched by that
 *       commit, which had not returned (nothing of it was acknowledged); the log is discarded and
 *       the file is as of the commit before, which was complete;
 *   <li>the redo log is complete: the commit may have been acknowledged; it is replayed into the
 *       main file (page images, so replaying twice is harmless) before MapDB reads it.
 * </ul>
 *
 * <p>Recovery runs when the volume is made, after MapDB's file lock on the main file was taken, so
 * never under a journal that another process has open.
 */
final class RedoLoggedVolume extends Volume {
  private static final Logger log = LoggerFactory.getLogger(RedoLoggedVolume.class);

  static final String SUFFIX = ".redo";
  static final int PAGE = 4096;
  private static final long MAGIC = 0x414d42524544_4f31L; // "AMBREDO1"
  private static final long END = 0x454e444f_46524544L; // "ENDOFRED"
  private static final int HEADER = 8 + 8 + 4;
  private static final int TRAILER = 8 + 8;

  /**
   * Makes the journal's main file a redo-logged volume; any other file (MapDB's own WAL files) is a
   * plain file volume.
   */
  static VolumeFactory factory(Path mainFile) {
    File main = mainFile.toAbsolutePath().toFile();
    return new VolumeFactory() {
      @Override
      public Volume makeVolume(
          String file,
          boolean readOnly,
          long fileLockWait,
          int sliceShift,
          long initSize,
          boolean fixedSize) {
        Volume plain =
            FileChannelVol.FACTORY.makeVolume(
                file, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
        if (readOnly || !new File(file).getAbsoluteFile().equals(main)) {
          return plain;
        }
        RedoLoggedVolume v;
        try {
          v = new RedoLoggedVolume(plain, redoFile(main.toPath()), 1L << sliceShift);
        } catch (RuntimeException e) {
          plain.close();
          throw e;
        }
        deleteStaleWal(main);
        return v;
      }

      @Override
      public boolean exists(@Nullable String file) {
        if (file == null) {
          return false;
        }
        File f = new File(file);
        if (!f.getAbsoluteFile().equals(main)) {
          return f.exists();
        }
        // An empty main file is one whose creation never completed (nothing was ever committed),
        // unless a complete redo log holds its first commit.
        return f.length() > 0 || readRedo(redoFile(main.toPath())) != null;
      }

      @Override
      public boolean handlesReadonly() {
        return false;
      }
    };
  }

  /**
   * MapDB 3.1.0 never reads back WAL files it did not write in this process (it has no WAL replay),
   * and its commit deletes them once the main file is written: files left by a killed process are
   * of no use (a commit's durable copy is the redo log) and only take disk space. Called with the
   * main file locked, before MapDB creates WAL files of its own.
   */
  private static void deleteStaleWal(File main) {
    for (int i = 0; ; i++) {
      File wal = new File(main.getPath() + ".wal." + i);
      if (!wal.exists()) {
        return;
      }
      if (wal.delete()) {
        log.info("journal store {}: deleted the stale MapDB write-ahead log {}", main, wal);
      } else {
        log.warn(
            "journal store {}: could not delete the stale MapDB write-ahead log {}", main, wal);
        return;
      }
    }
  }

  static Path redoFile(Path mainFile) {
    Path abs = mainFile.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + SUFFIX);
  }

  private final Volume file;
  private final Path redoPath;
  private final FileChannel redo;
  private final long sliceSize;

  /** Pages changed since the last sync, by page number: the file as MapDB sees it. */
  private final TreeMap<Long, byte[]> pages = new TreeMap<>();

  /** The length MapDB asked for (ensureAvailable) or wrote up to since the last sync. */
  private long pendingLength;

  private volatile boolean dirty;

  private RedoLoggedVolume(Volume file, Path redoPath, long sliceSize) {
    this.file = file;
    this.redoPath = redoPath;
    this.sliceSize = sliceSize;
    try {
      boolean created = !Files.exists(redoPath);
      this.redo =
          FileChannel.open(
              redoPath,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      if (created) {
        forceFolder(redoPath.getParent());
      }
    } catch (IOException e) {
      throw new DBException.VolumeIOError(e);
    }
    try {
      recover();
    } catch (RuntimeException e) {
      closeRedo();
      throw e;
    }
  }

  // --- recovery --------------------------------------------------------------------------------

  private void recover() {
    long size;
    try {
      size = redo.size();
    } catch (IOException e) {
      throw new DBException.VolumeIOError(e);
    }
    if (size == 0) {
      return;
    }
    Redo r = readRedo(redoPath);
    if (r == null) {
      // Torn while being written: the commit it held never returned, and the main file was not
      // touched by it (it is copied only once its redo log is complete and forced).
      log.warn(
          "journal store {}: discarding an incomplete redo log of {} bytes, a commit interrupted"
              + " before it completed (nothing of it was acknowledged)",
          file.getFile(),
          size);
    } else {
      log.warn(
          "journal store {}: replaying a complete redo log ({} page(s)), a commit interrupted"
              + " while it was copied into the store",
          file.getFile(),
          r.pages.size());
      apply(r.length, r.pages);
    }
    emptyRedo();
  }

  private record Redo(long length, TreeMap<Long, byte[]> pages) {}

  /** The redo log if it is complete and intact, else null. */
  private static Redo readRedo(Path path) {
    byte[] all;
    try {
      if (!Files.exists(path) || Files.size(path) < HEADER + TRAILER) {
        return null;
      }
      all = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new DBException.VolumeIOError(e);
    }
    ByteBuffer b = ByteBuffer.wrap(all);
    if (b.getLong() != MAGIC) {
      return null;
    }
    long length = b.getLong();
    int count = b.getInt();
    if (length < 0 || count < 0 || (long) count * (8 + PAGE) + HEADER + TRAILER != all.length) {
      return null;
    }
    TreeMap<Long, byte[]> pages = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      long page = b.getLong();
      byte[] data = new byte[PAGE];
      b.get(data);
      pages.put(page, data);
    }
    int body = b.position();
    long crc = b.getLong();
    long end = b.getLong();
    CRC32C c = new CRC32C();
    c.update(all, 0, body);
    if (crc != c.getValue() || end != END) {
      return null;
    }
    return new Redo(length, pages);
  }

  // --- commit ----------------------------------------------------------------------------------

  /** MapDB's commit ends here: make what it wrote since the last sync durable, all or nothing. */
  @Override
  public synchronized void sync() {
    if (!dirty) {
      file.sync();
      return;
    }
    try {
      writeRedo();
    } catch (RuntimeException e) {
      // Not durable, the main file untouched: forget the changes, the file stays as of the last
      // sync (the commit fails and MapDB rolls back to it).
      discard();
      try {
        emptyRedo();
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    // From here the commit is durable: on a failure the changes stay pending (and readable) and
    // are copied again at the next sync, or replayed from the redo log at the next open.
    apply(pendingLength, pages);
    emptyRedo();
    discard();
  }

  private void writeRedo() {
    ByteBuffer b = encode(pendingLength, pages);
    try {
      redo.truncate(0);
      long pos = 0;
      while (b.hasRemaining()) {
        pos += redo.write(b, pos);
      }
      redo.force(true);
    } catch (IOException e) {
      throw new DBException.VolumeIOError(e);
    }
  }

  /** A redo log: the file's new length and the new images of the pages that changed. */
  static ByteBuffer encode(long length, Map<Long, byte[]> changed) {
    int count = changed.size();
    ByteBuffer b = ByteBuffer.allocate(HEADER + count * (8 + PAGE) + TRAILER);
    b.putLong(MAGIC).putLong(length).putInt(count);
    for (Map.Entry<Long, byte[]> p : changed.entrySet()) {
      if (p.getValue().length != PAGE) {
        throw new IllegalArgumentException("a page is " + PAGE + " bytes");
      }
      b.putLong(p.getKey()).put(p.getValue());
    }
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, b.position());
    b.putLong(c.getValue()).putLong(END);
    b.flip();
    return b;
  }

  private void apply(long length, TreeMap<Long, byte[]> changed) {
    file.ensureAvailable(length);
    for (Map.Entry<Long, byte[]> p : changed.entrySet()) {
      file.putData(p.getKey() * PAGE, p.getValue(), 0, PAGE);
    }
    file.sync();
  }

  private void emptyRedo() {
    try {
      redo.truncate(0);
      redo.force(true);
    } catch (IOException e) {
      throw new DBException.VolumeIOError(e);
    }
  }

  private void discard() {
    pages.clear();
    pendingLength = 0;
    dirty = false;
  }

  private static void forceFolder(Path folder) {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // not every platform can open a folder; the file is forced with its first commit anyway
    }
  }

  // --- writing: into pending pages -------------------------------------------------------------

  private byte[] page(long number) {
    byte[] p = pages.get(number);
    if (p == null) {
      p = new byte[PAGE];
      long start = number * PAGE;
      long onDisk = file.length();
      if (start < onDisk) {
        file.getData(start, p, 0, (int) Math.min(PAGE, onDisk - start));
      }
      pages.put(number, p);
      dirty = true;
    }
    return p;
  }

  private void write(long offset, byte[] src, int srcPos, int size) {
    long pos = offset;
    int done = 0;
    while (done < size) {
      byte[] p = page(pos / PAGE);
      int in = (int) (pos % PAGE);
      int n = Math.min(PAGE - in, size - done);
      System.arraycopy(src, srcPos + done, p, in, n);
      done += n;
      pos += n;
    }
    pendingLength = Math.max(pendingLength, offset + size);
    dirty = true;
  }

  @Override
  public synchronized void ensureAvailable(long offset) {
    long rounded = (offset + sliceSize - 1) / sliceSize * sliceSize;
    if (rounded > Math.max(file.length(), pendingLength)) {
      pendingLength = rounded;
      dirty = true;
    }
  }

  @Override
  public synchronized void truncate(long size) {
    sync();
    file.truncate(size);
  }

  @Override
  public synchronized void putLong(long offset, long value) {
    write(offset, ByteBuffer.allocate(8).putLong(0, value).array(), 0, 8);
  }

  @Override
  public synchronized void putInt(long offset, int value) {
    write(offset, ByteBuffer.allocate(4).putInt(0, value).array(), 0, 4);
  }

  @Override
  public synchronized void putByte(long offset, byte value) {
    write(offset, new byte[] {value}, 0, 1);
  }

  @Override
  public synchronized void putData(long offset, byte[] src, int srcPos, int srcSize) {
    write(offset, src, srcPos, srcSize);
  }

  @Override
  public synchronized void putData(long offset, ByteBuffer buf) {
    byte[] b = new byte[buf.remaining()];
    buf.get(b);
    write(offset, b, 0, b.length);
  }

  @Override
  public synchronized void clear(long startOffset, long endOffset) {
    byte[] zeros = new byte[PAGE];
    for (long pos = startOffset; pos < endOffset; pos += PAGE) {
      write(pos, zeros, 0, (int) Math.min(PAGE, endOffset - pos));
    }
  }

  // --- reading: pending pages over the file ----------------------------------------------------

  @Override
  public void getData(long offset, byte[] bytes, int bytesPos, int size) {
    if (!dirty) {
      file.getData(offset, bytes, bytesPos, size);
      return;
    }
    synchronized (this) {
      long onDisk = file.length();
      long pos = offset;
      int done = 0;
      while (done < size) {
        long number = pos / PAGE;
        int in = (int) (pos % PAGE);
        int n = Math.min(PAGE - in, size - done);
        byte[] p = pages.get(number);
        if (p != null) {
          System.arraycopy(p, in, bytes, bytesPos + done, n);
        } else if (pos + n <= onDisk || pos + n > Math.max(onDisk, pendingLength)) {
          file.getData(pos, bytes, bytesPos + done, n); // past every end: fails as it should
        } else {
          // between the end of the file and the length asked for: zeros, then what is on disk
          int fromDisk = (int) Math.max(0, Math.min(n, onDisk - pos));
          if (fromDisk > 0) {
            file.getData(pos, bytes, bytesPos + done, fromDisk);
          }
          java.util.Arrays.fill(bytes, bytesPos + done + fromDisk, bytesPos + done + n, (byte) 0);
        }
        done += n;
        pos += n;
      }
    }
  }

  @Override
  public long getLong(long offset) {
    if (!dirty) {
      return file.getLong(offset);
    }
    byte[] b = new byte[8];
    getData(offset, b, 0, 8);
    return ByteBuffer.wrap(b).getLong();
  }

  @Override
  public int getInt(long offset) {
    if (!dirty) {
      return file.getInt(offset);
    }
    byte[] b = new byte[4];
    getData(offset, b, 0, 4);
    return ByteBuffer.wrap(b).getInt();
  }

  @Override
  public byte getByte(long offset) {
    if (!dirty) {
      return file.getByte(offset);
    }
    byte[] b = new byte[1];
    getData(offset, b, 0, 1);
    return b[0];
  }

  @Override
  public DataInput2 getDataInput(long offset, int size) {
    if (!dirty) {
      return file.getDataInput(offset, size);
    }
    byte[] b = new byte[size];
    getData(offset, b, 0, size);
    return new DataInput2.ByteArray(b);
  }

  @Override
  public long length() {
    long onDisk = file.length();
    return dirty ? Math.max(onDisk, pendingLength) : onDisk;
  }

  // --- the rest --------------------------------------------------------------------------------

  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (dirty) {
      // MapDB syncs at the end of every commit: changes without a sync belong to a commit that
      // failed half-way, and must not reach the file.
      log.warn("journal store {}: closed with changes of an unfinished commit, dropped", getFile());
      discard();
    }
    closeRedo();
    file.close();
  }

  private void closeRedo() {
    try {
      redo.close();
    } catch (IOException e) {
      log.warn("closing the journal redo log {} failed: {}", redoPath, e.toString());
    }
  }

  @Override
  public int sliceSize() {
    return file.sliceSize();
  }

  @Override
  public boolean isSliced() {
    return file.isSliced();
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public File getFile() {
    return file.getFile();
  }

  @Override
  public boolean getFileLocked() {
    return file.getFileLocked();
  }

  @Override
  public boolean fileLoad() {
    return file.fileLoad();
  }
}
