package org.ambulink.appliance.journal;

/** Something is wrong with the journal; the message says what and, where there is one, the fix. */
public class JournalException extends RuntimeException {
  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
