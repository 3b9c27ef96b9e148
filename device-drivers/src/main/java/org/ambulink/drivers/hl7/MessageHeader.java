package org.ambulink.drivers.hl7;

import java.util.Objects;

/**
 * The parts of an MSH segment needed to acknowledge a message, read leniently so that even a
 * message HAPI cannot parse gets a proper ACK. Fields hold the field's ER7 text re-written into the
 * standard delimiters {@code ^~\&} (components separated by {@code ^}, escapes kept), so they can
 * be placed into an ACK as they are.
 *
 * @param controlId MSH-10, echoed in MSA-2
 * @param messageType MSH-9 message code and trigger event, e.g. {@code ORU^R01}
 * @param version MSH-12 version id, e.g. {@code 2.6}
 * @param sendingApplication MSH-3, e.g. {@code AMBULINK_SIM^0123456789ABCDEF^EUI-64}
 * @param sendingFacility MSH-4
 * @param receivingApplication MSH-5
 * @param receivingFacility MSH-6
 */
public record MessageHeader(
    String controlId,
    String messageType,
    String version,
    String sendingApplication,
    String sendingFacility,
    String receivingApplication,
    String receivingFacility) {

  public MessageHeader {
    controlId = Objects.toString(controlId, "");
    messageType = Objects.toString(messageType, "");
    version = Objects.toString(version, "");
    sendingApplication = Objects.toString(sendingApplication, "");
    sendingFacility = Objects.toString(sendingFacility, "");
    receivingApplication = Objects.toString(receivingApplication, "");
    receivingFacility = Objects.toString(receivingFacility, "");
  }

  /**
   * Lenient extraction from raw text (segments separated by {@code \r}, {@code \n} or {@code
   * \r\n}); works even when HAPI cannot parse the message.
   *
   * @throws Hl7DecodeException with {@link AckCode#AR} when there is no MSH segment at all
   */
  public static MessageHeader peek(String rawMessage) throws Hl7DecodeException {
    String msh = findMsh(rawMessage);
    if (msh == null) {
      String what =
          rawMessage == null || rawMessage.isBlank()
              ? "The message is empty"
              : "No MSH segment was found";
      throw new Hl7DecodeException(
          AckCode.AR,
          what + ": this is not an HL7 v2 message (it must start with MSH|^~\\&|).",
          null);
    }
    Delimiters d = Delimiters.lenient(msh);
    String type = Er7.toStandard(Er7.field(msh, d, 9), d);
    int second = type.indexOf('^', type.indexOf('^') + 1);
    if (second >= 0) {
      type = type.substring(0, second);
    }
    String version = Er7.part(Er7.field(msh, d, 12), d.component(), 0).trim();
    return new MessageHeader(
        Er7.toStandard(Er7.field(msh, d, 10), d).trim(),
        type.trim(),
        Er7.toStandard(version, d),
        Er7.toStandard(Er7.field(msh, d, 3), d),
        Er7.toStandard(Er7.field(msh, d, 4), d),
        Er7.toStandard(Er7.field(msh, d, 5), d),
        Er7.toStandard(Er7.field(msh, d, 6), d));
  }

  /** The MSH segment's text, or null when there is none. */
  static String findMsh(String raw) {
    if (raw == null) {
      return null;
    }
    int n = raw.length();
    int i = 0;
    while (i < n) {
      int lineEnd = i;
      while (lineEnd < n && raw.charAt(lineEnd) != '\r' && raw.charAt(lineEnd) != '\n') {
        lineEnd++;
      }
      int s = i;
      while (s < lineEnd && isLeadingJunk(raw.charAt(s))) {
        s++;
      }
      if (raw.startsWith("MSH", s)
          && s + 3 <= lineEnd
          && (s + 3 == lineEnd || !Character.isLetterOrDigit(raw.charAt(s + 3)))) {
        return raw.substring(s, lineEnd);
      }
      i = lineEnd + 1;
    }
    return null;
  }

  private static boolean isLeadingJunk(char c) {
    return c <= ' ' || c == '\uFEFF' || c == 0x0B;
  }
}
