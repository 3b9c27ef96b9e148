package org.ambulink.drivers.mllp;

import java.util.Objects;

/**
 * The MLLP (HL7 Minimal Lower Layer Protocol) envelope: a frame is {@code 0x0B payload 0x1C 0x0D}.
 * Shared by the TCP and serial transports so both frame bytes the same way.
 */
public final class Mllp {
  /** Start block, VT: the first byte of every frame. */
  public static final byte START_BLOCK = 0x0B;

  /** End block, FS: ends the payload; must be followed by {@link #CARRIAGE_RETURN}. */
  public static final byte END_BLOCK = 0x1C;

  /** CR: the last byte of every frame. */
  public static final byte CARRIAGE_RETURN = 0x0D;

  /** The IANA-registered HL7 MLLP port, the listener's default. */
  public static final int DEFAULT_PORT = 2575;

  /** Default cap on one frame's payload: 1 MiB, ample for a 12-lead WCM message. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

  private Mllp() {}

  /**
   * Wraps {@code payload} in an MLLP envelope.
   *
   * @return a new array {@code 0x0B payload 0x1C 0x0D}; the payload is not checked for control
   *     bytes (HL7 ER7 escapes them, so a well-formed message never contains 0x0B or 0x1C)
   */
  public static byte[] frame(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    byte[] framed = new byte[payload.length + 3];
    framed[0] = START_BLOCK;
    System.arraycopy(payload, 0, framed, 1, payload.length);
    framed[payload.length + 1] = END_BLOCK;
    framed[payload.length + 2] = CARRIAGE_RETURN;
    return framed;
  }
}
