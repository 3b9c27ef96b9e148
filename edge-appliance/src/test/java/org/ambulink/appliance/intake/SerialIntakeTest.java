package org.ambulink.appliance.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.appliance.testing.ApplianceClient;
import org.ambulink.appliance.testing.ApplianceServerTest;
import org.ambulink.appliance.testing.Monitors;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.serial.SerialMllpSender;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.ambulink.testsupport.SocatPty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The appliance reading a monitor on a serial port: a real pseudo-terminal pair from socat, the
 * simulator on one end, the appliance's configured port on the other. Pulling the cable (killing
 * socat) shows on health, and plugging it back in (a new socat on the same paths) resumes intake
 * without a restart.
 */
class SerialIntakeTest extends ApplianceServerTest {

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
  }

  @AfterAll
  static void unplug() throws Exception {
    cable.close();
    assertThat(cable.isAlive()).isFalse();
  }

  private List<MonitorMessage> sendChunks(MonitorSimulator sim, int n) throws Exception {
    try (SerialMllpSender monitor = SerialMllpSender.open(SerialSettings.of(cable.a()))) {
      return Monitors.send(monitor, sim, n);
    }
  }

  @Test
  void ecg_arrives_bit_exact_over_serial_and_survives_a_cable_pull() throws Exception {
    MonitorSimulator sim = Monitors.simulator("ecg/s0010_re", 500);

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
        .isEqualTo(Monitors.physical(sent, leadII))
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
