package org.ambulink.systemtests;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.ambulink.drivers.sim.MllpMonitor;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;

/**
 * The simulated monitor the system tests run in their own JVM: PTB s0010_re (12 leads and more) at
 * 500 Hz in 250 ms messages, over MLLP to the appliance's port on loopback.
 */
final class LoopbackMonitor {
  private LoopbackMonitor() {}

  /**
   * Starts it, sending from now on; {@code settings} may change the simulator's other settings.
   * While the appliance is away (e.g. restarting) it tries again often, as a real monitor would:
   * after 200 ms, doubling up to 1 s.
   */
  static MllpMonitor start(
      String deviceId,
      int mllpPort,
      UnaryOperator<MonitorSimulator.Builder> settings,
      Consumer<String> console)
      throws IOException {
    MonitorSimulator sim =
        settings
            .apply(
                MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
                    .outputRate(500)
                    .chunk(Duration.ofMillis(250))
                    .deviceId(deviceId)
                    .start(Instant.now()))
            .build();
    return MllpMonitor.start(
        sim, "127.0.0.1", mllpPort, Duration.ofMillis(200), Duration.ofSeconds(1), console);
  }
}
