package org.ambulink.drivers.intake;

import java.util.concurrent.CompletableFuture;
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

  /**
   * Calls {@code handler} the way every transport does, so that a handler bug can never escape into
   * the read loop: the result completes with the ACK payload (possibly null), or exceptionally when
   * the handler threw, returned no stage, or its stage failed. The result is a fresh future, so a
   * transport may wait on it even when the handler's stage does not support {@link
   * CompletionStage#toCompletableFuture()}.
   */
  static CompletableFuture<byte[]> ackOf(FrameHandler handler, byte[] payload, String peer) {
    CompletableFuture<byte[]> ack = new CompletableFuture<>();
    try {
      CompletionStage<byte[]> stage = handler.onFrame(payload, peer);
      if (stage == null) {
        ack.completeExceptionally(new NullPointerException("handler returned no stage"));
      } else {
        stage.whenComplete(
            (bytes, error) -> {
              if (error != null) {
                ack.completeExceptionally(error);
              } else {
                ack.complete(bytes);
              }
            });
      }
    } catch (RuntimeException e) {
      ack.completeExceptionally(e);
    }
    return ack;
  }
}
