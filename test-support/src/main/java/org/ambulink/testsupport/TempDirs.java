package org.ambulink.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary folders for state that outlives a test method, such as the journal of a Spring context
 * that the test framework keeps open across test classes: removed when the test JVM exits.
 */
public final class TempDirs {
  private TempDirs() {}

  public static Path create(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete-" + prefix));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a folder and everything in it; quietly skips what is already gone or cannot go. */
  public static void deleteTree(Path dir) {
    try {
      delete(dir);
    } catch (IOException e) {
      // best effort at exit
    }
  }

  /**
   * Deletes a folder and everything in it, skipping what is already gone; tries every file, then
   * throws the first failure (the others suppressed in it).
   */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    IOException failure = null;
    for (Path p : all) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
