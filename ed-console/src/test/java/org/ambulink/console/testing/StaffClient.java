package org.ambulink.console.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A staff member's browser session over real HTTP: a cookie jar (session and CSRF cookies), no
 * automatic redirects (tests look at them), the CSRF token sent back as {@code X-XSRF-TOKEN} on
 * every POST the way the pages do it.
 */
public final class StaffClient {
  public static final String ACCEPT_JSON = "application/json, application/problem+json";
  public static final String CSRF_COOKIE = "XSRF-TOKEN";

  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;
  private final String base;

  public StaffClient(String baseUrl) {
    this.base = baseUrl;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** A session of {@code username} with the known password; fails the test if the login fails. */
  public static StaffClient loggedIn(ConsoleServer server, String username) {
    StaffClient c = new StaffClient(server.baseUrl());
    Answer a = c.login(username, ConsoleServer.PASSWORD);
    assertThat(a.status()).as("login of %s: %s", username, a).isEqualTo(302);
    assertThat(a.location()).as("login of %s", username).doesNotContain("/login.html");
    // as a browser does: the landing page; the login replaced the CSRF token, and the first page
    // after it carries the new one's cookie
    c.fetch(java.net.URI.create(a.location()).getPath());
    assertThat(c.cookie(CSRF_COOKIE)).as("CSRF cookie after the login of %s", username).isPresent();
    return c;
  }

  /**
   * Logs in as the login page does: GET the page (which sets the CSRF cookie), then POST the form
   * to {@code /login} with {@code _csrf}. The answer is the redirect: to the landing page on
   * success, to {@code /login.html?error} or {@code ?locked=<minutes>} on failure.
   */
  public Answer login(String username, String password) {
    fetch("/login.html");
    String token =
        cookie(CSRF_COOKIE)
            .orElseThrow(() -> new AssertionError("GET /login.html set no " + CSRF_COOKIE));
    return postForm("/login", Map.of("username", username, "password", password, "_csrf", token));
  }

  /** POSTs a form, as a browser would (no CSRF header; put {@code _csrf} in the form if needed). */
  public Answer postForm(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** GET of an API path, asking for JSON. */
  public Answer get(String path) {
    return send(request(path).header("Accept", ACCEPT_JSON).GET());
  }

  /** GET of an API path that must answer 200: its JSON. */
  public JsonNode ok(String path) {
    Answer a = get(path);
    assertThat(a.status()).as("GET %s: %s", path, a).isEqualTo(200);
    return a.json();
  }

  /** GET of anything (a page, a script, a CSV), as a browser asks for a page. */
  public Answer fetch(String path) {
    return send(request(path).header("Accept", "text/html,*/*;q=0.8").GET());
  }

  /** POST of a JSON body (or none, if null) with the CSRF header, as the pages' scripts do. */
  public Answer post(String path, String json) {
    HttpRequest.Builder b = request(path);
    cookie(CSRF_COOKIE).ifPresent(t -> b.header("X-XSRF-TOKEN", t));
    return send(withBody(b, json));
  }

  /** POST of a JSON body without the CSRF header: what a forged cross-site request would send. */
  public Answer postWithoutCsrf(String path, String json) {
    return send(withBody(request(path), json));
  }

  /** Any request on this session's cookies. */
  public Answer send(HttpRequest.Builder request) {
    return Http.send(http, request.build());
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  /** A cookie this session holds. */
  public Optional<String> cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .reduce((first, last) -> last);
  }

  public String baseUrl() {
    return base;
  }

  private static HttpRequest.Builder withBody(HttpRequest.Builder b, String json) {
    b.header("Accept", ACCEPT_JSON);
    if (json == null) {
      return b.POST(HttpRequest.BodyPublishers.noBody());
    }
    return b.header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
  }
}
