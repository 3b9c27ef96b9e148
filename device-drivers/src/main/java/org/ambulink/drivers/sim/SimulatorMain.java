package org.ambulink.drivers.sim;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.transport.serial.SerialMllpSender;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;

/**
 * Command line of the simulated monitor: replays a WFDB ECG record with vital signs as HL7 over
 * MLLP (TCP or serial), so the appliance can be exercised end to end without a real monitor. Run
 * with {@code --help} for the options; bad arguments exit with status 2.
 */
public final class SimulatorMain {
  /** How long to wait for a TCP connection to open. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private SimulatorMain() {}

  public static void main(String[] args) {
    AtomicBoolean shuttingDown = new AtomicBoolean();
    int status = run(args, System.out, System.err, shuttingDown);
    // During a Ctrl-C shutdown System.exit would block; the JVM is exiting anyway.
    if (!shuttingDown.get()) {
      System.exit(status);
    }
  }

  /**
   * Runs the simulator until its duration is over or the JVM shuts down.
   *
   * @return 0 when done, 1 when the record cannot be read, 2 for bad arguments
   */
  static int run(String[] args, PrintStream out, PrintStream err, AtomicBoolean shuttingDown) {
    SimulatorOptions options;
    try {
      options = SimulatorOptions.parse(args);
    } catch (SimulatorOptions.UsageException e) {
      return usage(err, e.getMessage());
    }
    if (options.help()) {
      out.print(SimulatorOptions.USAGE);
      return 0;
    }
    WfdbRecord record;
    try {
      record = loadRecord(options.record());
    } catch (FileNotFoundException | NoSuchFileException e) {
      return usage(err, "--record '" + options.record() + "': " + e.getMessage());
    } catch (IOException e) {
      err.println("simulator: cannot read record '" + options.record() + "': " + e.getMessage());
      return 1;
    }
    MonitorSimulator simulator;
    try {
      simulator =
          MonitorSimulator.builder(record)
              .outputRate(options.rate())
              .chunk(options.chunk())
              .deviceId(options.deviceId())
              .start(Instant.now())
              .seed(options.seed())
              .nibpInterval(options.nibpInterval())
              .demo(options.demo())
              .build();
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }

    SimulatorRunner.Connector connector;
    if (options.link() instanceof SimulatorOptions.Tcp tcp) {
      connector = () -> MllpTcpClient.connect(tcp.host(), tcp.port(), CONNECT_TIMEOUT);
    } else {
      SimulatorOptions.Serial serial = (SimulatorOptions.Serial) options.link();
      connector = () -> SerialMllpSender.open(serial.settings());
    }
    Hl7Encoder encoder = new Hl7Encoder();
    SimulatorRunner runner =
        SimulatorRunner.builder(
                simulator,
                connector,
                m -> encoder.encodeObservationReport(m).getBytes(StandardCharsets.UTF_8),
                Hl7Acks::parse)
            .speed(options.speed())
            .duration(options.duration())
            .ackTimeout(options.ackTimeout())
            .console(out::println)
            .build();

    out.println(
        "sim: replaying record "
            + record.name()
            + " (leads "
            + String.join(" ", simulator.leads().stream().map(EcgLeads::displayName).toList())
            + (simulator.skippedSignals().isEmpty()
                ? ""
                : "; not sent: " + String.join(" ", simulator.skippedSignals()))
            + ") at "
            + fmt(options.rate())
            + " Hz in "
            + options.chunk().toMillis()
            + " ms chunks as device "
            + options.deviceId()
            + " to "
            + describe(options.link())
            + ", speed "
            + fmt(options.speed())
            + (options.duration() == null
                ? ", until stopped"
                : ", for " + fmt(options.duration().toMillis() / 1000.0) + " s"));

    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              shuttingDown.set(true);
              runner.stop();
              try {
                main.join(CONNECT_TIMEOUT.plus(options.ackTimeout()).toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "simulator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runner.run();
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook is running
      }
    }
  }

  /**
   * Reads {@code name} as a header file when {@code name} or {@code name.hea} exists, else as a
   * bundled classpath record.
   */
  static WfdbRecord loadRecord(String name) throws IOException {
    Path hea = null;
    try {
      hea = Path.of(name.endsWith(".hea") ? name : name + ".hea");
    } catch (InvalidPathException e) {
      // not a file name: try the classpath
    }
    if (hea != null && Files.isRegularFile(hea)) {
      return WfdbReader.read(hea);
    }
    try {
      return WfdbReader.read(name);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException(
          "no header file "
              + (hea == null ? name : hea.toString())
              + " and no bundled record of that name (bundled: ecg/s0010_re, ecg/100)");
    }
  }

  private static String describe(SimulatorOptions.Link link) {
    if (link instanceof SimulatorOptions.Serial serial) {
      return "serial " + serial.settings().portName() + " " + serial.settings().lineSettings();
    }
    return "mllp-tcp://" + link;
  }

  private static int usage(PrintStream err, String message) {
    err.println("simulator: " + message);
    err.println();
    err.print(SimulatorOptions.USAGE);
    return 2;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
