package org.ambulink.drivers.hl7;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.ambulink.drivers.hl7.Hl7DecodeException.ErrorCondition;

/**
 * Builds and reads HL7 v2 acknowledgements (original mode, v2.6). An ACK is how a monitor learns
 * whether its message was kept (AA), wrong (AE) or refused (AR); MLLP has no other delivery check.
 * Built as text directly: an ACK is two or three short segments and must be producible even when
 * the received message could not be parsed.
 */
public final class Hl7Acks {
  private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() * 1000);

  /** MSA-3 is an 80-character ST in v2.6; ERR-8 a 250-character TX. */
  private static final int MSA3_MAX = 80;

  private static final int ERR8_MAX = 250;

  private Hl7Acks() {}

  /**
   * An ACK for {@code received}: MSH with sending and receiving application/facility swapped, MSH-9
   * {@code ACK^<received trigger>^ACK}, MSA-1 {@code code}, MSA-2 the received MSH-10. For AE and
   * AR, MSA-3 and an ERR segment (ERR-3 207 application error, ERR-4 E, ERR-8) carry {@code text}.
   *
   * @param text the reason, naming the offending value; escaped here, line breaks become spaces
   */
  public static String ack(MessageHeader received, AckCode code, String text) {
    return build(received, code, text, ErrorCondition.APP_ERROR);
  }

  /**
   * The ACK for a message the decoder refused: AE or AR with the exception's sentence and HL7 error
   * condition (e.g. 200 unsupported message type, 203 unsupported version), or {@link
   * #ackForUnparseable} when not even MSH could be read.
   */
  public static String ackFor(Hl7DecodeException e) {
    return e.header()
        .map(h -> build(h, e.ackCode(), e.getMessage(), e.errorCondition()))
        .orElseGet(() -> ackForUnparseable(e.getMessage()));
  }

  /** An AR for input in which not even MSH could be read: MSA-2 is empty, ERR-8 says why. */
  public static String ackForUnparseable(String reason) {
    return build(
        new MessageHeader("", "", "2.6", "", "", "", ""),
        AckCode.AR,
        reason,
        ErrorCondition.SEGMENT_SEQUENCE);
  }

  private static String build(MessageHeader h, AckCode code, String text, int condition) {
    String event = Er7.part(h.messageType(), '^', 1).trim();
    StringBuilder b = new StringBuilder(256);
    b.append("MSH|^~\\&|")
        .append(Er7.sanitizeField(h.receivingApplication()))
        .append('|')
        .append(Er7.sanitizeField(h.receivingFacility()))
        .append('|')
        .append(Er7.sanitizeField(h.sendingApplication()))
        .append('|')
        .append(Er7.sanitizeField(h.sendingFacility()))
        .append('|');
    Hl7Time.append(b, Instant.now());
    b.append("||ACK");
    if (!event.isEmpty() && event.chars().allMatch(Character::isLetterOrDigit)) {
      b.append('^').append(event).append("^ACK");
    }
    b.append('|').append("ACK").append(Long.toString(SEQUENCE.incrementAndGet(), 36));
    b.append("|P|2.6|||NE|NE||UNICODE UTF-8\r");
    b.append("MSA|").append(code.name()).append('|').append(Er7.sanitizeField(h.controlId()));
    String reason = text == null ? "" : text.strip();
    if (code != AckCode.AA || !reason.isEmpty()) {
      b.append('|');
      Er7.appendEscaped(b, truncate(reason, MSA3_MAX));
    }
    b.append('\r');
    if (code != AckCode.AA) {
      b.append("ERR|||")
          .append(condition)
          .append('^')
          .append(ErrorCondition.text(condition))
          .append("^HL70357|E||||");
      Er7.appendEscaped(b, truncate(reason, ERR8_MAX));
      b.append('\r');
    }
    return b.toString();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  /**
   * Reads a peer's ACK: MSA-1 (CA/CE/CR read as AA/AE/AR), MSA-2, and the reason from MSA-3, else
   * ERR-8, else ERR-7, else the text of ERR-3.
   *
   * @throws Hl7DecodeException AR when the text has no MSH or no MSA segment, AE when MSA-1 is not
   *     an acknowledgement code
   */
  public static AckResult parse(String ackMessage) throws Hl7DecodeException {
    String msh = MessageHeader.findMsh(ackMessage);
    if (msh == null) {
      throw new Hl7DecodeException(
          AckCode.AR, "The reply has no MSH segment: it is not an HL7 acknowledgement.", null);
    }
    MessageHeader header = MessageHeader.peek(ackMessage);
    Delimiters d = Delimiters.lenient(msh);
    String text = Er7.normalize(ackMessage);
    String msa = null;
    String err = null;
    for (String segment : Er7.split(text, '\r')) {
      if (msa == null && segment.startsWith("MSA")) {
        msa = segment;
      } else if (err == null && segment.startsWith("ERR")) {
        err = segment;
      }
    }
    if (msa == null) {
      throw new Hl7DecodeException(
          AckCode.AR,
          "The reply to be read as an ACK has no MSA segment (message type '"
              + header.messageType()
              + "').",
          header);
    }
    String raw = Er7.field(msa, d, 1).trim().toUpperCase(Locale.ROOT);
    AckCode code =
        switch (raw) {
          case "AA", "CA" -> AckCode.AA;
          case "AE", "CE" -> AckCode.AE;
          case "AR", "CR" -> AckCode.AR;
          default ->
              throw new Hl7DecodeException(
                  AckCode.AE,
                  "MSA-1 acknowledgement code '" + raw + "' is not AA, AE, AR, CA, CE or CR.",
                  header);
        };
    String controlId = Er7.unescape(Er7.field(msa, d, 2).trim(), d);
    String reason = Er7.field(msa, d, 3);
    if (reason.isBlank() && err != null) {
      reason = Er7.field(err, d, 8);
      if (reason.isBlank()) {
        reason = Er7.field(err, d, 7);
      }
      if (reason.isBlank()) {
        reason = Er7.part(Er7.field(err, d, 3), d.component(), 1);
      }
    }
    return new AckResult(code, controlId, Er7.unescape(reason.strip(), d));
  }
}
