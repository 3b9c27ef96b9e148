package org.ambulink.demoehr;

import ca.uhn.fhir.context.FhirContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;

/**
 * An in-memory FHIR store that processes transaction bundles the way a server does for the parts
 * the appliance uses: every entry is a POST, optionally conditional ({@code ifNoneExist:
 * identifier=system|value} or {@code _tag=system|code}, percent-encoded or not); 0 matches creates
 * (201), 1 match returns the existing resource (200), more than one is refused (412). {@code
 * urn:uuid:} references are rewritten to the resources' ids. A transaction is all or nothing.
 */
public final class FhirStore {
  /** Refused input, with the HTTP status and a message for the OperationOutcome. */
  public static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** One accepted transaction, for the page. */
  public record Received(
      Instant at, int entries, int created, int matched, Map<String, Integer> byType) {}

  private final FhirContext ctx;
  private final Map<String, Resource> resources = new LinkedHashMap<>(); // "Type/id"
  private final List<Received> received = new ArrayList<>();

  public FhirStore(FhirContext ctx) {
    this.ctx = ctx;
  }

  public synchronized Bundle transaction(Bundle in) {
    if (in.getType() != Bundle.BundleType.TRANSACTION) {
      throw new Refused(400, "expected a Bundle of type transaction, got " + in.getType());
    }
    Map<String, String> resolved = new HashMap<>(); // fullUrl -> Type/id
    Map<String, Resource> toCreate = new LinkedHashMap<>();
    List<String> statuses = new ArrayList<>();
    int index = 0;
    for (Bundle.BundleEntryComponent e : in.getEntry()) {
      Resource r = e.getResource();
      if (r == null) {
        throw new Refused(400, "entry " + index + " has no resource");
      }
      if (e.getRequest().getMethod() != Bundle.HTTPVerb.POST) {
        throw new Refused(
            400, "entry " + index + ": only POST is supported, got " + e.getRequest().getMethod());
      }
      String type = r.getResourceType().name();
      if (!type.equals(e.getRequest().getUrl())) {
        throw new Refused(
            400,
            "entry " + index + ": request.url '" + e.getRequest().getUrl() + "' is not " + type);
      }
      String match = null;
      String condition = e.getRequest().getIfNoneExist();
      if (condition != null && !condition.isBlank()) {
        List<String> matches = search(r.getResourceType(), condition, index);
        if (matches.size() > 1) {
          throw new Refused(
              412,
              "entry "
                  + index
                  + ": ifNoneExist '"
                  + condition
                  + "' matches "
                  + matches.size()
                  + " resources");
        }
        match = matches.isEmpty() ? null : matches.get(0);
        if (match == null) {
          // the same condition earlier in this transaction
          for (Map.Entry<String, Resource> pending : toCreate.entrySet()) {
            if (pending.getValue().getResourceType() == r.getResourceType()
                && matchesCondition(pending.getValue(), condition)) {
              match = pending.getKey();
            }
          }
        }
      }
      String ref;
      if (match != null) {
        ref = match;
        statuses.add("200 OK");
      } else {
        ref = type + "/" + UUID.randomUUID();
        Resource copy = r.copy();
        copy.setId(ref);
        toCreate.put(ref, copy);
        statuses.add("201 Created");
      }
      if (e.getFullUrl() != null) {
        resolved.put(e.getFullUrl(), ref);
      }
      index++;
    }
    for (Resource r : toCreate.values()) {
      rewriteReferences(r, resolved);
    }
    resources.putAll(toCreate);
    Bundle out = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
    Map<String, Integer> byType = new LinkedHashMap<>();
    int i = 0;
    int created = 0;
    for (Bundle.BundleEntryComponent e : in.getEntry()) {
      String type = e.getResource().getResourceType().name();
      byType.merge(type, 1, Integer::sum);
      String ref = resolved.getOrDefault(e.getFullUrl(), "");
      String status = statuses.get(i++);
      if (status.startsWith("201")) {
        created++;
      }
      out.addEntry().getResponse().setStatus(status).setLocation(ref + "/_history/1");
    }
    received.add(
        new Received(
            Instant.now(), in.getEntry().size(), created, in.getEntry().size() - created, byType));
    return out;
  }

  private List<String> search(ResourceType type, String condition, int index) {
    if (!condition.startsWith("identifier=") && !condition.startsWith("_tag=")) {
      throw new Refused(
          400,
          "entry "
              + index
              + ": only ifNoneExist identifier=system|value or _tag=system|code is supported, got '"
              + condition
              + "'");
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Resource> e : resources.entrySet()) {
      if (e.getValue().getResourceType() == type && matchesCondition(e.getValue(), condition)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private boolean matchesCondition(Resource r, String condition) {
    boolean tag = condition.startsWith("_tag=");
    String token =
        URLDecoder.decode(condition.substring(condition.indexOf('=') + 1), StandardCharsets.UTF_8);
    int bar = token.indexOf('|');
    String system = bar < 0 ? null : token.substring(0, bar);
    String value = bar < 0 ? token : token.substring(bar + 1);
    if (tag) {
      for (Coding c : r.getMeta().getTag()) {
        if (value.equals(c.getCode()) && (system == null || system.equals(c.getSystem()))) {
          return true;
        }
      }
      return false;
    }
    for (Identifier id : identifiers(r)) {
      if (value.equals(id.getValue()) && (system == null || system.equals(id.getSystem()))) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private List<Identifier> identifiers(Resource r) {
    try {
      Object ids = r.getClass().getMethod("getIdentifier").invoke(r);
      if (ids instanceof List<?> list) {
        return (List<Identifier>) list;
      }
      if (ids instanceof Identifier single) {
        return List.of(single);
      }
    } catch (ReflectiveOperationException e) {
      // a type without identifiers
    }
    return List.of();
  }

  private void rewriteReferences(IBaseResource r, Map<String, String> resolved) {
    for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
      String target = resolved.get(ref.getReference());
      if (target != null) {
        ref.setReference(target);
      }
    }
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  public synchronized Map<String, Resource> resources() {
    return new LinkedHashMap<>(resources);
  }

  public synchronized Resource get(String type, String id) {
    return resources.get(type + "/" + id);
  }
}
