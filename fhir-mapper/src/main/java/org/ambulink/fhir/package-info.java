/**
 * Pure mapping from the device model to FHIR R4: a {@link org.ambulink.fhir.HandoverRecord} becomes
 * Patient, Encounter, Location, Device, Observation (vital signs, blood-pressure panels, ECG strips
 * as SampledData) and Provenance resources in one or more idempotent {@code transaction} bundles
 * ({@link org.ambulink.fhir.HandoverBundleBuilder}), with an offline validator for them ({@link
 * org.ambulink.fhir.FhirValidation}). One shared {@link ca.uhn.fhir.context.FhirContext} ({@link
 * org.ambulink.fhir.FhirR4}).
 */
package org.ambulink.fhir;
