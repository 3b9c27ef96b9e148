package org.ambulink.drivers.transport.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.mllp.Mllp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's MLLP/TCP server: accepts monitor connections, hands every frame to a {@link
 * FrameHandler} and sends back each acknowledgement, per connection in arrival order, once the
 * handler's stage completes (i.e. once the data is stored).
 *
 * <p>Each connection is served by two threads from a bounded pool (one reads and decodes, one
 * writes ACKs in order), so a slow store pipelines instead of stalling the reader; at most {@value
 * #MAX_IN_FLIGHT_PER_CONNECTION} frames per connection may await their ACK before the reader stops
 * reading (backpressure through TCP flow control). A framing rejection is reported to the {@link
 * LinkListener} and the connection stays up; a handler stage that completes exceptionally closes
 * the connection (the handler turns bad messages into AE/AR ACKs itself, so an exception means
 * something is broken; the monitor resends what was not acknowledged).
 */
public final class MllpTcpListener implements AutoCloseable {
  /** Frames per connection that may await their ACK before reading pauses. */
  public static final int MAX_IN_FLIGHT_PER_CONNECTION = 256;

  private static final Logger log = LoggerFactory.getLogger(MllpTcpListener.class);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  /**
   * Listener settings.
   *
   * @param bindAddress the local address to listen on; default {@code 0.0.0.0} (all interfaces)
   * @param port the TCP port; default {@value Mllp#DEFAULT_PORT}; 0 picks any free port (see {@link
   *     MllpTcpListener#port()})
   * @param maxFrameBytes the largest message accepted, in bytes; default 1 MiB. Larger frames are
   *     dropped, reported, and the connection stays up
   * @param maxConnections monitors connected at once; default 32. Connections beyond it are closed
   *     as soon as they are accepted, with a warning in the log
   * @param readTimeout how long a connection may stay silent while no ACK is pending before it is
   *     reported {@link LinkListener#silent silent} and closed (frees slots held by monitors that
   *     vanished without a FIN); {@link Duration#ZERO}, the default, means never
   */
  public record Config(
      String bindAddress, int port, int maxFrameBytes, int maxConnections, Duration readTimeout) {

    public Config {
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(readTimeout, "readTimeout");
      if (bindAddress.isBlank()) {
        throw new IllegalArgumentException(
            "MLLP bind address must not be blank; use 0.0.0.0 for all interfaces");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "MLLP port must be 0..65535 (0 = any free port), was " + port);
      }
      if (maxFrameBytes < 1) {
        throw new IllegalArgumentException(
            "MLLP max frame bytes must be at least 1, was " + maxFrameBytes);
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "MLLP max connections must be at least 1, was " + maxConnections);
      }
      if (readTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "MLLP read timeout must not be negative (0 = none), was " + readTimeout);
      }
      if (readTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "MLLP read timeout must be at most " + Integer.MAX_VALUE + " ms, was " + readTimeout);
      }
    }

    /** {@code 0.0.0.0:2575}, 1 MiB frames, 32 connections, no read timeout. */
    public static Config defaults() {
      return new Config(
          "0.0.0.0", Mllp.DEFAULT_PORT, Mllp.DEFAULT_MAX_FRAME_BYTES, 32, Duration.ZERO);
    }

    public Config withBindAddress(String bindAddress) {
      return new Config(bindAddress, port, maxFrameBytes, maxConnections, readTimeout);
    }

    public Config withPort(int port) {
      return new Config(bindAddress, port, maxFrameBytes, maxConnections, readTimeout);
    }

    public Config withMaxFrameBytes(int maxFrameBytes) {
      return new Config(bindAddress, port, maxFrameBytes, maxConnections, readTimeout);
    }

    public Config withMaxConnections(int maxConnections) {
      return new Config(bindAddress, port, maxFrameBytes, maxConnections, readTimeout);
    }

    public Config withReadTimeout(Duration readTimeout) {
      return new Config(bindAddress, port, maxFrameBytes, maxConnections, readTimeout);
    }
  }

  private final Config config;
  private final FrameHandler handler;
  private final LinkListener listener;
  private final Set<MllpTcpConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ServerSocket serverSocket;
  private volatile Thread acceptor;
  private volatile ExecutorService workers;

  public MllpTcpListener(Config config, FrameHandler handler, LinkListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Binds the port and starts accepting connections in the background.
   *
   * @throws IOException naming the address when the port cannot be bound (e.g. already in use)
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public void start() throws IOException {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("MLLP listener can be started once, and not after close");
    }
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(
          new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port()), 50);
    } catch (IOException e) {
      server.close();
      throw new IOException(
          "cannot listen for MLLP on "
              + config.bindAddress()
              + ":"
              + config.port()
              + ": "
              + e.getMessage()
              + " (is another listener running? change the port or bind address)",
          e);
    }
    serverSocket = server;
    int port = server.getLocalPort();
    workers =
        new ThreadPoolExecutor(
            0,
            2 * config.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemonThreads("mllp-tcp-" + port + "-worker-"),
            MllpTcpListener::waitForIdleWorker);
    Thread t = new Thread(this::acceptLoop, "mllp-tcp-" + port + "-accept");
    t.setDaemon(true);
    acceptor = t;
    t.start();
    log.info(
        "MLLP listener on {}:{} (max {} connections, max frame {} bytes)",
        config.bindAddress(),
        port,
        config.maxConnections(),
        config.maxFrameBytes());
  }

  /**
   * The bound port (useful with port 0).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    ServerSocket server = serverSocket;
    if (server == null) {
      throw new IllegalStateException("MLLP listener not started");
    }
    return server.getLocalPort();
  }

  /** Connections currently open (including ones draining their last ACKs). */
  public int activeConnections() {
    return connections.size();
  }

  public Config config() {
    return config;
  }

  /**
   * Stops accepting, closes every connection (pending ACKs are not sent; monitors resend) and waits
   * for all threads to end. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ServerSocket server = serverSocket;
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.debug("closing MLLP server socket", e);
    }
    try {
      Thread t = acceptor;
      t.join(SHUTDOWN_WAIT.toMillis());
      for (MllpTcpConnection c : connections) {
        c.close("listener closed");
      }
      workers.shutdown();
      if (!workers.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
        if (!workers.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("MLLP listener on port {}: worker threads did not end", server.getLocalPort());
        }
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    log.info("MLLP listener on port {} closed", server.getLocalPort());
  }

  private void acceptLoop() {
    ServerSocket server = serverSocket;
    while (!closed.get()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (closed.get() || server.isClosed()) {
          return;
        }
        // e.g. out of file descriptors: don't spin.
        log.warn("MLLP accept on port {} failed: {}", server.getLocalPort(), e.getMessage());
        sleepQuietly(100);
        continue;
      }
      accept(socket);
    }
  }

  private void accept(Socket socket) {
    String peer = peerName(socket);
    if (closed.get() || connections.size() >= config.maxConnections()) {
      log.warn(
          "MLLP connection from {} refused: {}",
          peer,
          closed.get()
              ? "listener closing"
              : "limit of "
                  + config.maxConnections()
                  + " connections reached (raise it in config)");
      closeQuietly(socket);
      return;
    }
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.setSoTimeout((int) config.readTimeout().toMillis());
    } catch (SocketException e) {
      log.warn("MLLP connection from {} failed to set up: {}", peer, e.getMessage());
      closeQuietly(socket);
      return;
    }
    MllpTcpConnection connection =
        new MllpTcpConnection(
            socket,
            peer,
            config.maxFrameBytes(),
            MAX_IN_FLIGHT_PER_CONNECTION,
            config.readTimeout(),
            handler,
            listener,
            connections::remove);
    connections.add(connection);
    log.info("MLLP connection from {}", peer);
    safely(() -> listener.connected(peer));
    // The pool has two threads for every allowed connection; rejection means closing (or a bug).
    try {
      workers.execute(connection::readLoop);
    } catch (RejectedExecutionException e) {
      connection.taskNotStarted("not served: " + e.getMessage());
    }
    try {
      workers.execute(connection::writeLoop);
    } catch (RejectedExecutionException e) {
      connection.taskNotStarted("not served: " + e.getMessage());
    }
  }

  static String peerName(Socket socket) {
    if (socket.getRemoteSocketAddress() instanceof InetSocketAddress a) {
      return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString())
          + ":"
          + a.getPort();
    }
    return String.valueOf(socket.getRemoteSocketAddress());
  }

  static void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("LinkListener callback failed", e);
    }
  }

  /**
   * A connection slot can free up a moment before its two threads are back in the pool; wait for
   * one instead of refusing the new connection.
   */
  private static void waitForIdleWorker(Runnable task, ThreadPoolExecutor pool) {
    if (pool.isShutdown()) {
      throw new RejectedExecutionException("listener closing");
    }
    try {
      if (!pool.getQueue().offer(task, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RejectedExecutionException("no worker thread became free");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RejectedExecutionException("interrupted while waiting for a worker thread", e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing refused socket", e);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
