package org.ambulink.drivers.gps;

/**
 * Cuts a byte stream into NMEA lines with bounded memory. A line ends at CR or LF; a {@code $} or
 * {@code !} (which NMEA reserves for the start of a sentence) also starts a new line, so a sentence
 * following noise or a half-sent sentence is still read. A line growing beyond the maximum is
 * reported once and skipped up to its end, never buffered. Not thread-safe.
 */
final class NmeaLineSplitter {
  /** Receives the pieces. */
  interface Sink {
    /** A complete line, without its line end; never empty. */
    void line(String line);

    /** A line exceeded the maximum length and is being skipped. */
    void tooLong();
  }

  private final int maxChars;
  private final StringBuilder line;
  private boolean skipping;

  NmeaLineSplitter(int maxChars) {
    this.maxChars = maxChars;
    this.line = new StringBuilder(maxChars);
  }

  void feed(byte[] bytes, int offset, int length, Sink sink) {
    for (int i = offset; i < offset + length; i++) {
      char c = (char) (bytes[i] & 0xff);
      if (c == '\r' || c == '\n') {
        skipping = false;
        flush(sink);
      } else if (c == '$' || c == '!') {
        skipping = false;
        flush(sink);
        line.append(c);
      } else if (!skipping) {
        if (line.length() >= maxChars) {
          line.setLength(0);
          skipping = true;
          sink.tooLong();
        } else {
          line.append(c);
        }
      }
    }
  }

  /** Drops a partial line, e.g. when the port was lost in the middle of it. */
  void reset() {
    line.setLength(0);
    skipping = false;
  }

  private void flush(Sink sink) {
    if (line.length() > 0) {
      String complete = line.toString();
      line.setLength(0);
      sink.line(complete);
    }
  }
}
