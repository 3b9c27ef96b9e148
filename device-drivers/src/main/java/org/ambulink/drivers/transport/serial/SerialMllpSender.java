package org.ambulink.drivers.transport.serial;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import jssc.SerialPort;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpDecoder;
import org.ambulink.drivers.transport.MllpSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor end of a serial MLLP link, as the simulator uses it: sends one framed message and
 * waits for the reply frame. Does not reopen: after a port failure every call throws, and the
 * caller opens a new sender. Calls are serialised; {@link #close()} waits for a running exchange.
 */
public final class SerialMllpSender implements MllpSender {
  private static final Logger log = LoggerFactory.getLogger(SerialMllpSender.class);

  private final SerialSettings settings;
  private final SerialPort port;
  private final MllpDecoder decoder;
  private final ArrayDeque<byte[]> replies = new ArrayDeque<>();
  private final MllpDecoder.Sink sink;
  private boolean closed;
  private IOException failure;

  private SerialMllpSender(SerialSettings settings, SerialPort port) {
    this.settings = settings;
    this.port = port;
    this.decoder = new MllpDecoder(settings.maxFrameBytes());
    this.sink =
        MllpDecoder.Sink.queueing(
            replies,
            e -> log.debug("{}: reply frame rejected: {}", settings.portName(), e.getMessage()));
  }

  /**
   * Opens the port with the given line settings.
   *
   * @throws IOException when the port is missing, busy or not a serial port
   */
  public static SerialMllpSender open(SerialSettings settings) throws IOException {
    return new SerialMllpSender(settings, SerialPorts.open(settings));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Replies left over from an earlier exchange that timed out are discarded before sending.
   */
  @Override
  public synchronized byte[] exchange(byte[] payload, Duration timeout) throws IOException {
    Objects.requireNonNull(payload, "payload");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " must be longer than zero");
    }
    if (closed) {
      throw new IOException("sender on " + settings.portName() + " is closed");
    }
    if (failure != null) {
      throw new IOException(
          "sender on " + settings.portName() + " failed earlier; open a new one", failure);
    }
    try {
      discardStaleReplies();
      SerialPorts.write(port, Mllp.frame(payload));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        int available = SerialPorts.available(port);
        if (available > 0) {
          byte[] bytes = SerialPorts.read(port, available, SerialPorts.READ_CHUNK);
          decoder.feed(bytes, 0, bytes.length, sink);
          if (!replies.isEmpty()) {
            return replies.poll();
          }
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException(
              "no MLLP reply on "
                  + settings.portName()
                  + " within "
                  + timeout.toMillis()
                  + " ms; check that the receiver is running and uses the same line settings ("
                  + settings.lineSettings()
                  + ")");
        }
        Thread.sleep(Math.max(1, Math.min(SerialPorts.IDLE_POLL_MILLIS, left / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a reply");
    } catch (InterruptedIOException e) {
      throw e; // a timeout leaves the port usable
    } catch (IOException e) {
      failure = e;
      SerialPorts.closeQuietly(port);
      throw e;
    }
  }

  private void discardStaleReplies() throws IOException {
    int available = SerialPorts.available(port);
    if (available > 0) {
      byte[] bytes = SerialPorts.read(port, available, SerialPorts.READ_CHUNK);
      decoder.feed(bytes, 0, bytes.length, sink);
    }
    if (!replies.isEmpty()) {
      log.debug("{}: discarding {} late replies", settings.portName(), replies.size());
      replies.clear();
    }
  }

  @Override
  public String describe() {
    return "serial " + settings.portName() + " (" + settings.lineSettings() + ")";
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      SerialPorts.closeQuietly(port);
    }
  }
}
