package org.ambulink.appliance.console;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ED console sync ({@code ambulink.console.*}): where the appliance sends its console events
 * (docs/console-api.md); every key is documented in config/README.md.
 *
 * @param baseUrl the console, e.g. {@code https://ed.example.org}; events go to {@code POST
 *     {base-url}/api/appliance/events}. Empty: console sync is off, nothing is sent
 * @param token the device token, <b>for tests only</b>; on a vehicle it comes from {@code
 *     AMBULINK_CONSOLE_TOKEN}, which wins
 * @param heartbeatInterval with nothing to send, an empty batch (a heartbeat) goes this often
 * @param batchSize most events per post (the console takes at most 500)
 * @param retryInitialBackoff wait after the first failed post; doubles (with jitter) per failure
 * @param retryMaxBackoff longest wait between failed posts; also the wait after a 401/403
 * @param connectTimeout longest wait for a connection to the console
 * @param requestTimeout longest wait for the console's answer to one post
 */
@Validated
@ConfigurationProperties("ambulink.console")
public record ConsoleProperties(
    @DefaultValue("") String baseUrl,
    @DefaultValue("") String token,
    @DefaultValue("5s") Duration heartbeatInterval,
    @Min(1) @Max(500) @DefaultValue("500") int batchSize,
    @DefaultValue("1s") Duration retryInitialBackoff,
    @DefaultValue("30s") Duration retryMaxBackoff,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("10s") Duration requestTimeout) {

  /** The path of the events API under the base URL. */
  public static final String EVENTS_PATH = "/api/appliance/events";

  public ConsoleProperties {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    token = token == null ? "" : token.strip();
    if (!baseUrl.isEmpty()) {
      URI u;
      try {
        u = URI.create(baseUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "ambulink.console.base-url is not a URL: '" + baseUrl + "'");
      }
      if (u.getHost() == null
          || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
        throw new IllegalArgumentException(
            "ambulink.console.base-url must be an http(s) URL with a host, was '" + baseUrl + "'");
      }
    }
    heartbeatInterval = positive(heartbeatInterval, "heartbeat-interval", Duration.ofSeconds(5));
    retryInitialBackoff =
        positive(retryInitialBackoff, "retry-initial-backoff", Duration.ofSeconds(1));
    retryMaxBackoff = positive(retryMaxBackoff, "retry-max-backoff", Duration.ofSeconds(30));
    connectTimeout = positive(connectTimeout, "connect-timeout", Duration.ofSeconds(5));
    requestTimeout = positive(requestTimeout, "request-timeout", Duration.ofSeconds(10));
    if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
      throw new IllegalArgumentException(
          "ambulink.console.retry-max-backoff ("
              + retryMaxBackoff
              + ") must not be shorter than ambulink.console.retry-initial-backoff ("
              + retryInitialBackoff
              + ")");
    }
  }

  /** The defaults, sending to {@code baseUrl} (empty: not configured). */
  public static ConsoleProperties defaults(String baseUrl) {
    return new ConsoleProperties(baseUrl, "", null, 500, null, null, null, null);
  }

  /** Whether console sync is configured at all. */
  public boolean configured() {
    return !baseUrl.isEmpty();
  }

  /** Where the events are posted. */
  public URI eventsUri() {
    String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return URI.create(b + EVENTS_PATH);
  }

  private static Duration positive(Duration d, String key, Duration fallback) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("ambulink.console." + key + " must be positive, was " + d);
    }
    return d;
  }
}
