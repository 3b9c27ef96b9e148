package org.ambulink.appliance.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.serial.SerialMllpSender;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.testsupport.SocatPty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The appliance reading a monitor on a serial port: a real pseudo-terminal pair from socat, the
 * simulator on one end, the appliance's configured port on the other. Pulling the cable (killing
 * socat) shows on health, and plugging it back in (a new socat on the same paths) resumes intake
 * without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SerialIntakeTest {

  private static Path dir;
  private static SocatPty cable;

  @DynamicPropertySource
  static void serialPort(DynamicPropertyRegistry registry) throws Exception {
    dir = org.ambulink.testsupport.TempDirs.create("serial-intake");
    cable = SocatPty.start(dir);
    registry.add("ambulink.intake.mllp.enabled", () -> "false");
    registry.add("ambulink.intake.serial.enabled", () -> "true");
    registry.add("ambulink.intake.serial.port-name", () -> cable.b());
    registry.add("ambulink.intake.serial.reopen-initial-backoff", () -> "100ms");
    registry.add("ambulink.intake.serial.reopen-max-backoff", () -> "500ms");
    registry.add("ambulink.journal.directory", () -> dir.resolve("journal").toString());
    registry.add("ambulink.journal.generate-key", () -> "true");
  }

  @AfterAll
  static void unplug() throws Exception {
    cable.close();
    assertThat(cable.isAlive()).isFalse();
  }

  @LocalServerPort int httpPort;

  private final Hl7Encoder encoder = new Hl7Encoder();

  private List<MonitorMessage> sendChunks(MonitorSimulator sim, int n) throws Exception {
    List<MonitorMessage> sent = new ArrayList<>();
    try (SerialMllpSender monitor = SerialMllpSender.open(SerialSettings.of(cable.a()))) {
      for (int i = 0; i < n; i++) {
        MonitorMessage m = sim.next();
        byte[] reply =
            monitor.exchange(
                encoder.encodeObservationReport(m).getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        var ack = Hl7Acks.parse(new String(reply, StandardCharsets.UTF_8));
        assertThat(ack.code()).isEqualTo(AckCode.AA);
        assertThat(ack.controlId()).isEqualTo(m.controlId());
        sent.add(m);
      }
    }
    return sent;
  }

  private static List<BigDecimal> physical(List<MonitorMessage> sent, int lead) {
    List<BigDecimal> out = new ArrayList<>();
    for (MonitorMessage m : sent) {
      for (WaveformSegment w : m.waveforms()) {
        if (w.lead().code() == lead) {
          for (int i = 0; i < w.sampleCount(); i++) {
            out.add(w.physical(i));
          }
        }
      }
    }
    return out;
  }

  @Test
  void ecg_arrives_bit_exact_over_serial_and_survives_a_cable_pull() throws Exception {
    ApplianceClient api = new ApplianceClient(httpPort);
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
            .outputRate(500)
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();

    List<MonitorMessage> sent = new ArrayList<>(sendChunks(sim, 8));
    JsonNode health = api.ok("/actuator/health/monitor");
    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.get("details").get("serial").get("state").asString()).isEqualTo("CONNECTED");

    cable.close(); // the cable is pulled
    JsonNode down = awaitSerialState(api, "DISCONNECTED");
    assertThat(down.get("status").asString()).isEqualTo("DOWN");

    cable = SocatPty.start(dir); // plugged back in: same device paths
    awaitSerialState(api, "CONNECTED");
    sent.addAll(sendChunks(sim, 8));

    int leadII = EcgLeads.II.code();
    assertThat(api.physicalSamples(leadII))
        .usingElementComparator(BigDecimal::compareTo)
        .isEqualTo(physical(sent, leadII))
        .hasSize(16 * 125);
    assertThat(
            api.ok("/actuator/health/monitor")
                .get("details")
                .get("serial")
                .get("reopenCount")
                .asLong())
        .isGreaterThanOrEqualTo(1);
  }

  private static JsonNode awaitSerialState(ApplianceClient api, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = api.get("/actuator/health/monitor").body();
      if (state.equals(last.get("details").get("serial").get("state").asString())) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("serial state never became " + state + "; last health: " + last);
  }
}
