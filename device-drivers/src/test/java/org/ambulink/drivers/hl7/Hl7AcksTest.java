package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ACKs as a monitor reads them: checked with our own reader and with HAPI's validating parser. */
class Hl7AcksTest {
  private static final HapiContext HAPI =
      new DefaultHapiContext(new CanonicalModelClassFactory("2.6"));

  private static final MessageHeader RECEIVED =
      new MessageHeader(
          "PMX0000815",
          "ORU^R01",
          "2.6",
          "PHILIPS_MX800^0018B1FFFE0A1B2C^EUI-64",
          "PHILIPS",
          "AMBULINK_EDGE^ACDE48FFFE000001^EUI-64",
          "AMBULINK");

  @AfterAll
  static void close() throws Exception {
    HAPI.close();
  }

  private static String[] segments(String ack) {
    return ack.split("\r");
  }

  private static String field(String segment, int n) {
    String[] f = segment.split("\\|", -1);
    int i = segment.startsWith("MSH") ? n - 1 : n;
    return i < f.length ? f[i] : "";
  }

  @Test
  void aa_echoes_the_control_id_and_swaps_applications() throws Exception {
    String ack = Hl7Acks.ack(RECEIVED, AckCode.AA, "");

    String[] s = segments(ack);
    assertThat(s).hasSize(2);
    assertThat(field(s[0], 3)).isEqualTo("AMBULINK_EDGE^ACDE48FFFE000001^EUI-64");
    assertThat(field(s[0], 4)).isEqualTo("AMBULINK");
    assertThat(field(s[0], 5)).isEqualTo("PHILIPS_MX800^0018B1FFFE0A1B2C^EUI-64");
    assertThat(field(s[0], 6)).isEqualTo("PHILIPS");
    assertThat(field(s[0], 7)).matches("\\d{14}\\.\\d{3,4}\\+0000");
    assertThat(field(s[0], 9)).isEqualTo("ACK^R01^ACK");
    assertThat(field(s[0], 10)).isNotBlank().isNotEqualTo("PMX0000815");
    assertThat(field(s[0], 12)).isEqualTo("2.6");
    assertThat(s[1]).isEqualTo("MSA|AA|PMX0000815");
    assertThat(Hl7Acks.parse(ack)).isEqualTo(new AckResult(AckCode.AA, "PMX0000815", ""));
  }

