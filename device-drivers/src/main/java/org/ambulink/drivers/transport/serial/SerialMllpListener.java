package org.ambulink.drivers.transport.serial;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import jssc.SerialPort;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.mllp.MllpDecoder;
import org.ambulink.drivers.mllp.MllpProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance end of a serial monitor link: reads MLLP frames from a port, hands them to a {@link
 * FrameHandler} and sends each ACK back in frame order, and keeps the port open through cable pulls
 * by reopening it with capped, jittered backoff.
 *
 * <p>Threads: one reader ({@code serial-mllp-reader[port]}) for the listener's whole life, which
 * opens, reads, watches for silence and reopens; and one ACK writer ({@code
 * serial-mllp-ack[port]}). Both end on {@link #close()}; reconnects start no threads. The reader
 * polls the input count rather than using jssc's event listener: the event thread ignores errors (a
 * hung-up port would look merely quiet), and jssc's blocking read never returns on a hung-up pty,
 * so it could not be stopped except by closing the port under it.
 *
 * <p>Listener callbacks and {@link FrameHandler#onFrame} run on the reader thread and must return
 * quickly.
 */
public final class SerialMllpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SerialMllpListener.class);

  /** How long {@link #close()} waits for each thread. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final SerialSettings settings;
  private final FrameHandler handler;
  private final LinkListener listener;
  private final String portName;
  private final Object lifecycle = new Object();

  private Thread reader;
  private AckWriter acks;
  private boolean started;
  private volatile boolean closed;

  private volatile SerialHealth.State state = SerialHealth.State.DISCONNECTED;
  private volatile Instant lastByteAt;
  private volatile long reopenCount;
  private volatile String lastError;

  /**
   * @param settings the port and its line settings
   * @param handler receives each frame; its stage's bytes are sent back as the ACK
   * @param listener link events, for health and metrics ({@link LinkListener#NONE} if unused)
   */
  public SerialMllpListener(SerialSettings settings, FrameHandler handler, LinkListener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.portName = settings.portName();
  }

  /**
   * Starts reading. Returns at once: a port that is missing now is opened as soon as it appears
   * (see {@link #health()}).
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("serial listener on " + portName + " is closed");
      }
      if (started) {
        throw new IllegalStateException("serial listener on " + portName + " already started");
      }
      started = true;
      acks = new AckWriter("serial-mllp-ack[" + portName + "]", settings.maxInFlightFrames());
      reader = new Thread(this::runReader, "serial-mllp-reader[" + portName + "]");
      reader.setDaemon(true);
      acks.start();
      reader.start();
    }
  }

  /** The link's current state; cheap, callable from any thread. */
  public SerialHealth health() {
    return new SerialHealth(portName, state, lastByteAt, reopenCount, lastError);
  }

  /** Closes the port and ends both threads; ACKs not yet sent are dropped. Idempotent. */
  @Override
  public void close() {
    Thread readerThread;
    AckWriter ackWriter;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      readerThread = reader;
      ackWriter = acks;
    }
    boolean interrupted = false;
    try {
      if (readerThread != null) {
        readerThread.interrupt();
        readerThread.join(CLOSE_TIMEOUT.toMillis());
        if (readerThread.isAlive()) {
          log.warn("{} did not stop within {}", readerThread.getName(), CLOSE_TIMEOUT);
        }
      }
      if (ackWriter != null) {
        ackWriter.close();
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    state = SerialHealth.State.DISCONNECTED;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void runReader() {
    ReopenBackoff backoff =
        new ReopenBackoff(settings.reopenInitialDelay(), settings.reopenMaxDelay());
    boolean wasOpen = false;
    boolean outageLogged = false;
    try {
      while (!closed) {
        SerialPort port;
        try {
          port = SerialPorts.open(settings);
        } catch (IOException e) {
          lastError = e.getMessage();
          if (!outageLogged) {
            log.warn(
                "{}; retrying with backoff up to {}", e.getMessage(), settings.reopenMaxDelay());
            outageLogged = true;
          } else {
            log.debug("{}", e.getMessage());
          }
          Thread.sleep(backoff.next().toMillis());
          continue;
        }
        outageLogged = false;
        if (wasOpen) {
          reopenCount++;
        }
        wasOpen = true;
        Session session = new Session(port);
        String reason = session.run();
        // A session that carried data proves the link; one that failed before any byte (a
        // flapping adapter) keeps the backoff growing.
        if (session.receivedBytes) {
          backoff.reset();
        }
        if (reason == null) {
          report(() -> listener.disconnected(portName, "serial listener closed"));
          break;
        }
        // Listeners first, then the state: whoever sees DISCONNECTED finds them told already.
        report(() -> listener.disconnected(portName, reason));
        lastError = reason;
        state = SerialHealth.State.DISCONNECTED;
        log.warn("{}: link lost: {}; reopening", portName, reason);
        Thread.sleep(backoff.next().toMillis());
      }
    } catch (InterruptedException e) {
      // close()
    } finally {
      state = SerialHealth.State.DISCONNECTED;
    }
  }

  private void report(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("{}: link listener failed: {}", portName, e.toString());
    }
  }

  /** Thrown out of the decoder's sink to abandon a session whose port ended. */
  private static final class SessionEnded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SessionEnded() {
      super(null, null, false, false);
    }
  }

  /** One open period of the port: reads until the port fails, an ACK write fails or close(). */
  private final class Session implements AckWriter.Link, MllpDecoder.Sink {
    private final SerialPort port;
    private final Object writeLock = new Object();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final long silenceNanos = settings.silenceWatchdog().toNanos();
    private volatile boolean over;
    boolean receivedBytes;

    Session(SerialPort port) {
      this.port = port;
    }

    /**
     * @return why the link was lost, or null when the listener was closed
     */
    String run() {
      MllpDecoder decoder = new MllpDecoder(settings.maxFrameBytes());
      long lastByteNanos = System.nanoTime();
      boolean silentReported = false;
      state = SerialHealth.State.CONNECTED;
      log.info("{}: opened ({})", portName, settings.lineSettings());
      report(() -> listener.connected(portName));
      try {
        while (!closed) {
          String failed = failure.get();
          if (failed != null) {
            return failed;
          }
          int available = SerialPorts.available(port);
          if (available == 0) {
            long now = System.nanoTime();
            if (!silentReported && silenceNanos > 0 && now - lastByteNanos > silenceNanos) {
              silentReported = true;
              state = SerialHealth.State.SILENT;
              Duration silentFor = Duration.ofNanos(now - lastByteNanos);
              log.warn(
                  "{}: no byte for {} ms; check that the monitor is on and its cable is in",
                  portName,
                  silentFor.toMillis());
              report(() -> listener.silent(portName, silentFor));
            }
            Thread.sleep(SerialPorts.IDLE_POLL_MILLIS);
            continue;
          }
          byte[] bytes = SerialPorts.read(port, available, SerialPorts.READ_CHUNK);
          lastByteNanos = System.nanoTime();
          lastByteAt = Instant.now();
          receivedBytes = true;
          if (silentReported) {
            silentReported = false;
            log.info("{}: bytes arriving again", portName);
          }
          state = SerialHealth.State.CONNECTED;
          report(() -> listener.bytesReceived(portName, bytes.length));
          decoder.feed(bytes, 0, bytes.length, this);
        }
        return null;
      } catch (IOException e) {
        return e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close(): the reader loop ends after this session
        return null;
      } catch (SessionEnded e) {
        return closed ? null : failure.get();
      } finally {
        end();
        decoder.endOfStream().ifPresent(this::rejected);
      }
    }

    @Override
    public void frame(byte[] payload) {
      try {
        if (!acks.acquire(this)) {
          throw new SessionEnded();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SessionEnded();
      }
      acks.submit(this, FrameHandler.ackOf(handler, payload, portName));
    }

    @Override
    public void garbage(int skippedBytes) {
      log.debug("{}: skipped {} bytes outside frames", portName, skippedBytes);
      report(() -> listener.garbageSkipped(portName, skippedBytes));
    }

    @Override
    public void rejected(MllpProtocolException e) {
      log.warn("{}: frame rejected ({}): {}", portName, e.type(), e.getMessage());
      report(() -> listener.frameRejected(portName, e.getMessage()));
    }

    @Override
    public String name() {
      return portName;
    }

    @Override
    public boolean isOver() {
      return over || failure.get() != null;
    }

    @Override
    public void write(byte[] framed) throws IOException {
      synchronized (writeLock) {
        if (over) {
          throw new IOException("serial port " + portName + " was closed before the ACK was sent");
        }
        SerialPorts.write(port, framed);
      }
    }

    @Override
    public void fail(String reason) {
      failure.compareAndSet(null, reason);
    }

    /** Closes the port; the write lock keeps it from closing under an ACK being written. */
    private void end() {
      synchronized (writeLock) {
        over = true;
        SerialPorts.closeQuietly(port);
      }
    }
  }
}
