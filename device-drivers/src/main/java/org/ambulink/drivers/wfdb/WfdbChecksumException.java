package org.ambulink.drivers.wfdb;

/**
 * The decoded samples of a signal do not add up to the checksum its header gives: the signal file
 * is corrupt, or was written by something other than what the header describes.
 */
public class WfdbChecksumException extends WfdbFormatException {
  private final int signal;
  private final int expected;
  private final int actual;

  public WfdbChecksumException(String message, int signal, int expected, int actual) {
    super(message);
    this.signal = signal;
    this.expected = expected;
    this.actual = actual;
  }

  /** Index of the signal in the header (0-based). */
  public int signal() {
    return signal;
  }

  /** The checksum the header gives. */
  public int expected() {
    return expected;
  }

  /** The 16-bit sum of the decoded samples. */
  public int actual() {
    return actual;
  }
}
