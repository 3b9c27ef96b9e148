package org.ambulink.demoehr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoEhrTest {
  private static final FhirContext CTX = FhirContext.forR4();

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  static Bundle bundle(String transportId, boolean conditional) {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient p = new Patient();
    p.addIdentifier().setSystem("urn:test:patient").setValue("UNK-" + transportId);
    p.setGender(Enumerations.AdministrativeGender.FEMALE);
    Bundle.BundleEntryComponent pe =
        b.addEntry().setFullUrl("urn:uuid:p-" + transportId).setResource(p);
    pe.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    Observation o = new Observation();
    o.addIdentifier().setSystem("urn:test:obs").setValue(transportId + "/hr/1");
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    o.setSubject(new Reference("urn:uuid:p-" + transportId));
    Bundle.BundleEntryComponent oe =
        b.addEntry().setFullUrl("urn:uuid:o-" + transportId).setResource(o);
    oe.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    if (conditional) {
      pe.getRequest().setIfNoneExist("identifier=urn:test:patient|UNK-" + transportId);
      oe.getRequest().setIfNoneExist("identifier=urn:test:obs|" + transportId + "/hr/1");
    }
    return b;
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir"))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTransactionIsStoredOnceAndItsReferencesResolved() throws Exception {
    String body = CTX.newJsonParser().encodeResourceToString(bundle("T1", true));
    HttpResponse<String> first = post(body);
    assertThat(first.statusCode()).isEqualTo(200);
    Bundle r1 = CTX.newJsonParser().parseResource(Bundle.class, first.body());
    assertThat(r1.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(r1.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "201 Created");
    String patientRef = r1.getEntry().get(0).getResponse().getLocation().replace("/_history/1", "");

    HttpResponse<String> again = post(body);
    Bundle r2 = CTX.newJsonParser().parseResource(Bundle.class, again.body());
    assertThat(r2.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK");
    assertThat(r2.getEntry().get(0).getResponse().getLocation()).startsWith(patientRef);

    String obsRef = r1.getEntry().get(1).getResponse().getLocation().replace("/_history/1", "");
    HttpResponse<String> obs =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/" + obsRef))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Observation o = CTX.newJsonParser().parseResource(Observation.class, obs.body());
    assertThat(o.getSubject().getReference()).isEqualTo(patientRef);

    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("Patient: 1").contains("Observation: 1");
  }

  @Test
  void badInputGetsAnOperationOutcomeNamingTheProblem() throws Exception {
    HttpResponse<String> notJson = post("{not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(
            CTX.newJsonParser()
                .parseResource(OperationOutcome.class, notJson.body())
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("not a FHIR JSON Bundle");

    Bundle batch = bundle("T2", true).setType(Bundle.BundleType.BATCH);
    HttpResponse<String> wrongType = post(CTX.newJsonParser().encodeResourceToString(batch));
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("transaction").contains("BATCH");
  }

  @Test
  void aResourceWithoutIdentifiersIsMatchedByItsTag() throws Exception {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    org.hl7.fhir.r4.model.Provenance prov = new org.hl7.fhir.r4.model.Provenance();
    prov.getMeta().addTag().setSystem("urn:test:provenance").setCode("T4/handover");
    prov.addTarget(new Reference("urn:uuid:x"));
    b.addEntry()
        .setFullUrl("urn:uuid:prov-T4")
        .setResource(prov)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Provenance")
        .setIfNoneExist("_tag=urn%3Atest%3Aprovenance%7CT4%2Fhandover");
    String body = CTX.newJsonParser().encodeResourceToString(b);
    Bundle first = CTX.newJsonParser().parseResource(Bundle.class, post(body).body());
    Bundle second = CTX.newJsonParser().parseResource(Bundle.class, post(body).body());
    assertThat(first.getEntryFirstRep().getResponse().getStatus()).isEqualTo("201 Created");
    assertThat(second.getEntryFirstRep().getResponse().getStatus()).isEqualTo("200 OK");
  }

  @Test
  void aConditionMatchingSeveralResourcesIsRefusedWith412() throws Exception {
    String unconditional = CTX.newJsonParser().encodeResourceToString(bundle("T3", false));
    assertThat(post(unconditional).statusCode()).isEqualTo(200);
    assertThat(post(unconditional).statusCode()).isEqualTo(200);
    HttpResponse<String> r = post(CTX.newJsonParser().encodeResourceToString(bundle("T3", true)));
    assertThat(r.statusCode()).isEqualTo(412);
    assertThat(r.body()).contains("matches 2 resources");
  }
}
