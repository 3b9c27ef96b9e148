package org.ambulink.drivers.transport.serial;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jssc.SerialPort;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpDecoder;

/** The far end of a test pty driven byte by byte, to send raw (split, broken) frames. */
final class PtyPeer implements AutoCloseable {
  private final SerialPort port;
  private final MllpDecoder decoder = new MllpDecoder(1 << 20);
  private final List<String> frames = new ArrayList<>();

  PtyPeer(String path) throws IOException {
    this.port = SerialPorts.open(SerialSettings.of(path));
  }

  void write(byte... bytes) throws IOException {
    SerialPorts.write(port, bytes);
  }

  void write(String ascii) throws IOException {
    write(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  void writeFrame(String payload) throws IOException {
    write(Mllp.frame(payload.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Reads until {@code count} frames arrived in total (since this peer was opened). */
  List<String> awaitFrames(int count, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (frames.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + count + " frames within " + timeout + ", got " + frames);
      }
      int available = SerialPorts.available(port);
      if (available == 0) {
        Thread.sleep(2);
        continue;
      }
      byte[] bytes = SerialPorts.read(port, available, SerialPorts.READ_CHUNK);
      decoder.feed(
          bytes,
          0,
          bytes.length,
          payload -> frames.add(new String(payload, StandardCharsets.US_ASCII)));
    }
    return List.copyOf(frames);
  }

  @Override
  public void close() {
    SerialPorts.closeQuietly(port);
  }
}
