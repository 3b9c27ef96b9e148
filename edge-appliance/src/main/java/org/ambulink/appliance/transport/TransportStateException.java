package org.ambulink.appliance.transport;

/** The action does not fit the transport's state (e.g. Handover with no transport en route). */
public final class TransportStateException extends RuntimeException {
  public TransportStateException(String message) {
    super(message);
  }
}
