package org.ambulink.drivers.transport.serial;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import jssc.SerialPort;
import jssc.SerialPortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place that talks to jssc: opens a port with {@link SerialSettings}, and turns jssc's
 * boolean results and exceptions into {@link IOException}s that say what to check. Shared by the
 * serial monitor link (this package) and the GPS receiver link ({@code org.ambulink.drivers.gps}).
 *
 * <p>The {@link SerialPort} that {@link #open} returns is a handle to pass back to these methods;
 * callers do not read, write or close it through jssc themselves. Reads never block: readers poll
 * {@link #available} and sleep {@link #IDLE_POLL_MILLIS} when nothing is waiting.
 */
public final class SerialPorts {
  private static final Logger log = LoggerFactory.getLogger(SerialPorts.class);

  /** Largest read in one call; the kernel's tty buffer is 4 KiB, so this drains it in one go. */
  static final int READ_CHUNK = 8192;

  /**
   * How long an idle reader sleeps before asking the port again. jssc offers no read with a timeout
   * that does not spin, so readers poll FIONREAD: 200 cheap ioctls a second when idle.
   */
  public static final long IDLE_POLL_MILLIS = 5;

  private SerialPorts() {}

  /**
   * Opens the port and applies the line settings; the caller owns the result and closes it with
   * {@link #closeQuietly}.
   *
   * @throws IOException saying what to check when the port is missing, busy, not accessible, not a
   *     serial port, or rejects the settings
   */
  public static SerialPort open(SerialSettings settings) throws IOException {
    String name = settings.portName();
    SerialPort port = new SerialPort(name);
    try {
      port.openPort();
    } catch (SerialPortException e) {
      throw new IOException(describeOpenFailure(name, e), e);
    }
    try {
      boolean applied =
          port.setParams(
              settings.baud(),
              settings.dataBits(),
              stopBits(settings.stopBits()),
              parity(settings.parity()));
      if (!applied) {
        if (isPseudoTerminal(name)) {
          // On a pty the RTS/DTR ioctl fails after the line settings were applied: expected.
          log.debug(
              "{}: setParams returned false on a pseudo-terminal (RTS/DTR unsupported)", name);
        } else {
          log.warn(
              "{}: the port did not accept all line settings ({}); if the data looks"
                  + " garbled, check that the adapter supports this speed",
              name,
              settings.lineSettings());
        }
      }
      return port;
    } catch (SerialPortException e) {
      closeQuietly(port);
      throw new IOException(
          "serial port " + name + " opened but rejected its settings: " + e.getExceptionType(), e);
    }
  }

  /** Bytes waiting to be read; throws when the port is gone (a hung-up tty answers EIO). */
  public static int available(SerialPort port) throws IOException {
    try {
      int n = port.getInputBufferBytesCount();
      if (n < 0) {
        throw new IOException(
            "serial port "
                + port.getPortName()
                + " stopped answering (input count "
                + n
                + "); the cable or adapter was probably unplugged");
      }
      return n;
    } catch (SerialPortException e) {
      throw lost(port, "reading", e);
    }
  }

  /** Reads up to {@code max} of the bytes already waiting; never blocks when some are waiting. */
  public static byte[] read(SerialPort port, int available, int max) throws IOException {
    try {
      return port.readBytes(Math.min(available, max));
    } catch (SerialPortException e) {
      throw lost(port, "reading", e);
    }
  }

  /** Writes all of {@code bytes}; jssc reports a partial write only as {@code false}. */
  public static void write(SerialPort port, byte[] bytes) throws IOException {
    boolean complete;
    try {
      complete = port.writeBytes(bytes);
    } catch (SerialPortException e) {
      throw lost(port, "writing", e);
    }
    if (!complete) {
      throw new IOException(
          "serial port "
              + port.getPortName()
              + " took only part of a "
              + bytes.length
              + "-byte write; the link is treated as failed (check the cable and the"
              + " device's flow control)");
    }
  }

  /** Closes the port if it is open; a failure to close is logged at debug level, not thrown. */
  public static void closeQuietly(SerialPort port) {
    try {
      if (port.isOpened()) {
        port.closePort();
      }
    } catch (SerialPortException e) {
      log.debug("{}: closing failed: {}", port.getPortName(), e.getExceptionType());
    }
  }

  static int parity(SerialSettings.Parity parity) {
    return switch (parity) {
      case NONE -> SerialPort.PARITY_NONE;
      case ODD -> SerialPort.PARITY_ODD;
      case EVEN -> SerialPort.PARITY_EVEN;
      case MARK -> SerialPort.PARITY_MARK;
      case SPACE -> SerialPort.PARITY_SPACE;
    };
  }

  static int stopBits(SerialSettings.StopBits stopBits) {
    return switch (stopBits) {
      case ONE -> SerialPort.STOPBITS_1;
      case ONE_POINT_FIVE -> SerialPort.STOPBITS_1_5;
      case TWO -> SerialPort.STOPBITS_2;
    };
  }

  private static IOException lost(SerialPort port, String doing, SerialPortException e) {
    return new IOException(
        "serial port "
            + port.getPortName()
            + " failed while "
            + doing
            + " ("
            + e.getExceptionType()
            + "); the cable or adapter was probably unplugged",
        e);
  }

  private static String describeOpenFailure(String name, SerialPortException e) {
    String type = String.valueOf(e.getExceptionType());
    if (type.equals(SerialPortException.TYPE_PORT_NOT_FOUND)) {
      return "serial port "
          + name
          + " not found; check that the cable or USB adapter is plugged in and the port-name"
          + " setting";
    }
    if (type.equals(SerialPortException.TYPE_PORT_BUSY)) {
      return "serial port "
          + name
          + " is in use by another program (gpsd or ModemManager?); stop it and retry";
    }
    if (type.equals(SerialPortException.TYPE_PERMISSION_DENIED)) {
      return "serial port "
          + name
          + ": permission denied; add the service user to the group owning the device"
          + " (usually dialout)";
    }
    if (type.equals(SerialPortException.TYPE_INCORRECT_SERIAL_PORT)) {
      return name + " is not a serial port; check the port-name setting";
    }
    return "serial port " + name + " could not be opened: " + type;
  }

  private static boolean isPseudoTerminal(String name) {
    try {
      Path real = Paths.get(name).toRealPath();
      return real.startsWith("/dev/pts") || real.getFileName().toString().startsWith("pty");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
