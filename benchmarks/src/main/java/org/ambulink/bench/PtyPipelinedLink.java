package org.ambulink.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import jssc.SerialPort;
import jssc.SerialPortException;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpDecoder;

/**
 * A pipelining monitor end on a serial port, driven through jssc directly: {@code SerialMllpSender}
 * is stop-and-wait (as real monitors are), so this is what measures how much the serial listener
 * can take when the sender is not the limit. Same framing, same port settings.
 */
final class PtyPipelinedLink implements Link {
  /** How long to wait between polls of the input count while no ACK is there. */
  private static final long POLL_NANOS = 100_000;

  private final SerialPort port;
  private final MllpDecoder decoder = new MllpDecoder(Mllp.DEFAULT_MAX_FRAME_BYTES);
  private final ArrayDeque<byte[]> replies = new ArrayDeque<>();

  PtyPipelinedLink(String path) throws IOException {
    port = new SerialPort(path);
    try {
      port.openPort();
      // On a pty the RTS/DTR ioctl fails after the line settings were applied: false is expected.
      port.setParams(
          SerialPort.BAUDRATE_115200,
          SerialPort.DATABITS_8,
          SerialPort.STOPBITS_1,
          SerialPort.PARITY_NONE);
    } catch (SerialPortException e) {
      throw new IOException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void send(byte[] payload) throws IOException {
    try {
      if (!port.writeBytes(Mllp.frame(payload))) {
        throw new IOException("short write on " + port.getPortName());
      }
    } catch (SerialPortException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public byte[] awaitReply(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (replies.isEmpty()) {
        int available = port.getInputBufferBytesCount();
        if (available < 0) {
          throw new IOException(port.getPortName() + " stopped answering");
        }
        if (available > 0) {
          byte[] bytes = port.readBytes(available);
          decoder.feed(bytes, 0, bytes.length, replies::add);
          continue;
        }
        if (System.nanoTime() > deadline) {
          throw new SocketTimeoutException(
              "no ACK on " + port.getPortName() + " within " + timeout);
        }
        LockSupport.parkNanos(POLL_NANOS);
      }
      return replies.poll();
    } catch (SerialPortException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (port.isOpened()) {
        port.closePort();
      }
    } catch (SerialPortException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
