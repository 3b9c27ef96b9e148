package org.ambulink.fhir;

import java.util.Objects;
import org.hl7.fhir.r4.model.Resource;

/**
 * One resource of a handover bundle with its {@code urn:uuid:} full URL and the {@code ifNoneExist}
 * condition that makes posting it idempotent.
 *
 * @param kind what it is, for the report, e.g. {@code Observation/heart-rate}
 */
record Entry(String fullUrl, Resource resource, String ifNoneExist, String kind) {
  Entry {
    Objects.requireNonNull(fullUrl, "fullUrl");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(ifNoneExist, "ifNoneExist");
    Objects.requireNonNull(kind, "kind");
  }

  String resourceType() {
    return resource.fhirType();
  }
}
