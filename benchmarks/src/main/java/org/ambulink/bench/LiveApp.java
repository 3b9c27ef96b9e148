package org.ambulink.bench;

import java.io.IOException;
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

/**
 * One of the project's Spring Boot applications (appliance, console) in a JVM of its own for {@link
 * LiveSessionBenchmark}, started from its exec jar with its settings as command-line arguments and
 * its secrets in the environment, in a working folder of its own, output to a log file there. Its
 * CPU time and resident memory are read from {@code /proc}. {@link #close()}: SIGTERM, then SIGKILL
 * after 20 s; a shutdown hook kills it if the benchmark's JVM goes first.
 */
final class LiveApp implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final Path log;
  private final Process process;
  private final Thread shutdownHook;

  private LiveApp(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.shutdownHook = new Thread(process::destroyForcibly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The exec jar of a module: {@code <root>/<module>/<buildOut>/<module>-exec.jar}; fails naming
   * the jar and how to build it when it is missing.
   */
  static Path execJar(Path root, String buildOut, String module) throws IOException {
    Path jar = root.resolve(module).resolve(buildOut).resolve(module + "-exec.jar");
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

  /** Starts {@code java <javaOptions> -jar <jar> <args>} in {@code workDir}. */
  static LiveApp start(
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
    // Only what the benchmark gives: no AMBULINK_* or SPRING_* settings of whoever runs it.
    pb.environment().keySet().removeIf(k -> k.startsWith("AMBULINK_") || k.startsWith("SPRING_"));
    pb.environment().putAll(env);
    Files.writeString(
        log,
        "### " + String.join(" ", command) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new LiveApp(name, log, pb.start());
  }

  long pid() {
    return process.pid();
  }

  /** Waits until {@code GET url} answers 200 with a body {@code ready} accepts. */
  void awaitReady(URI url, Predicate<String> ready, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            name + " exited with status " + process.exitValue() + " at start:\n" + tail(60));
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
        throw new IOException(
            name + " did not get ready within " + timeout + " (" + url + "):\n" + tail(60));
      }
      Thread.sleep(200);
    }
  }

  /** User + system CPU time so far ({@code /proc/PID/stat}), 0 if unreadable. */
  long cpuNanos() {
    return ProcessCpu.ofPid(process.pid());
  }

  /** A {@code /proc/PID/status} field in KiB (VmRSS, VmHWM), -1 if unknown. */
  long statusKiB(String field) {
    return statusKiB(process.pid(), field);
  }

  static long statusKiB(long pid, String field) {
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
  List<String> warnings() {
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** How many lines the log has now: a mark for {@link #linesSince}. */
  long logLines() {
    try (java.util.stream.Stream<String> lines = Files.lines(log)) {
      return lines.count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** The log's lines after a mark. */
  List<String> linesSince(long mark) {
    try (java.util.stream.Stream<String> lines = Files.lines(log)) {
      return lines.skip(mark).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  /** The last lines of the log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ": " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 20 s. */
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
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting; the hook runs anyway
      }
    }
  }

  /** A loopback port nobody listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
