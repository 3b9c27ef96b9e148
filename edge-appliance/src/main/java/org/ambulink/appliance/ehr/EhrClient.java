package org.ambulink.appliance.ehr;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts one FHIR R4 transaction Bundle to the EHR ({@code POST {base-url}}, {@code
 * application/fhir+json}) and says what came of it: accepted (every entry of the {@code
 * transaction-response} 2xx), refused for good (4xx other than 408/429, or an entry refused), or
 * worth another try ({@link RetryableFailure}: 5xx, 408, 429, no answer in time, connection lost),
 * with the server's {@code Retry-After} when it sent one. Knows nothing of retries, the journal or
 * the crew page. Never logs: the bundle and the token stay out of every message it makes.
 */
public final class EhrClient {
  static final String FHIR_JSON = "application/fhir+json";
  private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);
  private static final int MAX_TEXT = 600;

  /** What came of a post that is not worth repeating. */
  sealed interface Result permits Accepted, Refused {}

  /**
   * The EHR took the whole bundle.
   *
   * @param status the HTTP status of the answer
   * @param created entries answered 201 (new resources)
   * @param matched entries answered 200 (an existing resource matched {@code ifNoneExist})
   */
  record Accepted(int status, int created, int matched) implements Result {}

  /**
   * The EHR refused the bundle (or part of it) for a reason another try cannot fix.
   *
   * @param status the HTTP status, or a word for what went wrong ({@code response}, {@code
   *     token-<status>}); no patient data
   * @param message for the crew: what the server said; may hold patient data, never logged
   */
  record Refused(String status, String message) implements Result {}

  /** A failure that another attempt may get past. Its message holds no patient data. */
  static final class RetryableFailure extends RuntimeException {
    private final String status;
    private final transient Duration retryAfter;

    RetryableFailure(String status, String message, Duration retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    /** The HTTP status, or {@code timeout}, {@code connect}, {@code io}. */
    String status() {
      return status;
    }

    /** How long the server asked us to wait ({@code Retry-After}); null when it did not say. */
    Duration retryAfter() {
      return retryAfter;
    }
  }

  /** A failure to get credentials that another attempt cannot fix (e.g. invalid_client). */
  static final class CredentialsRefused extends RuntimeException {
    private final String status;

    CredentialsRefused(String status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    String status() {
      return status;
    }
  }

  /** Where the {@code Authorization} header comes from. */
  interface Credentials {
    /**
     * The {@code Authorization} header value, or null for none.
     *
     * @throws RetryableFailure when a token endpoint cannot be reached now
     * @throws CredentialsRefused when the token endpoint refuses the appliance
     */
    String authorization() throws InterruptedException;

    /**
     * Forgets a token the EHR answered 401 to. True when a new one will be fetched, so one more
     * post is worth it.
     */
    default boolean renew() {
      return false;
    }

    Credentials NONE = () -> null;

    static Credentials bearer(String token) {
      String header = "Bearer " + token;
      return () -> header;
    }
  }

  private final URI target;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Credentials credentials;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();

  EhrClient(
      URI target, HttpClient http, Duration requestTimeout, Credentials credentials, Clock clock) {
    this.target = target;
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.credentials = credentials;
    this.clock = clock;
  }

  /**
   * The client for the configured EHR, or null when {@code base-url} is empty.
   *
   * @param tokenFromEnvironment {@code AMBULINK_EHR_TOKEN}, wins over {@code bearer-token}
   * @param clientSecret {@code AMBULINK_EHR_CLIENT_SECRET}
   * @throws IllegalArgumentException naming the key whose value cannot work
   */
  public static EhrClient create(
      EhrProperties props, String tokenFromEnvironment, String clientSecret, Clock clock) {
    if (!props.configured()) {
      return null;
    }
    URI target = httpUrl(props.baseUrl(), "ambulink.ehr.base-url");
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(props.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Credentials credentials =
        switch (props.auth()) {
          case NONE -> Credentials.NONE;
          case BEARER -> {
            String token =
                tokenFromEnvironment != null && !tokenFromEnvironment.isBlank()
                    ? tokenFromEnvironment.strip()
                    : props.bearerToken();
            if (token.isEmpty()) {
              throw new IllegalArgumentException(
                  "ambulink.ehr.auth is bearer but there is no token: set the environment"
                      + " variable AMBULINK_EHR_TOKEN");
            }
            yield Credentials.bearer(token);
          }
          case CLIENT_CREDENTIALS -> {
            if (props.clientId().isEmpty()) {
              throw new IllegalArgumentException(
                  "ambulink.ehr.auth is client-credentials but ambulink.ehr.client-id is empty");
            }
            if (clientSecret == null || clientSecret.isBlank()) {
              throw new IllegalArgumentException(
                  "ambulink.ehr.auth is client-credentials but there is no client secret: set the"
                      + " environment variable AMBULINK_EHR_CLIENT_SECRET");
            }
            yield new ClientCredentials(
                httpUrl(props.tokenUrl(), "ambulink.ehr.token-url"),
                props.clientId(),
                clientSecret.strip(),
                props.scope(),
                props.clientAuthMethod(),
                http,
                props.requestTimeout(),
                clock);
          }
        };
    return new EhrClient(target, http, props.requestTimeout(), credentials, clock);
  }

  static URI httpUrl(String value, String key) {
    try {
      URI u = new URI(value);
      if (u.getHost() == null
          || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
        throw new URISyntaxException(value, "not an absolute http or https URL");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          key + " must be an http or https URL, was '" + value + "'", e);
    }
  }

  /** Where bundles are posted. */
  public URI target() {
    return target;
  }

  /**
   * Posts one bundle; on a 401 with renewable credentials, renews them and posts once more.
   *
   * @throws RetryableFailure when another attempt may succeed
   * @throws InterruptedException when the worker is stopping
   */
  Result post(String bundleJson) throws InterruptedException {
    HttpResponse<String> r;
    try {
      r = send(bundleJson);
      if (r.statusCode() == 401 && credentials.renew()) {
        r = send(bundleJson);
      }
    } catch (CredentialsRefused e) {
      return new Refused(e.status(), e.getMessage());
    }
    return interpret(r, bundleJson);
  }

  private HttpResponse<String> send(String bundleJson) throws InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(requestTimeout)
            .header("Content-Type", FHIR_JSON)
            .header("Accept", FHIR_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(bundleJson, StandardCharsets.UTF_8));
    String authorization = credentials.authorization();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return exchange(http, b.build(), requestTimeout, "the EHR");
  }

  /** Sends a request; what goes wrong on the way is a {@link RetryableFailure}. */
  static HttpResponse<String> exchange(
      HttpClient http, HttpRequest request, Duration timeout, String who)
      throws InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new RetryableFailure(
          "timeout", who + " did not answer within " + seconds(timeout), null);
    } catch (ConnectException e) {
      throw new RetryableFailure("connect", "cannot connect to " + who, null);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new RetryableFailure("io", "the connection to " + who + " failed (" + why + ")", null);
    }
  }

  private Result interpret(HttpResponse<String> r, String bundleJson) {
    int s = r.statusCode();
    if (s >= 200 && s < 300) {
      return transactionResponse(r.body(), bundleJson, s);
    }
    String outcome = outcomeText(r.body());
    String said = outcome.isEmpty() ? "" : ": " + outcome;
    if (s >= 500 || s == 408 || s == 429) {
      Duration wait =
          r.headers()
              .firstValue("Retry-After")
              .map(v -> retryAfter(v, clock.instant()))
              .orElse(null);
      throw new RetryableFailure(String.valueOf(s), "the EHR answered HTTP " + s + said, wait);
    }
    if (s == 412) {
      return new Refused(
          "412",
          "The EHR found more than one existing record matching an identifier of this transport"
              + " (HTTP 412 on ifNoneExist), so it cannot tell which one to use; the hospital must"
              + " resolve the duplicates before the record can be delivered"
              + said);
    }
    if (s == 401 || s == 403) {
      return new Refused(
          String.valueOf(s),
          "The EHR refused the appliance's credentials (HTTP "
              + s
              + "); check ambulink.ehr.auth and its token or client"
              + said);
    }
    if (s >= 400) {
      return new Refused(
          String.valueOf(s),
          "The EHR refused the record (HTTP "
              + s
              + ")"
              + (outcome.isEmpty() ? " without saying why" : said));
    }
    return new Refused(
        String.valueOf(s),
        "The EHR answered HTTP "
            + s
            + r.headers().firstValue("Location").map(l -> " (to " + l + ")").orElse("")
            + " instead of taking the record; check ambulink.ehr.base-url");
  }

  /** Reads a transaction-response entry by entry: every entry must be 2xx. */
  private Result transactionResponse(String body, String bundleJson, int status) {
    JsonNode b;
    try {
      b = json.readTree(body == null ? "" : body);
    } catch (JacksonException e) {
      b = null;
    }
    String kind =
        b == null || !b.isObject()
            ? "something that is not FHIR JSON"
            : !"Bundle".equals(text(b.path("resourceType")))
                ? "a " + orUnknown(text(b.path("resourceType")))
                : "a Bundle of type '" + orUnknown(text(b.path("type"))) + "'";
    if (b == null
        || !"Bundle".equals(text(b.path("resourceType")))
        || !"transaction-response".equals(text(b.path("type")))) {
      return new Refused(
          "response",
          "The EHR answered HTTP "
              + status
              + " with "
              + kind
              + " instead of a transaction-response Bundle, so it is not known what it kept");
    }
    List<String> sent = entryNames(bundleJson);
    JsonNode entries = b.path("entry");
    int n = entries.isArray() ? entries.size() : 0;
    if (n != sent.size()) {
      return new Refused(
          "response",
          "The EHR answered for " + n + " entries of the " + sent.size() + " it was sent");
    }
    int created = 0;
    int matched = 0;
    List<String> refused = new ArrayList<>();
    String firstRefusal = null;
    for (int i = 0; i < n; i++) {
      JsonNode response = entries.path(i).path("response");
      String st = text(response.path("status")).strip();
      int code = statusCode(st);
      if (code == 201) {
        created++;
      } else if (code >= 200 && code < 300) {
        matched++;
      } else {
        if (firstRefusal == null) {
          firstRefusal = code > 0 ? String.valueOf(code) : "response";
        }
        String outcome = outcomeText(response.path("outcome"));
        refused.add(
            "entry "
                + (i + 1)
                + " of "
                + n
                + " ("
                + sent.get(i)
                + "): "
                + (st.isEmpty() ? "no status" : st)
                + (outcome.isEmpty() ? "" : ": " + outcome));
      }
    }
    if (!refused.isEmpty()) {
      return new Refused(firstRefusal, clip("The EHR refused " + String.join("; ", refused)));
    }
    return new Accepted(status, created, matched);
  }

  /** "POST Observation" for each entry of the bundle sent, to name a refused entry. */
  private List<String> entryNames(String bundleJson) {
    List<String> out = new ArrayList<>();
    JsonNode b;
    try {
      b = json.readTree(bundleJson);
    } catch (JacksonException e) {
      return out;
    }
    for (JsonNode e : b.path("entry").values()) {
      String method = text(e.path("request").path("method"));
      String url = text(e.path("request").path("url"));
      int q = url.indexOf('?');
      if (q >= 0) {
        url = url.substring(0, q);
      }
      String type = text(e.path("resource").path("resourceType"));
      String name = (method + " " + (url.isEmpty() ? type : url)).strip();
      out.add(name.isEmpty() ? "unnamed entry" : name);
    }
    return out;
  }

  /** The text of an OperationOutcome body; empty when the body is not one. */
  String outcomeText(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      return outcomeText(json.readTree(body));
    } catch (JacksonException e) {
      return "";
    }
  }

  /** Each issue's details.text and diagnostics, without repeats. */
  static String outcomeText(JsonNode outcome) {
    if (outcome == null || !"OperationOutcome".equals(text(outcome.path("resourceType")))) {
      return "";
    }
    Set<String> lines = new LinkedHashSet<>();
    for (JsonNode issue : outcome.path("issue").values()) {
      String details = text(issue.path("details").path("text")).strip();
      String diagnostics = text(issue.path("diagnostics")).strip();
      String line =
          details.isEmpty()
              ? diagnostics
              : diagnostics.isEmpty() || diagnostics.equals(details)
                  ? details
                  : details + " (" + diagnostics + ")";
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return clip(String.join("; ", lines));
  }

  /**
   * A {@code Retry-After} value (delay-seconds or HTTP-date) as a wait from {@code now}; null when
   * it is neither. Capped at an hour.
   */
  static Duration retryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    Duration d;
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        d = Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        d = LONGEST_RETRY_AFTER;
      }
    } else {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        d = Duration.between(now, at);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : d;
  }

  static int statusCode(String status) {
    int i = 0;
    while (i < status.length() && Character.isDigit(status.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 3) {
      return -1;
    }
    return Integer.parseInt(status.substring(0, i));
  }

  static String text(JsonNode n) {
    if (n == null) {
      return "";
    }
    if (n.isString()) {
      return n.stringValue();
    }
    return n.isNumber() ? n.asString() : "";
  }

  private static String orUnknown(String s) {
    return s.isEmpty() ? "unknown" : s;
  }

  static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }
}
