package org.ambulink.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The command line every benchmark shares: {@code --name value} pairs, {@code --help} or {@code -h}
 * for the usage, exit status 2 and a one-line message for a bad option, and the settings both
 * benchmarks have ({@link Common}).
 */
final class Cli {
  private Cli() {}

  /** One {@code --name value} pair. */
  record Option(String name, String value) {}

  /**
   * The settings both benchmarks take.
   *
   * @param jitWarmup unmeasured time first, for the JIT ({@code --jit-warmup})
   * @param warmup warm-up before each measurement ({@code --warmup})
   * @param measure measured time per case ({@code --duration})
   * @param monitors concurrent monitors of each case, perhaps none ({@code --monitors})
   * @param window messages in flight per monitor ({@code --window})
   * @param corpus distinct messages to cycle through ({@code --corpus})
   * @param record WFDB record on the classpath that the corpus replays ({@code --record})
   */
  record Common(
      Duration jitWarmup,
      Duration warmup,
      Duration measure,
      List<Integer> monitors,
      int window,
      int corpus,
      String record) {

    /**
     * The options that would set the first five: {@code --jit-warmup S --warmup S --duration S
     * --monitors LIST --window N} ({@code --monitors 0} for none).
     */
    String commandLine() {
      return "--jit-warmup "
          + Reports.secondsOf(jitWarmup)
          + " --warmup "
          + Reports.secondsOf(warmup)
          + " --duration "
          + Reports.secondsOf(measure)
          + " --monitors "
          + (monitors.isEmpty()
              ? "0"
              : String.join(",", monitors.stream().map(String::valueOf).toList()))
          + " --window "
          + window;
    }
  }

  /**
   * Reads the {@link Common} settings off a command line, starting from a benchmark's defaults, and
   * hands the benchmark the options that are its own.
   */
  static final class Parser {
    private final boolean jitWarmupMayBeZero;
    private Duration jitWarmup;
    private Duration warmup = Duration.ofSeconds(2);
    private Duration measure;
    private List<Integer> monitors;
    private int window = 32;
    private int corpus = 400;
    private String record = "ecg/s0010_re";

    /** The benchmark's defaults where the two differ; whether it may skip the JIT warm-up. */
    Parser(
        Duration jitWarmup, Duration measure, List<Integer> monitors, boolean jitWarmupMayBeZero) {
      this.jitWarmup = jitWarmup;
      this.measure = measure;
      this.monitors = monitors;
      this.jitWarmupMayBeZero = jitWarmupMayBeZero;
    }

    /**
     * Takes the options that set common settings and returns the others, in order, for the
     * benchmark; null when the command line asks for the usage ({@code --help} or {@code -h} where
     * an option name stands).
     */
    List<Option> parse(String[] args) {
      List<Option> others = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value; see --help");
        }
        Option option = new Option(arg, args[++i]);
        if (!take(option)) {
          others.add(option);
        }
      }
      return others;
    }

    /** Sets what the option sets; false if it is not a common one. */
    private boolean take(Option option) {
      String value = option.value();
      switch (option.name()) {
        case "--jit-warmup" -> jitWarmup = seconds(option, jitWarmupMayBeZero);
        case "--warmup" -> warmup = seconds(option, false);
        case "--duration" -> measure = seconds(option, false);
        case "--monitors" ->
            monitors =
                value.isBlank() || value.equals("0")
                    ? List.of()
                    : Arrays.stream(value.split(","))
                        .map(String::trim)
                        .map(Integer::valueOf)
                        .toList();
        case "--window" -> window = Integer.parseInt(value);
        case "--corpus" -> corpus = Integer.parseInt(value);
        case "--record" -> record = value;
        default -> {
          return false;
        }
      }
      return true;
    }

    /**
     * The common settings, after {@link #parse}; checks what holds for every benchmark (each checks
     * its own ranges of the others).
     */
    Common common() {
      if (corpus < 8) {
        throw new IllegalArgumentException("--corpus must be at least 8 messages, was " + corpus);
      }
      return new Common(jitWarmup, warmup, measure, monitors, window, corpus, record);
    }
  }

  /**
   * The benchmark's options from {@code parse}, which returns null for {@code --help}; prints the
   * usage then, or the message and exits with status 2 when an option is wrong. Returns null when
   * there is nothing to run.
   */
  static <T> T options(String[] args, Function<String[], T> parse, String usage) {
    T options;
    try {
      options = parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return null;
    }
    if (options == null) {
      System.out.print(usage);
    }
    return options;
  }

  static IllegalArgumentException unknown(Option option) {
    return new IllegalArgumentException("unknown option " + option.name() + "; see --help");
  }

  /** A number of seconds; 0 only where {@code zeroAllowed}. */
  static Duration seconds(Option option, boolean zeroAllowed) {
    double s = Double.parseDouble(option.value());
    if (!(s > 0 || (zeroAllowed && s == 0))) {
      throw new IllegalArgumentException(option.name() + " must be a positive number of seconds");
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }
}
