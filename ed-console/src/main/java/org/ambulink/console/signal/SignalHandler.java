package org.ambulink.console.signal;

import org.ambulink.console.signal.SignalMessages.Bad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.node.ObjectNode;

/**
 * What both endpoints share: one JSON object per text message, checked before anything else; every
 * refusal answered with an error and logged. The container calls one socket's methods one at a
 * time.
 *
 * @param <P> the party behind a socket, kept in the socket's attributes
 */
abstract class SignalHandler<P> extends TextWebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(SignalRelay.class);

  private final String key = getClass().getName() + ".party";
  protected final SignalRelay relay;

  SignalHandler(SignalRelay relay) {
    this.relay = relay;
  }

  /** The party of a new socket; null when it is refused (and closed). */
  abstract P open(WebSocketSession session);

  abstract Peer peer(P party);

  abstract void handle(P party, String type, ObjectNode message, String raw) throws Bad;

  abstract void closed(P party, CloseStatus status);

  @Override
  public void afterConnectionEstablished(WebSocketSession session) throws Exception {
    P party = open(session);
    if (party != null) {
      session.getAttributes().put(key, party);
    }
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    P party = party(session);
    if (party == null) {
      return;
    }
    Peer peer = peer(party);
    int bytes = message.getPayloadLength();
    if (bytes > SignalRelay.MAX_MESSAGE_BYTES) {
      // the container counts characters; a message of multi-byte characters can pass it
      // (logged when the close comes back in afterConnectionClosed)
      peer.close(
          CloseStatus.TOO_BIG_TO_PROCESS.withReason(
              "message of "
                  + bytes
                  + " bytes is over "
                  + SignalRelay.MAX_MESSAGE_BYTES
                  + " bytes"));
      return;
    }
    String type = null;
    try {
      ObjectNode m = SignalMessages.parse(message.getPayload());
      type = SignalMessages.type(m);
      handle(party, type, m, message.getPayload());
      peer.accepted();
    } catch (Bad e) {
      peer.refuse(forLog(type), e.reason());
    } catch (RuntimeException e) {
      log.error("signal {}: type {}: failed", peer.who(), forLog(type), e);
      peer.send(SignalMessages.error("the console failed to handle type " + forLog(type)));
    }
  }

  @Override
  protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
    P party = party(session);
    if (party != null) {
      peer(party)
          .refuse(
              "?",
              "a binary frame ("
                  + message.getPayloadLength()
                  + " bytes) is not accepted: send a JSON object as text");
    }
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) {
    P party = party(session);
    log.debug(
        "signal {}: transport error: {}",
        party == null ? session.getId() : peer(party).who(),
        exception.toString());
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    P party = party(session);
    if (party == null) {
      return;
    }
    if (status.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()) {
      log.warn(
          "signal {}: type ?: closed with 1009, a message over {} bytes: {}",
          peer(party).who(),
          SignalRelay.MAX_MESSAGE_BYTES,
          status.getReason());
    }
    closed(party, status);
  }

  /** The type for a log line: quoted, or {@code ?} when the message had none. */
  private static String forLog(String type) {
    return type == null ? "?" : SignalMessages.quote(type);
  }

  @SuppressWarnings("unchecked")
  private P party(WebSocketSession session) {
    return (P) session.getAttributes().get(key);
  }
}
