package org.ambulink.fhir;

import static org.ambulink.fhir.SimulatedTransport.numeric;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.sim.MonitorCodes;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of resource the mapper makes validates against R4 core and, for vital signs, the
 * vital-signs profiles, offline, with no error. Warnings are counted and printed.
 */
class FhirValidationTest {
  private static final String VITALSIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

  private static FhirValidation validation;
  private static Bundle finished;
  private static Bundle open;

  @BeforeAll
  static void build() {
    validation = FhirValidation.shared();
    SimulatedTransport t =
        SimulatedTransport.run(
            Duration.ofSeconds(21), Duration.ofSeconds(5), Duration.ofMinutes(1));
    Instant at = t.start.plusSeconds(7);
    List<NumericObservation> vitals = new ArrayList<>(t.vitals);
    // The other NIBP family, with the diastolic lost: a panel with a data-absent component.
    vitals.add(
        numeric(
            MdcCode.of(150021, "MDC_PRESS_BLD_NONINV_SYS"),
            "141",
            MonitorCodes.MMHG,
            at,
            "MONITOR-2"));
    vitals.add(
        new NumericObservation(
            MonitorCodes.HEART_RATE,
            new BigDecimal("88"),
            MonitorCodes.BEATS_PER_MIN,
            "",
            at,
            "MONITOR-2",
            ResultStatus.CORRECTED,
            false));
    HandoverBuilderStrips strips = new HandoverBuilderStrips(t);
    HandoverBundleBuilder builder = new HandoverBundleBuilder();
    finished =
        builder.build(
            t.handover("T20261202-060700-ABCD")
                .patient(
                    new HandoverRecord.PatientInfo(
                        "UNK-7K3QX2", "Jordan Doe", HandoverRecord.Sex.FEMALE, 81))
                .vitals(vitals)
                .strips(strips.strips)
                .alarms(List.of(SimulatedTransport.alarm(at)))
                .build());
    open =
        builder.build(
            HandoverRecord.builder("T20261202-061000-WXYZ", "AMB-07", t.start)
                .destination(new HandoverRecord.Destination("MGH-ED", ""))
                .patient(new HandoverRecord.PatientInfo("UNK-22", "", null, null))
                .vitals(t.vitals.subList(0, 6))
                .build());
  }

  /** The strips of the finished transport: at its start and before handover. */
  private record HandoverBuilderStrips(List<EcgStrip> strips) {
    HandoverBuilderStrips(SimulatedTransport t) {
      this(t.scheduledStrips(List.of(), List.of()));
    }
  }

  @Test
  void the_whole_handover_bundle_validates_without_errors() {
    for (Bundle b : List.of(finished, open)) {
      FhirValidation.Result result = validation.validate(b);

      assertThat(result.errors()).isEmpty();
      report("bundle of " + b.getEntry().size() + " entries", result);
    }
  }

  @Test
  void every_kind_of_resource_validates_on_its_own_against_core_and_its_profiles() {
    Map<String, Integer> kinds = new TreeMap<>();
    List<FhirValidation.Issue> warnings = new ArrayList<>();
    for (Bundle b : List.of(finished, open)) {
      for (BundleEntryComponent e : b.getEntry()) {
        Resource r = e.getResource();
        String kind = kind(r);
        if (kinds.merge(kind, 1, Integer::sum) > 2) {
          continue; // two of each kind are enough; the bundle test covers all
        }
        FhirValidation.Result result =
            isVitalSign(r) ? validation.validate(r, VITALSIGNS) : validation.validate(r);
        assertThat(result.errors()).as(kind).isEmpty();
        warnings.addAll(result.warnings());
      }
    }
    assertThat(kinds.keySet())
        .contains(
            "Patient",
            "Encounter",
            "Location",
            "Device",
            "Provenance",
            "Observation 8867-4 heartrate",
            "Observation 8867-4 8889-8 heartrate",
            "Observation 2708-6 59408-5 oxygensat",
            "Observation 9279-1 resprate",
            "Observation 8310-5 bodytemp",
            "Observation 85354-9 bp",
            "Observation 19891-1",
            "Observation 30525-0",
            "Observation 131328",
            "Observation 131330");
    report(kinds.size() + " kinds of resource, each on its own", warnings);
  }

  @Test
  void the_validator_does_find_errors() {
    Observation hr =
        (Observation)
            finished.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(FhirValidationTest::isVitalSign)
                .findFirst()
                .orElseThrow()
                .copy();
    hr.setStatus(null);
    hr.setSubject(null);

    FhirValidation.Result result = validation.validate(hr, VITALSIGNS);

    assertThat(result.valid()).isFalse();
    assertThat(result.errors().toString()).contains("Observation.status").contains("subject");
  }

  private static boolean isVitalSign(Resource r) {
    return r instanceof Observation o && o.getMeta().hasProfile();
  }

  private static String kind(Resource r) {
    if (!(r instanceof Observation o)) {
      return r.fhirType();
    }
    StringBuilder b = new StringBuilder("Observation");
    o.getCode().getCoding().stream()
        .filter(c -> c.getSystem().equals("http://loinc.org"))
        .forEach(c -> b.append(' ').append(c.getCode()));
    if (b.length() == "Observation".length()) {
      b.append(' ').append(o.getCode().getCodingFirstRep().getCode());
    }
    for (CanonicalType p : o.getMeta().getProfile()) {
      b.append(' ').append(p.getValue().substring(p.getValue().lastIndexOf('/') + 1));
    }
    return b.toString();
  }

  private static void report(String what, FhirValidation.Result result) {
    report(what, result.warnings());
  }

  private static void report(String what, List<FhirValidation.Issue> warnings) {
    TreeSet<String> distinct = new TreeSet<>();
    warnings.forEach(w -> distinct.add(w.message().replaceAll("'[^']*'", "'…'")));
    System.out.println(what + ": 0 errors, " + warnings.size() + " warnings");
    distinct.forEach(w -> System.out.println("  warning: " + w));
  }
}
