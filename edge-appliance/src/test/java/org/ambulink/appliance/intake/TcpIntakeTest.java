package org.ambulink.appliance.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.ambulink.appliance.testing.ApplianceClient;
import org.ambulink.appliance.testing.ApplianceServerTest;
import org.ambulink.appliance.testing.Monitors;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The appliance as a whole over its real MLLP/TCP listener: the simulator replays real ECG records,
 * and what the REST API shows must be the record, sample for sample.
 */
@TestPropertySource(properties = "ambulink.intake.stale-after=30s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class TcpIntakeTest extends ApplianceServerTest {
  private final Hl7Encoder encoder = new Hl7Encoder();

  @Autowired MllpTcpListener listener;

  private MllpTcpClient connect() throws Exception {
    return MllpTcpClient.connect("127.0.0.1", listener.port(), Duration.ofSeconds(5));
  }

  private AckResult send(MllpTcpClient client, String hl7) throws Exception {
    return Monitors.exchange(client, hl7);
  }

  @Test
  void record_100_at_its_own_rate_arrives_exactly_as_the_dat_file_holds_it() throws Exception {
    WfdbRecord record = WfdbReader.read("ecg/100");
    MonitorSimulator sim = Monitors.simulator(record, record.samplingFrequency());
    int chunks = 40; // 10 s of ECG, 3600 samples per lead
    try (MllpTcpClient client = connect()) {
      Monitors.send(client, sim, chunks);
    }

    int mlii = record.signalIndex("MLII").orElseThrow();
    int v5 = record.signalIndex("V5").orElseThrow();
    assertLeadEqualsRecord(EcgLeads.II.code(), record, mlii, 3600);
    assertLeadEqualsRecord(EcgLeads.V5.code(), record, v5, 3600);
    assertThat(record.physical(mlii, 0)).isEqualByComparingTo("-0.145"); // (995 - 1024) / 200
  }

  private void assertLeadEqualsRecord(int lead, WfdbRecord record, int sig, int n)
      throws Exception {
    List<BigDecimal> got = api.physicalSamples(lead);
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i++) {
      BigDecimal want = record.physical(sig, i);
      if (got.get(i).compareTo(want) != 0) {
        throw new AssertionError(
            "lead " + lead + " sample " + i + ": got " + got.get(i) + ", record has " + want);
      }
    }
  }

  @Test
  void twelve_leads_resampled_to_500_hz_arrive_as_sent_with_vitals_and_health_up()
      throws Exception {
    MonitorSimulator sim = Monitors.simulator("ecg/s0010_re", 500);
    List<MonitorMessage> sent;
    try (MllpTcpClient client = connect()) {
      sent = Monitors.send(client, sim, 20);
      // Health while the monitor is still connected.
      JsonNode health = api.ok("/actuator/health/monitor");
      assertThat(health.get("status").asString()).isEqualTo("UP");
      assertThat(health.get("details").get("links")).hasSize(1);
    }

    assertThat(sim.leads()).hasSize(12);
    for (MdcCode lead : sim.leads()) {
      List<BigDecimal> want = Monitors.physical(sent, lead.code());
      assertThat(want).as("lead %s", lead).hasSize(20 * 125);
      List<BigDecimal> got = api.physicalSamples(lead.code());
      assertThat(got)
          .as("lead %s", lead)
          .usingElementComparator(BigDecimal::compareTo)
          .isEqualTo(want);
    }

    JsonNode summary = api.ok("/api/intake");
    assertThat(summary.get("messages").asLong()).isEqualTo(20);
    assertThat(summary.get("samples").asLong()).isEqualTo(20L * 12 * 125);
    assertThat(summary.get("leads")).hasSize(12);
    assertThat(api.ok("/api/intake/vitals").size())
        .as("heart rate, SpO2, NIBP and the other vitals")
        .isGreaterThanOrEqualTo(5);
    String prometheus = rawPrometheus();
    assertThat(prometheus)
        .contains("ambulink_intake_messages_total{result=\"accepted\",type=\"ORU^R01\"} 20.0")
        .contains("ambulink_intake_samples_total 30000.0");
  }

  private String rawPrometheus() {
    return api.fetch("/actuator/prometheus").text();
  }

  @Test
  void bad_input_is_answered_with_a_reason_and_loses_nothing_already_accepted() throws Exception {
    MonitorSimulator sim = Monitors.simulator("ecg/100", 360);
    try (MllpTcpClient client = connect()) {
      assertThat(send(client, encoder.encodeObservationReport(sim.next())).code())
          .isEqualTo(AckCode.AA);

      AckResult notHl7 = send(client, "this is not HL7");
      assertThat(notHl7.code()).isEqualTo(AckCode.AR);
      assertThat(notHl7.text()).isNotBlank();

      String wrongType = "MSH|^~\\&|X|Y|||20240315063005||ADT^A01^ADT_A01|BAD1|P|2.6\rPID|||\r";
      AckResult adt = send(client, wrongType);
      assertThat(adt.code()).isEqualTo(AckCode.AR);
      assertThat(adt.controlId()).isEqualTo("BAD1");
      assertThat(adt.text()).contains("ADT");

      // Garbage outside any frame, then a good message on the same connection.
      client.sendRaw("noise".getBytes(StandardCharsets.US_ASCII));
      assertThat(send(client, encoder.encodeObservationReport(sim.next())).code())
          .isEqualTo(AckCode.AA);
    }
    JsonNode summary = api.ok("/api/intake");
    assertThat(summary.get("messages").asLong()).isEqualTo(2);
    assertThat(api.physicalSamples(EcgLeads.II.code())).hasSize(180);

    ApplianceClient.Response bad = api.get("/api/intake/waveforms?lead=abc");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("detail").asString()).contains("abc");
    assertThat(rawPrometheus()).contains("ambulink_intake_rejects_total{reason=\"ack-AR\"} 2.0");
  }

  @Test
  void health_is_down_with_a_reason_when_no_monitor_is_connected() throws Exception {
    ApplianceClient.Response r = api.get("/actuator/health/monitor");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body().get("details").get("reason").asString()).isEqualTo("no monitor connected");
  }
}
