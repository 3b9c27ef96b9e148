package org.ambulink.appliance.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.Journaled;

/** Real journals for tests: keys, quick commits, and what a stream holds. */
public final class Journals {
  private Journals() {}

  /** An AES-256 key made from a seed: the same seed, the same key. */
  public static SecretKey key(int seed) {
    byte[] raw = new byte[32];
    new Random(seed).nextBytes(raw);
    return new SecretKeySpec(raw, "AES");
  }

  /**
   * Opens the journal file with the seed's key and a 1 ms commit window, so tests need not wait.
   */
  public static Journal open(Path file, int keySeed) {
    return Journal.open(
        Journal.Settings.of(file, key(keySeed)).withCommitWindow(Duration.ofMillis(1)));
  }

  /** Every item of a stream, page by page; none may be damaged. */
  public static List<Journaled.Item> items(Journal j, String stream) {
    List<Journaled.Item> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Journal.Page p = j.read(stream, from, 100);
      assertThat(p.damaged()).isEmpty();
      if (p.chunks().isEmpty()) {
        return out;
      }
      p.chunks().forEach(c -> out.addAll(c.items()));
      from = p.nextSeq();
    }
  }
}
