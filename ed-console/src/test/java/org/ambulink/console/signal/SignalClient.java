package org.ambulink.console.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.StaffClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real WebSocket client of a signaling endpoint ({@code java.net.http.WebSocket}): what arrives
 * is queued, and a test takes it message by message. Waits are generous and never measured.
 */
final class SignalClient implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration WAIT = Duration.ofSeconds(10);

  /** How the server closed the socket. */
  record Closed(int status, String reason) {}

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private SignalClient(WebSocket.Builder builder, URI uri) {
    this.socket = join(builder.buildAsync(uri, new Listener()));
  }

  /** A live view's socket on a logged-in staff session, from the console's own origin. */
  static SignalClient viewer(ConsoleServer server, StaffClient staff) {
    HttpClient http = HttpClient.newHttpClient();
    return new SignalClient(viewerBuilder(http, staff, server.baseUrl()), viewerUri(server));
  }

  /** An appliance's socket with its device token (and no Origin, as appliances send none). */
  static SignalClient appliance(ConsoleServer server, String token) {
    HttpClient http = HttpClient.newHttpClient();
    return new SignalClient(applianceBuilder(http, token), applianceUri(server));
  }

  /** The HTTP status of a viewer upgrade that must be refused ({@code origin} null: none sent). */
  static int refusedViewer(ConsoleServer server, StaffClient staff, String origin) {
    HttpClient http = HttpClient.newHttpClient();
    return refused(viewerBuilder(http, staff, origin), viewerUri(server));
  }

  /** The HTTP status of an appliance upgrade that must be refused ({@code token} null: none). */
  static int refusedAppliance(ConsoleServer server, String token) {
    HttpClient http = HttpClient.newHttpClient();
    return refused(applianceBuilder(http, token), applianceUri(server));
  }

  private static WebSocket.Builder viewerBuilder(
      HttpClient http, StaffClient staff, String origin) {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(WAIT);
    if (staff != null) {
      staff.cookie("JSESSIONID").ifPresent(id -> b.header("Cookie", "JSESSIONID=" + id));
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return b;
  }

  private static WebSocket.Builder applianceBuilder(HttpClient http, String token) {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(WAIT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static URI viewerUri(ConsoleServer server) {
    return URI.create("ws://127.0.0.1:" + server.port() + "/api/signal");
  }

  private static URI applianceUri(ConsoleServer server) {
    return URI.create("ws://127.0.0.1:" + server.port() + "/api/appliance/signal");
  }

  private static int refused(WebSocket.Builder builder, URI uri) {
    try {
      WebSocket ws =
          builder
              .buildAsync(uri, new WebSocket.Listener() {})
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      ws.abort();
      throw new AssertionError("the upgrade to " + uri + " was accepted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw new AssertionError("upgrade to " + uri + " failed without an HTTP answer", e);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  void send(String text) {
    join(socket.sendText(text, true));
  }

  void send(JsonNode message) {
    send(JSON.writeValueAsString(message));
  }

  void sendBinary(byte[] bytes) {
    join(socket.sendBinary(ByteBuffer.wrap(bytes), true));
  }

  /** The next message; fails when none comes within the wait. */
  JsonNode next() {
    String m;
    try {
      m = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (m == null) {
      throw new AssertionError(
          "no message within " + WAIT + (closed.isDone() ? "; closed: " + closed.join() : ""));
    }
    return JSON.readTree(m);
  }

  /** The next message, which must be of this type. */
  JsonNode next(String type) {
    JsonNode m = next();
    assertThat(m.path("type").asString()).as("type of %s", m).isEqualTo(type);
    return m;
  }

  /** The next message, an error: its reason. */
  String error() {
    JsonNode m = next("error");
    assertThat(m.propertyNames()).containsExactlyInAnyOrder("type", "reason");
    return m.get("reason").asString();
  }

  /** Waits for the server to close the socket. */
  Closed awaitClosed() {
    try {
      return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("not closed within " + WAIT, e);
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** Closes normally and waits for the server's answer. */
  @Override
  public void close() {
    if (!closed.isDone() && !socket.isOutputClosed()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        socket.abort();
      }
    }
  }

  static ObjectNode object(String... keysAndValues) {
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      o.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return o;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      messages.add("{\"type\":\"<binary from the server>\"}");
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(-1, String.valueOf(error)));
    }
  }
}
