package org.ambulink.appliance.ehr;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OAuth 2.0 client credentials for the EHR, SMART Backend Services style but simplified to a client
 * secret ({@code client_secret_basic} or {@code client_secret_post}): fetches an access token from
 * the token endpoint, keeps it until shortly before {@code expires_in} runs out, and fetches a new
 * one after the EHR answers 401. The token and the secret never appear in a message or a log.
 */
final class ClientCredentials implements EhrClient.Credentials {
  /** A token without {@code expires_in} is kept until the EHR refuses it. */
  private static final Duration NO_EXPIRY = Duration.ofDays(3650);

  private final URI tokenUrl;
  private final String clientId;
  private final String secret;
  private final String scope;
  private final EhrProperties.ClientAuthMethod method;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();
  private String token;
  private Instant renewAt = Instant.MIN;

  ClientCredentials(
      URI tokenUrl,
      String clientId,
      String secret,
      String scope,
      EhrProperties.ClientAuthMethod method,
      HttpClient http,
      Duration timeout,
      Clock clock) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.secret = secret;
    this.scope = scope;
    this.method = method;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public synchronized String authorization() throws InterruptedException {
    if (token == null || !clock.instant().isBefore(renewAt)) {
      fetch();
    }
    return "Bearer " + token;
  }

  @Override
  public synchronized boolean renew() {
    token = null;
    return true;
  }

  private void fetch() throws InterruptedException {
    StringBuilder form =
        new StringBuilder("grant_type=client_credentials&scope=").append(encode(scope));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (method == EhrProperties.ClientAuthMethod.POST) {
      form.append("&client_id=").append(encode(clientId));
      form.append("&client_secret=").append(encode(secret));
    } else {
      String pair = encode(clientId) + ":" + encode(secret);
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    Instant asked = clock.instant();
    HttpResponse<String> r =
        EhrClient.exchange(
            http,
            b.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
            timeout,
            "the EHR's token endpoint");
    int s = r.statusCode();
    JsonNode body;
    try {
      body = json.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
    } catch (JacksonException e) {
      body = json.createObjectNode();
    }
    if (s >= 500 || s == 408 || s == 429) {
      throw new EhrClient.RetryableFailure(
          "token-" + s,
          "the EHR's token endpoint answered HTTP " + s,
          r.headers()
              .firstValue("Retry-After")
              .map(v -> EhrClient.retryAfter(v, clock.instant()))
              .orElse(null));
    }
    String accessToken = EhrClient.text(body.path("access_token"));
    if (s != 200 || accessToken.isBlank()) {
      String error = EhrClient.text(body.path("error"));
      String description = EhrClient.text(body.path("error_description"));
      throw new EhrClient.CredentialsRefused(
          "token-" + s,
          EhrClient.clip(
              "The EHR's token endpoint refused the appliance (HTTP "
                  + s
                  + (error.isEmpty() ? "" : ", " + error)
                  + (description.isEmpty() ? "" : ": " + description)
                  + "); check ambulink.ehr.client-id, ambulink.ehr.scope and"
                  + " AMBULINK_EHR_CLIENT_SECRET"));
    }
    Duration lifetime = NO_EXPIRY;
    JsonNode expires = body.path("expires_in");
    long seconds = -1;
    if (expires.isNumber()) {
      seconds = expires.asLong();
    } else if (expires.isString()) {
      try {
        seconds = Long.parseLong(expires.stringValue().strip());
      } catch (NumberFormatException e) {
        seconds = -1;
      }
    }
    if (seconds > 0) {
      lifetime = Duration.ofSeconds(seconds);
    }
    // Renew shortly before it runs out: 10 % of its life, at most 30 s early.
    Duration early = lifetime.dividedBy(10);
    if (early.compareTo(Duration.ofSeconds(30)) > 0) {
      early = Duration.ofSeconds(30);
    }
    token = accessToken;
    renewAt = asked.plus(lifetime).minus(early);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
