package org.ambulink.appliance.journal;

import java.nio.file.Path;

/**
 * The journal's store cannot be opened: truncated, overwritten or not a journal. Never answered
 * with an empty journal: {@link JournalRecovery#salvage} moves the damaged files aside and copies
 * what can still be read into a new journal.
 */
public final class JournalCorruptedException extends JournalException {
  private final Path file;

  JournalCorruptedException(Path file, Throwable cause) {
    super(
        "the journal "
            + file
            + " cannot be opened ("
            + cause
            + "); its files are kept: salvage what is readable with"
            + " ambulink.journal.on-corruption=salvage",
        cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
