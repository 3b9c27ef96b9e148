package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.ambulink.console.testing.ConsoleServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A member of staff's HTTP session with the console, logged in through the login form. */
final class StaffHttp {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final String baseUrl;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;

  private StaffHttp(String baseUrl) {
    this.baseUrl = baseUrl;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Not logged in (yet). */
  static StaffHttp anonymous(String baseUrl) {
    return new StaffHttp(baseUrl);
  }

  /** Logged in as {@code username} with the test password; asserts the landing page. */
  static StaffHttp login(String baseUrl, String username) {
    StaffHttp s = new StaffHttp(baseUrl);
    assertThat(s.get("/login.html").statusCode()).isEqualTo(200);
    String form =
        "username="
            + enc(username)
            + "&password="
            + enc(ConsoleServer.PASSWORD)
            + "&_csrf="
            + enc(s.csrf());
    HttpResponse<String> r =
        s.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    assertThat(r.statusCode()).as("login of %s", username).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElse(""))
        .as("landing of %s", username)
        .doesNotContain("error")
        .doesNotContain("locked");
    return s;
  }

  String csrf() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals("XSRF-TOKEN"))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse("");
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  JsonNode json(String path) {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
