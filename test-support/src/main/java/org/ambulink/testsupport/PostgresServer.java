package org.ambulink.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: a fresh cluster ({@code initdb}) in a temporary folder, its
 * {@code postgres} process started on a free loopback port and held by its PID. The superuser
 * {@value #USER} has a generated password (SCRAM over TCP; the private Unix socket trusts local
 * connections). PostgreSQL refuses to run as root, so when the tests run as root (as in CI) the
 * cluster is owned by the {@code postgres} system user and both {@code initdb} and {@code postgres}
 * run as that user through {@code setpriv}, which execs: the PID held is the server's.
 *
 * <p>The binaries are Debian's ({@code /usr/lib/postgresql/<newest version>/bin}, or the folder
 * given by the system property or environment variable {@value #BIN_PROPERTY}); the project's test
 * command {@code bin/test} installs the {@code postgresql} package when they are missing.
 *
 * <p>{@link #shared()} is one server for the whole test JVM, stopped by a shutdown hook; give each
 * test class a database of its own on it ({@link #createDatabase(String)}) so that tests do not
 * depend on each other or on their order. {@link #start()} is a server of one's own, to be closed.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "ambulink";

  /** Where the binaries are, when not in Debian's place. */
  public static final String BIN_PROPERTY = "AMBULINK_POSTGRES_BIN";

  static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;

  private final Path bin;
  private final Path dir;
  private final Path log;
  private final int port;
  private final String password;
  private final Process process;
  private volatile boolean closed;

  private PostgresServer(Path bin, Path dir, Path log, int port, String password, Process process) {
    this.bin = bin;
    this.dir = dir;
    this.log = log;
    this.port = port;
    this.password = password;
    this.process = process;
  }

  /**
   * The server shared by this test JVM, started on first use and stopped when the JVM exits. Do not
   * close it; create a database of your own on it.
   */
  public static synchronized PostgresServer shared() {
    if (shared == null || shared.closed || !shared.isAlive()) {
      PostgresServer s = start();
      Runtime.getRuntime().addShutdownHook(new Thread(s::closeQuietly, "stop-postgres"));
      shared = s;
    }
    return shared;
  }

  /** Starts a server of one's own on a fresh cluster; close it to stop it and delete its folder. */
  public static PostgresServer start() {
    Path bin = binaries();
    boolean root = runningAsRoot();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("postgres-");
      Path data = dir.resolve("data");
      Path socket = Files.createDirectory(dir.resolve("socket"));
      Path log = dir.resolve("postgres.log");
      String password = HexFormat.of().formatHex(randomBytes(16));
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      Files.createFile(log);
      if (root) {
        chownToPostgres(dir);
      }
      run(
          command(
              root,
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              USER,
              "--pwfile=" + pwfile,
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "-E",
              "UTF8",
              "--locale=C",
              "--no-sync"),
          dir.resolve("initdb.log"),
          Duration.ofSeconds(120));
      Files.delete(pwfile);
      IllegalStateException failure = null;
      // a port found free may be taken before postgres binds it: then try another
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        Process p =
            new ProcessBuilder(
                    command(
                        root,
                        bin.resolve("postgres").toString(),
                        "-D",
                        data.toString(),
                        "-p",
                        Integer.toString(port),
                        "-k",
                        socket.toString(),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                        "-c",
                        "max_connections=200",
                        "-c",
                        "shared_buffers=32MB"))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        PostgresServer server = new PostgresServer(bin, dir, log, port, password, p);
        try {
          server.awaitReady(socket);
          return server;
        } catch (IllegalStateException e) {
          server.stopProcess();
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      throw failure;
    } catch (IOException e) {
      deleteQuietly(dir);
      throw new UncheckedIOException("could not start PostgreSQL", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(dir);
      throw new IllegalStateException("interrupted while starting PostgreSQL", e);
    } catch (RuntimeException e) {
      deleteQuietly(dir);
      throw e;
    }
  }

  /** The folder of the binaries in use: the newest Debian version unless configured. */
  public static Path binaries() {
    String configured = System.getProperty(BIN_PROPERTY, System.getenv(BIN_PROPERTY));
    if (configured != null && !configured.isBlank()) {
      Path bin = Path.of(configured);
      if (!usable(bin)) {
        throw new AssertionError(
            BIN_PROPERTY + "=" + configured + " has no executable initdb and postgres");
      }
      return bin;
    }
    Optional<Path> newest = Optional.empty();
    if (Files.isDirectory(DEBIAN_ROOT)) {
      try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
        newest =
            versions
                .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                .map(v -> v.resolve("bin"))
                .filter(PostgresServer::usable)
                .max(Comparator.comparingDouble(b -> version(b.getParent())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return newest.orElseThrow(
        () ->
            new AssertionError(
                "PostgreSQL is not installed (no "
                    + DEBIAN_ROOT
                    + "/<version>/bin/postgres), but the console's database tests run against a"
                    + " real PostgreSQL server. Run the project's test command bin/test (it"
                    + " installs the Debian package postgresql), or apt-get install -y"
                    + " postgresql, or point "
                    + BIN_PROPERTY
                    + " at a folder with initdb and postgres."));
  }

  /** Whether PostgreSQL's binaries are there. */
  public static boolean available() {
    try {
      binaries();
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** The JDBC URL of the default database {@code postgres}. */
  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The cluster's folder (data, socket and log). */
  public Path dir() {
    return dir;
  }

  /** What the server logged so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A new connection to a database of this server, as the superuser (needs the JDBC driver). */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, password);
  }

  /**
   * Creates an empty database named {@code prefix} plus a number unique in this JVM, owned by the
   * superuser; its name.
   */
  public String createDatabase(String prefix) {
    String name =
        prefix.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
            + "_"
            + DATABASES.incrementAndGet();
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e, e);
    }
    return name;
  }

  /**
   * Stops the server by its PID: a fast shutdown first (SIGINT: PostgreSQL's SIGTERM would wait for
   * every client to disconnect), then SIGTERM, then SIGKILL of it and of any backend left. Checks
   * that no process of the server remains and deletes the folder.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopProcess();
    } finally {
      try {
        TempDirs.delete(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete " + dir, e);
      }
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("PostgresServer: " + e);
    }
  }

  private void stopProcess() {
    List<ProcessHandle> children = process.descendants().toList();
    if (process.isAlive()) {
      signal("INT");
      if (!waitFor(STOP_TIMEOUT)) {
        process.destroy();
        if (!waitFor(Duration.ofSeconds(5))) {
          process.destroyForcibly();
          waitFor(Duration.ofSeconds(5));
        }
      }
    }
    // the postmaster waits for its backends before it exits; this only mops up after a SIGKILL
    List<ProcessHandle> left = new ArrayList<>();
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
        left.add(c);
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (left.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleep(10);
    }
    if (process.isAlive()) {
      throw new IllegalStateException("PostgreSQL (pid " + process.pid() + ") did not stop");
    }
    if (left.stream().anyMatch(ProcessHandle::isAlive)) {
      throw new IllegalStateException("PostgreSQL's processes did not stop: " + left);
    }
  }

  private void signal(String name) {
    try {
      Process kill =
          // the shell's built-in kill: no need for procps
          new ProcessBuilder("/bin/sh", "-c", "kill -s " + name + " " + process.pid())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroy(); // no kill command: SIGTERM
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Waits until the server accepts connections on its port ({@code pg_isready}). */
  private void awaitReady(Path socket) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Path isReady = bin.resolve("pg_isready");
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "PostgreSQL exited with " + process.exitValue() + " while starting: " + log());
      }
      if (Files.isExecutable(isReady)) {
        Process p =
            new ProcessBuilder(
                    isReady.toString(),
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-U",
                    USER,
                    "-d",
                    "postgres",
                    "-t",
                    "1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return;
        }
        p.destroyForcibly();
      } else if (log().contains("database system is ready to accept connections")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "PostgreSQL did not accept connections on port "
                + port
                + " within "
                + START_TIMEOUT
                + ": "
                + log());
      }
      Thread.sleep(20);
    }
  }

  private static List<String> command(boolean root, String... args) {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void run(List<String> command, Path output, Duration timeout)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .directory(output.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException(
          String.join(" ", command) + " did not finish within " + timeout);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " failed with "
              + p.exitValue()
              + ": "
              + Files.readString(output, StandardCharsets.UTF_8));
    }
  }

  /** Hands the folder to the {@code postgres} system user (created by Debian's package). */
  private static void chownToPostgres(Path dir) throws IOException {
    UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user;
    GroupPrincipal group;
    try {
      user = lookup.lookupPrincipalByName("postgres");
      group = lookup.lookupPrincipalByGroupName("postgres");
    } catch (IOException e) {
      throw new AssertionError(
          "the tests run as root, and PostgreSQL refuses to run as root, but there is no system"
              + " user 'postgres' to run it as (Debian's postgresql package creates it; bin/test"
              + " installs the package)",
          e);
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
      }
    }
  }

  static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static boolean usable(Path bin) {
    return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"));
  }

  private static double version(Path versionDir) {
    try {
      return Double.parseDouble(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir != null) {
      TempDirs.deleteTree(dir);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL on 127.0.0.1:" + port + " (pid " + process.pid() + ", " + dir + ")";
  }
}
