package org.ambulink.drivers.gps;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ambulink.drivers.transport.serial.SerialSettings;

/**
 * Command line of the simulated GPS receiver: drives the {@link RouteSimulator#DEMO_ROUTE} and
 * writes its RMC and GGA sentences to a serial port once per simulated second, starting at the
 * current time. Bad arguments exit with status 2, a port failure with 1.
 */
public final class GpsSimulatorMain {
  static final String USAGE =
      """
      Usage: gps-simulator --serial PORT [--baud 4800] [--speed 1] [--seed 1] [--seconds N]

        --serial PORT   serial port to write NMEA to, e.g. /dev/ttyUSB0 or a socat pty
        --baud N        line speed, 8N1 (default 4800, the NMEA 0183 standard; often 9600)
        --speed X       simulated seconds per real second (default 1)
        --seed N        varies the cruising speeds (default 1)
        --seconds N     stop after N simulated seconds (default: run until stopped; after the
                        route is driven the vehicle stays parked at the destination)
        --help          this text
      """;

  private GpsSimulatorMain() {}

  public static void main(String[] args) {
    AtomicBoolean shuttingDown = new AtomicBoolean();
    int status = run(args, System.out, System.err, shuttingDown);
    // During a Ctrl-C shutdown System.exit would block; the JVM is exiting anyway.
    if (!shuttingDown.get()) {
      System.exit(status);
    }
  }

  /**
   * Runs the simulator until done or the JVM shuts down.
   *
   * @return 0 when done, 1 when the port failed, 2 for bad arguments
   */
  static int run(String[] args, PrintStream out, PrintStream err, AtomicBoolean shuttingDown) {
    String port = null;
    int baud = 4800;
    double speed = 1;
    long seed = 1;
    Duration seconds = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--help")) {
          out.print(USAGE);
          return 0;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--serial" -> port = value;
          case "--baud" -> baud = (int) Math.min(Integer.MAX_VALUE, parseLong("--baud", value));
          case "--speed" -> speed = parseDouble("--speed", value);
          case "--seed" -> seed = parseLong("--seed", value);
          case "--seconds" -> seconds = Duration.ofSeconds(parseLong("--seconds", value));
          default -> throw new IllegalArgumentException("unknown option '" + option + "'");
        }
      }
      if (port == null) {
        throw new IllegalArgumentException("--serial is missing");
      }
      if (!(speed > 0 && speed <= 1000)) {
        throw new IllegalArgumentException("--speed '" + speed + "' is not within 0..1000");
      }
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    SerialSettings settings;
    RouteSimulator route;
    try {
      settings = SerialNmeaReader.settings(port, baud);
      route = RouteSimulator.demo(Instant.now().truncatedTo(ChronoUnit.SECONDS), seed);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    try (SerialNmeaWriter writer = SerialNmeaWriter.open(settings)) {
      GpsSimulator simulator = new GpsSimulator(route, writer, speed);
      out.printf(
          "gps-simulator: demo route, %.1f km, %d s to the destination, to %s %s at speed %s%n",
          route.lengthMetres() / 1000,
          route.duration().toSeconds(),
          port,
          settings.lineSettings(),
          speed);
      Thread main = Thread.currentThread();
      Thread hook =
          new Thread(
              () -> {
                shuttingDown.set(true);
                simulator.stop();
                try {
                  main.join(2000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "gps-simulator-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        long sent = simulator.run(seconds);
        out.println("gps-simulator: sent " + sent + " fixes");
        return 0;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down; the hook is running
        }
      }
    } catch (IOException e) {
      err.println("gps-simulator: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int usage(PrintStream err, String message) {
    err.println("gps-simulator: " + message);
    err.println();
    err.print(USAGE);
    return 2;
  }

  private static double parseDouble(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " '" + value + "' is not a number");
    }
  }

  private static long parseLong(String option, String value) {
    try {
      long n = Long.parseLong(value);
      if (n < 0) {
        throw new IllegalArgumentException(option + " '" + value + "' is negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " '" + value + "' is not a whole number");
    }
  }
}
