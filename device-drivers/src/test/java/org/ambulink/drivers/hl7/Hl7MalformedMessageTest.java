package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed input as a table: what the decoder answers (AE or AR) and what its sentence names. */
class Hl7MalformedMessageTest {
  private static final String MSH = "MSH|^~\\&|MON^0123456789ABCDEF^EUI-64|WARD|||";
  private static final String BODY =
      "PID|||^^^^^AN\r"
          + "OBR|1|||182777000^monitoring of patient^SCT|||20240315143000+0000\r"
          + "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.147842|72|264864^MDC_DIM_BEAT_PER_MIN^MDC"
          + "|||||R|||20240315143000+0000\r";

  private final Hl7Decoder decoder = new Hl7Decoder();

  private static String msh(String time, String type, String id, String version) {
    return MSH + time + "||" + type + "|" + id + "|P|" + version + "\r";
  }

  private static String good(String time, String type, String id, String version) {
    return msh(time, type, id, version) + BODY;
  }

  static Stream<Arguments> malformed() {
    String ok = "20240315143005+0000";
    return Stream.of(
        Arguments.of("empty", "", AckCode.AR, "The message is empty"),
        Arguments.of("blank lines", " \r\n\r\n", AckCode.AR, "The message is empty"),
        Arguments.of("not HL7", "hello world", AckCode.AR, "No MSH segment"),
        Arguments.of("binary", "\u0000\u0001\u00ff\u00fe garbage", AckCode.AR, "No MSH segment"),
        Arguments.of(
            "MSH not first",
            "PID|||x\r" + good(ok, "ORU^R01", "C1", "2.6"),
            AckCode.AR,
            "does not start with an MSH"),
        Arguments.of("MSH cut off", "MSH", AckCode.AR, "cut off before its field separator"),
        Arguments.of(
            "repeated encoding character",
            good(ok, "ORU^R01", "C1", "2.6").replace("^~\\&", "^^\\&"),
            AckCode.AR,
            "encoding characters '^^\\&' are broken"),
        Arguments.of(
            "missing encoding characters",
            good(ok, "ORU^R01", "C1", "2.6").replace("^~\\&", "^~"),
            AckCode.AR,
            "'^~' are incomplete"),
        Arguments.of(
            "letter as delimiter",
            good(ok, "ORU^R01", "C1", "2.6").replace("^~\\&", "^~\\A"),
            AckCode.AR,
            "are broken"),
        Arguments.of(
            "other message type",
            msh(ok, "ADT^A01^ADT_A01", "C1", "2.6") + "EVN||20240315\r",
            AckCode.AR,
            "Message type 'ADT^A01' is not supported"),
        Arguments.of(
            "other ORU event",
            good(ok, "ORU^R30", "C1", "2.6"),
            AckCode.AR,
            "'ORU^R30' is not supported"),
        Arguments.of("no message type", good(ok, "", "C1", "2.6"), AckCode.AR, "MSH-9"),
        Arguments.of(
            "unknown version",
            good(ok, "ORU^R01", "C1", "2.9"),
            AckCode.AR,
            "HL7 version '2.9' in MSH-12"),
        Arguments.of(
            "version not a number",
            good(ok, "ORU^R01", "C1", "v3"),
            AckCode.AR,
            "HL7 version 'v3'"),
        Arguments.of("no version", good(ok, "ORU^R01", "C1", ""), AckCode.AR, "MSH-12"),
        Arguments.of("no control id", good(ok, "ORU^R01", "", "2.6"), AckCode.AR, "MSH-10"),
        Arguments.of(
            "message time not a timestamp",
            good("2024x", "ORU^R01", "C1", "2.6"),
            AckCode.AE,
            "MSH-7 message time '2024x' is not an HL7 timestamp"),
        Arguments.of(
            "impossible message date",
            good("20241345120000", "ORU^R01", "C1", "2.6"),
            AckCode.AE,
            "'20241345120000'"),
        Arguments.of(
            "bad message time offset",
            good("20240315143005+25", "ORU^R01", "C1", "2.6"),
            AckCode.AE,
            "'20240315143005+25'"),
        Arguments.of(
            "no message time and no OBR-7",
            msh("", "ORU^R01", "C1", "2.6")
                + "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1|72|264864^MDC_DIM_BEAT_PER_MIN^MDC\r",
            AckCode.AE,
            "MSH-7 message time is empty"),
        Arguments.of(
            "no OBX",
            msh(ok, "ORU^R01", "C1", "2.6") + "PID|||^^^^^AN\rOBR|1\r",
            AckCode.AE,
            "ORU^R01 message has no OBX segment"),
        Arguments.of(
            "no device id",
            "MSH|^~\\&|||||"
                + ok
                + "||ORU^R01|C1|P|2.6\r"
                + "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1|72|264864^MDC_DIM_BEAT_PER_MIN^MDC\r",
            AckCode.AE,
            "MSH-3 and every OBX-18 are empty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformed_message_is_answered_with_the_right_code_and_reason(
      String name, String raw, AckCode code, String fragment) {
    Hl7DecodeException e =
        catchThrowableOfType(Hl7DecodeException.class, () -> decoder.decode(raw));

    assertThat(e).as(name).isNotNull();
    assertThat(e.ackCode()).as(name).isEqualTo(code);
    assertThat(e.getMessage()).as(name).contains(fragment);
  }

  @Test
  void refusal_keeps_the_header_so_the_ack_can_name_the_message() {
    Hl7DecodeException e =
        catchThrowableOfType(
            Hl7DecodeException.class,
            () -> decoder.decode(good("20240315143005", "ADT^A01", "CTL-7", "2.6")));

    assertThat(e.header()).get().extracting(MessageHeader::controlId).isEqualTo("CTL-7");
    assertThat(e.errorCondition()).isEqualTo(200);
  }

  @Test
  void unreadable_text_has_no_header() {
    Hl7DecodeException e =
        catchThrowableOfType(Hl7DecodeException.class, () -> decoder.decode("garbage"));

    assertThat(e.header()).isEmpty();
  }

  @Test
  void a_valid_message_in_the_same_shape_decodes() throws Exception {
    assertThat(decoder.decode(good("20240315143005+0000", "ORU^R01", "C1", "2.6")).observations())
        .hasSize(1);
    assertThat(decoder.decode(good("20240315143005", "ORU^R01", "C1", "2.3.1")).observations())
        .hasSize(1);
  }

  /**
   * Whatever bytes arrive, the decoder answers with data or an Hl7DecodeException, never with any
   * other exception: fixtures cut, spliced and sprinkled with delimiters.
   */
  @Test
  void mangled_fixtures_never_escape_as_other_exceptions() {
    String[] names = {
      "pcd01-vitals-philips.hl7",
      "wcm-12lead-na.hl7",
      "wcm-ma.hl7",
      "oru-w01-v24.hl7",
      "pcd04-alarms.hl7",
      "dirty-mindray.hl7"
    };
    String noise = "|^~\\&\r\n.-9 X0";
    Random random = new Random(20240315);
    for (int i = 0; i < 3000; i++) {
      StringBuilder b = new StringBuilder(Hl7Fixtures.load(names[random.nextInt(names.length)]));
      int edits = 1 + random.nextInt(6);
      for (int k = 0; k < edits && b.length() > 0; k++) {
        int at = random.nextInt(b.length());
        switch (random.nextInt(4)) {
          case 0 -> b.setCharAt(at, noise.charAt(random.nextInt(noise.length())));
          case 1 -> b.setLength(Math.max(at, 4));
          case 2 -> b.deleteCharAt(at);
          default -> b.insert(at, noise.charAt(random.nextInt(noise.length())));
        }
      }
      String input = b.toString();
      try {
        decoder.decode(input);
      } catch (Hl7DecodeException e) {
        assertThat(e.getMessage()).isNotBlank();
      } catch (RuntimeException e) {
        throw new AssertionError("escaped on input " + input.replace('\r', '\n'), e);
      }
    }
  }

  @Test
  void null_is_refused_like_an_empty_message() {
    assertThatThrownBy(() -> decoder.decode(null))
        .isInstanceOf(Hl7DecodeException.class)
        .hasMessageContaining("empty");
  }
}
