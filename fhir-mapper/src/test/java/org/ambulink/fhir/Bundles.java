package org.ambulink.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/** Looks things up in handover bundles, for tests. */
final class Bundles {
  private Bundles() {}

  static List<Resource> resources(Bundle b) {
    return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
  }

  static <T extends Resource> List<T> all(Bundle b, Class<T> type) {
    return resources(b).stream().filter(type::isInstance).map(type::cast).toList();
  }

  static List<Observation> observations(Bundle b) {
    return all(b, Observation.class);
  }

  /** Observations with a coding of {@code code} in any system. */
  static List<Observation> withCode(Bundle b, String code) {
    return observations(b).stream()
        .filter(o -> o.getCode().getCoding().stream().map(Coding::getCode).anyMatch(code::equals))
        .toList();
  }

  static String identifier(Resource r) {
    if (r instanceof Observation o) {
      return o.getIdentifierFirstRep().getValue();
    }
    throw new IllegalArgumentException(r.fhirType());
  }
}
