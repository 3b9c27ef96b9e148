package org.ambulink.drivers.gps;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import jssc.SerialPort;
import org.ambulink.drivers.transport.serial.ReopenBackoff;
import org.ambulink.drivers.transport.serial.SerialHealth;
import org.ambulink.drivers.transport.serial.SerialPorts;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the GPS receiver on a serial port: splits its bytes into NMEA lines, feeds them to a {@link
 * GpsTracker} and hands each updated fix to a {@link GpsFixListener}. Keeps the port open through
 * cable pulls by reopening it with doubling, jittered delays ({@link
 * SerialSettings#reopenInitialDelay()} up to {@link SerialSettings#reopenMaxDelay()}), and reports
 * its state in {@link #health()}.
 *
 * <p>Line settings come from {@link SerialSettings}; GPS receivers usually talk 4800 baud (the NMEA
 * 0183 standard) or 9600, 8N1 (see {@link #settings(String, int)}). Only {@code port-name}, the
 * line settings, the reopen delays and the silence watchdog are used.
 *
 * <p>One thread, {@code gps-nmea-reader[port]}, for the reader's whole life: it opens, reads,
 * watches for silence and reopens; reconnects start no threads, and {@link #close()} ends it. Like
 * the serial monitor listener it polls the input count, because jssc's blocking read never returns
 * on a hung-up port. Lines longer than {@link NmeaParser#MAX_LINE_CHARS} are counted as rejected
 * and skipped, not buffered. Positions are never logged.
 */
public final class SerialNmeaReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SerialNmeaReader.class);

  /** How long {@link #close()} waits for the reader thread. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Largest read in one call; half the monitor link's, as an NMEA receiver sends at most a few KiB
   * a second.
   */
  static final int READ_CHUNK = 4096;

  /** Lines rejected in a row after opening before the log suggests a wrong baud rate. */
  private static final int REJECTED_IN_A_ROW_WARNING = 20;

  private final SerialSettings settings;
  private final GpsTracker tracker;
  private final GpsFixListener listener;
  private final String portName;
  private final Object lifecycle = new Object();

  private Thread reader;
  private boolean started;
  private volatile boolean closed;

  private volatile SerialHealth.State state = SerialHealth.State.DISCONNECTED;
  private volatile Instant lastFixAt;
  private volatile long lastFixNanos;
  private volatile long fixCount;
  private volatile long reopenCount;
  private volatile String lastError;

  /**
   * @param settings the port and its line settings
   * @param listener receives each updated fix ({@link GpsFixListener#NONE} to only poll)
   */
  public SerialNmeaReader(SerialSettings settings, GpsFixListener listener) {
    this(settings, new GpsTracker(), listener);
  }

  /**
   * @param tracker merges the sentences; the reader's thread feeds it, others may read it
   */
  public SerialNmeaReader(SerialSettings settings, GpsTracker tracker, GpsFixListener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.portName = settings.portName();
  }

  /** GPS line settings: {@code baud} 8N1, with the default reopen delays and watchdog. */
  public static SerialSettings settings(String portName, int baud) {
    return SerialSettings.builder(portName).baud(baud).build();
  }

  /**
   * Starts reading. Returns at once: a port that is missing now is opened as soon as it appears.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("GPS reader on " + portName + " is closed");
      }
      if (started) {
        throw new IllegalStateException("GPS reader on " + portName + " already started");
      }
      started = true;
      reader = new Thread(this::run, threadName(portName));
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** The reader thread's name for {@code portName}. */
  static String threadName(String portName) {
    return "gps-nmea-reader[" + portName + "]";
  }

  /** The link's current state; cheap, callable from any thread. */
  public GpsHealth health() {
    Instant fixAt = lastFixAt;
    Duration age = fixAt == null ? null : Duration.ofNanos(System.nanoTime() - lastFixNanos);
    return new GpsHealth(
        portName,
        state,
        fixAt,
        age,
        fixCount,
        tracker.rejectedCount(),
        tracker.rejectedByReason(),
        reopenCount,
        lastError);
  }

  /** The tracker holding the latest fix and the counters. */
  public GpsTracker tracker() {
    return tracker;
  }

  /** The latest valid fix: the last known position. */
  public Optional<GpsFix> lastValidFix() {
    return tracker.lastValid();
  }

  /** Closes the port and ends the reader thread. Idempotent. */
  @Override
  public void close() {
    Thread thread;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      thread = reader;
    }
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(CLOSE_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("{} did not stop within {}", thread.getName(), CLOSE_TIMEOUT);
      }
    }
    state = SerialHealth.State.DISCONNECTED;
  }

  private void run() {
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
          }
          sleep(backoff.next());
          continue;
        }
        outageLogged = false;
        if (wasOpen) {
          reopenCount++;
        }
        wasOpen = true;
        Session session = new Session(port);
        String reason = session.run();
        if (session.receivedLines) {
          backoff.reset(); // the link proved itself
        }
        state = SerialHealth.State.DISCONNECTED;
        if (reason == null) {
          break;
        }
        lastError = reason;
        log.warn("{}: GPS link lost: {}; reopening", portName, reason);
        sleep(backoff.next());
      }
    } catch (InterruptedException e) {
      // close()
    } finally {
      state = SerialHealth.State.DISCONNECTED;
    }
  }

  private static void sleep(Duration delay) throws InterruptedException {
    long nanos = delay.toNanos();
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }

  /** One open period of the port. */
  private final class Session implements NmeaLineSplitter.Sink {
    private final SerialPort port;
    private final NmeaLineSplitter splitter = new NmeaLineSplitter(NmeaParser.MAX_LINE_CHARS);
    private final long silenceNanos = settings.silenceWatchdog().toNanos();
    private boolean receivedLines;
    private int rejectedInARow;
    private boolean baudWarned;

    Session(SerialPort port) {
      this.port = port;
    }

    /**
     * @return why the link was lost, or null when the reader was closed
     */
    String run() {
      long lastByteNanos = System.nanoTime();
      boolean silentReported = false;
      state = SerialHealth.State.CONNECTED;
      log.info("{}: GPS port opened ({})", portName, settings.lineSettings());
      try {
        while (!closed) {
          int available = SerialPorts.available(port);
          if (available == 0) {
            long now = System.nanoTime();
            if (!silentReported && silenceNanos > 0 && now - lastByteNanos > silenceNanos) {
              silentReported = true;
              state = SerialHealth.State.SILENT;
              log.warn(
                  "{}: no data from the GPS receiver for {} ms; check that it is powered and"
                      + " its cable is in",
                  portName,
                  Duration.ofNanos(now - lastByteNanos).toMillis());
            }
            Thread.sleep(SerialPorts.IDLE_POLL_MILLIS);
            continue;
          }
          byte[] bytes = SerialPorts.read(port, available, READ_CHUNK);
          lastByteNanos = System.nanoTime();
          if (silentReported) {
            silentReported = false;
            log.info("{}: GPS data arriving again", portName);
          }
          state = SerialHealth.State.CONNECTED;
          splitter.feed(bytes, 0, bytes.length, this);
        }
        return null;
      } catch (IOException e) {
        return e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close(): the outer loop ends
        return null;
      } finally {
        SerialPorts.closeQuietly(port);
        splitter.reset();
      }
    }

    @Override
    public void line(String line) {
      long rejectedBefore = tracker.rejectedCount();
      Optional<GpsFix> fix = tracker.accept(line);
      if (tracker.rejectedCount() > rejectedBefore) {
        rejected();
        return;
      }
      receivedLines = true;
      rejectedInARow = 0;
      if (fix.isEmpty()) {
        return;
      }
      GpsFix f = fix.get();
      if (f.valid()) {
        lastFixNanos = System.nanoTime();
        lastFixAt = Instant.now();
        fixCount++;
      }
      try {
        listener.onFix(f);
      } catch (RuntimeException e) {
        log.warn("{}: GPS fix listener failed: {}", portName, e.getClass().getName());
      }
    }

    @Override
    public void tooLong() {
      tracker.reject(NmeaException.Reason.TOO_LONG);
      rejected();
    }

    private void rejected() {
      log.debug("{}: NMEA line rejected ({} so far)", portName, tracker.rejectedCount());
      if (++rejectedInARow == REJECTED_IN_A_ROW_WARNING && !receivedLines && !baudWarned) {
        baudWarned = true;
        log.warn(
            "{}: the first {} lines from the GPS receiver were all unusable ({}); check the baud"
                + " rate ({}) and that the device really is an NMEA receiver",
            portName,
            REJECTED_IN_A_ROW_WARNING,
            tracker.rejectedByReason().keySet(),
            settings.lineSettings());
      }
    }
  }
}
