package org.ambulink.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One staff member's incoming board: logs in like the login page (GET /login.html for the
 * XSRF-TOKEN cookie, POST /login with it), then holds {@code GET /api/board/stream} open and reads
 * its server-sent events line by line on a thread of its own: first {@code board} with the whole
 * list, then {@code transport} with one changed summary each. Every summary moves this viewer's
 * cursor in the transport's {@link BoardChanges}; the arrival time is taken when the event's data
 * line has been read.
 */
final class BoardViewer implements Runnable {
  final int index;
  final String username;
  private final URI base;
  private final HttpClient http;
  private final JsonMapper json;
  private final Map<String, BoardChanges> transports;
  private final Thread thread;
  private String cookies;
  private volatile InputStream body;
  private volatile boolean closing;

  /** change → visible of the measured changes, nanoseconds (read after {@link #close}). */
  final BoardChanges.LongList delays = new BoardChanges.LongList();

  final AtomicLong summaries = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  volatile String error;

  /**
   * @param index this viewer's index in the {@link BoardChanges} of the transports it watches
   * @param transports by transport id: those whose changes are tracked (others are ignored)
   */
  BoardViewer(
      int index,
      String username,
      URI base,
      HttpClient http,
      JsonMapper json,
      Map<String, BoardChanges> transports) {
    this.index = index;
    this.username = username;
    this.base = base;
    this.http = http;
    this.json = json;
    this.transports = transports;
    this.thread = new Thread(this, "viewer-" + index);
    this.thread.setDaemon(true);
  }

  /** Logins answered 500 and tried again (concurrent logins; see docs/benchmarks.md). */
  static final AtomicLong loginRetries = new AtomicLong();

  /**
   * Logs in (a session of its own); throws when the console refuses. A 500 is tried again, up to
   * three times: concurrent logins can collide in the console's audit log.
   */
  void login(String password) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        loginOnce(password);
        return;
      } catch (ServerError e) {
        if (attempt == 3) {
          throw e;
        }
        loginRetries.incrementAndGet();
      }
    }
  }

  /** A login answered with a server error. */
  static final class ServerError extends IOException {
    ServerError(String message) {
      super(message);
    }
  }

  private void loginOnce(String password) throws IOException, InterruptedException {
    Map<String, String> jar = new LinkedHashMap<>();
    HttpResponse<Void> page =
        http.send(
            HttpRequest.newBuilder(base.resolve("/login.html")).GET().build(),
            HttpResponse.BodyHandlers.discarding());
    keep(page.headers(), jar);
    String xsrf = jar.get("XSRF-TOKEN");
    if (xsrf == null) {
      throw new IOException("GET /login.html set no XSRF-TOKEN cookie");
    }
    String form =
        "username="
            + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8)
            + "&_csrf="
            + URLEncoder.encode(xsrf, StandardCharsets.UTF_8);
    HttpResponse<Void> login =
        http.send(
            HttpRequest.newBuilder(base.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookieHeader(jar))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    keep(login.headers(), jar);
    String location = login.headers().firstValue("Location").orElse("");
    if (login.statusCode() >= 500) {
      throw new ServerError("login of " + username + ": HTTP " + login.statusCode());
    }
    if (login.statusCode() != 302 || location.contains("error") || location.contains("locked")) {
      throw new IOException(
          "login of " + username + " refused: HTTP " + login.statusCode() + " to " + location);
    }
    if (!jar.containsKey("JSESSIONID")) {
      throw new IOException("login of " + username + " set no session cookie");
    }
    cookies = cookieHeader(jar);
  }

  /** Opens the board stream (200 expected) and starts reading it. */
  void open() throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/board/stream"))
                .header("Cookie", cookies)
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException(
          "GET /api/board/stream as " + username + ": HTTP " + response.statusCode());
    }
    body = response.body();
    thread.start();
  }

  /** Whether the stream is still being read. */
  boolean reading() {
    return thread.isAlive() && error == null;
  }

  /** Closes the stream and waits for the reading thread. */
  void close() throws InterruptedException {
    closing = true;
    InputStream in = body;
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    thread.join(10_000);
  }

  @Override
  public void run() {
    String event = "message";
    StringBuilder data = new StringBuilder();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = in.readLine()) != null) {
        long now = System.nanoTime();
        bytes.addAndGet(line.length() + 1);
        if (line.isEmpty()) {
          if (data.length() > 0) {
            dispatch(event, data.toString(), now);
          }
          event = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
        }
        // comments (": keep-alive") and other fields are skipped
      }
      if (!closing) {
        error = "the console ended the stream";
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        error = e.toString();
      }
    }
  }

  private void dispatch(String event, String data, long arrivalNanos) {
    JsonNode node = json.readTree(data);
    if (event.equals("board")) {
      for (JsonNode s : node) {
        summary(s, arrivalNanos);
      }
    } else if (event.equals("transport")) {
      summary(node, arrivalNanos);
    }
  }

  private void summary(JsonNode s, long arrivalNanos) {
    summaries.incrementAndGet();
    BoardChanges changes = transports.get(s.path("id").asString(""));
    JsonNode last = s.path("lastEventAt");
    if (changes == null || !last.isString()) {
      return;
    }
    long lastEventAt = Instant.parse(last.stringValue()).toEpochMilli();
    changes.seen(index, lastEventAt, arrivalNanos, delays);
  }

  private static void keep(HttpHeaders headers, Map<String, String> jar) {
    for (String c : headers.allValues("Set-Cookie")) {
      String pair = c.split(";", 2)[0];
      int eq = pair.indexOf('=');
      if (eq > 0) {
        jar.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
  }

  private static String cookieHeader(Map<String, String> jar) {
    StringBuilder b = new StringBuilder();
    jar.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append('=').append(v));
    return b.toString();
  }
}
