package org.ambulink.drivers.wfdb;

import java.io.IOException;

/**
 * A WFDB header, signal file or annotation file is malformed, truncated or uses a feature this
 * reader does not support; the message names the file and the offending value.
 */
public class WfdbFormatException extends IOException {
  public WfdbFormatException(String message) {
    super(message);
  }

  public WfdbFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
