package org.ambulink.drivers.intake;

import java.util.concurrent.CompletionStage;

/**
 * What a transport does with each complete MLLP frame: hand over the payload and, when the returned
 * stage completes, send its bytes back (MLLP-framed) as the acknowledgement. The stage completes
 * only after the data is safely stored, so an ACK always means "kept". Transports send ACKs of one
 * connection in the order the frames arrived.
 */
@FunctionalInterface
public interface FrameHandler {
  /**
   * @param payload the frame's bytes between the start block and the end block, never null
   * @param peer a printable name of the connection (remote address or serial port)
   * @return the ACK payload to send, unframed
   */
  CompletionStage<byte[]> onFrame(byte[] payload, String peer);
}
