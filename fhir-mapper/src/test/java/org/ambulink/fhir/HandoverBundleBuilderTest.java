package org.ambulink.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.util.FhirTerser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HandoverBundleBuilderTest {
  private static SimulatedTransport transport;
  private static List<EcgStrip> strips;
  private final HandoverBundleBuilder builder = new HandoverBundleBuilder();

  @BeforeAll
  static void record() {
    transport =
        SimulatedTransport.run(
            Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofMinutes(1));
    Instant alarm = transport.start.plusSeconds(31);
    strips = transport.scheduledStrips(List.of(alarm), List.of());
  }

  private static HandoverRecord handover(String transportId) {
    Instant alarm = transport.start.plusSeconds(31);
    return transport
        .handover(transportId)
        .strips(strips)
        .alarms(List.of(SimulatedTransport.alarm(alarm)))
        .build();
  }

  @Test
  void a_transaction_whose_entries_use_urn_uuids_and_whose_references_all_resolve_inside_it() {
    Bundle b = builder.build(handover("T20261202-060700-ABCD"));

    assertThat(b.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(b.getEntry())
        .allSatisfy(
            e ->
                assertThat(e.getFullUrl())
                    .matches(
                        "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertSelfContained(b);
    assertThat(strips)
        .extracting(EcgStrip::reason)
        .containsExactly(
            EcgStrip.Reason.TRANSPORT_START,
            EcgStrip.Reason.ALARM,
            EcgStrip.Reason.BEFORE_HANDOVER);
    assertThat(Bundles.withCode(b, "131328"))
        .hasSize(3)
        .allSatisfy(panel -> assertThat(panel.getHasMember()).hasSize(12));
    assertThat(Bundles.all(b, Patient.class)).hasSize(1);
    assertThat(Bundles.all(b, Encounter.class)).hasSize(1);
    assertThat(Bundles.all(b, Location.class)).hasSize(1);
    assertThat(Bundles.all(b, Device.class)).hasSize(2);
    assertThat(Bundles.all(b, Provenance.class)).hasSize(1);
  }

  @Test
  void every_entry_is_a_conditional_create_on_the_identifier_it_carries() {
    Bundle b = builder.build(handover("T20261202-060700-ABCD"));

    for (BundleEntryComponent e : b.getEntry()) {
      Resource r = e.getResource();
      assertThat(e.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
      assertThat(e.getRequest().getUrl()).isEqualTo(r.fhirType());
      String condition = e.getRequest().getIfNoneExist();
      assertThat(condition).as(r.fhirType()).isNotBlank();
      if (r instanceof Provenance p) {
        assertThat(condition)
            .isEqualTo("_tag=urn:ambulink:provenance|" + p.getMeta().getTagFirstRep().getCode());
      } else {
        Identifier id = keyIdentifier(r);
        assertThat(condition).isEqualTo("identifier=" + id.getSystem() + "|" + id.getValue());
      }
    }
    Patient patient = Bundles.all(b, Patient.class).get(0);
    assertThat(patient.getIdentifier())
        .extracting(i -> i.getSystem() + "|" + i.getValue())
        .containsExactly(
            "urn:ambulink:temporary-patient-id|UNK-7K3QX2",
            "urn:ambulink:transport-patient|AMB-07/T20261202-060700-ABCD");
  }

  @Test
  void building_twice_gives_the_same_bytes_and_another_transport_gets_other_ids() {
    String first = builder.encode(builder.build(handover("T20261202-060700-ABCD")));
    String again = builder.encode(builder.build(handover("T20261202-060700-ABCD")));
    Bundle other = builder.build(handover("T20261202-061500-WXYZ"));

    assertThat(again).isEqualTo(first);
    Bundle b = builder.build(handover("T20261202-060700-ABCD"));
    Set<String> mine = transportScopedUrls(b);
    Set<String> theirs = transportScopedUrls(other);
    assertThat(mine).hasSize(theirs.size()).doesNotContainAnyElementsOf(theirs);
    // Devices and the destination are the same things in both transports.
    assertThat(urls(other, Device.class)).isEqualTo(urls(b, Device.class));
    assertThat(urls(other, Location.class)).isEqualTo(urls(b, Location.class));
  }

  @Test
  void provenance_targets_every_other_entry_and_names_the_appliance() {
    Bundle b = builder.build(handover("T1"));
    Provenance p = Bundles.all(b, Provenance.class).get(0);
    Set<String> others =
        b.getEntry().stream()
            .filter(e -> !(e.getResource() instanceof Provenance))
            .map(BundleEntryComponent::getFullUrl)
            .collect(Collectors.toSet());

    assertThat(p.getTarget())
        .extracting(Reference::getReference)
        .containsExactlyInAnyOrderElementsOf(others);
    assertThat(p.getRecorded().toInstant()).isEqualTo(transport.end);
    Device appliance =
        (Device) entry(b, p.getAgentFirstRep().getWho().getReference()).getResource();
    assertThat(appliance.getIdentifierFirstRep().getSystem())
        .isEqualTo("urn:ambulink:appliance-id");
    assertThat(appliance.getIdentifierFirstRep().getValue()).isEqualTo("AMB-07");
  }

  @Test
  void an_open_transport_is_an_encounter_in_progress_recorded_at_its_latest_datum() {
    HandoverRecord open = transport.handover("T1").end(null).build();
    Bundle b = builder.build(open);

    Encounter e = Bundles.all(b, Encounter.class).get(0);
    assertThat(e.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
    assertThat(e.getPeriod().hasEnd()).isFalse();
    Instant latest =
        transport.vitals.stream().map(v -> v.observedAt()).max(Instant::compareTo).orElseThrow();
    assertThat(Bundles.all(b, Provenance.class).get(0).getRecorded().toInstant()).isEqualTo(latest);
  }

  @Test
  void a_long_transport_splits_into_bundles_under_the_cap_that_hold_each_observation_once() {
    SimulatedTransport longer =
        SimulatedTransport.run(
            Duration.ofMinutes(11), Duration.ofSeconds(1), Duration.ofMinutes(5));
    HandoverRecord r =
        longer
            .handover("T-LONG")
            .strips(longer.scheduledStrips(List.of(longer.start.plusSeconds(400)), List.of()))
            .build();
    int cap = 400_000;

    List<Bundle> parts = builder.buildAll(r, cap);
    Bundle whole = builder.build(r);

    assertThat(parts.size()).isGreaterThan(5);
    List<String> split = new ArrayList<>();
    for (Bundle part : parts) {
      assertThat(builder.encode(part).getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(cap);
      assertSelfContained(part);
      assertThat(Bundles.all(part, Patient.class)).hasSize(1);
      assertThat(Bundles.all(part, Encounter.class)).hasSize(1);
      assertThat(Bundles.all(part, Provenance.class)).hasSize(1);
      Bundles.observations(part).forEach(o -> split.add(Bundles.identifier(o)));
    }
    List<String> all = Bundles.observations(whole).stream().map(Bundles::identifier).toList();
    assertThat(all).hasSizeGreaterThan(4000).doesNotHaveDuplicates();
    assertThat(split).containsExactlyElementsOf(all);
    assertThat(builder.encode(whole).length()).isGreaterThan(cap * 5);
    // The repeated resources are byte for byte the same in every part.
    String patient = builder.encode(parts.get(0)).substring(0, 300);
    assertThat(parts).allSatisfy(p -> assertThat(builder.encode(p)).startsWith(patient));
    // What is posted is the JSON the size check made: the same bytes as encoding the parts.
    List<String> json = builder.buildJson(r, cap);
    assertThat(json).containsExactlyElementsOf(parts.stream().map(builder::encode).toList());
  }

  @Test
  void a_cap_too_small_for_one_ecg_strip_says_so() {
    HandoverRecord r = handover("T1");

    assertThatThrownBy(() -> builder.buildAll(r, 100_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBytes 100000 cannot hold Observation/ecg-strip at ");
    assertThatThrownBy(() -> builder.buildAll(r, 1_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hold even the patient");
  }

  /** Full URLs unique; every reference in every resource names an entry of this bundle. */
  static void assertSelfContained(Bundle b) {
    Set<String> urls = new HashSet<>();
    for (BundleEntryComponent e : b.getEntry()) {
      assertThat(urls.add(e.getFullUrl())).as("unique " + e.getFullUrl()).isTrue();
    }
    FhirTerser terser = FhirR4.context().newTerser();
    int references = 0;
    for (BundleEntryComponent e : b.getEntry()) {
      for (Reference ref :
          terser.getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)) {
        if (ref.hasReference()) {
          references++;
          assertThat(urls)
              .as("reference in " + e.getResource().fhirType())
              .contains(ref.getReference());
        }
      }
    }
    assertThat(references).isGreaterThan(b.getEntry().size());
  }

  private static BundleEntryComponent entry(Bundle b, String fullUrl) {
    return b.getEntry().stream()
        .filter(e -> e.getFullUrl().equals(fullUrl))
        .findFirst()
        .orElseThrow();
  }

  private static Identifier keyIdentifier(Resource r) {
    List<Identifier> ids;
    if (r instanceof Patient p) {
      ids = p.getIdentifier().subList(1, 2);
    } else if (r instanceof Encounter e) {
      ids = e.getIdentifier();
    } else if (r instanceof Location l) {
      ids = l.getIdentifier();
    } else if (r instanceof Device d) {
      ids = d.getIdentifier();
    } else if (r instanceof Observation o) {
      ids = o.getIdentifier();
    } else {
      throw new AssertionError("unexpected " + r.fhirType());
    }
    assertThat(ids).as(r.fhirType()).isNotEmpty();
    return ids.get(0);
  }

  private static Set<String> transportScopedUrls(Bundle b) {
    return b.getEntry().stream()
        .filter(e -> !(e.getResource() instanceof Device) && !(e.getResource() instanceof Location))
        .map(BundleEntryComponent::getFullUrl)
        .collect(Collectors.toSet());
  }

  private static Set<String> urls(Bundle b, Class<? extends DomainResource> type) {
    return b.getEntry().stream()
        .filter(e -> type.isInstance(e.getResource()))
        .map(BundleEntryComponent::getFullUrl)
        .collect(Collectors.toSet());
  }
}
