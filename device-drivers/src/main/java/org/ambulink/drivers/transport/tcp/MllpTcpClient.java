package org.ambulink.drivers.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpDecoder;
import org.ambulink.drivers.mllp.MllpProtocolException;
import org.ambulink.drivers.transport.MllpSender;

/**
 * The sending end of MLLP over TCP, as a monitor, the simulator, tests and benchmarks use it.
 *
 * <p>Two ways to use it:
 *
 * <ul>
 *   <li>{@link #exchange}: send one message, wait for its ACK (what real monitors do).
 *   <li>Pipelined, for throughput: {@link #sendAsync} several messages, then {@link #awaitReply}
 *       once per message; replies come back in send order. Keep the number of unanswered messages
 *       at or below the listener's {@value MllpTcpListener#MAX_IN_FLIGHT_PER_CONNECTION}, or read
 *       replies from a second thread: a single thread that only sends will eventually block on TCP
 *       flow control while the listener, having stopped reading, waits for it to read its ACKs.
 * </ul>
 *
 * <p>Sending and receiving are locked separately, so one thread may send while another awaits
 * replies. Not meant for several concurrent senders to interleave {@link #exchange} calls.
 */
public final class MllpTcpClient implements MllpSender {
  private final Socket socket;
  private final String description;
  private final OutputStream out;
  private final InputStream in;
  private final MllpDecoder decoder;
  private final ArrayDeque<byte[]> replies = new ArrayDeque<>();
  private final ReentrantLock sendLock = new ReentrantLock();
  private final ReentrantLock receiveLock = new ReentrantLock();
  private final byte[] readBuffer = new byte[8192];
  private final MllpDecoder.Sink sink;
  private MllpProtocolException rejected;

  private MllpTcpClient(Socket socket, String description, int maxReplyBytes) throws IOException {
    this.socket = socket;
    this.description = description;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
    this.decoder = new MllpDecoder(maxReplyBytes);
    this.sink = MllpDecoder.Sink.queueing(replies, this::keepFirstRejection);
  }

  /** Called under the receive lock; {@link #awaitReply} throws it before the next reply. */
  private void keepFirstRejection(MllpProtocolException e) {
    if (rejected == null) {
      rejected = e;
    }
  }

  /**
   * Connects to an MLLP listener; replies up to {@link Mllp#DEFAULT_MAX_FRAME_BYTES} are accepted.
   *
   * @throws IOException naming the address when the connection fails or times out
   */
  public static MllpTcpClient connect(String host, int port, Duration connectTimeout)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Socket socket = new Socket();
    String description = "mllp-tcp://" + host + ":" + port;
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), timeoutMillis(connectTimeout));
      return new MllpTcpClient(socket, description, Mllp.DEFAULT_MAX_FRAME_BYTES);
    } catch (IOException e) {
      socket.close();
      throw new IOException(
          "cannot connect to MLLP listener " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] exchange(byte[] payload, Duration timeout) throws IOException {
    sendAsync(payload);
    return awaitReply(timeout);
  }

  /** Frames and sends {@code payload} without waiting for a reply. */
  public void sendAsync(byte[] payload) throws IOException {
    byte[] framed = Mllp.frame(payload);
    sendLock.lock();
    try {
      out.write(framed);
      out.flush();
    } finally {
      sendLock.unlock();
    }
  }

  /** Sends raw bytes as they are, unframed: for tests of how a listener copes with bad input. */
  public void sendRaw(byte[] bytes) throws IOException {
    sendLock.lock();
    try {
      out.write(bytes);
      out.flush();
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Returns the next reply frame's payload, waiting up to {@code timeout} for it.
   *
   * @throws SocketTimeoutException when no complete reply arrived in time (the connection stays
   *     usable)
   * @throws MllpProtocolException when the peer sent a malformed or oversized reply
   * @throws EOFException when the peer closed the connection before replying
   */
  public byte[] awaitReply(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos();
    receiveLock.lock();
    try {
      while (true) {
        if (rejected != null) {
          MllpProtocolException e = rejected;
          rejected = null;
          throw e;
        }
        byte[] reply = replies.poll();
        if (reply != null) {
          return reply;
        }
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
          throw new SocketTimeoutException(
              "no MLLP reply from " + description + " within " + timeout);
        }
        socket.setSoTimeout((int) Math.min(remainingMillis, Integer.MAX_VALUE));
        int n;
        try {
          n = in.read(readBuffer);
        } catch (SocketTimeoutException e) {
          continue; // the loop reports the timeout
        }
        if (n < 0) {
          Optional<MllpProtocolException> truncated = decoder.endOfStream();
          throw new EOFException(
              description
                  + " closed the connection before replying"
                  + truncated.map(t -> " (" + t.getMessage() + ")").orElse(""));
        }
        decoder.feed(readBuffer, 0, n, sink);
      }
    } finally {
      receiveLock.unlock();
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static int timeoutMillis(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + d);
    }
    return (int) Math.min(Math.max(d.toMillis(), d.isZero() ? 0 : 1), Integer.MAX_VALUE);
  }
}
