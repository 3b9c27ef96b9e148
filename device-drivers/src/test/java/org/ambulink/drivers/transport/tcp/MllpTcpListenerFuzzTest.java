package org.ambulink.drivers.transport.tcp;

import static org.ambulink.drivers.transport.tcp.TcpTestSupport.ECHO;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.TIMEOUT;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.anyPort;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.ascii;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.await;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.connect;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.mllpThreads;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.mllp.Mllp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes, valid and mutated frames thrown at a live listener over loopback by several
 * connections at once, each ending abruptly (FIN, reset, half close, or mid-frame): afterwards the
 * listener must still acknowledge a normal monitor, and after close no thread may be left behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MllpTcpListenerFuzzTest {
  private static final long SEED = 77L;
  private static final int CONNECTIONS = 40;
  private static final int MAX_FRAME = 512;

  @Test
  void listener_survives_random_input_and_leaks_no_threads() throws Exception {
    List<String> threadsBefore = mllpThreads();
    long liveThreadsBefore = Thread.activeCount();
    // At most four connections open at once, counted until the listener reports them ended:
    // attackers finish long before the listener has accepted and drained their connections.
    Semaphore slots = new Semaphore(4);
    RecordingLinkListener link =
        new RecordingLinkListener() {
          @Override
          public void disconnected(String peer, String reason) {
            super.disconnected(peer, reason);
            slots.release();
          }
        };
    MllpTcpListener listener =
        new MllpTcpListener(
            anyPort().withMaxFrameBytes(MAX_FRAME).withMaxConnections(8), ECHO, link);
    listener.start();
    ExecutorService attackers = Executors.newFixedThreadPool(4);
    try {
      Random seeds = new Random(SEED);
      List<Future<?>> runs = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        long seed = seeds.nextLong();
        runs.add(
            attackers.submit(
                () -> {
                  assertThat(slots.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                      .as("a connection slot frees")
                      .isTrue();
                  return attack(listener.port(), new Random(seed));
                }));
      }
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }

      await("every fuzz connection ended", () -> listener.activeConnections() == 0);
      try (MllpTcpClient monitor = connect(listener)) {
        assertThat(ascii(monitor.exchange(ascii("MSH|after fuzz"), TIMEOUT)))
            .isEqualTo("ACK:MSH|after fuzz");
      }
      await("every connection ended", () -> listener.activeConnections() == 0);
      assertThat(link.ofKind("connected")).hasSize(CONNECTIONS + 1);
      assertThat(link.ofKind("disconnected")).hasSize(CONNECTIONS + 1);
      assertThat(link.ofKind("rejected")).isNotEmpty();
      assertThat(link.garbage.get()).isPositive();
    } finally {
      attackers.shutdownNow();
      listener.close();
    }
    await("listener threads end", () -> mllpThreads().equals(threadsBefore));
    await("no threads left over", () -> Thread.activeCount() <= liveThreadsBefore + 4);
  }

  /** One connection's worth of abuse; ACKs are read only by the polite endings. */
  private static Void attack(int port, Random random) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      byte[] stream = randomStream(random);
      try {
        int off = 0;
        while (off < stream.length) {
          int len = Math.min(stream.length - off, 1 + random.nextInt(700));
          out.write(stream, off, len);
          out.flush();
          off += len;
        }
        switch (random.nextInt(4)) {
          case 0 -> socket.setSoLinger(true, 0); // close with a reset
          case 1 -> {
            socket.shutdownOutput(); // half close: the listener sends pending ACKs, then closes
            drain(socket.getInputStream());
          }
          case 2 -> out.write(new byte[] {Mllp.START_BLOCK, 'M', 'S', 'H'}); // end mid-frame
          default -> {} // plain close
        }
      } catch (SocketException e) {
        // The listener may reset a connection it has given up on; that is allowed.
      }
    }
    return null;
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    while (in.read(buf) >= 0) {
      // discard
    }
  }

  private static byte[] randomStream(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int parts = 1 + random.nextInt(30);
    for (int p = 0; p < parts; p++) {
      switch (random.nextInt(5)) {
        case 0 -> out.writeBytes(noise(random, random.nextInt(300)));
        case 1 -> out.writeBytes(Mllp.frame(noise(random, MAX_FRAME + random.nextInt(2000))));
        case 2 -> out.writeBytes(mutated(random));
        default -> out.writeBytes(Mllp.frame(ascii("MSH|" + random.nextInt(1000))));
      }
    }
    return out.toByteArray();
  }

  /** A valid frame with a few bytes replaced by random or framing bytes. */
  private static byte[] mutated(Random random) {
    byte[] frame = Mllp.frame(ascii("MSH|^~\\&|MON|||ORU^R01|" + random.nextInt(1000) + "|P|2.6"));
    for (int m = 0; m < 1 + random.nextInt(3); m++) {
      frame[random.nextInt(frame.length)] = noise(random, 1)[0];
    }
    return frame;
  }

  private static byte[] noise(Random random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] =
          switch (random.nextInt(8)) {
            case 0 -> Mllp.START_BLOCK;
            case 1 -> Mllp.END_BLOCK;
            case 2 -> Mllp.CARRIAGE_RETURN;
            default -> (byte) random.nextInt(256);
          };
    }
    return bytes;
  }
}
