package org.ambulink.appliance.ehr;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * EHR delivery of the handover record ({@code ambulink.ehr.*}); every key is documented in
 * config/README.md.
 *
 * @param baseUrl where the FHIR R4 transaction Bundle is posted ({@code POST {base-url}}); empty:
 *     EHR delivery is not configured and nothing is sent
 * @param auth {@code none}, {@code bearer} (a fixed token from {@code AMBULINK_EHR_TOKEN}) or
 *     {@code client-credentials} (OAuth 2.0 client credentials, SMART Backend Services style)
 * @param bearerToken the bearer token, <b>for tests only</b>; on a vehicle use {@code
 *     AMBULINK_EHR_TOKEN}, which wins
 * @param tokenUrl the token endpoint for {@code client-credentials}
 * @param clientId the client id for {@code client-credentials}; the secret comes from {@code
 *     AMBULINK_EHR_CLIENT_SECRET}
 * @param scope the scope asked for with {@code client-credentials}
 * @param clientAuthMethod how the client authenticates at the token endpoint: {@code basic}
 *     (client_secret_basic) or {@code post} (client_secret_post)
 * @param connectTimeout longest wait for a connection to the EHR or token endpoint
 * @param requestTimeout longest wait for the EHR's answer to one post
 * @param retryInitialBackoff wait before the second attempt; grows by {@code retry-multiplier}
 * @param retryMaxBackoff longest wait between attempts (a server's {@code Retry-After} wins)
 * @param retryMultiplier growth of the wait from one attempt to the next
 * @param retryJitter randomization of each wait, 0 (none) to 1 (±100 %)
 * @param maxAttempts attempts per part before giving up; 0: never give up (the default: the record
 *     must arrive)
 * @param breakerFailureThreshold consecutive failed attempts after which posting pauses
 * @param breakerOpenWait how long posting pauses before one trial attempt
 */
@Validated
@ConfigurationProperties("ambulink.ehr")
public record EhrProperties(
    @DefaultValue("") String baseUrl,
    @DefaultValue("none") Auth auth,
    @DefaultValue("") String bearerToken,
    @DefaultValue("") String tokenUrl,
    @DefaultValue("") String clientId,
    @DefaultValue("system/*.write") String scope,
    @DefaultValue("basic") ClientAuthMethod clientAuthMethod,
    @DefaultValue("10s") Duration connectTimeout,
    @DefaultValue("60s") Duration requestTimeout,
    @DefaultValue("2s") Duration retryInitialBackoff,
    @DefaultValue("5m") Duration retryMaxBackoff,
    @DecimalMin("1.0") @DefaultValue("2.0") double retryMultiplier,
    @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5") double retryJitter,
    @Min(0) @DefaultValue("0") int maxAttempts,
    @Min(1) @DefaultValue("5") int breakerFailureThreshold,
    @DefaultValue("60s") Duration breakerOpenWait) {

  /** How the appliance authenticates to the EHR. */
  public enum Auth {
    NONE,
    BEARER,
    CLIENT_CREDENTIALS
  }

  /** How the client secret is sent to the token endpoint. */
  public enum ClientAuthMethod {
    BASIC,
    POST
  }

  public EhrProperties {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    auth = auth == null ? Auth.NONE : auth;
    bearerToken = bearerToken == null ? "" : bearerToken.strip();
    tokenUrl = tokenUrl == null ? "" : tokenUrl.strip();
    clientId = clientId == null ? "" : clientId.strip();
    scope = scope == null || scope.isBlank() ? "system/*.write" : scope.strip();
    clientAuthMethod = clientAuthMethod == null ? ClientAuthMethod.BASIC : clientAuthMethod;
    connectTimeout = positive(connectTimeout, "connect-timeout", Duration.ofSeconds(10));
    requestTimeout = positive(requestTimeout, "request-timeout", Duration.ofSeconds(60));
    retryInitialBackoff =
        positive(retryInitialBackoff, "retry-initial-backoff", Duration.ofSeconds(2));
    retryMaxBackoff = positive(retryMaxBackoff, "retry-max-backoff", Duration.ofMinutes(5));
    breakerOpenWait = positive(breakerOpenWait, "breaker-open-wait", Duration.ofSeconds(60));
    if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
      throw new IllegalArgumentException(
          "ambulink.ehr.retry-max-backoff ("
              + retryMaxBackoff
              + ") must not be shorter than ambulink.ehr.retry-initial-backoff ("
              + retryInitialBackoff
              + ")");
    }
  }

  /** The defaults, posting to {@code baseUrl} (empty: not configured). */
  public static EhrProperties defaults(String baseUrl) {
    return new EhrProperties(
        baseUrl, Auth.NONE, "", "", "", null, null, null, null, null, null, 2.0, 0.5, 0, 5, null);
  }

  /** Whether EHR delivery is configured at all. */
  public boolean configured() {
    return !baseUrl.isEmpty();
  }

  private static Duration positive(Duration d, String key, Duration fallback) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("ambulink.ehr." + key + " must be positive, was " + d);
    }
    return d;
  }
}
