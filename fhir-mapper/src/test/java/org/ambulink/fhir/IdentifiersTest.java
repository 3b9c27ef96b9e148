package org.ambulink.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
  @Test
  void if_none_exist_keeps_ordinary_ids_readable_and_escapes_search_specials() {
    assertThat(Identifiers.ifNoneExist("identifier", Identifiers.TRANSPORT, "AMB-07/T1"))
        .isEqualTo("identifier=urn:ambulink:transport|AMB-07/T1");
    assertThat(Identifiers.ifNoneExist("identifier", Identifiers.EQUIPMENT_ID, "a|b,c$d\\e f&g"))
        .isEqualTo("identifier=urn:ambulink:equipment-id|a%5C%7Cb%5C%2Cc%5C%24d%5C%5Ce%20f%26g");
    assertThat(Identifiers.ifNoneExist("identifier", Identifiers.DESTINATION_ID, "Zürich"))
        .isEqualTo("identifier=urn:ambulink:destination-id|Z%C3%BCrich");
  }

  @Test
  void full_urls_are_name_based_uuids_of_type_system_and_value() {
    String a = Identifiers.fullUrl("Observation", Identifiers.OBSERVATION, "AMB-07/T1/x");

    assertThat(a)
        .isEqualTo(Identifiers.fullUrl("Observation", Identifiers.OBSERVATION, "AMB-07/T1/x"));
    assertThat(a).startsWith("urn:uuid:").hasSize(45);
    assertThat(a)
        .isNotEqualTo(Identifiers.fullUrl("Observation", Identifiers.OBSERVATION, "AMB-07/T2/x"));
    assertThat(a)
        .isNotEqualTo(Identifiers.fullUrl("Device", Identifiers.OBSERVATION, "AMB-07/T1/x"));
  }
}
