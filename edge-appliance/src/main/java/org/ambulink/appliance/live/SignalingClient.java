package org.ambulink.appliance.live;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's signaling socket to the ED console ({@code /api/appliance/signal}, device token
 * in the upgrade request): reconnects on its own with exponential backoff and jitter, and pings so
 * that a socket that died silently (a cellular drop) is noticed and replaced.
 */
final class SignalingClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignalingClient.class);

  /** What the socket tells its owner; called on the timer thread or a socket thread. */
  interface Listener {
    void opened();

    void message(String text);

    void closed(String reason);
  }

  enum State {
    CONNECTING,
    CONNECTED,
    RECONNECTING,
    CLOSED
  }

  private final URI uri;
  private final String token;
  private final LiveProperties.Signaling settings;
  private final Listener listener;
  private final ScheduledExecutorService timer;
  private final HttpClient http;

  private WebSocket socket; // guarded by this
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null); // guarded by this
  private int generation; // guarded by this
  private volatile Duration backoff;
  private long lastPongNanos;
  private volatile ScheduledFuture<?> pinger;
  private volatile State state = State.CONNECTING;
  private volatile String lastError = "";
  private volatile boolean closed;

  SignalingClient(
      URI uri,
      String token,
      LiveProperties.Signaling settings,
      Listener listener,
      ScheduledExecutorService timer) {
    this.uri = uri;
    this.token = token;
    this.settings = settings;
    this.listener = listener;
    this.timer = timer;
    this.backoff = settings.initialBackoff();
    this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
  }

  State state() {
    return state;
  }

  String lastError() {
    return lastError;
  }

  void start() {
    connect();
    pinger =
        timer.scheduleWithFixedDelay(
            this::ping,
            settings.pingInterval().toMillis(),
            settings.pingInterval().toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void connect() {
    if (closed) {
      return;
    }
    int gen;
    synchronized (this) {
      gen = ++generation;
    }
    http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(settings.connectTimeout())
        .buildAsync(uri, new Handler(gen))
        .whenComplete(
            (ws, failure) -> {
              if (failure != null) {
                lost(gen, "cannot connect to " + uri + ": " + rootMessage(failure));
                return;
              }
              synchronized (this) {
                if (gen != generation || closed) {
                  ws.abort();
                  return;
                }
                socket = ws;
                sending = CompletableFuture.completedFuture(null);
                lastPongNanos = System.nanoTime();
              }
              backoff = settings.initialBackoff();
              state = State.CONNECTED;
              lastError = "";
              log.info("signaling: connected to {}", uri);
              listener.opened();
            });
  }

  /** Sends one text message; false when not connected (the caller's state is resent on open). */
  synchronized boolean send(String text) {
    WebSocket ws = socket;
    if (ws == null || state != State.CONNECTED) {
      return false;
    }
    sending =
        sending
            .exceptionally(ignored -> null)
            .thenCompose(ignored -> ws.sendText(text, true))
            .whenComplete(
                (ok, failure) -> {
                  if (failure != null) {
                    log.warn("signaling: send failed: {}", rootMessage(failure));
                  }
                });
    return true;
  }

  private void ping() {
    WebSocket ws;
    long pong;
    int gen;
    synchronized (this) {
      ws = socket;
      pong = lastPongNanos;
      gen = generation;
    }
    if (ws == null) {
      return;
    }
    if (System.nanoTime() - pong > settings.pongTimeout().toNanos()) {
      ws.abort();
      lost(gen, "no answer to pings for " + seconds(settings.pongTimeout()));
      return;
    }
    ws.sendPing(ByteBuffer.allocate(0));
  }

  private void lost(int gen, String reason) {
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      generation++; // later callbacks of the lost socket are ignored
      if (socket != null) {
        socket.abort();
      }
      socket = null;
    }
    lastError = reason;
    state = State.RECONNECTING;
    Duration wait = backoff;
    backoff = backoff.multipliedBy(2);
    if (backoff.compareTo(settings.maxBackoff()) > 0) {
      backoff = settings.maxBackoff();
    }
    long jittered =
        (long) (wait.toMillis() * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    log.warn("signaling: {}; reconnecting in {} ms", reason, jittered);
    listener.closed(reason);
    timer.schedule(this::connect, jittered, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closed = true;
    state = State.CLOSED;
    if (pinger != null) {
      pinger.cancel(false);
    }
    WebSocket ws;
    synchronized (this) {
      generation++;
      ws = socket;
      socket = null;
    }
    if (ws != null) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "appliance stopping")
          .orTimeout(2, TimeUnit.SECONDS)
          .whenComplete((x, e) -> ws.abort());
    }
  }

  /** "10 s", or "0.6 s" for a timeout below a second (not "0 s"). */
  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** The first message in the cause chain, else the first cause's type (not a wrapper's). */
  private static String rootMessage(Throwable t) {
    Throwable named = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null && !(c instanceof java.util.concurrent.CompletionException)) {
        return c.getMessage();
      }
      if (named == null && !(c instanceof java.util.concurrent.CompletionException)) {
        named = c;
      }
    }
    return (named == null ? t : named).getClass().getSimpleName();
  }

  private final class Handler implements WebSocket.Listener {
    private final int gen;
    private final StringBuilder partial = new StringBuilder();

    Handler(int gen) {
      this.gen = gen;
    }

    private boolean current() {
      synchronized (SignalingClient.this) {
        return gen == generation && !closed;
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if (current()) {
          try {
            listener.message(text);
          } catch (RuntimeException e) {
            log.warn("signaling: a message could not be handled", e);
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      synchronized (SignalingClient.this) {
        lastPongNanos = System.nanoTime();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      lost(gen, "the console closed the socket (" + statusCode + " " + reason + ")");
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      lost(gen, "socket error: " + rootMessage(error));
    }
  }
}