  @Test
  void each_ack_has_its_own_control_id() {
    String a = field(segments(Hl7Acks.ack(RECEIVED, AckCode.AA, ""))[0], 10);
    String b = field(segments(Hl7Acks.ack(RECEIVED, AckCode.AA, ""))[0], 10);

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void ae_carries_the_reason_escaped_in_msa_3_and_err_8() throws Exception {
    String reason = "OBX-5 value 'a|b^c&d~e\\f' is bad\r\nfix it";

    String ack = Hl7Acks.ack(RECEIVED, AckCode.AE, reason);

    String[] s = segments(ack);
    assertThat(s).hasSize(3);
    assertThat(field(s[1], 1)).isEqualTo("AE");
    assertThat(field(s[1], 2)).isEqualTo("PMX0000815");
    assertThat(field(s[1], 3))
        .isEqualTo("OBX-5 value 'a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f' is bad  fix it");
    assertThat(s[2]).startsWith("ERR|||207^Application internal error^HL70357|E||||");
    assertThat(field(s[2], 8)).isEqualTo(field(s[1], 3));
    assertThat(Hl7Acks.parse(ack).text()).isEqualTo("OBX-5 value 'a|b^c&d~e\\f' is bad  fix it");
  }

  @Test
  void hapi_reads_our_ack_with_validation_on() throws Exception {
    String ack = Hl7Acks.ack(RECEIVED, AckCode.AR, "Message type 'ADT^A01' is not supported");

    ACK parsed = (ACK) HAPI.getPipeParser().parse(ack);

    assertThat(parsed.getMSA().getMsa1_AcknowledgmentCode().getValue()).isEqualTo("AR");
    assertThat(parsed.getMSA().getMsa2_MessageControlID().getValue()).isEqualTo("PMX0000815");
    assertThat(parsed.getERR(0).getErr8_UserMessage().getValue())
        .isEqualTo("Message type 'ADT^A01' is not supported");
    assertThat(parsed.getMSH().getMsh9_MessageType().getMsg2_TriggerEvent().getValue())
        .isEqualTo("R01");
  }

  @Test
  void long_reasons_are_cut_to_the_field_lengths() throws Exception {
    String reason = "x".repeat(400);

    String[] s = segments(Hl7Acks.ack(RECEIVED, AckCode.AE, reason));

    assertThat(field(s[1], 3)).hasSize(80).endsWith("...");
    assertThat(field(s[2], 8)).hasSize(250).endsWith("...");
  }

  @Test
  void decoder_refusal_becomes_an_ack_with_its_error_condition() throws Exception {
    Hl7DecodeException e =
        catchThrowableOfType(
            Hl7DecodeException.class,
            () ->
                new Hl7Decoder()
                    .decode(
                        "MSH|^~\\&|MON|WARD|||20240315143005||ADT^A01|CTL-9|P|2.6\rEVN||20240315\r"));

    String ack = Hl7Acks.ackFor(e);

    String[] s = segments(ack);
    assertThat(field(s[0], 9)).isEqualTo("ACK^A01^ACK");
    assertThat(field(s[0], 5)).isEqualTo("MON");
    assertThat(s[1]).startsWith("MSA|AR|CTL-9|Message type 'ADT\\S\\A01' is not supported");
    assertThat(field(s[2], 3)).isEqualTo("200^Unsupported message type^HL70357");
    AckResult r = Hl7Acks.parse(ack);
    assertThat(r.code()).isEqualTo(AckCode.AR);
    assertThat(r.controlId()).isEqualTo("CTL-9");
    assertThat(r.text()).startsWith("Message type 'ADT^A01' is not supported");
  }

  @Test
  void unparseable_input_gets_an_ar_without_control_id() throws Exception {
    Hl7DecodeException e =
        catchThrowableOfType(Hl7DecodeException.class, () -> new Hl7Decoder().decode("hello"));

    String ack = Hl7Acks.ackFor(e);

    assertThat(segments(ack)[1]).startsWith("MSA|AR||No MSH segment was found");
    assertThat(field(segments(ack)[0], 9)).isEqualTo("ACK");
    assertThat(Hl7Acks.parse(ack).controlId()).isEmpty();
    assertThat(HAPI.getPipeParser().parse(ack)).isInstanceOf(ACK.class);
    assertThat(Hl7Acks.ackForUnparseable("no frame")).contains("MSA|AR||no frame\r");
  }

  @ParameterizedTest
  @CsvSource({"AA,AA", "AE,AE", "AR,AR", "CA,AA", "CE,AE", "CR,AR", "aa,AA"})
  void parse_reads_original_and_commit_mode_codes(String msa1, AckCode expected) throws Exception {
    String ack = "MSH|^~\\&|A|B|C|D|20240315143005||ACK^R01^ACK|9|P|2.6\rMSA|" + msa1 + "|C1\r";

    assertThat(Hl7Acks.parse(ack).code()).isEqualTo(expected);
  }

  @Test
  void parse_takes_the_reason_from_err_when_msa_3_is_empty() throws Exception {
    String ack =
        "MSH|^~\\&|A|B|C|D|20240315143005||ACK|9|P|2.5\n"
            + "MSA|AE|C1\n"
            + "ERR||OBX^3^5|102^Data type error^HL70357|E||||bad value in OBX\\S\\3\n";

    assertThat(Hl7Acks.parse(ack)).isEqualTo(new AckResult(AckCode.AE, "C1", "bad value in OBX^3"));
    assertThat(Hl7Acks.parse(ack.replace("||||bad value in OBX\\S\\3", "")).text())
        .isEqualTo("Data type error");
  }

  @Test
  void parse_reads_non_standard_delimiters() throws Exception {
    String ack =
        "MSH#$~\\&#A#B#C#D#20240315143005##ACK$R01#9#P#2.6\rMSA#AE#C1#it has a \\F\\ sign and a ^\r";

    assertThat(Hl7Acks.parse(ack))
        .isEqualTo(new AckResult(AckCode.AE, "C1", "it has a # sign and a ^"));
  }

  @Test
  void parse_refuses_what_is_not_an_ack() {
    Hl7DecodeException noMsh =
        catchThrowableOfType(Hl7DecodeException.class, () -> Hl7Acks.parse("hello"));
    Hl7DecodeException noMsa =
        catchThrowableOfType(
            Hl7DecodeException.class,
            () -> Hl7Acks.parse("MSH|^~\\&|A|B|C|D|20240315||ORU^R01|1|P|2.6\rPID|||x\r"));
    Hl7DecodeException badCode =
        catchThrowableOfType(
            Hl7DecodeException.class,
            () -> Hl7Acks.parse("MSH|^~\\&|A|B|C|D|20240315||ACK|1|P|2.6\rMSA|OK|C1\r"));

    assertThat(noMsh.ackCode()).isEqualTo(AckCode.AR);
    assertThat(noMsa.ackCode()).isEqualTo(AckCode.AR);
    assertThat(noMsa.getMessage()).contains("no MSA segment", "ORU^R01");
    assertThat(badCode.ackCode()).isEqualTo(AckCode.AE);
    assertThat(badCode.getMessage()).contains("MSA-1 acknowledgement code 'OK'");
  }
}
