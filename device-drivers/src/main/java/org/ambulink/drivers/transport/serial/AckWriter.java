package org.ambulink.drivers.transport.serial;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ambulink.drivers.mllp.Mllp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends ACKs in the order their frames arrived, each once its handler stage completes, on one named
 * thread: the reader never waits for storage, and the handler's (journal) threads never wait for
 * the serial line. At most {@code maxInFlight} frames are between handler and ACK; the reader waits
 * in {@link #acquire} beyond that, which lets the tty buffer and the sender back off.
 */
final class AckWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AckWriter.class);
  private static final long RECHECK_MILLIS = 50;

  /** The port session an ACK belongs to; ACKs for a session that ended are dropped. */
  interface Link {
    String name();

    boolean isOver();

    void write(byte[] framed) throws IOException;

    /** The link failed while sending; the owner closes and reopens it. */
    void fail(String reason);
  }

  private record Pending(Link link, long sequence, CompletableFuture<byte[]> ack) {}

  private final Semaphore inFlight;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private long sequence;

  AckWriter(String threadName, int maxInFlight) {
    this.inFlight = new Semaphore(maxInFlight);
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Takes one in-flight slot, waiting while all are taken.
   *
   * @return false when {@code link} ended or the writer closed while waiting
   */
  boolean acquire(Link link) throws InterruptedException {
    while (!inFlight.tryAcquire(RECHECK_MILLIS, TimeUnit.MILLISECONDS)) {
      if (closed || link.isOver()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Queues the ACK of the next frame of {@code link}, as {@link
   * org.ambulink.drivers.intake.FrameHandler#ackOf} gives it; needs a slot from {@link #acquire}.
   */
  void submit(Link link, CompletableFuture<byte[]> ack) {
    queue.add(new Pending(link, ++sequence, ack));
  }

  private void run() {
    try {
      while (!closed) {
        Pending pending = queue.take();
        try {
          send(pending);
        } finally {
          inFlight.release();
        }
      }
    } catch (InterruptedException e) {
      // close(): pending ACKs are dropped; their frames were not acknowledged, so the monitor
      // resends them to whoever listens next.
    }
  }

  private void send(Pending p) throws InterruptedException {
    byte[] ack;
    while (true) {
      if (closed || p.link.isOver()) {
        log.debug("{}: ACK of frame #{} dropped: the port was closed", p.link.name(), p.sequence);
        return;
      }
      try {
        ack = p.ack.get(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        // still being stored; look again
      } catch (ExecutionException e) {
        // No ACK means "not kept": the monitor times out and sends the message again.
        log.warn(
            "{}: frame #{} not acknowledged because its handler failed: {}",
            p.link.name(),
            p.sequence,
            String.valueOf(e.getCause()));
        return;
      }
    }
    if (ack == null) {
      log.warn(
          "{}: frame #{} not acknowledged: the handler gave a null ACK", p.link.name(), p.sequence);
      return;
    }
    try {
      p.link.write(Mllp.frame(ack));
    } catch (IOException e) {
      p.link.fail("sending an ACK failed: " + e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(SerialMllpListener.CLOSE_TIMEOUT.toMillis());
    if (thread.isAlive()) {
      log.warn("{} did not stop within {}", thread.getName(), SerialMllpListener.CLOSE_TIMEOUT);
    }
  }
}
