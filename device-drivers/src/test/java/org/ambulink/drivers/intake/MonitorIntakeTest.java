package org.ambulink.drivers.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7DecodeException;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.model.MonitorMessage;
import org.junit.jupiter.api.Test;

class MonitorIntakeTest {

  private static final Hl7Decoder DECODER = new Hl7Decoder();

  private final List<MonitorMessage> stored = new ArrayList<>();
  private final List<String> rejections = new ArrayList<>();
  private final List<Throwable> storeFailures = new ArrayList<>();

  private final MonitorIntake.Observer observer =
      new MonitorIntake.Observer() {
        @Override
        public void rejected(String peer, AckCode code, String reason) {
          rejections.add(code + ": " + reason);
        }

        @Override
        public void storeFailed(MonitorMessage message, String peer, Throwable cause) {
          storeFailures.add(cause);
        }
      };

  private static String fixture(String name) throws IOException {
    try (InputStream in = MonitorIntakeTest.class.getResourceAsStream("/hl7/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static AckResult ack(CompletionStage<byte[]> stage) throws Exception {
    byte[] bytes = stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    return Hl7Acks.parse(new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void a_good_message_is_stored_then_acknowledged_AA_with_its_control_id() throws Exception {
    String msg = fixture("pcd01-vitals-philips.hl7");
    MonitorIntake intake =
        new MonitorIntake(
            DECODER,
            (m, peer) -> {
              stored.add(m);
              return CompletableFuture.completedFuture(null);
            },
            observer);

    AckResult ack = ack(intake.onFrame(msg.getBytes(StandardCharsets.UTF_8), "test"));

    assertThat(ack.code()).isEqualTo(AckCode.AA);
    assertThat(stored).hasSize(1);
    assertThat(ack.controlId()).isEqualTo(stored.get(0).controlId()).isNotBlank();
    assertThat(rejections).isEmpty();
  }

  @Test
  void the_ack_waits_for_the_sink_to_keep_the_message() throws Exception {
    CompletableFuture<Void> commit = new CompletableFuture<>();
    MonitorIntake intake = new MonitorIntake(DECODER, (m, peer) -> commit, observer);

    CompletionStage<byte[]> stage =
        intake.onFrame(fixture("pcd01-vitals-philips.hl7").getBytes(StandardCharsets.UTF_8), "t");

    assertThat(stage.toCompletableFuture()).isNotDone();
    commit.complete(null);
    assertThat(ack(stage).code()).isEqualTo(AckCode.AA);
  }

  @Test
  void a_sink_failure_is_answered_AR_so_the_monitor_sends_again() throws Exception {
    MonitorIntake intake =
        new MonitorIntake(
            DECODER,
            (m, peer) -> CompletableFuture.failedFuture(new IOException("disk full")),
            observer);

    AckResult ack =
        ack(
            intake.onFrame(
                fixture("pcd01-vitals-philips.hl7").getBytes(StandardCharsets.UTF_8), "t"));

    assertThat(ack.code()).isEqualTo(AckCode.AR);
    assertThat(ack.text()).contains("could not store").contains("send it again");
    assertThat(storeFailures).singleElement().isInstanceOf(IOException.class);
  }

  @Test
  void a_sink_that_throws_is_treated_as_a_store_failure() throws Exception {
    MonitorIntake intake =
        new MonitorIntake(
            DECODER,
            (m, peer) -> {
              throw new IllegalStateException("journal closed");
            },
            observer);

    AckResult ack =
        ack(
            intake.onFrame(
                fixture("pcd01-vitals-philips.hl7").getBytes(StandardCharsets.UTF_8), "t"));

    assertThat(ack.code()).isEqualTo(AckCode.AR);
    assertThat(storeFailures).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void bytes_that_are_not_hl7_get_AR_and_never_reach_the_sink() throws Exception {
    MonitorIntake intake =
        new MonitorIntake(
            DECODER,
            (m, peer) -> {
              stored.add(m);
              return CompletableFuture.completedFuture(null);
            },
            observer);

    AckResult ack = ack(intake.onFrame("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8), "t"));

    assertThat(ack.code()).isEqualTo(AckCode.AR);
    assertThat(ack.controlId()).isEmpty();
    assertThat(stored).isEmpty();
    assertThat(rejections).singleElement().asString().startsWith("AR");
  }

  @Test
  void an_unsupported_message_type_is_rejected_naming_the_type() throws Exception {
    String adt = "MSH|^~\\&|ADT|HOSP|||20240315063005||ADT^A01^ADT_A01|77|P|2.6\rPID|||123\r";
    MonitorIntake intake =
        new MonitorIntake(
            DECODER,
            (m, p) -> CompletableFuture.completedFuture(null),
            MonitorIntake.Observer.NONE);

    AckResult ack = ack(intake.onFrame(adt.getBytes(StandardCharsets.UTF_8), "t"));

    assertThat(ack.code()).isEqualTo(AckCode.AR);
    assertThat(ack.controlId()).isEqualTo("77");
    assertThat(ack.text()).contains("ADT");
  }

  @Test
  void the_decoder_error_and_the_ack_agree() throws Exception {
    String noObx =
        "MSH|^~\\&|MON|ICU|||20240315063005||ORU^R01^ORU_R01|78|P|2.6\rPID|||\rOBR|1||||||20240315063005\r";
    String reason;
    try {
      DECODER.decode(noObx);
      reason = null;
    } catch (Hl7DecodeException e) {
      reason = e.getMessage();
    }
    MonitorIntake intake =
        new MonitorIntake(
            DECODER,
            (m, p) -> CompletableFuture.completedFuture(null),
            MonitorIntake.Observer.NONE);

    AckResult ack = ack(intake.onFrame(noObx.getBytes(StandardCharsets.UTF_8), "t"));

    assertThat(reason).as("a message without observations is an error").isNotNull();
    assertThat(ack.code()).isIn(AckCode.AE, AckCode.AR);
    assertThat(ack.controlId()).isEqualTo("78");
    assertThat(ack.text()).isNotBlank();
  }
}
