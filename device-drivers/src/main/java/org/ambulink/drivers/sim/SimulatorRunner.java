package org.ambulink.drivers.sim;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.transport.MllpSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send loop of the simulated monitor: paces the simulator's messages in (scaled) real time,
 * sends each over MLLP and checks its ACK, and on a broken link reconnects with backoff and resends
 * the unacknowledged message, as a monitor must so that no ECG is silently lost. Kept apart from
 * the command line so it can be tested with any {@link MllpSender}.
 */
public final class SimulatorRunner {
  private static final Logger log = LoggerFactory.getLogger(SimulatorRunner.class);

  /** Opens the link; called again after each failure. */
  @FunctionalInterface
  public interface Connector {
    MllpSender connect() throws IOException;
  }

  /** Encodes a message as HL7 v2 bytes (UTF-8). */
  @FunctionalInterface
  public interface MessageEncoder {
    byte[] encode(MonitorMessage message) throws Exception;
  }

  /** Reads the peer's reply text as an acknowledgement. */
  @FunctionalInterface
  public interface AckParser {
    AckResult parse(String reply) throws Exception;
  }

  /** Waiting and time, replaceable in tests. */
  interface Ticker {
    long nanoTime();

    void sleep(Duration d) throws InterruptedException;

    Ticker SYSTEM =
        new Ticker() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(Duration d) throws InterruptedException {
            if (!d.isNegative() && !d.isZero()) {
              Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            }
          }
        };
  }

  /**
   * Counters of a run.
   *
   * @param messages messages the peer answered (whatever the answer)
   * @param samples waveform samples in those messages, all leads
   * @param acks answers that accepted the message: AA with the sent control id in MSA-2
   * @param nacks answers that did not: AE, AR, another control id or an unreadable reply
   * @param linkErrors failed connects, broken links and ACK timeouts
   * @param reconnects links opened after the first
   * @param resends messages sent again after a link failure
   * @param ecgTime ECG time sent so far
   */
  public record Stats(
      long messages,
      long samples,
      long acks,
      long nacks,
      long linkErrors,
      long reconnects,
      long resends,
      Duration ecgTime) {
    /** One line for the console. */
    public String summaryLine() {
      return String.format(
          Locale.ROOT,
          "sim: ecg=%.1fs messages=%d samples=%d acks=%d nacks=%d errors=%d reconnects=%d resends=%d",
          ecgTime.toMillis() / 1000.0,
          messages,
          samples,
          acks,
          nacks,
          linkErrors,
          reconnects,
          resends);
    }
  }

  private final MonitorSimulator simulator;
  private final Connector connector;
  private final MessageEncoder encoder;
  private final AckParser ackParser;
  private final double speed;
  private final Duration duration;
  private final Duration ackTimeout;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final Duration summaryEvery;
  private final Consumer<String> console;
  private final Ticker ticker;

  private volatile boolean stopped;
  private MllpSender link;
  private boolean everConnected;
  private Duration backoff;
  private long messages;
  private long samples;
  private long acks;
  private long nacks;
  private long linkErrors;
  private long reconnects;
  private long resends;
  private Duration ecgTime = Duration.ZERO;

  private SimulatorRunner(Builder b) {
    this.simulator = b.simulator;
    this.connector = b.connector;
    this.encoder = b.encoder;
    this.ackParser = b.ackParser;
    this.speed = b.speed;
    this.duration = b.duration;
    this.ackTimeout = b.ackTimeout;
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
    this.summaryEvery = b.summaryEvery;
    this.console = b.console;
    this.ticker = b.ticker;
    this.backoff = backoffInitial;
  }

  public static Builder builder(
      MonitorSimulator simulator,
      Connector connector,
      MessageEncoder encoder,
      AckParser ackParser) {
    return new Builder(simulator, connector, encoder, ackParser);
  }

  /** Asks a running {@link #run} to finish after the message in hand; safe from any thread. */
  public void stop() {
    stopped = true;
  }

  /** The counters so far. */
  public synchronized Stats stats() {
    return new Stats(messages, samples, acks, nacks, linkErrors, reconnects, resends, ecgTime);
  }

  /**
   * Sends until the duration is reached or {@link #stop} is called, then closes the link and prints
   * a last summary.
   *
   * @return the final counters
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  public Stats run() throws InterruptedException {
    long t0 = ticker.nanoTime();
    long nextSummary = t0 + summaryEvery.toNanos();
    try {
      while (!stopped && (duration == null || ecgTime.compareTo(duration) < 0)) {
        SimulatedChunk chunk = simulator.nextChunk();
        MonitorMessage message = chunk.message();
        Duration chunkEnd = Duration.between(simulator.start(), message.messageTime());
        if (speed > 0) {
          // A monitor can send a chunk only once its last sample has been measured.
          long due = t0 + (long) (chunkEnd.toNanos() / speed);
          ticker.sleep(Duration.ofNanos(due - ticker.nanoTime()));
        }
        byte[] payload;
        try {
          payload = encoder.encode(message);
        } catch (Exception e) {
          throw new IllegalStateException(
              "cannot encode message " + message.controlId() + ": " + e.getMessage(), e);
        }
        if (!deliver(payload, message)) {
          break;
        }
        synchronized (this) {
          ecgTime = chunkEnd;
        }
        long now = ticker.nanoTime();
        if (now - nextSummary >= 0) {
          console.accept(stats().summaryLine());
          nextSummary = now + summaryEvery.toNanos();
        }
      }
    } finally {
      closeLink();
      console.accept(stats().summaryLine());
    }
    return stats();
  }

  /** Sends until the peer answers; false when stopped first. */
  private boolean deliver(byte[] payload, MonitorMessage message) throws InterruptedException {
    String controlId = message.controlId();
    boolean first = true;
    while (!stopped) {
      if (link == null && !connect()) {
        continue;
      }
      if (!first) {
        synchronized (this) {
          resends++;
        }
      }
      first = false;
      byte[] reply;
      try {
        reply = link.exchange(payload, ackTimeout);
      } catch (SocketTimeoutException e) {
        linkFailed("no ACK for " + controlId + " within " + ackTimeout.toMillis() + " ms");
        continue;
      } catch (IOException e) {
        linkFailed("link failed sending " + controlId + ": " + e.getMessage());
        continue;
      }
      backoff = backoffInitial;
      check(reply, message);
      return true;
    }
    return false;
  }

  private void check(byte[] reply, MonitorMessage message) {
    String controlId = message.controlId();
    AckResult ack;
    try {
      ack = ackParser.parse(new String(reply, StandardCharsets.UTF_8));
    } catch (Exception e) {
      synchronized (this) {
        messages++;
        samples += message.sampleCount();
        nacks++;
      }
      console.accept("sim: unreadable reply to " + controlId + ": " + e.getMessage());
      return;
    }
    boolean accepted = ack.code() == AckCode.AA && controlId.equals(ack.controlId());
    synchronized (this) {
      messages++;
      samples += message.sampleCount();
      if (accepted) {
        acks++;
      } else {
        nacks++;
      }
    }
    if (!accepted) {
      console.accept(
          "sim: "
              + ack.code()
              + " for "
              + (ack.controlId().isEmpty() ? "(no control id)" : ack.controlId())
              + " in answer to "
              + controlId
              + (ack.text().isEmpty() ? "" : ": " + ack.text()));
    }
  }

  private boolean connect() throws InterruptedException {
    try {
      link = connector.connect();
    } catch (IOException e) {
      synchronized (this) {
        linkErrors++;
      }
      console.accept("sim: " + e.getMessage() + "; retrying in " + backoff.toMillis() + " ms");
      waitBackoff();
      return false;
    }
    synchronized (this) {
      if (everConnected) {
        reconnects++;
      }
    }
    everConnected = true;
    console.accept("sim: connected to " + link.describe());
    return true;
  }

  private void linkFailed(String what) throws InterruptedException {
    synchronized (this) {
      linkErrors++;
    }
    console.accept("sim: " + what + "; reconnecting in " + backoff.toMillis() + " ms");
    closeLink();
    waitBackoff();
  }

  private void waitBackoff() throws InterruptedException {
    ticker.sleep(backoff);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(backoffMax) > 0 ? backoffMax : doubled;
  }

  private void closeLink() {
    if (link != null) {
      try {
        link.close();
      } catch (IOException e) {
        log.debug("closing {} failed", link.describe(), e);
      }
      link = null;
    }
  }

  /**
   * Configures a {@link SimulatorRunner}; each setter's javadoc states its default, and {@link
   * #build} fails fast naming a bad value.
   */
  public static final class Builder {
    private final MonitorSimulator simulator;
    private final Connector connector;
    private final MessageEncoder encoder;
    private final AckParser ackParser;
    private double speed = 1;
    private Duration duration;
    private Duration ackTimeout = Duration.ofSeconds(5);
    private Duration backoffInitial = Duration.ofMillis(500);
    private Duration backoffMax = Duration.ofSeconds(30);
    private Duration summaryEvery = Duration.ofSeconds(10);
    private Consumer<String> console = System.out::println;
    private Ticker ticker = Ticker.SYSTEM;

    private Builder(
        MonitorSimulator simulator,
        Connector connector,
        MessageEncoder encoder,
        AckParser ackParser) {
      this.simulator = Objects.requireNonNull(simulator, "simulator");
      this.connector = Objects.requireNonNull(connector, "connector");
      this.encoder = Objects.requireNonNull(encoder, "encoder");
      this.ackParser = Objects.requireNonNull(ackParser, "ackParser");
    }

    /** 1 sends in real time, 2 twice as fast, 0 as fast as the peer acknowledges; default 1. */
    public Builder speed(double speed) {
      this.speed = speed;
      return this;
    }

    /** How much ECG to send; default null, until {@link #stop}. */
    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /** How long to wait for each ACK before treating the link as broken; default 5 s. */
    public Builder ackTimeout(Duration timeout) {
      this.ackTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** First and largest wait before reconnecting, doubling in between; default 500 ms to 30 s. */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.backoffInitial = Objects.requireNonNull(initial, "initial");
      this.backoffMax = Objects.requireNonNull(max, "max");
      return this;
    }

    /** How often to print the summary line; default every 10 s. */
    public Builder summaryEvery(Duration every) {
      this.summaryEvery = Objects.requireNonNull(every, "every");
      return this;
    }

    /** Where summary and event lines go; default standard output. */
    public Builder console(Consumer<String> console) {
      this.console = Objects.requireNonNull(console, "console");
      return this;
    }

    Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public SimulatorRunner build() {
      if (!(speed >= 0) || Double.isInfinite(speed)) {
        throw new IllegalArgumentException("speed must be 0 or a positive factor, was " + speed);
      }
      if (duration != null && (duration.isNegative() || duration.isZero())) {
        throw new IllegalArgumentException("duration must be positive, was " + duration);
      }
      if (ackTimeout.isNegative() || ackTimeout.isZero()) {
        throw new IllegalArgumentException("ACK timeout must be positive, was " + ackTimeout);
      }
      if (backoffInitial.isNegative()
          || backoffInitial.isZero()
          || backoffMax.compareTo(backoffInitial) < 0) {
        throw new IllegalArgumentException(
            "reconnect backoff must be positive and its maximum at least its start, was "
                + backoffInitial
                + " to "
                + backoffMax);
      }
      if (summaryEvery.isNegative() || summaryEvery.isZero()) {
        throw new IllegalArgumentException(
            "summary interval must be positive, was " + summaryEvery);
      }
      return new SimulatorRunner(this);
    }
  }
}
