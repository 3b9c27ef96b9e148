package org.ambulink.appliance.ehr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.appliance.transport.Transport;

/**
 * A stand-in for the FHIR mapper: the hand-written transaction Bundle in {@code
 * ehr/handover-bundle.json} (Patient, Encounter, one heart-rate Observation; {@code urn:uuid:}
 * fullUrls, every entry with {@code ifNoneExist}) filled in with the transport's identifiers. Part
 * {@code n} of a record carries the marker {@code -hr-n} in its Observation identifier.
 */
final class TestBundles implements HandoverBundles {
  static final String TEMPLATE = resource("/ehr/handover-bundle.json");

  private final int parts;
  final AtomicInteger calls = new AtomicInteger();
  volatile RuntimeException failure;

  TestBundles(int parts) {
    this.parts = parts;
  }

  TestBundles() {
    this(1);
  }

  @Override
  public List<String> build(Transport t) {
    calls.incrementAndGet();
    if (failure != null) {
      throw failure;
    }
    List<String> out = new ArrayList<>();
    for (int part = 1; part <= parts; part++) {
      out.add(bundle(t, part));
    }
    return out;
  }

  static String bundle(Transport t, int part) {
    return TEMPLATE
        .replace("{{transportId}}", t.id())
        .replace("{{patientId}}", t.details().patient().temporaryId())
        .replace("{{gender}}", t.details().patient().sex().fhirCode)
        .replace("{{startedAt}}", t.startedAt().toString())
        .replace(
            "{{handedOverAt}}",
            (t.handedOverAt() == null ? t.startedAt() : t.handedOverAt()).toString())
        .replace("{{part}}", String.valueOf(part));
  }

  /** The marker in the body of part {@code n}. */
  static String partMarker(int part) {
    return "-hr-" + part + "\"";
  }

  /**
   * A transaction-response for the three entries of the bundle, one status line each (e.g. {@code
   * "201 Created"}); a non-2xx entry gets an OperationOutcome saying {@code outcomeText}.
   */
  static String transactionResponse(String outcomeText, String... statuses) {
    StringBuilder b =
        new StringBuilder(
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":[");
    String[] types = {"Patient", "Encounter", "Observation"};
    for (int i = 0; i < statuses.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      String s = statuses[i];
      b.append("{\"response\":{\"status\":\"").append(s).append('"');
      if (s.startsWith("2")) {
        b.append(",\"location\":\"")
            .append(types[i % 3])
            .append('/')
            .append(1000 + i)
            .append("/_history/1\"");
      } else {
        b.append(",\"outcome\":").append(operationOutcome(outcomeText));
      }
      b.append("}}");
    }
    return b.append("]}").toString();
  }

  static String created() {
    return transactionResponse("", "201 Created", "201 Created", "201 Created");
  }

  static String operationOutcome(String diagnostics) {
    return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
        + "\"code\":\"processing\",\"diagnostics\":\""
        + diagnostics
        + "\"}]}";
  }

  static String resource(String name) {
    try (InputStream in = TestBundles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
