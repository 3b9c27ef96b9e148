package org.ambulink.drivers.ecgframe;

/**
 * The one exception of {@link EcgFrameCodec}: a frame that cannot be decoded (truncated, wrong
 * magic or version, counts that do not match its length, over-size...) or segments that cannot be
 * encoded. The message names the bad value.
 */
public final class EcgFrameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public EcgFrameException(String message) {
    super(message);
  }
}
