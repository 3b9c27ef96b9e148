package org.ambulink.appliance.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * The appliance as a whole over its real MLLP/TCP listener: the simulator replays real ECG records,
 * and what the REST API shows must be the record, sample for sample.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ambulink.intake.mllp.port=0",
      "ambulink.intake.stale-after=30s",
      "ambulink.journal.generate-key=true"
    })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class TcpIntakeTest {

  @org.springframework.test.context.DynamicPropertySource
  static void journal(org.springframework.test.context.DynamicPropertyRegistry registry) {
    java.nio.file.Path dir = org.ambulink.testsupport.TempDirs.create("tcp-intake-journal");
    registry.add("ambulink.journal.directory", dir::toString);
  }

  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
  private final Hl7Encoder encoder = new Hl7Encoder();

  @LocalServerPort int httpPort;
  @Autowired MllpTcpListener listener;
  private ApplianceClient api;

  @BeforeEach
  void client() {
    api = new ApplianceClient(httpPort);
  }

  private MllpTcpClient connect() throws Exception {
    return MllpTcpClient.connect("localhost", listener.port(), Duration.ofSeconds(5));
  }

  private AckResult send(MllpTcpClient client, String hl7) throws Exception {
    byte[] reply = client.exchange(hl7.getBytes(StandardCharsets.UTF_8), ACK_TIMEOUT);
    return Hl7Acks.parse(new String(reply, StandardCharsets.UTF_8));
  }

  @Test
  void record_100_at_its_own_rate_arrives_exactly_as_the_dat_file_holds_it() throws Exception {
    WfdbRecord record = WfdbReader.read("ecg/100");
    MonitorSimulator sim =
        MonitorSimulator.builder(record)
            .outputRate(record.samplingFrequency())
            .chunk(Duration.ofMillis(250))
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();
    int chunks = 40; // 10 s of ECG, 3600 samples per lead
    try (MllpTcpClient client = connect()) {
      for (int i = 0; i < chunks; i++) {
        MonitorMessage m = sim.next();
        AckResult ack = send(client, encoder.encodeObservationReport(m));
        assertThat(ack.code()).as("ACK of chunk %d", i).isEqualTo(AckCode.AA);
        assertThat(ack.controlId()).isEqualTo(m.controlId());
      }
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
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
            .outputRate(500)
            .chunk(Duration.ofMillis(250))
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();
    List<MonitorMessage> sent = new ArrayList<>();
    try (MllpTcpClient client = connect()) {
      for (int i = 0; i < 20; i++) {
        MonitorMessage m = sim.next();
        sent.add(m);
        assertThat(send(client, encoder.encodeObservationReport(m)).code()).isEqualTo(AckCode.AA);
      }
      // Health while the monitor is still connected.
      JsonNode health = api.ok("/actuator/health/monitor");
      assertThat(health.get("status").asString()).isEqualTo("UP");
      assertThat(health.get("details").get("links")).hasSize(1);
    }

    assertThat(sim.leads()).hasSize(12);
    for (MdcCode lead : sim.leads()) {
      List<BigDecimal> want = new ArrayList<>();
      for (MonitorMessage m : sent) {
        for (WaveformSegment w : m.waveforms()) {
          if (w.lead().sameCode(lead)) {
            for (int i = 0; i < w.sampleCount(); i++) {
              want.add(w.physical(i));
            }
          }
        }
      }
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

  private String rawPrometheus() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    return http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + httpPort + "/actuator/prometheus"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void bad_input_is_answered_with_a_reason_and_loses_nothing_already_accepted() throws Exception {
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/100"))
            .outputRate(360)
            .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .build();
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
