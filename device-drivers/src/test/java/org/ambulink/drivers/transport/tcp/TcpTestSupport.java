package org.ambulink.drivers.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.testsupport.Await;
import org.ambulink.testsupport.Threads;

/** Helpers shared by the TCP tests. */
final class TcpTestSupport {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private TcpTestSupport() {}

  /** A handler that acknowledges at once with {@code "ACK:" + payload}, so order is checkable. */
  static final FrameHandler ECHO =
      (payload, peer) -> CompletableFuture.completedFuture(ack(payload));

  static byte[] ack(byte[] payload) {
    byte[] prefix = "ACK:".getBytes(US_ASCII);
    byte[] ack = new byte[prefix.length + Math.min(payload.length, 64)];
    System.arraycopy(prefix, 0, ack, 0, prefix.length);
    System.arraycopy(payload, 0, ack, prefix.length, ack.length - prefix.length);
    return ack;
  }

  static byte[] ascii(String s) {
    return s.getBytes(US_ASCII);
  }

  static String ascii(byte[] b) {
    return new String(b, US_ASCII);
  }

  static MllpTcpListener.Config anyPort() {
    return MllpTcpListener.Config.defaults().withBindAddress("127.0.0.1").withPort(0);
  }

  static MllpTcpClient connect(MllpTcpListener listener) throws java.io.IOException {
    return MllpTcpClient.connect("127.0.0.1", listener.port(), TIMEOUT);
  }

  /** Threads of this package's listeners (acceptor, workers, renamed readers and writers). */
  static List<String> mllpThreads() {
    return Threads.names(n -> n.startsWith("mllp-tcp-"));
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, TIMEOUT, condition);
  }
}
