package org.ambulink.appliance.ehr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The pieces of the EHR client that need no server: Retry-After, OperationOutcome, config. */
class EhrClientTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void retryAfterTakesSecondsOrAnHttpDate() {
    assertThat(EhrClient.retryAfter("1", NOW)).isEqualTo(Duration.ofSeconds(1));
    assertThat(EhrClient.retryAfter(" 120 ", NOW)).isEqualTo(Duration.ofMinutes(2));
    assertThat(EhrClient.retryAfter("Wed, 02 Dec 2026 10:00:30 GMT", NOW))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(EhrClient.retryAfter("Wed, 02 Dec 2026 09:00:00 GMT", NOW)).isZero();
    assertThat(EhrClient.retryAfter("99999999", NOW)).isEqualTo(Duration.ofHours(1));
    assertThat(EhrClient.retryAfter("soon", NOW)).isNull();
    assertThat(EhrClient.retryAfter("", NOW)).isNull();
  }

  @Test
  void operationOutcomeTextJoinsDetailsAndDiagnostics() {
    JsonMapper json = JsonMapper.builder().build();
    String oo =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":["
            + "{\"severity\":\"error\",\"code\":\"invalid\",\"details\":{\"text\":\"Bad unit\"},"
            + "\"diagnostics\":\"Observation.valueQuantity.code\"},"
            + "{\"severity\":\"error\",\"code\":\"required\",\"diagnostics\":\"Patient.gender is"
            + " missing\"}]}";
    assertThat(EhrClient.outcomeText(json.readTree(oo)))
        .isEqualTo("Bad unit (Observation.valueQuantity.code); Patient.gender is missing");
    assertThat(EhrClient.outcomeText(json.readTree("{\"resourceType\":\"Patient\"}"))).isEmpty();
  }

  @Test
  void statusLinesAreReadByTheirCode() {
    assertThat(EhrClient.statusCode("201 Created")).isEqualTo(201);
    assertThat(EhrClient.statusCode("200")).isEqualTo(200);
    assertThat(EhrClient.statusCode("Created")).isEqualTo(-1);
  }

  @Test
  void noBaseUrlMeansNoClientAndABadOneIsNamed() {
    assertThat(EhrClient.create(EhrProperties.defaults(""), "", "", Clock.systemUTC())).isNull();
    assertThatThrownBy(
            () ->
                EhrClient.create(EhrProperties.defaults("ehr.example"), "", "", Clock.systemUTC()))
        .hasMessageContaining("ambulink.ehr.base-url")
        .hasMessageContaining("ehr.example");
  }

  @Test
  void bearerNeedsATokenAndTheEnvironmentWins() {
    TestProps p = new TestProps("http://127.0.0.1:9/fhir").bearer("");
    assertThatThrownBy(() -> EhrClient.create(p.build(), "", "", Clock.systemUTC()))
        .hasMessageContaining("AMBULINK_EHR_TOKEN");
    assertThat(EhrClient.create(p.build(), "from-env", "", Clock.systemUTC())).isNotNull();
  }

  @Test
  void clientCredentialsNeedTheSecretFromTheEnvironment() {
    TestProps p =
        new TestProps("http://127.0.0.1:9/fhir")
            .clientCredentials(
                "http://127.0.0.1:9/token", "ambulance-7", EhrProperties.ClientAuthMethod.BASIC);
    assertThatThrownBy(() -> EhrClient.create(p.build(), "", "", Clock.systemUTC()))
        .hasMessageContaining("AMBULINK_EHR_CLIENT_SECRET");
  }
}
