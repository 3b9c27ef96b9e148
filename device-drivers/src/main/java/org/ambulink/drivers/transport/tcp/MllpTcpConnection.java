package org.ambulink.drivers.transport.tcp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpDecoder;
import org.ambulink.drivers.mllp.MllpProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted monitor connection: a read loop that decodes frames and hands them to the handler,
 * and a write loop that sends their ACKs in arrival order as the handler's stages complete.
 */
final class MllpTcpConnection {
  private static final Logger log = LoggerFactory.getLogger(MllpTcpConnection.class);

  /** A frame handed to the handler whose ACK is not yet written; {@link #END} ends the queue. */
  private record Pending(long seq, int payloadBytes, CompletableFuture<byte[]> ack) {}

  private static final Pending END = new Pending(-1, 0, null);

  private final Socket socket;
  private final String peer;
  private final int maxInFlight;
  private final Duration readTimeout;
  private final FrameHandler handler;
  private final LinkListener listener;
  private final Consumer<MllpTcpConnection> onFinished;
  private final MllpDecoder decoder;
  private final Semaphore inFlight;
  private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final AtomicReference<String> closeReason = new AtomicReference<>();
  private final AtomicInteger runningTasks = new AtomicInteger(2);
  private Thread reader;
  private Thread writer;
  private volatile String endOfInputReason = "peer closed the connection";
  private long framesReceived;

  MllpTcpConnection(
      Socket socket,
      String peer,
      int maxFrameBytes,
      int maxInFlight,
      Duration readTimeout,
      FrameHandler handler,
      LinkListener listener,
      Consumer<MllpTcpConnection> onFinished) {
    this.socket = socket;
    this.peer = peer;
    this.maxInFlight = maxInFlight;
    this.readTimeout = readTimeout;
    this.handler = handler;
    this.listener = listener;
    this.onFinished = onFinished;
    this.decoder = new MllpDecoder(maxFrameBytes);
    this.inFlight = new Semaphore(maxInFlight);
  }

  void readLoop() {
    String threadName = Thread.currentThread().getName();
    Thread.currentThread().setName("mllp-tcp-read-" + peer);
    setThread(true, Thread.currentThread());
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      MllpDecoder.Sink sink = new FrameSink();
      while (closeReason.get() == null) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          if (inFlight.availablePermits() < maxInFlight) {
            continue; // the monitor is waiting for our ACKs, not silent
          }
          MllpTcpListener.safely(() -> listener.silent(peer, readTimeout));
          close("no data for " + readTimeout + " (read timeout); closed");
          break;
        }
        if (n < 0) {
          if (reportPartialFrame()) {
            endOfInputReason = "peer closed the connection mid-frame";
          }
          pending.add(END); // the writer drains the remaining ACKs, then closes
          break;
        }
        int count = n;
        MllpTcpListener.safely(() -> listener.bytesReceived(peer, count));
        decoder.feed(buf, 0, n, sink);
      }
    } catch (IOException e) {
      close("read failed: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("MLLP read loop for {} failed", peer, e);
      close("internal error: " + e.getClass().getSimpleName());
    } finally {
      reportPartialFrame(); // a reset, timeout or close mid-frame loses that frame too
      setThread(true, null);
      Thread.interrupted(); // set by a close() while waiting for an in-flight slot
      Thread.currentThread().setName(threadName);
      taskEnded();
    }
  }

  void writeLoop() {
    String threadName = Thread.currentThread().getName();
    Thread.currentThread().setName("mllp-tcp-write-" + peer);
    setThread(false, Thread.currentThread());
    try {
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      while (closeReason.get() == null) {
        Pending p = pending.take();
        if (p == END) {
          out.flush();
          close(endOfInputReason);
          break;
        }
        byte[] ack;
        try {
          ack = p.ack().get();
          if (ack == null) {
            throw new ExecutionException(new NullPointerException("handler completed with null"));
          }
        } catch (ExecutionException | CancellationException e) {
          Throwable cause =
              e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
          // The cause's message may quote the message, so only its type goes to the WARN log.
          log.warn(
              "MLLP handler failed on frame #{} ({} bytes) from {}: {}; closing the connection"
                  + " (the monitor resends unacknowledged messages)",
              p.seq(),
              p.payloadBytes(),
              peer,
              cause.getClass().getName());
          log.debug("MLLP handler failure on frame #{} from {}", p.seq(), peer, cause);
          close("handler failed (" + cause.getClass().getSimpleName() + "); closed");
          break;
        }
        out.write(Mllp.frame(ack));
        inFlight.release();
        Pending next = pending.peek();
        if (next == null || next.ack() == null || !next.ack().isDone()) {
          out.flush();
        }
      }
    } catch (InterruptedException e) {
      close("interrupted"); // only by close(), which has set the real reason already
    } catch (IOException e) {
      close("write failed: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("MLLP write loop for {} failed", peer, e);
      close("internal error: " + e.getClass().getSimpleName());
    } finally {
      setThread(false, null);
      Thread.interrupted(); // a close() from this thread may have interrupted it
      Thread.currentThread().setName(threadName);
      taskEnded();
    }
  }

  /** Closes the socket and wakes both loops; the first reason given is the one reported. */
  void close(String reason) {
    if (!closeReason.compareAndSet(null, reason)) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing MLLP socket of {}", peer, e);
    }
    interruptOthers();
  }

  /** One of the two loops could not be started (listener closing): count it as ended. */
  void taskNotStarted(String reason) {
    close(reason);
    taskEnded();
  }

  private synchronized void setThread(boolean isReader, Thread t) {
    if (isReader) {
      reader = t;
    } else {
      writer = t;
    }
  }

  // Synchronized with setThread so a pooled thread is never interrupted after it left this
  // connection for other work.
  private synchronized void interruptOthers() {
    Thread self = Thread.currentThread();
    if (reader != null && reader != self) {
      reader.interrupt();
    }
    if (writer != null && writer != self) {
      writer.interrupt();
    }
  }

  private void taskEnded() {
    if (runningTasks.decrementAndGet() == 0) {
      close("closed");
      String reason = closeReason.get();
      log.info("MLLP connection from {} ended: {}", peer, reason);
      MllpTcpListener.safely(() -> listener.disconnected(peer, reason));
      onFinished.accept(this);
    }
  }

  /** Ends the decoder's stream; reports and returns whether a partial frame was discarded. */
  private boolean reportPartialFrame() {
    return decoder
        .endOfStream()
        .map(
            e -> {
              reportRejected("connection closed mid-frame: " + e.getMessage());
              return true;
            })
        .orElse(false);
  }

  private void reportRejected(String reason) {
    log.warn("MLLP frame from {} rejected: {}", peer, reason);
    MllpTcpListener.safely(() -> listener.frameRejected(peer, reason));
  }

  /** Hands decoded frames to the handler, in order, within the in-flight bound. */
  private final class FrameSink implements MllpDecoder.Sink {
    @Override
    public void frame(byte[] payload) {
      try {
        inFlight.acquire(); // backpressure: wait for the writer to catch up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing: drop the frame unacknowledged
        return;
      }
      long seq = ++framesReceived;
      CompletableFuture<byte[]> ack = FrameHandler.ackOf(handler, payload, peer);
      pending.add(new Pending(seq, payload.length, ack));
    }

    @Override
    public void garbage(int skippedBytes) {
      MllpTcpListener.safely(() -> listener.garbageSkipped(peer, skippedBytes));
    }

    @Override
    public void rejected(MllpProtocolException e) {
      reportRejected(e.getMessage());
    }
  }
}
