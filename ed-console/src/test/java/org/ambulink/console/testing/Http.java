package org.ambulink.console.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.json.JsonMapper;

/** Sends requests and reads answers for the test clients; I/O failures are unchecked. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private Http() {}

  static Answer send(HttpClient http, HttpRequest request) {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    String type = r.headers().firstValue("Content-Type").orElse("");
    boolean json = type.contains("json") && !r.body().isEmpty();
    return new Answer(r.statusCode(), r.headers(), r.body(), json ? JSON.readTree(r.body()) : null);
  }
}
