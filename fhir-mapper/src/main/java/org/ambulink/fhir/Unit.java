package org.ambulink.fhir;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;

/**
 * Entries that go into the same bundle: one observation, or an ECG strip's panel with its leads
 * (the panel's {@code hasMember} references must resolve within the bundle). A bundle split never
 * cuts a unit.
 *
 * @param at when it was measured; units are posted in this order, then by identifier
 * @param entries the entries, first the one that identifies the unit
 */
record Unit(Instant at, List<Entry> entries) {
  Unit {
    entries = List.copyOf(entries);
  }

  /** The identifying entry's full URL: a unit's key for duplicates. */
  String key() {
    return entries.get(0).fullUrl();
  }

  /** The identifying observation's identifier value, e.g. {@code AMB-07/T1/dev/147842/...}. */
  String identifier() {
    return ((Observation) entries.get(0).resource()).getIdentifierFirstRep().getValue();
  }
}
