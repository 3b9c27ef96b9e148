package org.ambulink.drivers.transport.serial;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ambulink.drivers.mllp.Mllp;

/**
 * Line settings and link policy of one serial port carrying MLLP-framed HL7, validated on
 * construction so a bad config fails at startup with the offending value rather than as a silent,
 * garbled link.
 *
 * @param portName the device path, e.g. {@code /dev/ttyUSB0} or {@code /dev/serial/by-id/...}
 * @param baud line speed in bit/s; one of {@link #STANDARD_BAUD_RATES} (default 115200)
 * @param dataBits 5 to 8 (default 8)
 * @param parity default {@link Parity#NONE}
 * @param stopBits default {@link StopBits#ONE}
 * @param reopenInitialDelay first wait before reopening a lost or missing port (default 500 ms)
 * @param reopenMaxDelay cap of the doubling reopen wait (default 30 s)
 * @param silenceWatchdog report the line as silent after this long without a byte (default 10 s;
 *     {@link Duration#ZERO} turns the watchdog off)
 * @param maxFrameBytes largest MLLP payload accepted (default 1 MiB)
 * @param maxInFlightFrames frames handed to the handler whose ACK is not yet sent; reading pauses
 *     at this many (default 32)
 */
public record SerialSettings(
    String portName,
    int baud,
    int dataBits,
    Parity parity,
    StopBits stopBits,
    Duration reopenInitialDelay,
    Duration reopenMaxDelay,
    Duration silenceWatchdog,
    int maxFrameBytes,
    int maxInFlightFrames) {

  public static final int DEFAULT_BAUD = 115_200;
  public static final int DEFAULT_DATA_BITS = 8;
  public static final Duration DEFAULT_REOPEN_INITIAL_DELAY = Duration.ofMillis(500);
  public static final Duration DEFAULT_REOPEN_MAX_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SILENCE_WATCHDOG = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_FRAME_BYTES = Mllp.DEFAULT_MAX_FRAME_BYTES;
  public static final int DEFAULT_MAX_IN_FLIGHT_FRAMES = 32;

  /**
   * The termios rates Linux supports natively. Other rates are refused: jssc would try a custom
   * UART divisor that most USB adapters silently ignore, leaving a garbled link.
   */
  public static final Set<Integer> STANDARD_BAUD_RATES =
      Set.of(
          50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600,
          115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
          2500000, 3000000, 3500000, 4000000);

  /** Parity bit of each character. */
  public enum Parity {
    NONE,
    ODD,
    EVEN,
    MARK,
    SPACE;

    /** Accepts the name in any case or its first letter: {@code none}, {@code E}, {@code odd}. */
    public static Parity parse(String text) {
      String t = trimmed(text, "parity");
      for (Parity p : values()) {
        if (p.name().equalsIgnoreCase(t) || p.name().substring(0, 1).equalsIgnoreCase(t)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "parity '" + text + "' is not known; use none, odd, even, mark or space");
    }
  }

  /** Stop bits after each character. */
  public enum StopBits {
    ONE("1"),
    ONE_POINT_FIVE("1.5"),
    TWO("2");

    private final String label;

    StopBits(String label) {
      this.label = label;
    }

    /** The usual notation: {@code 1}, {@code 1.5} or {@code 2}. */
    public String label() {
      return label;
    }

    /** Accepts {@code 1}, {@code 1.5}, {@code 2} or the constant name in any case. */
    public static StopBits parse(String text) {
      String t = trimmed(text, "stop-bits");
      for (StopBits s : values()) {
        if (s.label.equals(t) || s.name().equalsIgnoreCase(t.replace('-', '_'))) {
          return s;
        }
      }
      throw new IllegalArgumentException("stop-bits '" + text + "' is not known; use 1, 1.5 or 2");
    }
  }

  public SerialSettings {
    if (portName == null || portName.isBlank()) {
      throw new IllegalArgumentException(
          "port-name is missing; set it to the device path, e.g. /dev/ttyUSB0");
    }
    if (baud <= 0) {
      throw new IllegalArgumentException(
          "baud " + baud + " is not a line speed; use a positive standard rate such as 115200");
    }
    if (!STANDARD_BAUD_RATES.contains(baud)) {
      throw new IllegalArgumentException(
          "baud "
              + baud
              + " is not a standard rate; use one of "
              + new TreeSet<>(STANDARD_BAUD_RATES)
                  .stream().map(String::valueOf).collect(Collectors.joining(", "))
              + " (most monitors use 9600, 19200, 38400 or 115200)");
    }
    if (dataBits < 5 || dataBits > 8) {
      throw new IllegalArgumentException(
          "data-bits " + dataBits + " is out of range; use 5, 6, 7 or 8 (usually 8)");
    }
    Objects.requireNonNull(parity, "parity");
    Objects.requireNonNull(stopBits, "stopBits");
    requirePositive(reopenInitialDelay, "reopen-initial-delay");
    requirePositive(reopenMaxDelay, "reopen-max-delay");
    if (reopenMaxDelay.compareTo(reopenInitialDelay) < 0) {
      throw new IllegalArgumentException(
          "reopen-max-delay "
              + reopenMaxDelay
              + " is shorter than reopen-initial-delay "
              + reopenInitialDelay
              + "; raise the maximum or lower the initial delay");
    }
    Objects.requireNonNull(silenceWatchdog, "silenceWatchdog");
    if (silenceWatchdog.isNegative()) {
      throw new IllegalArgumentException(
          "silence-watchdog "
              + silenceWatchdog
              + " is negative; use a positive duration, or 0 to turn the watchdog off");
    }
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException(
          "max-frame-bytes " + maxFrameBytes + " must be at least 1 (default 1048576)");
    }
    if (maxInFlightFrames < 1) {
      throw new IllegalArgumentException(
          "max-in-flight-frames " + maxInFlightFrames + " must be at least 1 (default 32)");
    }
  }

  /** Settings with every default for {@code portName}. */
  public static SerialSettings of(String portName) {
    return builder(portName).build();
  }

  /** A builder holding the defaults listed on the record components. */
  public static Builder builder(String portName) {
    return new Builder(portName);
  }

  /**
   * Reads settings from kebab-case config keys ({@code port-name}, {@code baud}, {@code data-bits},
   * {@code parity}, {@code stop-bits}, {@code reopen-initial-delay}, {@code reopen-max-delay},
   * {@code silence-watchdog}, {@code max-frame-bytes}, {@code max-in-flight-frames}); missing keys
   * take their defaults, unknown keys are refused.
   */
  public static SerialSettings parse(Map<String, String> config) {
    Builder b = builder(config.get("port-name"));
    config.forEach(
        (key, value) -> {
          if (!key.equals("port-name")) {
            b.set(key, value);
          }
        });
    return b.build();
  }

  /** The line settings in the usual short form, e.g. {@code 115200 8N1}. */
  public String lineSettings() {
    return baud + " " + dataBits + parity.name().charAt(0) + stopBits.label();
  }

  /**
   * Collects settings; {@link #build()} validates them. Setters taking strings accept the config
   * and command-line notation ({@code "even"}, {@code "1.5"}, {@code "500ms"}).
   */
  public static final class Builder {
    private String portName;
    private int baud = DEFAULT_BAUD;
    private int dataBits = DEFAULT_DATA_BITS;
    private Parity parity = Parity.NONE;
    private StopBits stopBits = StopBits.ONE;
    private Duration reopenInitialDelay = DEFAULT_REOPEN_INITIAL_DELAY;
    private Duration reopenMaxDelay = DEFAULT_REOPEN_MAX_DELAY;
    private Duration silenceWatchdog = DEFAULT_SILENCE_WATCHDOG;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int maxInFlightFrames = DEFAULT_MAX_IN_FLIGHT_FRAMES;

    private Builder(String portName) {
      this.portName = portName;
    }

    public Builder portName(String portName) {
      this.portName = portName;
      return this;
    }

    public Builder baud(int baud) {
      this.baud = baud;
      return this;
    }

    public Builder dataBits(int dataBits) {
      this.dataBits = dataBits;
      return this;
    }

    public Builder parity(Parity parity) {
      this.parity = parity;
      return this;
    }

    public Builder stopBits(StopBits stopBits) {
      this.stopBits = stopBits;
      return this;
    }

    public Builder reopenInitialDelay(Duration delay) {
      this.reopenInitialDelay = delay;
      return this;
    }

    public Builder reopenMaxDelay(Duration delay) {
      this.reopenMaxDelay = delay;
      return this;
    }

    public Builder silenceWatchdog(Duration silence) {
      this.silenceWatchdog = silence;
      return this;
    }

    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    public Builder maxInFlightFrames(int maxInFlightFrames) {
      this.maxInFlightFrames = maxInFlightFrames;
      return this;
    }

    /**
     * Sets one setting from its kebab-case config key and string value (see {@link
     * SerialSettings#parse(Map)}).
     */
    public Builder set(String key, String value) {
      switch (key) {
        case "port-name" -> portName(value);
        case "baud" -> baud(parseInt(key, value));
        case "data-bits" -> dataBits(parseInt(key, value));
        case "parity" -> parity(Parity.parse(value));
        case "stop-bits" -> stopBits(StopBits.parse(value));
        case "reopen-initial-delay" -> reopenInitialDelay(parseDuration(key, value));
        case "reopen-max-delay" -> reopenMaxDelay(parseDuration(key, value));
        case "silence-watchdog" -> silenceWatchdog(parseDuration(key, value));
        case "max-frame-bytes" -> maxFrameBytes(parseInt(key, value));
        case "max-in-flight-frames" -> maxInFlightFrames(parseInt(key, value));
        default ->
            throw new IllegalArgumentException(
                "serial setting '"
                    + key
                    + "' is not known; known settings: port-name, baud, data-bits, parity,"
                    + " stop-bits, reopen-initial-delay, reopen-max-delay, silence-watchdog,"
                    + " max-frame-bytes, max-in-flight-frames");
      }
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} naming the bad value. */
    public SerialSettings build() {
      return new SerialSettings(
          portName,
          baud,
          dataBits,
          parity,
          stopBits,
          reopenInitialDelay,
          reopenMaxDelay,
          silenceWatchdog,
          maxFrameBytes,
          maxInFlightFrames);
    }
  }

  static int parseInt(String key, String value) {
    String t = trimmed(value, key);
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + value + "' is not a whole number", e);
    }
  }

  /**
   * Parses {@code 500ms}, {@code 10s}, {@code 2m}, an ISO-8601 duration ({@code PT10S}) or a bare
   * number of milliseconds.
   */
  static Duration parseDuration(String key, String value) {
    String t = trimmed(value, key).toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("-pt")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      }
      if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()));
      }
      if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).trim()));
      }
      return Duration.ofMillis(Long.parseLong(t));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          key + " '" + value + "' is not a duration; write e.g. 500ms, 10s, 2m or PT10S", e);
    }
  }

  private static String trimmed(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is empty; give it a value");
    }
    return value.trim();
  }

  private static void requirePositive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " " + d + " must be longer than zero");
    }
  }
}
