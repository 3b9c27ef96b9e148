package org.ambulink.appliance.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.fhir.FhirValidation;
import org.ambulink.fhir.SampledDataCodec;
import org.ambulink.testsupport.TempDirs;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * From the monitor to the EHR with the real FHIR mapper: real 12-lead ECG and vitals arrive over
 * MLLP during a transport, the crew hands over, and the EHR (a small FHIR stand-in that answers a
 * transaction-response per entry) receives a transaction Bundle that validates with zero errors
 * against R4 and the vital-signs profiles, and whose ECG SampledData decodes back to exactly the
 * millivolts in the journal.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ambulink.intake.mllp.port=0",
      "ambulink.intake.mllp.bind-address=127.0.0.1",
      "ambulink.journal.generate-key=true",
      "ambulink.ehr.retry-initial-backoff=100ms",
      "ambulink.ehr.retry-max-backoff=500ms"
    })
@DirtiesContext
class HandoverToEhrTest {
  private static final FhirContext FHIR = FhirContext.forR4();
  private static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
  private static final HttpServer EHR = startEhr();

  /** Answers a transaction with 201 for every entry, keeping what it received. */
  private static HttpServer startEhr() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext(
          "/fhir",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            RECEIVED.add(body);
            Bundle in = FHIR.newJsonParser().parseResource(Bundle.class, body);
            Bundle out = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            for (Bundle.BundleEntryComponent e : in.getEntry()) {
              out.addEntry()
                  .getResponse()
                  .setStatus("201 Created")
                  .setLocation(e.getResource().getResourceType() + "/" + out.getEntry().size());
            }
            byte[] reply = FHIR.newJsonParser().encodeResourceToString(out).getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
          });
      s.start();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopEhr() {
    EHR.stop(0);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    Path dir = TempDirs.create("handover-ehr-journal");
    registry.add("ambulink.journal.directory", dir::toString);
    registry.add(
        "ambulink.ehr.base-url", () -> "http://127.0.0.1:" + EHR.getAddress().getPort() + "/fhir");
  }

  @LocalServerPort int port;
  @Autowired MllpTcpListener mllp;
  @Autowired Journal journal;
  private final HttpClient http = HttpClient.newHttpClient();

  private String post(String path, String json) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return r.body();
  }

  @Test
  void theEhrReceivesAValidBundleWhoseEcgDecodesToTheJournaledMillivolts() throws Exception {
    String started =
        post(
            "/api/transports",
            "{\"destinationId\":\"city-general\",\"crew\":[\"Medic 12\"],"
                + "\"patient\":{\"sex\":\"FEMALE\",\"approximateAgeYears\":67},"
                + "\"chiefComplaint\":\"chest pain\",\"acuity\":\"EMERGENT\"}");
    java.util.regex.Matcher idField =
        java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"").matcher(started);
    assertThat(idField.find()).isTrue();
    String id = idField.group(1); // the transport's id is its first field

    // 15 s of real 12-lead ECG with vitals, sent as fast as the appliance acknowledges
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re"))
            .outputRate(500)
            .chunk(Duration.ofMillis(250))
            .start(Instant.parse("2026-12-02T09:00:00Z"))
            .build();
    Hl7Encoder encoder = new Hl7Encoder();
    try (MllpTcpClient monitor =
        MllpTcpClient.connect("127.0.0.1", mllp.port(), Duration.ofSeconds(5))) {
      for (int i = 0; i < 60; i++) {
        String ack =
            new String(
                monitor.exchange(
                    encoder.encodeObservationReport(sim.next()).getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(10)),
                StandardCharsets.UTF_8);
        assertThat(ack).contains("MSA|AA");
      }
    }
    post("/api/transports/current/handover", "{}");

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (RECEIVED.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(RECEIVED).as("the EHR received the handover").isNotEmpty();
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, RECEIVED.get(0));
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(bundle.getEntry())
        .allSatisfy(e -> assertThat(e.getRequest().getIfNoneExist()).isNotBlank());

    FhirValidation.Result result = FhirValidation.shared().validate(bundle);
    assertThat(result.errors()).as("validation errors").isEmpty();

    // every lead's SampledData decodes to exactly the millivolts journaled for that time
    Map<String, WaveformSegment> journaled = new HashMap<>();
    long from = 1;
    while (true) {
      Journal.Page page = journal.read(id, from, 500);
      if (page.chunks().isEmpty()) {
        break;
      }
      for (Journaled c : page.chunks()) {
        for (Journaled.Item item : c.items()) {
          if (item.entry() instanceof JournalEntry.Waveform w) {
            journaled.put(w.value().lead().code() + "@" + w.value().startTime(), w.value());
          }
        }
      }
      from = page.nextSeq();
    }
    List<Observation> leads = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() instanceof Observation o && o.hasValueSampledData()) {
        leads.add(o);
      }
    }
    assertThat(leads)
        .as("one Observation per lead of at least one strip")
        .hasSizeGreaterThanOrEqualTo(12);
    for (Observation o : leads) {
      int lead = Integer.parseInt(o.getCode().getCodingFirstRep().getCode());
      Instant start =
          (o.hasEffectivePeriod()
                  ? o.getEffectivePeriod().getStart()
                  : o.getEffectiveDateTimeType().getValue())
              .toInstant();
      BigDecimal[] decoded = SampledDataCodec.decode(o.getValueSampledData());
      List<BigDecimal> expected = millivolts(journaled, lead, start, decoded.length);
      for (int i = 0; i < decoded.length; i++) {
        assertThat(decoded[i])
            .as("lead %d sample %d", lead, i)
            .isEqualByComparingTo(expected.get(i));
      }
    }
  }

  /** The journal's millivolts for a lead from {@code start} on, across consecutive segments. */
  private static List<BigDecimal> millivolts(
      Map<String, WaveformSegment> journaled, int lead, Instant start, int n) {
    List<BigDecimal> out = new ArrayList<>();
    List<WaveformSegment> segments =
        journaled.values().stream()
            .filter(w -> w.lead().code() == lead)
            .sorted((a, b) -> a.startTime().compareTo(b.startTime()))
            .toList();
    for (WaveformSegment w : segments) {
      for (int i = 0; i < w.sampleCount() && out.size() < n; i++) {
        Instant t = w.startTime().plusNanos((long) (i * 1e9 / w.sampleRateHz()));
        if (!t.isBefore(start.minusNanos(500_000))) {
          out.add(w.physical(i));
        }
      }
    }
    assertThat(out).as("journaled samples of lead %d from %s", lead, start).hasSize(n);
    return out;
  }
}
