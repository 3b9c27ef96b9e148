package org.ambulink.bench;

import java.io.IOException;
import java.time.Duration;
import org.ambulink.drivers.transport.MllpSender;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;

/** The monitor's end of one link, as the load generator drives it. */
interface Link extends AutoCloseable {

  /** Frames and sends one message without waiting for its ACK. */
  void send(byte[] payload) throws IOException;

  /** The next ACK payload, in send order. */
  byte[] awaitReply(Duration timeout) throws IOException;

  /** One message and its ACK, stop-and-wait, the way a real monitor sends. */
  default byte[] exchange(byte[] payload, Duration timeout) throws IOException {
    send(payload);
    return awaitReply(timeout);
  }

  @Override
  void close() throws IOException;

  /** A TCP client: pipelines, and its exchange is send then await. */
  static Link of(MllpTcpClient client) {
    return new Link() {
      @Override
      public void send(byte[] payload) throws IOException {
        client.sendAsync(payload);
      }

      @Override
      public byte[] awaitReply(Duration timeout) throws IOException {
        return client.awaitReply(timeout);
      }

      @Override
      public byte[] exchange(byte[] payload, Duration timeout) throws IOException {
        return client.exchange(payload, timeout);
      }

      @Override
      public void close() throws IOException {
        client.close();
      }
    };
  }

  /** A sender that only knows stop-and-wait (the serial sender): window 1 only. */
  static Link stopAndWait(MllpSender sender) {
    return new Link() {
      @Override
      public void send(byte[] payload) {
        throw new UnsupportedOperationException(sender.describe() + " does not pipeline");
      }

      @Override
      public byte[] awaitReply(Duration timeout) {
        throw new UnsupportedOperationException(sender.describe() + " does not pipeline");
      }

      @Override
      public byte[] exchange(byte[] payload, Duration timeout) throws IOException {
        return sender.exchange(payload, timeout);
      }

      @Override
      public void close() throws IOException {
        sender.close();
      }
    };
  }
}
