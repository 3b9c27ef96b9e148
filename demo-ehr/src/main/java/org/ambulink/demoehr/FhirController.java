package org.ambulink.demoehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** FHIR endpoint ({@code POST /fhir} with a transaction) and a page showing what arrived. */
@RestController
class FhirController {
  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private final FhirContext ctx = FhirContext.forR4();
  private final FhirStore store = new FhirStore(ctx);

  @PostMapping(path = "/fhir", consumes = "*/*")
  ResponseEntity<String> transaction(@RequestBody(required = false) String body) {
    IParser json = ctx.newJsonParser();
    if (body == null || body.isBlank()) {
      return outcome(400, "the request has no body; expected a FHIR transaction Bundle");
    }
    Bundle bundle;
    try {
      bundle = json.parseResource(Bundle.class, body);
    } catch (DataFormatException | ClassCastException e) {
      return outcome(400, "not a FHIR JSON Bundle: " + e.getMessage());
    }
    try {
      Bundle response = store.transaction(bundle);
      return ResponseEntity.ok().contentType(FHIR_JSON).body(json.encodeResourceToString(response));
    } catch (FhirStore.Refused r) {
      return outcome(r.status, r.getMessage());
    }
  }

  @GetMapping(path = "/fhir/{type}/{id}", produces = "application/fhir+json")
  ResponseEntity<String> read(@PathVariable String type, @PathVariable String id) {
    Resource r = store.get(type, id);
    if (r == null) {
      return outcome(404, type + "/" + id + " is not here");
    }
    return ResponseEntity.ok()
        .contentType(FHIR_JSON)
        .body(ctx.newJsonParser().setPrettyPrint(true).encodeResourceToString(r));
  }

  /** A page listing the transactions received and the resources kept. */
  @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
  String page() {
    StringBuilder h = new StringBuilder();
    h.append(
        "<!doctype html><html><head><meta charset=utf-8><meta http-equiv=refresh content=5>"
            + "<title>Demo EHR</title><style>body{font-family:sans-serif;margin:2em}"
            + "td,th{padding:.2em .8em;text-align:left}</style></head><body>"
            + "<h1>Demo EHR: what arrived</h1>"
            + "<p>A stand-in for the hospital EHR (FHIR R4 transactions at <code>POST /fhir</code>)."
            + " Refreshes every 5 s.</p><h2>Transactions</h2><table><tr><th>received</th>"
            + "<th>entries</th><th>created</th><th>already there</th><th>types</th></tr>");
    for (FhirStore.Received r : store.received()) {
      h.append("<tr><td>")
          .append(r.at())
          .append("</td><td>")
          .append(r.entries())
          .append("</td><td>")
          .append(r.created())
          .append("</td><td>")
          .append(r.matched())
          .append("</td><td>")
          .append(HtmlUtils.htmlEscape(r.byType().toString()))
          .append("</td></tr>");
    }
    h.append("</table><h2>Resources</h2><ul>");
    Map<String, Integer> counts = new TreeMap<>();
    store.resources().keySet().forEach(k -> counts.merge(k.split("/")[0], 1, Integer::sum));
    counts.forEach((k, v) -> h.append("<li>").append(k).append(": ").append(v).append("</li>"));
    h.append("</ul><ul>");
    store.resources().keySet().stream()
        .filter(k -> !k.startsWith("Observation/"))
        .forEach(
            k ->
                h.append("<li><a href=\"/fhir/")
                    .append(HtmlUtils.htmlEscape(k))
                    .append("\">")
                    .append(HtmlUtils.htmlEscape(k))
                    .append("</a></li>"));
    return h.append("</ul></body></html>").toString();
  }

  private ResponseEntity<String> outcome(int status, String message) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(
            status == 412
                ? OperationOutcome.IssueType.DUPLICATE
                : status == 404
                    ? OperationOutcome.IssueType.NOTFOUND
                    : OperationOutcome.IssueType.INVALID)
        .setDiagnostics(message);
    return ResponseEntity.status(status)
        .contentType(FHIR_JSON)
        .body(ctx.newJsonParser().encodeResourceToString(oo));
  }
}
