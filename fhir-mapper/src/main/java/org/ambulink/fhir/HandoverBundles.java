package org.ambulink.fhir;

import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The transaction bundles of one handover, to be posted in order (each is self-contained, so any
 * order works), and what the mapping left out.
 */
public record HandoverBundles(List<Bundle> bundles, MappingReport report) {
  public HandoverBundles {
    bundles = List.copyOf(bundles);
    Objects.requireNonNull(report, "report");
  }
}
