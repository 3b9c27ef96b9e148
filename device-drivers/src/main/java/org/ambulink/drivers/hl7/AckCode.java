package org.ambulink.drivers.hl7;

/**
 * HL7 v2 acknowledgement code (MSA-1, original mode): what the receiver tells the sender about a
 * message, so the sender knows whether to go on, fix the content or stop resending.
 */
public enum AckCode {
  /** Application accept: the message was understood and kept. */
  AA,
  /** Application error: the message was understood but its content is wrong. */
  AE,
  /** Application reject: not HL7, or a message type or version this receiver does not take. */
  AR
}
