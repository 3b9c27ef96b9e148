package org.ambulink.appliance.webrtc;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data channel of an {@link RtcPeer}. Messages are binary and must fit in one SCTP message
 * (webrtc-java does not fragment: chunk larger payloads).
 *
 * <p>The message handler runs on a native WebRTC thread and gets its own copy of the bytes (the
 * native buffer is freed when the callback returns). It must not block: hand work to another
 * thread. Sending from it is fine.
 */
public final class RtcChannel {
  private static final Logger log = LoggerFactory.getLogger(RtcChannel.class);

  private final String label;
  private final RTCDataChannel channel;
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
  private volatile Consumer<byte[]> handler = bytes -> {};
  private volatile Consumer<String> textHandler = text -> {};
  private volatile boolean disposed;
  private final Object bufferLock = new Object();
  private long bufferChanges; // guarded by bufferLock
  private final java.util.concurrent.atomic.AtomicInteger inNative =
      new java.util.concurrent.atomic.AtomicInteger();

  RtcChannel(String label, RTCDataChannel channel) {
    this.label = label;
    this.channel = channel;
    channel.registerObserver(
        new RTCDataChannelObserver() {
          @Override
          public void onBufferedAmountChange(long previousAmount) {
            bufferChanged();
          }

          @Override
          public void onStateChange() {
            stateChanged();
          }

          @Override
          public void onMessage(RTCDataChannelBuffer buffer) {
            received(buffer);
          }
        });
  }

  public String label() {
    return label;
  }

  /** Sets what receives each message (a copy), on a native thread; must not block. */
  public void onMessage(Consumer<byte[]> handler) {
    this.handler = handler == null ? bytes -> {} : handler;
  }

  /** Sets what receives each text (UTF-8) message, on a native thread; must not block. */
  public void onText(Consumer<String> handler) {
    this.textHandler = handler == null ? text -> {} : handler;
  }

  /** Completes when the channel is open; fails if it closes before opening. */
  public CompletableFuture<Void> opened() {
    return opened;
  }

  /** Completes when the channel has closed (either side). */
  public CompletableFuture<Void> closed() {
    return closedFuture;
  }

  public boolean isOpen() {
    if (!enter()) {
      return false;
    }
    try {
      return channel.getState() == RTCDataChannelState.OPEN;
    } finally {
      exit();
    }
  }

  /** Bytes queued for sending and not yet handed to the transport. */
  /**
   * Waits until at most {@code limit} bytes are queued (woken by the channel's buffered-amount
   * callback, not by polling). False when the channel closed or {@code timeout} passed first.
   */
  public boolean awaitBufferedAtMost(long limit, java.time.Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long seen;
      synchronized (bufferLock) {
        seen = bufferChanges;
      }
      // the native reads happen outside the lock: the callback that wakes us needs it
      if (!isOpen()) {
        return false;
      }
      if (bufferedAmount() <= limit) {
        return true;
      }
      synchronized (bufferLock) {
        while (bufferChanges == seen) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(bufferLock, left);
        }
      }
    }
  }

  private void bufferChanged() {
    synchronized (bufferLock) { // held only for this, never around a native call
      bufferChanges++;
      bufferLock.notifyAll();
    }
  }

  public long bufferedAmount() {
    if (!enter()) {
      return 0;
    }
    try {
      return channel.getBufferedAmount();
    } finally {
      exit();
    }
  }

  /**
   * Queues one binary message. Throws {@link IllegalStateException} when the channel is not open or
   * the native send fails (e.g. the send buffer is full).
   */
  public void send(byte[] message) {
    send(message, true);
  }

  /** Queues one text message (UTF-8), as {@link #send(byte[])} does a binary one. */
  public void sendText(String message) {
    send(message.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  private void send(byte[] message, boolean binary) {
    if (!enter()) {
      throw new IllegalStateException("data channel " + label + " is closed");
    }
    try {
      channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(message), binary));
    } catch (Exception e) {
      throw new IllegalStateException("could not send on data channel " + label, e);
    } finally {
      exit();
    }
  }

  /*
   * No lock is held around native calls: libwebrtc runs them on its signaling thread, which is
   * also the thread that delivers our callbacks, so a callback waiting for a lock held by a caller
   * waiting for that thread would deadlock. Instead, callers count themselves in (enter/exit) and
   * dispose() frees the native channel only once the count is back to zero.
   */
  private boolean enter() {
    inNative.incrementAndGet();
    if (disposed) {
      inNative.decrementAndGet();
      return false;
    }
    return true;
  }

  private void exit() {
    inNative.decrementAndGet();
  }

  private void stateChanged() {
    if (disposed) {
      return; // dispose() waits for a callback in flight before freeing the channel
    }
    RTCDataChannelState state = channel.getState();
    bufferChanged(); // a waiter for the buffer learns the channel closed
    if (state == RTCDataChannelState.OPEN) {
      opened.complete(null);
    } else if (state == RTCDataChannelState.CLOSED) {
      opened.completeExceptionally(
          new IllegalStateException("data channel " + label + " closed before it opened"));
      closedFuture.complete(null);
    }
  }

  private void received(RTCDataChannelBuffer buffer) {
    ByteBuffer data = buffer.data;
    byte[] copy = new byte[data.remaining()];
    data.get(copy);
    try {
      if (buffer.binary) {
        handler.accept(copy);
      } else {
        textHandler.accept(new String(copy, java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      // never let an exception travel back into native code
      log.warn("message handler of data channel {} failed", label, e);
    }
  }

  /** Teardown in the order that does not abort the JVM: unregister, close, dispose. */
  void dispose() {
    synchronized (this) {
      if (disposed) {
        return;
      }
      disposed = true; // from now on no call of ours reaches the native channel
    }
    channel.unregisterObserver(); // waits for a callback in flight; none comes after it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (inNative.get() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // a send or a state read that began before disposed was set
    }
    channel.close();
    channel.dispose();
    bufferChanged();
    opened.completeExceptionally(new IllegalStateException("data channel " + label + " closed"));
    closedFuture.complete(null);
  }
}
