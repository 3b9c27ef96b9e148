package org.ambulink.drivers.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;

/**
 * A simulated monitor sending to an MLLP/TCP listener from a daemon thread of its own, for demos,
 * tests and benchmarks: a {@link SimulatorRunner} at real-time speed that encodes each message as
 * HL7 v2 ({@link Hl7Encoder#encodeObservationReport}), checks each ACK ({@link Hl7Acks#parse}) and
 * reconnects with backoff while the listener is away. {@link #close()} stops it.
 */
public final class MllpMonitor implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final long JOIN_MILLIS = 10_000;

  private final SimulatorRunner runner;
  private final Thread thread;

  private MllpMonitor(SimulatorRunner runner, Consumer<String> console) {
    this.runner = runner;
    this.thread =
        new Thread(
            () -> {
              try {
                runner.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                console.accept("sim: failed: " + e);
              }
            },
            "monitor-simulator");
    thread.setDaemon(true);
  }

  /**
   * Starts sending {@code sim}'s messages to {@code host:port} in real time.
   *
   * @param reconnectMin first wait before reconnecting after a failed connect or a broken link
   * @param reconnectMax the largest wait, the waits doubling in between
   * @param console where the runner's summary and event lines go, and a line {@code sim: failed:
   *     ...} if the thread ends on an exception
   */
  public static MllpMonitor start(
      MonitorSimulator sim,
      String host,
      int port,
      Duration reconnectMin,
      Duration reconnectMax,
      Consumer<String> console) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(console, "console");
    Hl7Encoder encoder = new Hl7Encoder();
    SimulatorRunner runner =
        SimulatorRunner.builder(
                sim,
                () -> MllpTcpClient.connect(host, port, CONNECT_TIMEOUT),
                m -> encoder.encodeObservationReport(m).getBytes(StandardCharsets.UTF_8),
                Hl7Acks::parse)
            .speed(1)
            .reconnectBackoff(reconnectMin, reconnectMax)
            .console(console)
            .build();
    MllpMonitor monitor = new MllpMonitor(runner, console);
    monitor.thread.start();
    return monitor;
  }

  /** The runner's counters so far. */
  public SimulatorRunner.Stats stats() {
    return runner.stats();
  }

  /** Whether its thread is still running. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Stops sending (after the message in hand), interrupts the thread and waits up to 10 s for it to
   * end.
   *
   * @throws IllegalStateException if the thread is still alive after that
   */
  @Override
  public void close() throws InterruptedException {
    runner.stop();
    thread.interrupt();
    thread.join(JOIN_MILLIS);
    if (thread.isAlive()) {
      throw new IllegalStateException("the simulator thread did not stop");
    }
  }
}
