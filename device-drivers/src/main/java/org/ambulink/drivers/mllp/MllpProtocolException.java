package org.ambulink.drivers.mllp;

import java.io.IOException;
import java.util.Objects;

/**
 * A violation of MLLP framing, typed so transports can count and report each kind separately. The
 * message names sizes and byte values, never payload contents (which may be patient data).
 */
public final class MllpProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the frame. */
  public enum Type {
    /** The payload grew beyond the configured maximum; the frame was dropped. */
    FRAME_TOO_LARGE,
    /**
     * The frame ended early: the stream closed mid-frame, or a start block arrived inside a frame.
     */
    TRUNCATED,
    /** An end block 0x1C was not followed by a carriage return 0x0D. */
    BAD_END
  }

  private final Type type;

  public MllpProtocolException(Type type, String message) {
    super(message);
    this.type = Objects.requireNonNull(type, "type");
  }

  public Type type() {
    return type;
  }
}
