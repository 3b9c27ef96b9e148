package org.ambulink.drivers.gps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import jssc.SerialPort;
import org.ambulink.drivers.transport.serial.SerialPorts;
import org.ambulink.drivers.transport.serial.SerialSettings;

/**
 * The receiver end of a serial GPS link, as the simulator uses it: writes NMEA lines (CR/LF
 * terminated) to a port. Does not reopen: after a port failure every call throws, and the caller
 * opens a new writer. Calls are serialised.
 */
public final class SerialNmeaWriter implements NmeaSink, AutoCloseable {
  private final SerialPort port;
  private boolean closed;

  private SerialNmeaWriter(SerialPort port) {
    this.port = port;
  }

  /**
   * Opens the port with the given line settings.
   *
   * @throws IOException when the port is missing, busy or not a serial port
   */
  public static SerialNmeaWriter open(SerialSettings settings) throws IOException {
    return new SerialNmeaWriter(SerialPorts.open(settings));
  }

  /** Writes {@code sentence} followed by CR/LF. */
  @Override
  public void send(String sentence) throws IOException {
    Objects.requireNonNull(sentence, "sentence");
    writeRaw((sentence + "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Writes bytes as they are, e.g. line noise in a test. */
  public synchronized void writeRaw(byte[] bytes) throws IOException {
    if (closed) {
      throw new IOException("NMEA writer on " + port.getPortName() + " is closed");
    }
    SerialPorts.write(port, bytes);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      SerialPorts.closeQuietly(port);
    }
  }
}
