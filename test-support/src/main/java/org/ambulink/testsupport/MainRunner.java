package org.ambulink.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a command-line tool's entry point in the test JVM and keeps what it printed: the tools'
 * {@code run(args, out, err, shuttingDown)}, which returns the exit status instead of exiting.
 */
public final class MainRunner {
  /** A tool's testable main: prints to {@code out} and {@code err}, returns the exit status. */
  @FunctionalInterface
  public interface Main {
    int run(String[] args, PrintStream out, PrintStream err, AtomicBoolean shuttingDown);
  }

  private final Main main;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  public MainRunner(Main main) {
    this.main = main;
  }

  /** Runs the tool to its end (never told to shut down); its exit status. */
  public int run(String... args) {
    return main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new AtomicBoolean());
  }

  /** Everything printed to standard output so far. */
  public String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Everything printed to standard error so far. */
  public String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
