package org.ambulink.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One of the project's Spring Boot applications (appliance, console) in a JVM of its own, for the
 * system tests and the benchmarks: started from its exec jar ({@code java -jar}) with its settings
 * as command-line arguments and its secrets in the environment, in a working folder of its own (so
 * no {@code ./config/} of the repository is read), its output in a log file there. Its CPU time and
 * resident memory are read from {@code /proc}. Stopped by process id: {@link #kill()} is SIGKILL,
 * {@link #close()} SIGTERM and then SIGKILL if it does not exit within 20 s; a shutdown hook kills
 * it if the JVM that started it goes first.
 */
public final class AppProcess implements AutoCloseable {
  /**
   * The JVM options of {@link #start(String, Path, Path, Map, List)}: short-lived test JVMs, C1
   * only (starts them faster on a small machine), a small heap.
   */
  public static final List<String> TEST_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-Xmx384m");

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Linux reports /proc times in USER_HZ, which is 100 on every mainstream architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final String name;
  private final Path log;
  private final Process process;
  private final Thread shutdownHook;

  private AppProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.shutdownHook = new Thread(process::destroyForcibly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The exec jar of a module of this build, for a test: {@code
   * <root>/<module>/<build.out>/<module>-exec.jar}, with the root and the build folder from the
   * system properties the pom gives the tests ({@code ambulink.root}, {@code build.out}). Fails
   * with an {@link AssertionError}, naming the jar and how to build it, when it is missing.
   */
  public static Path execJar(String module) {
    String out = System.getProperty("build.out", "target");
    Path root = Path.of(System.getProperty("ambulink.root", "..")).toAbsolutePath().normalize();
    Path jar = jarPath(root, out, module);
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "no "
              + module
              + " exec jar at "
              + jar
              + ": the system tests run the apps from their exec jars, which the reactor builds"
              + " before this module. Build it first: mvn -B -ntp install -pl "
              + module
              + " -am -DskipTests -Dbuild.out="
              + out
              + " (or run: mvn -B -ntp verify -pl system-tests -am -Dbuild.out="
              + out
              + ")");
    }
    return jar;
  }

  /**
   * The exec jar of a module, for a benchmark: {@code
   * <root>/<module>/<buildOut>/<module>-exec.jar}; an {@link IOException} naming the jar and how to
   * build it when it is missing.
   */
  public static Path execJar(Path root, String buildOut, String module) throws IOException {
    Path jar = jarPath(root, buildOut, module);
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "no "
              + module
              + " exec jar at "
              + jar
              + " (build it: mvn -B -ntp install -DskipTests -Dbuild.out="
              + buildOut
              + ", or pass --build-out)");
    }
    return jar;
  }

  private static Path jarPath(Path root, String buildOut, String module) {
    return root.resolve(module).resolve(buildOut).resolve(module + "-exec.jar");
  }

  /**
   * Starts {@code java} with {@link #TEST_JVM_OPTIONS} {@code -jar <jar> <args>} in {@code
   * workDir}, output to {@code <name>.log}.
   */
  public static AppProcess start(
      String name, Path jar, Path workDir, Map<String, String> env, List<String> args)
      throws IOException {
    return start(name, jar, workDir, TEST_JVM_OPTIONS, env, args);
  }

  /**
   * Starts {@code java <javaOptions> -jar <jar> <args>} in {@code workDir}, output to {@code
   * <name>.log}. The environment is this JVM's without its {@code AMBULINK_*} and {@code SPRING_*}
   * variables, plus {@code env}.
   */
  public static AppProcess start(
      String name,
      Path jar,
      Path workDir,
      List<String> javaOptions,
      Map<String, String> env,
      List<String> args)
      throws IOException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--spring.main.banner-mode=off");
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Only what the caller gives: no AMBULINK_* or SPRING_* settings of whoever runs the build.
    pb.environment().keySet().removeIf(k -> k.startsWith("AMBULINK_") || k.startsWith("SPRING_"));
    pb.environment().putAll(env);
    Files.writeString(
        log,
        "### " + String.join(" ", command) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new AppProcess(name, log, pb.start());
  }

  /** The name it was started under (also its log's name). */
  public String name() {
    return name;
  }

  /** Its log file: standard output and error. */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code GET url} answers 200 with a body {@code ready} accepts; fails with the log's
   * end if the process exits or time runs out.
   */
  public void awaitReady(URI url, Predicate<String> ready, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited with status " + process.exitValue() + " at start:\n" + tail(80));
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && ready.test(r.body())) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name + " did not get ready within " + timeout + " (" + url + "):\n" + tail(80));
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL, as a power cut would; waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL");
    }
  }

  /** User + system CPU time so far ({@code /proc/PID/stat}), 0 if unreadable. */
  public long cpuNanos() {
    return cpuNanos(process.pid());
  }

  /** User + system CPU time of any process, from {@code /proc/PID/stat}; 0 if unreadable. */
  public static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The command name (field 2) is in parentheses and may contain spaces: split after it.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** A {@code /proc/PID/status} field in KiB (VmRSS, VmHWM), -1 if unknown. */
  public long statusKiB(String field) {
    return statusKiB(process.pid(), field);
  }

  /** A {@code /proc/PID/status} field of any process in KiB (VmRSS, VmHWM), -1 if unknown. */
  public static long statusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return -1;
  }

  /** WARN and ERROR lines of the log. */
  public List<String> warnings() {
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** How many lines the log has now: a mark for {@link #linesSince}. */
  public long logLines() {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.count();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  /** The log's lines after a mark. */
  public List<String> linesSince(long mark) {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.skip(mark).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /** The last lines of the log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ": " + e + ")";
    }
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within 20 s; an {@link AssertionError} if it
   * survives that too.
   */
  @Override
  public void close() throws InterruptedException {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
      }
      if (process.isAlive()) {
        throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL");
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting; the hook runs anyway
      }
    }
  }

  /** A loopback port nobody listens on now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
