package org.ambulink.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** What every benchmark's markdown report says the same way. */
final class Reports {
  private Reports() {}

  /**
   * What a report states about its run, taken when the run starts: the machine, the date and the
   * load average (which {@link #markdown} sets beside the load average at the end).
   *
   * @param command how the benchmark is called, e.g. {@code bin/bench journal}
   * @param args the command line it was given
   */
  record Run(
      String command, String args, Machine machine, ZonedDateTime started, String loadAtStart) {

    static Run start(String command, String args) {
      return new Run(
          command,
          args,
          Machine.describe(),
          ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS),
          loadAverage());
    }

    /** The first progress line: cores, CPU and JVM. */
    void announce(PrintStream progress) {
      progress.printf(
          "bench: %d cores (%s), %s%n", machine.cores(), machine.cpuModel(), machine.jvm());
    }

    /**
     * The report's heading and its first lines: date, command with the settings in effect, machine,
     * load average at start and now.
     */
    String markdown(String title, String settings) {
      return "## "
          + title
          + "\n\n- date: "
          + started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          + "\n- command: `"
          + command
          + (args.isEmpty() ? "" : " " + args)
          + "` (settings: `"
          + settings
          + "`)\n"
          + machine.markdown()
          + "- load average (1, 5, 15 min) at start: "
          + loadAtStart
          + ", at end: "
          + loadAverage()
          + "\n";
    }
  }

  /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or "unknown". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static double secondsOf(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /** The value at percentile {@code p} (0..100) of sorted values, NaN if there are none. */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The notes as a markdown list. */
  static String notes(List<String> notes) {
    StringBuilder r = new StringBuilder();
    for (String note : notes) {
      r.append("- ").append(note).append("\n");
    }
    return r.toString();
  }

  /** The summary line on garbage collection during the measurements. */
  static String gc(long gcMillis, double measuredSeconds) {
    return String.format(
        Locale.ROOT,
        "- GC: %,d ms in %.0f s of measurement (%.1f%%)%n",
        gcMillis,
        measuredSeconds,
        gcMillis / (measuredSeconds * 10));
  }
}
