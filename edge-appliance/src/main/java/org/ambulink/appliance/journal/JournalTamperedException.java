package org.ambulink.appliance.journal;

/**
 * A journal record failed authentication: it was altered on disk, moved, or the journal is being
 * read with another key. Names the record; the rest of the journal stays readable.
 */
public final class JournalTamperedException extends JournalException {
  private final String stream;
  private final long firstSeq;

  JournalTamperedException(String stream, long firstSeq, String why) {
    super("journal record " + stream + "/" + firstSeq + " failed its integrity check: " + why);
    this.stream = stream;
    this.firstSeq = firstSeq;
  }

  public String stream() {
    return stream;
  }

  public long firstSeq() {
    return firstSeq;
  }
}
