package org.ambulink.console.events;

/** One event of a batch cannot be accepted; the reason names the field and the value. */
class BadEventException extends RuntimeException {
  BadEventException(String reason) {
    super(reason);
  }
}
