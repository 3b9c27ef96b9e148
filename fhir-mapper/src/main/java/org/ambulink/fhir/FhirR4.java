package org.ambulink.fhir;

import ca.uhn.fhir.context.FhirContext;

/** The one FHIR R4 context of the application: expensive to create, thread-safe, shared. */
public final class FhirR4 {
  private FhirR4() {}

  /** The shared R4 context (HAPI's cached instance, created on first use). */
  public static FhirContext context() {
    return FhirContext.forR4Cached();
  }
}
