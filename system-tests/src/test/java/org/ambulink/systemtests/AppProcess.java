package org.ambulink.systemtests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of the project's Spring Boot applications in a JVM of its own, started from its exec jar
 * ({@code java -jar}) with its settings as command-line arguments and its secrets in the
 * environment, in a working folder of its own (so no {@code ./config/} of the repository is read),
 * its output in a log file there. Stopped by process id: {@link #kill()} is SIGKILL, {@link
 * #close()} SIGTERM and then SIGKILL if it does not exit within 20 s.
 */
final class AppProcess implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final Path log;
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
   * The exec jar of a module of this build: {@code <root>/<module>/<build.out>/<module>-exec.jar},
   * with the root and the build folder from the system properties the pom gives the tests ({@code
   * ambulink.root}, {@code build.out}). Fails, naming the jar and how to build it, when it is
   * missing.
   */
  static Path execJar(String module) {
    String out = System.getProperty("build.out", "target");
    Path root = Path.of(System.getProperty("ambulink.root", "..")).toAbsolutePath().normalize();
    Path jar = root.resolve(module).resolve(out).resolve(module + "-exec.jar");
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

  /** Starts {@code java -jar <jar> <args>} in {@code workDir}, output to {@code <name>.log}. */
  static AppProcess start(
      String name, Path jar, Path workDir, Map<String, String> env, List<String> args)
      throws IOException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Short-lived test JVMs: C1 only starts them faster on a small machine.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx384m");
    command.add("-jar");
    command.add(jar.toString());
    command.add("--spring.main.banner-mode=off");
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Only what this test gives: no AMBULINK_* or SPRING_* settings of whoever runs the build.
    pb.environment().keySet().removeIf(k -> k.startsWith("AMBULINK_") || k.startsWith("SPRING_"));
    pb.environment().putAll(env);
    Files.writeString(
        log,
        "### " + String.join(" ", command) + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return new AppProcess(name, log, pb.start());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code GET url} answers 200 with a body {@code ready} accepts; fails with the log's
   * end if the process exits or time runs out.
   */
  void awaitReady(URI url, Predicate<String> ready, Duration timeout)
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
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL");
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
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
