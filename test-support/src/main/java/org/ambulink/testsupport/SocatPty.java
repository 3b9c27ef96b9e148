package org.ambulink.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A connected pair of pseudo-terminals made by {@code socat}, standing in for a serial cable: what
 * is written to {@link #a()} can be read from {@link #b()} and back. Closing it kills socat, which
 * to a port opened on either end looks like a pulled cable; a new pair on the same paths is the
 * cable plugged back in.
 */
public final class SocatPty implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

  private final Path dir;
  private final Path a;
  private final Path b;
  private final Path log;
  private final Process process;

  private SocatPty(Path dir, Path a, Path b, Path log, Process process) {
    this.dir = dir;
    this.a = a;
    this.b = b;
    this.log = log;
    this.process = process;
  }

  /** Whether {@code socat} is on the PATH. */
  public static boolean available() {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "socat"))) {
        return true;
      }
    }
    return false;
  }

  /** Fails with instructions when socat is missing: these tests must not be skipped silently. */
  public static void requireSocat() {
    if (available()) {
      return;
    }
    throw new AssertionError(
        "socat is not installed, but the serial tests drive real pseudo-terminals"
            + " through it. Run the project's test command bin/test (it installs socat), or"
            + " apt-get install -y socat.");
  }

  /** The socat processes this JVM started that still run: none once every pair is closed. */
  public static List<ProcessHandle> stillRunning() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("socat"))
        .toList();
  }

  /** Starts a pair with the links {@code dir/a} and {@code dir/b}, replacing stale links. */
  public static SocatPty start(Path dir) throws IOException, InterruptedException {
    requireSocat();
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Files.deleteIfExists(a);
    Files.deleteIfExists(b);
    Path log = Files.createTempFile(dir, "socat-", ".log");
    Process process =
        new ProcessBuilder(
                "socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    SocatPty pty = new SocatPty(dir, a, b, log, process);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // socat logs this once both ptys exist and it forwards bytes; the links exist before that.
    while (!(Files.exists(a)
        && Files.exists(b)
        && Files.readString(log, StandardCharsets.UTF_8).contains("starting data transfer loop"))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        pty.close();
        throw new IllegalStateException("socat did not start: " + pty.log());
      }
      Thread.sleep(5);
    }
    return pty;
  }

  public Path dir() {
    return dir;
  }

  public String a() {
    return a.toString();
  }

  public String b() {
    return b.toString();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops socat (SIGTERM, which also removes its links; SIGKILL if it lingers) and reaps it. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(2, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(2, TimeUnit.SECONDS);
    }
    if (process.isAlive()) {
      throw new IllegalStateException("socat (pid " + process.pid() + ") did not stop");
    }
  }
}
