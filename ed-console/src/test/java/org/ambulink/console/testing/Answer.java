package org.ambulink.console.testing;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * An HTTP answer of the console.
 *
 * @param json the body parsed when it was JSON (including problem details) and not empty; else null
 * @param text the body as it came
 */
public record Answer(int status, HttpHeaders headers, String text, JsonNode json) {

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  public List<String> headers(String name) {
    return headers.allValues(name);
  }

  /** The redirect target, or null. */
  public String location() {
    return header("Location").orElse(null);
  }

  public String contentType() {
    return header("Content-Type").orElse("");
  }

  /** The {@code detail} of a problem (RFC 9457). */
  public String detail() {
    return json == null || json.get("detail") == null ? null : json.get("detail").asString();
  }

  @Override
  public String toString() {
    return status
        + " "
        + contentType()
        + " "
        + (text.length() > 500 ? text.substring(0, 500) + "..." : text);
  }
}
