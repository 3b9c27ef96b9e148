package org.ambulink.drivers.gps;

import java.io.IOException;
import jssc.SerialPort;
import jssc.SerialPortException;
import org.ambulink.drivers.transport.serial.SerialSettings;

/**
 * The GPS package's only contact with jssc: opens a port with {@link SerialSettings} and turns
 * jssc's results into {@link IOException}s saying what to check.
 *
 * <p>A trimmed copy of the package-private {@code transport.serial.SerialPorts}; once that class is
 * made public this one should delegate to it.
 */
final class GpsSerialPort {
  /** How long an idle reader sleeps before asking the port again (jssc has no timed read). */
  static final long IDLE_POLL_MILLIS = 5;

  /** Largest read in one call. */
  static final int READ_CHUNK = 4096;

  private final SerialPort port;

  private GpsSerialPort(SerialPort port) {
    this.port = port;
  }

  /** Opens the port and applies the line settings; the caller closes it. */
  static GpsSerialPort open(SerialSettings settings) throws IOException {
    String name = settings.portName();
    SerialPort port = new SerialPort(name);
    try {
      port.openPort();
    } catch (SerialPortException e) {
      throw new IOException(describeOpenFailure(name, e), e);
    }
    try {
      // false on a pseudo-terminal, where RTS/DTR cannot be set after the line settings were.
      port.setParams(settings.baud(), settings.dataBits(), stopBits(settings), parity(settings));
      return new GpsSerialPort(port);
    } catch (SerialPortException e) {
      closeQuietly(port);
      throw new IOException(
          "serial port " + name + " opened but rejected its settings: " + e.getExceptionType(), e);
    }
  }

  String name() {
    return port.getPortName();
  }

  /** Bytes waiting; throws when the port is gone (a hung-up tty answers EIO). */
  int available() throws IOException {
    try {
      int n = port.getInputBufferBytesCount();
      if (n < 0) {
        throw new IOException(
            "serial port "
                + name()
                + " stopped answering; the cable or adapter was probably"
                + " unplugged");
      }
      return n;
    } catch (SerialPortException e) {
      throw lost("reading", e);
    }
  }

  /** Reads up to {@code max} of the bytes already waiting. */
  byte[] read(int available, int max) throws IOException {
    try {
      return port.readBytes(Math.min(available, max));
    } catch (SerialPortException e) {
      throw lost("reading", e);
    }
  }

  void write(byte[] bytes) throws IOException {
    boolean complete;
    try {
      complete = port.writeBytes(bytes);
    } catch (SerialPortException e) {
      throw lost("writing", e);
    }
    if (!complete) {
      throw new IOException(
          "serial port " + name() + " took only part of a " + bytes.length + "-byte write");
    }
  }

  void close() {
    closeQuietly(port);
  }

  private IOException lost(String doing, SerialPortException e) {
    return new IOException(
        "serial port "
            + name()
            + " failed while "
            + doing
            + " ("
            + e.getExceptionType()
            + "); the cable or adapter was probably unplugged",
        e);
  }

  private static void closeQuietly(SerialPort port) {
    try {
      if (port.isOpened()) {
        port.closePort();
      }
    } catch (SerialPortException e) {
      // already gone
    }
  }

  private static int parity(SerialSettings settings) {
    return switch (settings.parity()) {
      case NONE -> SerialPort.PARITY_NONE;
      case ODD -> SerialPort.PARITY_ODD;
      case EVEN -> SerialPort.PARITY_EVEN;
      case MARK -> SerialPort.PARITY_MARK;
      case SPACE -> SerialPort.PARITY_SPACE;
    };
  }

  private static int stopBits(SerialSettings settings) {
    return switch (settings.stopBits()) {
      case ONE -> SerialPort.STOPBITS_1;
      case ONE_POINT_FIVE -> SerialPort.STOPBITS_1_5;
      case TWO -> SerialPort.STOPBITS_2;
    };
  }

  private static String describeOpenFailure(String name, SerialPortException e) {
    String type = String.valueOf(e.getExceptionType());
    if (type.equals(SerialPortException.TYPE_PORT_NOT_FOUND)) {
      return "serial port "
          + name
          + " not found; check that the GPS receiver's cable or USB adapter is plugged in and the"
          + " port-name setting";
    }
    if (type.equals(SerialPortException.TYPE_PORT_BUSY)) {
      return "serial port " + name + " is in use by another program (gpsd?); stop it and retry";
    }
    if (type.equals(SerialPortException.TYPE_PERMISSION_DENIED)) {
      return "serial port "
          + name
          + ": permission denied; add the service user to the group owning the device"
          + " (usually dialout)";
    }
    return "serial port " + name + " could not be opened: " + type;
  }
}
