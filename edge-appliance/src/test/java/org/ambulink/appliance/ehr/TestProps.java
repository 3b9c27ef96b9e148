package org.ambulink.appliance.ehr;

import java.time.Duration;

/** {@link EhrProperties} for tests: short timeouts and backoffs, changed one key at a time. */
final class TestProps {
  String baseUrl;
  EhrProperties.Auth auth = EhrProperties.Auth.NONE;
  String bearerToken = "";
  String tokenUrl = "";
  String clientId = "";
  EhrProperties.ClientAuthMethod clientAuthMethod = EhrProperties.ClientAuthMethod.BASIC;
  Duration connectTimeout = Duration.ofSeconds(2);
  Duration requestTimeout = Duration.ofSeconds(3);
  Duration initialBackoff = Duration.ofMillis(50);
  Duration maxBackoff = Duration.ofMillis(200);
  double jitter = 0.5;
  int maxAttempts = 0;
  int breakerThreshold = 100;
  Duration breakerOpenWait = Duration.ofSeconds(1);

  TestProps(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  TestProps backoff(Duration initial, Duration max) {
    this.initialBackoff = initial;
    this.maxBackoff = max;
    return this;
  }

  TestProps requestTimeout(Duration d) {
    this.requestTimeout = d;
    return this;
  }

  TestProps maxAttempts(int n) {
    this.maxAttempts = n;
    return this;
  }

  TestProps breaker(int threshold, Duration openWait) {
    this.breakerThreshold = threshold;
    this.breakerOpenWait = openWait;
    return this;
  }

  TestProps bearer(String token) {
    this.auth = EhrProperties.Auth.BEARER;
    this.bearerToken = token;
    return this;
  }

  TestProps clientCredentials(
      String tokenUrl, String clientId, EhrProperties.ClientAuthMethod method) {
    this.auth = EhrProperties.Auth.CLIENT_CREDENTIALS;
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientAuthMethod = method;
    return this;
  }

  EhrProperties build() {
    return new EhrProperties(
        baseUrl,
        auth,
        bearerToken,
        tokenUrl,
        clientId,
        "system/*.write",
        clientAuthMethod,
        connectTimeout,
        requestTimeout,
        initialBackoff,
        maxBackoff,
        2.0,
        jitter,
        maxAttempts,
        breakerThreshold,
        breakerOpenWait);
  }
}
