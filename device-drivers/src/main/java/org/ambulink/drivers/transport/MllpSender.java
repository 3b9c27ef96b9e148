package org.ambulink.drivers.transport;

import java.io.IOException;
import java.time.Duration;

/**
 * The sending end of an MLLP link (TCP or serial), as a monitor or the simulator uses it: send one
 * HL7 message and wait for its acknowledgement.
 */
public interface MllpSender extends AutoCloseable {
  /**
   * Frames and sends {@code payload}, then waits for the next complete frame from the peer.
   *
   * @return the peer's reply payload (the ACK), unframed
   * @throws java.net.SocketTimeoutException when no reply arrived within {@code timeout}
   * @throws IOException when the link fails
   */
  byte[] exchange(byte[] payload, Duration timeout) throws IOException;

  /** A printable name of the link, for logs. */
  String describe();

  @Override
  void close() throws IOException;
}
