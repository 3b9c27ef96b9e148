package org.ambulink.drivers.gps;

import java.io.IOException;

/** Where a simulated receiver sends its sentences: a serial port, or a list in a test. */
@FunctionalInterface
public interface NmeaSink {
  /**
   * Sends one sentence; the sink adds the line end.
   *
   * @throws IOException when the link failed
   */
  void send(String sentence) throws IOException;
}
