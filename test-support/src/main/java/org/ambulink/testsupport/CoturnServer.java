package org.ambulink.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real TURN server for tests: Debian's coturn ({@code turnserver}) in the foreground on a free
 * loopback port, held by its PID, with the TURN REST API credential scheme ({@code
 * --use-auth-secret}): a username is {@code <expiry epoch seconds>:<user>}, its password
 * base64(HMAC-SHA1(shared secret, username)). Relays are on loopback, in a small free port range;
 * peers on loopback are allowed. No TLS, DTLS, CLI or web admin. Everything it writes (log, SQLite
 * user database, PID file) stays in a temporary folder, deleted on {@link #close()}.
 *
 * <p>{@link #allocate(String, String)} runs coturn's own client {@code turnutils_uclient} against
 * it with given credentials: two allocations relaying to each other, which succeed only when the
 * server accepts the credentials.
 *
 * <p>The project's test command {@code bin/test} installs the {@code coturn} package when {@code
 * turnserver} is missing.
 */
public final class CoturnServer implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final String REALM = "ambulink.test";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final int RELAY_PORTS = 16;
  private static final Pattern RECEIVED = Pattern.compile("tot_recv_msgs=(\\d+)");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Path log;
  private final int port;
  private final int minRelayPort;
  private final String sharedSecret;
  private final List<String> command;
  private volatile Process process;
  private volatile boolean closed;

  private CoturnServer(
      Path dir,
      Path log,
      int port,
      int minRelayPort,
      String sharedSecret,
      List<String> command,
      Process process) {
    this.dir = dir;
    this.log = log;
    this.port = port;
    this.minRelayPort = minRelayPort;
    this.sharedSecret = sharedSecret;
    this.command = command;
    this.process = process;
  }

  /** Whether {@code turnserver} and {@code turnutils_uclient} are on the PATH. */
  public static boolean available() {
    return executable("turnserver").isPresent() && executable("turnutils_uclient").isPresent();
  }

  /** Fails with instructions when coturn is missing: these tests must not be skipped silently. */
  public static void requireCoturn() {
    if (available()) {
      return;
    }
    throw new AssertionError(
        "coturn is not installed (no turnserver or turnutils_uclient on the PATH), but the WebRTC"
            + " tests run against a real TURN server. Run the project's test command bin/test (it"
            + " installs the Debian package coturn), or apt-get install -y coturn.");
  }

  /**
   * Starts a server whose REST API shared secret ({@code --static-auth-secret}) is {@code
   * sharedSecret}; close it to stop it and delete its folder.
   */
  public static CoturnServer start(String sharedSecret) {
    if (sharedSecret == null || sharedSecret.isEmpty()) {
      throw new IllegalArgumentException("a shared secret is required");
    }
    requireCoturn();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("coturn-");
      IllegalStateException failure = null;
      // a port found free may be taken before turnserver binds it: then try others
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freeUdpAndTcpPort();
        int minRelay = freeUdpRange(RELAY_PORTS, port);
        Path log = dir.resolve("turnserver-" + attempt + ".log");
        List<String> command =
            List.of(
                executable("turnserver").orElseThrow().toString(),
                "-n", // no configuration file: the command line only
                "--listening-ip=" + HOST,
                "--relay-ip=" + HOST,
                "--listening-port=" + port,
                "--min-port=" + minRelay,
                "--max-port=" + (minRelay + RELAY_PORTS - 1),
                "--use-auth-secret",
                "--static-auth-secret=" + sharedSecret,
                "--realm=" + REALM,
                "--fingerprint",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--no-rfc5780",
                "--no-software-attribute",
                "--allow-loopback-peers",
                "--log-file=stdout",
                "--userdb=" + dir.resolve("turndb"),
                "--pidfile=" + dir.resolve("turnserver.pid"));
        Process p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CoturnServer server = new CoturnServer(dir, log, port, minRelay, sharedSecret, command, p);
        try {
          server.awaitListening();
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
      throw new UncheckedIOException("could not start coturn", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(dir);
      throw new IllegalStateException("interrupted while starting coturn", e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(dir);
      throw e;
    }
  }

  /** A random shared secret, hex. */
  public static String randomSecret() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }

  /** A REST API username: {@code <expiry epoch seconds>:<user>}. */
  public static String restUsername(Instant expiry, String user) {
    return expiry.getEpochSecond() + ":" + user;
  }

  /** The REST API password of a username: base64(HMAC-SHA1(secret, username)). */
  public static String restPassword(String sharedSecret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(sharedSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  /** {@code turn:127.0.0.1:<port>?transport=udp}. */
  public String url() {
    return "turn:" + HOST + ":" + port + "?transport=udp";
  }

  /** {@code stun:127.0.0.1:<port>}: the same server answers STUN binding requests. */
  public String stunUrl() {
    return "stun:" + HOST + ":" + port;
  }

  public String sharedSecret() {
    return sharedSecret;
  }

  public String realm() {
    return REALM;
  }

  /** The relay port range, inclusive. */
  public int minRelayPort() {
    return minRelayPort;
  }

  public int maxRelayPort() {
    return minRelayPort + RELAY_PORTS - 1;
  }

  /** The command line the server runs with (includes the shared secret). */
  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

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

  /** Valid credentials of {@code user} for {@code ttl} from now, by the REST API scheme. */
  public Credential credential(String user, Duration ttl) {
    String username = restUsername(Instant.now().plus(ttl), user);
    return new Credential(username, restPassword(sharedSecret, username));
  }

  /** A TURN username and password. */
  public record Credential(String username, String password) {}

  /**
   * What {@code turnutils_uclient} made of an attempt: its exit code and output.
   *
   * @param received messages that went through the relays and came back (the last count printed)
   */
  public record ClientRun(int exitCode, String output, int received) {
    /** Allocations made and data relayed through them: the credentials were accepted. */
    public boolean allocated() {
      return exitCode == 0 && received > 0 && !output.contains("Cannot complete Allocation");
    }

    /** The server refused the allocation. */
    public boolean refused() {
      return exitCode != 0 && output.contains("Cannot complete Allocation");
    }
  }

  /**
   * Runs coturn's client against this server over UDP with the given credentials: two allocations
   * (client-to-client, {@code -y}) sending a few messages to each other through their relays.
   */
  public ClientRun allocate(String username, String password) {
    return allocate(HOST, port, username, password);
  }

  /** As {@link #allocate(String, String)}, against any TURN server on UDP. */
  public static ClientRun allocate(String host, int port, String username, String password) {
    requireCoturn();
    Path out = null;
    try {
      out = Files.createTempFile("uclient-", ".log");
      List<String> command =
          List.of(
              executable("turnutils_uclient").orElseThrow().toString(),
              "-y", // client-to-client: the two allocations are each other's peer
              "-c", // no RTCP allocations
              "-n",
              "1",
              "-m",
              "1",
              "-z",
              "5",
              "-p",
              Integer.toString(port),
              "-u",
              username,
              "-w",
              password,
              host);
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "turnutils_uclient did not finish within "
                + CLIENT_TIMEOUT
                + ": "
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      int received = 0;
      Matcher m = RECEIVED.matcher(output);
      while (m.find()) {
        received = Integer.parseInt(m.group(1));
      }
      return new ClientRun(p.exitValue(), output, received);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run turnutils_uclient", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running turnutils_uclient", e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }

  /**
   * Stops the server's process (a relay outage: every allocation is gone), keeping its folder,
   * ports and secret for {@link #startAgain()}.
   */
  public synchronized void stopRelay() {
    stopProcess();
  }

  /** Starts the server again after {@link #stopRelay()}, on the same ports with the same secret. */
  public synchronized void startAgain() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (process.isAlive()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      awaitListening();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start coturn again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting coturn again", e);
    }
  }

  /**
   * Stops the server by its PID (SIGTERM, then SIGKILL if it lingers), checks it is gone and
   * deletes its folder.
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

  private void stopProcess() {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM
      if (!waitFor(STOP_TIMEOUT)) {
        process.destroyForcibly(); // SIGKILL
        waitFor(Duration.ofSeconds(5));
      }
    }
    if (process.isAlive()) {
      throw new IllegalStateException("turnserver (pid " + process.pid() + ") did not stop");
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

  /**
   * Waits until the server answers a STUN binding request on its UDP port and accepts a TCP
   * connection on the same port.
   */
  private void awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    boolean udp = false;
    boolean tcp = false;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "turnserver exited with " + process.exitValue() + " while starting: " + log());
      }
      udp = udp || stunBindingAnswered();
      tcp = tcp || tcpAccepts();
      if (udp && tcp) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "turnserver did not listen on "
                + HOST
                + ":"
                + port
                + " within "
                + START_TIMEOUT
                + " (udp "
                + udp
                + ", tcp "
                + tcp
                + "): "
                + log());
      }
      Thread.sleep(20);
    }
  }

  /** Sends a STUN binding request (RFC 5389) and waits briefly for a success response. */
  private boolean stunBindingAnswered() {
    byte[] transaction = new byte[12];
    RANDOM.nextBytes(transaction);
    ByteBuffer request = ByteBuffer.allocate(20);
    request.putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442).put(transaction);
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(HOST))) {
      s.setSoTimeout(200);
      s.send(
          new DatagramPacket(
              request.array(), request.capacity(), new InetSocketAddress(HOST, port)));
      byte[] buf = new byte[1500];
      DatagramPacket answer = new DatagramPacket(buf, buf.length);
      s.receive(answer);
      ByteBuffer r = ByteBuffer.wrap(buf, 0, answer.getLength());
      return answer.getLength() >= 20
          && r.getShort(0) == 0x0101
          && Arrays.equals(Arrays.copyOfRange(buf, 8, 20), transaction);
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean tcpAccepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port free for both UDP and TCP on loopback. */
  private static int freeUdpAndTcpPort() throws IOException {
    InetAddress host = InetAddress.getByName(HOST);
    for (int i = 0; i < 50; i++) {
      int port;
      try (DatagramSocket d = new DatagramSocket(0, host)) {
        port = d.getLocalPort();
      }
      try (ServerSocket s = new ServerSocket(port, 1, host)) {
        return port;
      } catch (IOException e) {
        // taken for TCP: another one
      }
    }
    throw new IOException("no port free for both UDP and TCP on " + HOST);
  }

  /**
   * The first port of {@code count} consecutive UDP ports free on loopback, below the kernel's
   * usual ephemeral range (so other tests' sockets are unlikely to take them) and not {@code
   * avoid}.
   */
  private static int freeUdpRange(int count, int avoid) throws IOException {
    InetAddress host = InetAddress.getByName(HOST);
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20000, 32000 - count);
      if (avoid >= base && avoid < base + count) {
        continue;
      }
      List<DatagramSocket> held = new ArrayList<>();
      try {
        for (int p = base; p < base + count; p++) {
          held.add(new DatagramSocket(p, host));
        }
        return base;
      } catch (IOException e) {
        // one is taken: another range
      } finally {
        for (DatagramSocket s : held) {
          s.close();
        }
      }
    }
    throw new IOException("no " + count + " consecutive free UDP ports on " + HOST);
  }

  private static Optional<Path> executable(String name) {
    for (String d :
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    for (String d : List.of("/usr/bin", "/usr/local/bin")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static void deleteQuietly(Path dir) {
    if (dir != null) {
      TempDirs.deleteTree(dir);
    }
  }

  @Override
  public String toString() {
    return "coturn on " + url() + " (pid " + process.pid() + ", " + dir + ")";
  }
}
