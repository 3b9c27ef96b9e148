package org.ambulink.console.signal;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

/**
 * One signaling socket, appliance or viewer. Any thread may send to it: sends go through a {@link
 * ConcurrentWebSocketSessionDecorator}, so a peer that does not read its socket holds up at most
 * one sender, and is closed once a send has taken {@link SignalRelay#SEND_TIME_LIMIT_MS} or its
 * unsent messages exceed {@link SignalRelay#SEND_BUFFER_LIMIT_BYTES}.
 */
final class Peer {
  private static final Logger log = LoggerFactory.getLogger(SignalRelay.class);

  private final ConcurrentWebSocketSessionDecorator session;
  private final String who;
  private final Executor closer;
  private final AtomicInteger errorsInARow = new AtomicInteger();

  Peer(WebSocketSession session, String who, Executor closer) {
    this.session =
        new ConcurrentWebSocketSessionDecorator(
            session, SignalRelay.SEND_TIME_LIMIT_MS, SignalRelay.SEND_BUFFER_LIMIT_BYTES);
    this.who = who;
    this.closer = closer;
  }

  /** Who this is, for the log: {@code appliance medic-12}, {@code viewer dr.house (id)}. */
  String who() {
    return who;
  }

  void send(String json) {
    try {
      session.sendMessage(new TextMessage(json));
    } catch (SessionLimitExceededException e) {
      log.warn("signal {}: does not read its socket, closing it: {}", who, e.getMessage());
      closeLater(e.getStatus());
    } catch (IOException | IllegalStateException e) {
      log.debug("signal {}: not sent, the socket is gone: {}", who, e.toString());
    }
  }

  /** A message was accepted: the count of errors in a row starts again. */
  void accepted() {
    errorsInARow.set(0);
  }

  /**
   * Answers a message with an error and logs it; the {@value SignalRelay#MAX_ERRORS_IN_A_ROW}th
   * error in a row closes the socket (1008).
   */
  void refuse(String type, String reason) {
    log.warn("signal {}: type {}: {}", who, type, reason);
    send(SignalMessages.error(reason));
    int n = errorsInARow.incrementAndGet();
    if (n >= SignalRelay.MAX_ERRORS_IN_A_ROW) {
      log.warn("signal {}: {} errors in a row, closing the socket", who, n);
      close(CloseStatus.POLICY_VIOLATION.withReason(n + " errors in a row"));
    }
  }

  void close(CloseStatus status) {
    try {
      session.close(status);
    } catch (IOException | RuntimeException e) {
      log.debug("signal {}: close failed: {}", who, e.toString());
    }
  }

  /**
   * Closes on another thread: closing a socket whose peer does not read may wait for the
   * container's own send timeout, and no other peer's thread should wait for that.
   */
  void closeLater(CloseStatus status) {
    try {
      closer.execute(() -> close(status));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      close(status); // the console is stopping
    }
  }

  boolean isOpen() {
    return session.isOpen();
  }
}
