package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Reading MSH leniently, so that even a broken message gets an ACK that names it. */
class Hl7MessageHeaderTest {
  @Test
  void reads_the_fields_an_ack_needs() throws Exception {
    MessageHeader h = MessageHeader.peek(Hl7Fixtures.load("pcd01-vitals-philips.hl7"));

    assertThat(h)
        .isEqualTo(
            new MessageHeader(
                "PMX0000815",
                "ORU^R01",
                "2.6",
                "PHILIPS_MX800^0018B1FFFE0A1B2C^EUI-64",
                "PHILIPS",
                "AMBULINK_EDGE^ACDE48FFFE000001^EUI-64",
                "AMBULINK"));
  }

  @Test
  void finds_msh_after_junk_and_with_any_line_endings() throws Exception {
    String raw = "\u000b\uFEFF  \n\r\nMSH|^~\\&|APP|FAC|||20240315||ORU^W01|C-1|P|2.4^^\nPID|||x";

    MessageHeader h = MessageHeader.peek(raw);

    assertThat(h.controlId()).isEqualTo("C-1");
    assertThat(h.messageType()).isEqualTo("ORU^W01");
    assertThat(h.version()).isEqualTo("2.4");
    assertThat(h.sendingApplication()).isEqualTo("APP");
  }

  @Test
  void rewrites_non_standard_delimiters_into_standard_ones() throws Exception {
    String raw = "MSH#$~\\&#APP$00A0$EUI-64#A^B##R$1#20240315##ORU$R01$ORU_R01#C\\F\\1#P#2.6$x";

    MessageHeader h = MessageHeader.peek(raw);

    assertThat(h.sendingApplication()).isEqualTo("APP^00A0^EUI-64");
    assertThat(h.sendingFacility()).isEqualTo("A\\S\\B");
    assertThat(h.receivingFacility()).isEqualTo("R^1");
    assertThat(h.messageType()).isEqualTo("ORU^R01");
    assertThat(h.controlId()).isEqualTo("C\\F\\1");
    assertThat(h.version()).isEqualTo("2.6");
  }

  @Test
  void works_when_hapi_could_not_parse_the_message() throws Exception {
    MessageHeader h = MessageHeader.peek("MSH|^^|A|B|C|D|2024||ORU^R01|77|P|2.6");

    assertThat(h.controlId()).isEqualTo("77");
    assertThat(h.messageType()).isEqualTo("ORU^R01");
  }

  @Test
  void a_truncated_msh_gives_empty_fields() throws Exception {
    assertThat(MessageHeader.peek("MSH")).isEqualTo(new MessageHeader("", "", "", "", "", "", ""));
  }

  @Test
  void text_without_msh_is_rejected() {
    Hl7DecodeException e =
        catchThrowableOfType(
            Hl7DecodeException.class, () -> MessageHeader.peek("PID|||x\rMSHX|bad\rOBX|1"));

    assertThat(e.ackCode()).isEqualTo(AckCode.AR);
    assertThat(e.header()).isEmpty();
    assertThat(e.getMessage()).contains("No MSH segment");
  }
}
