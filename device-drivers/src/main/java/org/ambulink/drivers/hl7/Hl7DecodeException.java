package org.ambulink.drivers.hl7;

import java.util.Objects;
import java.util.Optional;

/**
 * A message that intake cannot turn into data, with the acknowledgement code to answer it with: AE
 * when the message was understood but its content is wrong, AR when it is not HL7 or not a message
 * type or version intake takes. The message is a sentence naming the offending value; it never
 * carries patient identification.
 */
public final class Hl7DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final AckCode ackCode;
  private final transient MessageHeader header;
  private final int errorCondition;

  /**
   * @param ackCode AE or AR (AA is not a failure and is refused)
   * @param message what was wrong, with the offending value, and what the sender can do
   * @param header what could be read of the message header, or null when not even MSH was readable
   */
  public Hl7DecodeException(AckCode ackCode, String message, MessageHeader header) {
    this(ackCode, defaultCondition(ackCode), message, header);
  }

  Hl7DecodeException(AckCode ackCode, int errorCondition, String message, MessageHeader header) {
    super(message);
    Objects.requireNonNull(ackCode, "ackCode");
    if (ackCode == AckCode.AA) {
      throw new IllegalArgumentException("a decode failure cannot be acknowledged with AA");
    }
    this.ackCode = ackCode;
    this.errorCondition = errorCondition;
    this.header = header;
  }

  /** AE (content error) or AR (rejected). */
  public AckCode ackCode() {
    return ackCode;
  }

  /** The message header as far as it could be read; empty when there was no readable MSH. */
  public Optional<MessageHeader> header() {
    return Optional.ofNullable(header);
  }

  /**
   * The HL7 error condition code (table 0357) for ERR-3, e.g. 200 unsupported message type, 203
   * unsupported version, 102 data type error, 207 application error.
   */
  public int errorCondition() {
    return errorCondition;
  }

  private static int defaultCondition(AckCode code) {
    return code == AckCode.AR ? ErrorCondition.UNSUPPORTED_MESSAGE_TYPE : ErrorCondition.APP_ERROR;
  }

  /** Codes of HL7 table 0357 (message error condition codes) that intake uses. */
  static final class ErrorCondition {
    static final int SEGMENT_SEQUENCE = 100;
    static final int REQUIRED_FIELD_MISSING = 101;
    static final int DATA_TYPE = 102;
    static final int UNSUPPORTED_MESSAGE_TYPE = 200;
    static final int UNSUPPORTED_VERSION = 203;
    static final int APP_ERROR = 207;

    private ErrorCondition() {}

    static String text(int code) {
      return switch (code) {
        case SEGMENT_SEQUENCE -> "Segment sequence error";
        case REQUIRED_FIELD_MISSING -> "Required field missing";
        case DATA_TYPE -> "Data type error";
        case UNSUPPORTED_MESSAGE_TYPE -> "Unsupported message type";
        case 201 -> "Unsupported event code";
        case 202 -> "Unsupported processing id";
        case UNSUPPORTED_VERSION -> "Unsupported version id";
        default -> "Application internal error";
      };
    }
  }
}
