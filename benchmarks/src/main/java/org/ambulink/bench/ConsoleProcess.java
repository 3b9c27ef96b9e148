package org.ambulink.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ambulink.testsupport.AppProcess;
import org.ambulink.testsupport.TempDirs;

/**
 * The ED console in a JVM of its own, started from its exec jar ({@code java -jar
 * ed-console-exec.jar}) on a free loopback port with an H2 file database in a temporary folder, its
 * settings as command-line arguments, its output in a log file there and a GC log beside it. Its
 * CPU time and memory are read from {@code /proc}, so the load generators in the benchmark's JVM do
 * not count as the console's. Close it to stop it (SIGTERM, then SIGKILL after 30 s) and delete its
 * folder.
 */
final class ConsoleProcess implements AutoCloseable {
  private static final Pattern PAUSE =
      Pattern.compile("Pause .*? (\\d+)M->(\\d+)M\\((\\d+)M\\) ([0-9.]+)ms");

  final Process process;
  final URI base;
  final Path dir;
  final Path log;
  final Path gcLog;
  final List<String> command;

  private ConsoleProcess(Process process, URI base, Path dir, List<String> command) {
    this.process = process;
    this.base = base;
    this.dir = dir;
    this.log = dir.resolve("console.log");
    this.gcLog = dir.resolve("gc.log");
    this.command = command;
  }

  /**
   * Starts the console and waits until {@code /actuator/health} says UP.
   *
   * @param javaOptions JVM flags for the console, perhaps none
   * @param settings {@code --key=value} arguments (accounts, devices, ...)
   */
  static ConsoleProcess start(
      Path jar, List<String> javaOptions, List<String> settings, Duration startTimeout)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "no console jar at "
              + jar
              + " (build it: mvn package -pl ed-console -am, or pass --console-jar)");
    }
    Path dir = TempDirs.create("console-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-Xlog:gc:file=" + dir.resolve("gc.log"));
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--spring.main.banner-mode=off");
    command.add(
        "--spring.datasource.url=jdbc:h2:file:"
            + dir.resolve("db/console")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    command.addAll(settings);
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("console.log").toFile())
            .start();
    ConsoleProcess console =
        new ConsoleProcess(p, URI.create("http://127.0.0.1:" + port), dir, command);
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "stop-console"));
    console.awaitUp(startTimeout);
    return console;
  }

  private void awaitUp(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the console exited with status " + process.exitValue() + ":\n" + tail(40));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/actuator/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException("the console did not come up within " + timeout + ":\n" + tail(40));
  }

  long pid() {
    return process.pid();
  }

  /** User + system CPU time of the console so far. */
  long cpuNanos() {
    return ProcessCpu.ofPid(process.pid());
  }

  /** A {@code /proc/PID/status} field in KiB (VmRSS: resident now, VmHWM: peak), -1 if unknown. */
  long statusKiB(String field) {
    return AppProcess.statusKiB(process.pid(), field);
  }

  /** Bytes of the GC log so far: a mark for {@link #gcSince}. */
  long gcLogMark() {
    try {
      return Files.size(gcLog);
    } catch (IOException e) {
      return 0;
    }
  }

  /** GC pauses logged between two marks. */
  record Gc(
      int pauses,
      double pauseMillis,
      double maxPauseMillis,
      long maxUsedMiB,
      long maxAfterMiB,
      long maxCommittedMiB) {

    String markdown() {
      return String.format(
          Locale.ROOT,
          "%d pauses, %.0f ms in all, longest %.1f ms; heap used before a collection at most %d MiB,"
              + " after at most %d MiB (live data), committed at most %d MiB",
          pauses,
          pauseMillis,
          maxPauseMillis,
          maxUsedMiB,
          maxAfterMiB,
          maxCommittedMiB);
    }
  }

  Gc gcSince(long from, long to) {
    int pauses = 0;
    double total = 0;
    double max = 0;
    long used = 0;
    long after = 0;
    long committed = 0;
    try {
      byte[] all = Files.readAllBytes(gcLog);
      String text =
          new String(
              all,
              (int) Math.min(from, all.length),
              (int) (Math.min(to, all.length) - Math.min(from, all.length)),
              StandardCharsets.UTF_8);
      Matcher m = PAUSE.matcher(text);
      while (m.find()) {
        pauses++;
        double ms = Double.parseDouble(m.group(4));
        total += ms;
        max = Math.max(max, ms);
        used = Math.max(used, Long.parseLong(m.group(1)));
        after = Math.max(after, Long.parseLong(m.group(2)));
        committed = Math.max(committed, Long.parseLong(m.group(3)));
      }
    } catch (IOException e) {
      // no GC log
    }
    return new Gc(pauses, total, max, used, after, committed);
  }

  /** Lines of the console's log at WARN or ERROR level. */
  List<String> warnings() {
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The last lines of the console's log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    TempDirs.deleteTree(dir);
  }
}
