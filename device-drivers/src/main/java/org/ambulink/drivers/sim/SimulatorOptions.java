package org.ambulink.drivers.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ambulink.drivers.transport.serial.SerialSettings;

/**
 * The simulator's command line, parsed and checked before anything starts, so a typo fails at once
 * with the offending value and the usage instead of as a silent or garbled link.
 *
 * @param record a WFDB header path, or a classpath record name like {@code ecg/s0010_re}
 * @param rate output samples per second and lead
 * @param chunk waveform duration per message
 * @param speed 1 real time, 0 as fast as possible
 * @param duration ECG time to send; null to run until stopped
 * @param link where to send
 * @param deviceId the EUI-64 equipment id
 * @param ackTimeout how long to wait for each ACK
 * @param seed the vital-signs seed
 * @param nibpInterval how often the NIBP cuff measures
 * @param demo whether numerics are flagged as simulated (OBX-8 DEMO)
 * @param help whether only the usage was asked for
 */
public record SimulatorOptions(
    String record,
    double rate,
    Duration chunk,
    double speed,
    Duration duration,
    Link link,
    String deviceId,
    Duration ackTimeout,
    long seed,
    Duration nibpInterval,
    boolean demo,
    boolean help) {

  /** The record replayed when none is given: bundled PTB s0010_re, 12 leads at 1000 Hz. */
  public static final String DEFAULT_RECORD = "ecg/s0010_re";

  public static final String USAGE =
      """
      Usage: simulator (--tcp <host:port> | --serial <port> [serial options]) [options]

      Replays a real ECG record as a patient monitor: HL7 v2 ORU^R01 with the ECG leads
      (IHE PCD WCM) and vital signs, over MLLP, checking every ACK.

        --record <path.hea | name>  WFDB record: a header file, or a bundled record
                                    (ecg/s0010_re, ecg/100); default ecg/s0010_re
        --rate <Hz>                 output sample rate per lead; default 500
        --chunk-ms <ms>             waveform per message; default 250
        --speed <factor>            1 = real time, 2 = twice as fast, 0 = as fast as
                                    the receiver acknowledges; default 1
        --duration <seconds>        ECG time to send, then stop; default until Ctrl-C
        --tcp <host:port>           send to an MLLP listener over TCP
        --serial <port>             send over a serial line, e.g. /dev/ttyUSB0
          --baud <bit/s>            default 115200
          --data-bits <5-8>         default 8
          --parity <none|odd|even|mark|space>  default none
          --stop-bits <1|1.5|2>     default 1
        --device-id <EUI-64>        16 hex digits; default 0123456789ABCDEF
        --ack-timeout-ms <ms>       wait for each ACK, then reconnect and resend;
                                    default 5000
        --seed <n>                  seed of the simulated vital signs; default 1
        --nibp-minutes <n>          NIBP cuff interval; default 5
        --demo                      flag the numerics as simulated (OBX-8 DEMO)
        --help                      print this and exit
      """;

  private static final Pattern EUI64 = Pattern.compile("[0-9A-Fa-f]{16}");

  /** Where the simulator sends its messages. */
  public sealed interface Link permits Tcp, Serial {}

  /** An MLLP listener over TCP. */
  public record Tcp(String host, int port) implements Link {
    public Tcp {
      Objects.requireNonNull(host, "host");
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** A serial line. */
  public record Serial(SerialSettings settings) implements Link {
    public Serial {
      Objects.requireNonNull(settings, "settings");
    }
  }

  /** A command line that cannot be run; the message names the offending option and value. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses the arguments.
   *
   * @throws UsageException naming the option and value that are wrong, missing or conflicting
   */
  public static SimulatorOptions parse(String... args) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    boolean demo = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--demo" -> demo = true;
        case "--record",
            "--rate",
            "--chunk-ms",
            "--speed",
            "--duration",
            "--tcp",
            "--serial",
            "--baud",
            "--data-bits",
            "--parity",
            "--stop-bits",
            "--device-id",
            "--ack-timeout-ms",
            "--seed",
            "--nibp-minutes" -> {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException(arg + " needs a value");
          }
          if (values.put(arg, args[++i]) != null) {
            throw new UsageException(arg + " is given twice");
          }
        }
        default ->
            throw new UsageException(
                "unknown option '"
                    + arg
                    + "'"
                    + (arg.startsWith("-") ? "" : " (options start with --)"));
      }
    }
    if (help) {
      return new SimulatorOptions(
          DEFAULT_RECORD,
          500,
          Duration.ofMillis(250),
          1,
          null,
          null,
          "0123456789ABCDEF",
          Duration.ofSeconds(5),
          1,
          Duration.ofMinutes(5),
          demo,
          true);
    }

    String record = values.getOrDefault("--record", DEFAULT_RECORD);
    if (record.isBlank()) {
      throw new UsageException("--record is empty; give a .hea path or a bundled record name");
    }
    double rate = positive("--rate", values.getOrDefault("--rate", "500"), 100_000);
    long chunkMs = positiveLong("--chunk-ms", values.getOrDefault("--chunk-ms", "250"), 60_000);
    double speed = number("--speed", values.getOrDefault("--speed", "1"));
    if (speed < 0 || speed > 1000) {
      throw new UsageException(
          "--speed '"
              + values.get("--speed")
              + "' must be 0 (as fast as possible) or a factor up to 1000");
    }
    Duration duration = null;
    if (values.containsKey("--duration")) {
      double seconds = positive("--duration", values.get("--duration"), 1e9);
      duration = Duration.ofNanos(Math.round(seconds * 1e9));
    }
    String deviceId = values.getOrDefault("--device-id", "0123456789ABCDEF");
    if (!EUI64.matcher(deviceId).matches()) {
      throw new UsageException(
          "--device-id '"
              + deviceId
              + "' is not an EUI-64; give 16 hex digits like 0123456789ABCDEF");
    }
    long ackMs =
        positiveLong("--ack-timeout-ms", values.getOrDefault("--ack-timeout-ms", "5000"), 600_000);
    long seed;
    try {
      seed = Long.parseLong(values.getOrDefault("--seed", "1"));
    } catch (NumberFormatException e) {
      throw new UsageException("--seed '" + values.get("--seed") + "' is not a whole number");
    }
    long nibpMinutes =
        positiveLong("--nibp-minutes", values.getOrDefault("--nibp-minutes", "5"), 24 * 60);
    Link link = link(values);
    return new SimulatorOptions(
        record,
        rate,
        Duration.ofMillis(chunkMs),
        speed,
        duration,
        link,
        deviceId,
        Duration.ofMillis(ackMs),
        seed,
        Duration.ofMinutes(nibpMinutes),
        demo,
        false);
  }

  private static Link link(Map<String, String> values) throws UsageException {
    String tcp = values.get("--tcp");
    String serial = values.get("--serial");
    if (tcp != null && serial != null) {
      throw new UsageException(
          "--tcp '" + tcp + "' and --serial '" + serial + "' both given; choose one link");
    }
    for (String option : new String[] {"--baud", "--data-bits", "--parity", "--stop-bits"}) {
      if (values.containsKey(option) && serial == null) {
        throw new UsageException(option + " '" + values.get(option) + "' needs --serial <port>");
      }
    }
    if (tcp != null) {
      return tcp(tcp);
    }
    if (serial != null) {
      SerialSettings.Builder b = SerialSettings.builder(serial);
      try {
        if (values.containsKey("--baud")) {
          b.baud((int) positiveLong("--baud", values.get("--baud"), Integer.MAX_VALUE));
        }
        if (values.containsKey("--data-bits")) {
          b.dataBits((int) positiveLong("--data-bits", values.get("--data-bits"), 64));
        }
        if (values.containsKey("--parity")) {
          b.parity(SerialSettings.Parity.parse(values.get("--parity")));
        }
        if (values.containsKey("--stop-bits")) {
          b.stopBits(SerialSettings.StopBits.parse(values.get("--stop-bits")));
        }
        return new Serial(b.build());
      } catch (IllegalArgumentException e) {
        throw new UsageException("serial settings: " + e.getMessage());
      }
    }
    throw new UsageException("no link given; use --tcp <host:port> or --serial <port>");
  }

  private static Tcp tcp(String value) throws UsageException {
    String host;
    String port;
    if (value.startsWith("[")) {
      int close = value.indexOf("]:");
      if (close < 0) {
        throw new UsageException("--tcp '" + value + "' is not [ipv6-host]:port");
      }
      host = value.substring(1, close);
      port = value.substring(close + 2);
    } else {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || value.indexOf(':') != colon) {
        throw new UsageException("--tcp '" + value + "' is not host:port, e.g. localhost:2575");
      }
      host = value.substring(0, colon);
      port = value.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65535 || host.isBlank()) {
      throw new UsageException(
          "--tcp '" + value + "' needs a host and a port from 1 to 65535, e.g. localhost:2575");
    }
    return new Tcp(host, p);
  }

  private static double number(String option, String value) throws UsageException {
    try {
      double d = Double.parseDouble(value);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " '" + value + "' is not a number");
    }
  }

  private static double positive(String option, String value, double max) throws UsageException {
    double d = number(option, value);
    if (!(d > 0) || d > max) {
      throw new UsageException(option + " '" + value + "' must be above 0 and at most " + fmt(max));
    }
    return d;
  }

  private static long positiveLong(String option, String value, long max) throws UsageException {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " '" + value + "' is not a whole number");
    }
    if (v < 1 || v > max) {
      throw new UsageException(option + " '" + value + "' must be from 1 to " + max);
    }
    return v;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
