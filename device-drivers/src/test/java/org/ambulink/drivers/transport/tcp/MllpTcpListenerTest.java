package org.ambulink.drivers.transport.tcp;

import static org.ambulink.drivers.transport.tcp.TcpTestSupport.ECHO;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.TIMEOUT;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.anyPort;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.ascii;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.await;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.connect;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.mllpThreads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MllpTcpListenerTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final RecordingLinkListener link = new RecordingLinkListener();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private MllpTcpListener start(MllpTcpListener.Config config, FrameHandler handler)
      throws IOException {
    MllpTcpListener listener = new MllpTcpListener(config, handler, link);
    toClose.add(listener);
    listener.start();
    return listener;
  }

  private MllpTcpClient client(MllpTcpListener listener) throws IOException {
    MllpTcpClient client = connect(listener);
    toClose.add(client);
    return client;
  }

  // --- config ---

  @Test
  void default_config_listens_on_all_interfaces_port_2575() {
    MllpTcpListener.Config config = MllpTcpListener.Config.defaults();

    assertThat(config.port()).isEqualTo(2575);
    assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(config.maxFrameBytes()).isEqualTo(1024 * 1024);
    assertThat(config.maxConnections()).isEqualTo(32);
    assertThat(config.readTimeout()).isEqualTo(Duration.ZERO);
  }

  @Test
  void config_rejects_bad_values_naming_them() {
    MllpTcpListener.Config d = MllpTcpListener.Config.defaults();
    assertThatThrownBy(() -> d.withPort(65536))
        .hasMessageContaining("port")
        .hasMessageContaining("65536");
    assertThatThrownBy(() -> d.withPort(-1)).hasMessageContaining("was -1");
    assertThatThrownBy(() -> d.withMaxFrameBytes(0))
        .hasMessageContaining("frame")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> d.withMaxConnections(0))
        .hasMessageContaining("connections")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> d.withReadTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> d.withBindAddress(" ")).hasMessageContaining("bind address");
    assertThatThrownBy(() -> d.withReadTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  // --- lifecycle ---

  @Test
  void port_before_start_and_a_second_start_are_refused() throws IOException {
    MllpTcpListener listener = new MllpTcpListener(anyPort(), ECHO, LinkListener.NONE);
    toClose.add(listener);
    assertThatThrownBy(listener::port).isInstanceOf(IllegalStateException.class);
    listener.start();
    assertThat(listener.port()).isPositive();
    assertThatThrownBy(listener::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void start_on_a_taken_port_fails_naming_the_address() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      MllpTcpListener listener =
          new MllpTcpListener(anyPort().withPort(taken.getLocalPort()), ECHO, LinkListener.NONE);
      toClose.add(listener);
      assertThatThrownBy(listener::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void close_disconnects_monitors_frees_the_port_and_ends_every_thread() throws Exception {
    List<String> threadsBefore = mllpThreads();
    MllpTcpListener listener = new MllpTcpListener(anyPort(), ECHO, link);
    listener.start();
    int port = listener.port();
    List<MllpTcpClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      MllpTcpClient c = connect(listener);
      toClose.add(c);
      assertThat(ascii(c.exchange(ascii("hello" + i), TIMEOUT))).isEqualTo("ACK:hello" + i);
      clients.add(c);
    }
    assertThat(listener.activeConnections()).isEqualTo(3);

    listener.close();
    listener.close(); // idempotent

    assertThat(listener.activeConnections()).isZero();
    for (MllpTcpClient c : clients) {
      assertThatThrownBy(() -> c.awaitReply(TIMEOUT)).isInstanceOf(IOException.class);
    }
    assertThat(link.ofKind("disconnected")).hasSize(3).allMatch(e -> e.endsWith("listener closed"));
    await("listener threads end", () -> mllpThreads().equals(threadsBefore));
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress("127.0.0.1", port));
    }
  }

  // --- acknowledgements ---

  @Test
  void exchange_returns_the_ack_of_each_message() throws IOException {
    MllpTcpListener listener = start(anyPort(), ECHO);
    MllpTcpClient client = client(listener);

    for (int i = 0; i < 50; i++) {
      assertThat(ascii(client.exchange(ascii("MSH|" + i), TIMEOUT))).isEqualTo("ACK:MSH|" + i);
    }
    assertThat(client.describe()).isEqualTo("mllp-tcp://127.0.0.1:" + listener.port());
    assertThat(link.ofKind("connected")).hasSize(1);
    assertThat(link.bytes.get()).isEqualTo(50 * 3 + sumOfLengths(50));
  }

  private static long sumOfLengths(int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += ("MSH|" + i).length();
    }
    return sum;
  }

  @Test
  void each_of_several_monitors_receives_every_ack_in_order() throws Exception {
    int monitors = 8;
    int messages = 200;
    ScheduledExecutorService store = Executors.newScheduledThreadPool(2);
    Random delays = new Random(42);
    // Completes each stage after a random delay, so stages finish out of order.
    FrameHandler slowStore =
        (payload, peer) -> {
          CompletableFuture<byte[]> ack = new CompletableFuture<>();
          long delayMicros;
          synchronized (delays) {
            delayMicros = delays.nextInt(3000);
          }
          store.schedule(
              () -> ack.complete(TcpTestSupport.ack(payload)), delayMicros, TimeUnit.MICROSECONDS);
          return ack;
        };
    MllpTcpListener listener = start(anyPort(), slowStore);
    ExecutorService monitorThreads = Executors.newFixedThreadPool(monitors);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int m = 0; m < monitors; m++) {
        int monitor = m;
        results.add(
            monitorThreads.submit(
                () -> {
                  try (MllpTcpClient client = connect(listener)) {
                    for (int i = 0; i < messages; i++) {
                      client.sendAsync(ascii("MSH|m" + monitor + "|" + i));
                    }
                    List<String> acks = new ArrayList<>();
                    for (int i = 0; i < messages; i++) {
                      acks.add(ascii(client.awaitReply(TIMEOUT)));
                    }
                    return acks;
                  }
                }));
      }
      for (int m = 0; m < monitors; m++) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
          expected.add("ACK:MSH|m" + m + "|" + i);
        }
        assertThat(results.get(m).get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
      }
    } finally {
      monitorThreads.shutdownNow();
      store.shutdownNow();
    }
    await("all monitors disconnected", () -> listener.activeConnections() == 0);
    assertThat(link.ofKind("connected")).hasSize(monitors);
    assertThat(link.ofKind("disconnected")).hasSize(monitors);
    assertThat(link.ofKind("rejected")).isEmpty();
  }

  @Test
  void acks_follow_arrival_order_when_stages_complete_in_reverse() throws Exception {
    List<CompletableFuture<byte[]>> stages = new CopyOnWriteArrayList<>();
    List<byte[]> payloads = new CopyOnWriteArrayList<>();
    FrameHandler held =
        (payload, peer) -> {
          CompletableFuture<byte[]> stage = new CompletableFuture<>();
          payloads.add(payload);
          stages.add(stage);
          return stage;
        };
    MllpTcpListener listener = start(anyPort(), held);
    MllpTcpClient client = client(listener);
    for (int i = 0; i < 5; i++) {
      client.sendAsync(ascii("msg" + i));
    }
    await("all five frames handed over", () -> stages.size() == 5);

    for (int i = 4; i >= 1; i--) {
      stages.get(i).complete(TcpTestSupport.ack(payloads.get(i)));
    }
    // Frame 0 is not stored yet, so nothing may be acknowledged.
    assertThatThrownBy(() -> client.awaitReply(Duration.ofMillis(300)))
        .isInstanceOf(SocketTimeoutException.class);

    stages.get(0).complete(TcpTestSupport.ack(payloads.get(0)));
    for (int i = 0; i < 5; i++) {
      assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("ACK:msg" + i);
    }
  }

  @Test
  void unacknowledged_frames_are_bounded_per_connection() throws Exception {
    List<CompletableFuture<byte[]>> stages = new CopyOnWriteArrayList<>();
    FrameHandler never =
        (payload, peer) -> {
          CompletableFuture<byte[]> stage = new CompletableFuture<>();
          stages.add(stage);
          return stage;
        };
    MllpTcpListener listener = start(anyPort(), never);
    MllpTcpClient client = client(listener);
    int sent = MllpTcpListener.MAX_IN_FLIGHT_PER_CONNECTION + 44;
    for (int i = 0; i < sent; i++) {
      client.sendAsync(ascii("m" + i));
    }
    await(
        "the in-flight bound is reached",
        () -> stages.size() == MllpTcpListener.MAX_IN_FLIGHT_PER_CONNECTION);
    Thread.sleep(300);
    assertThat(stages).hasSize(MllpTcpListener.MAX_IN_FLIGHT_PER_CONNECTION);

    stages.get(0).complete(ascii("ACK:0"));
    assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("ACK:0");
    await(
        "one more frame is read",
        () -> stages.size() == MllpTcpListener.MAX_IN_FLIGHT_PER_CONNECTION + 1);

    // Release the rest as they come: everything is acknowledged in the end.
    int released = 1;
    while (released < sent) {
      int handed = stages.size();
      for (; released < handed; released++) {
        stages.get(released).complete(ascii("ACK:" + released));
      }
      Thread.sleep(5);
    }
    for (int i = 1; i < sent; i++) {
      assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("ACK:" + i);
    }
  }

  @Test
  void a_failed_stage_closes_that_connection_only() throws Exception {
    FrameHandler failsOnBoom =
        (payload, peer) ->
            ascii(payload).equals("boom")
                ? CompletableFuture.failedFuture(new IllegalStateException("journal broken"))
                : CompletableFuture.completedFuture(TcpTestSupport.ack(payload));
    MllpTcpListener listener = start(anyPort(), failsOnBoom);
    MllpTcpClient healthy = client(listener);
    MllpTcpClient broken = client(listener);
    assertThat(ascii(healthy.exchange(ascii("a"), TIMEOUT))).isEqualTo("ACK:a");

    assertThatThrownBy(() -> broken.exchange(ascii("boom"), TIMEOUT))
        .isInstanceOf(EOFException.class);

    await("broken connection gone", () -> listener.activeConnections() == 1);
    assertThat(link.ofKind("disconnected"))
        .singleElement()
        .asString()
        .contains("handler failed (IllegalStateException)")
        .doesNotContain("journal broken");
    assertThat(ascii(healthy.exchange(ascii("b"), TIMEOUT))).isEqualTo("ACK:b");
    assertThat(ascii(client(listener).exchange(ascii("c"), TIMEOUT))).isEqualTo("ACK:c");
  }

  @Test
  void a_handler_that_throws_is_treated_like_a_failed_stage() throws Exception {
    FrameHandler throwing =
        (payload, peer) -> {
          throw new IllegalArgumentException("bug");
        };
    MllpTcpListener listener = start(anyPort(), throwing);

    assertThatThrownBy(() -> client(listener).exchange(ascii("x"), TIMEOUT))
        .isInstanceOf(EOFException.class);
    await("connection closed", () -> listener.activeConnections() == 0);
    assertThat(link.ofKind("disconnected")).singleElement().asString().contains("handler failed");
  }

  @Test
  void a_cancelled_stage_is_treated_like_a_failed_stage() throws Exception {
    MllpTcpListener listener =
        start(
            anyPort(),
            (payload, peer) -> {
              CompletableFuture<byte[]> stage = new CompletableFuture<>();
              stage.cancel(false);
              return stage;
            });

    assertThatThrownBy(() -> client(listener).exchange(ascii("x"), TIMEOUT))
        .isInstanceOf(EOFException.class);
    await("connection closed", () -> listener.activeConnections() == 0);
    assertThat(link.ofKind("disconnected"))
        .singleElement()
        .asString()
        .contains("handler failed (CancellationException)");
  }

  // --- framing problems ---

  @Test
  void an_oversize_frame_is_reported_and_the_connection_stays_up() throws IOException {
    MllpTcpListener listener = start(anyPort().withMaxFrameBytes(100), ECHO);
    MllpTcpClient client = client(listener);

    client.sendAsync(new byte[5000]);
    assertThat(ascii(client.exchange(ascii("next"), TIMEOUT))).isEqualTo("ACK:next");

    assertThat(link.ofKind("rejected"))
        .singleElement()
        .asString()
        .contains("larger than the maximum of 100 bytes");
    assertThat(listener.activeConnections()).isEqualTo(1);
  }

  @Test
  void bad_end_and_garbage_are_reported_and_skipped() throws IOException {
    MllpTcpListener listener = start(anyPort(), ECHO);
    MllpTcpClient client = client(listener);

    client.sendRaw(new byte[] {'n', 'o', 'i', 's', 'e', 0x0B, 'x', 0x1C, 'y'});
    assertThat(ascii(client.exchange(ascii("ok"), TIMEOUT))).isEqualTo("ACK:ok");

    assertThat(link.garbage.get()).isEqualTo(6); // "noise" and the "y" after the bad end
    assertThat(link.ofKind("rejected")).singleElement().asString().contains("0x79");
  }

  @Test
  void a_connection_closed_mid_frame_is_reported() throws Exception {
    MllpTcpListener listener = start(anyPort(), ECHO);
    MllpTcpClient client = connect(listener);
    client.sendRaw(new byte[] {0x0B, 'M', 'S', 'H'});
    client.close();

    await("disconnect reported", () -> !link.ofKind("disconnected").isEmpty());
    assertThat(link.ofKind("rejected"))
        .singleElement()
        .asString()
        .contains("connection closed mid-frame")
        .contains("3 payload bytes");
    assertThat(link.ofKind("disconnected"))
        .singleElement()
        .asString()
        .contains("peer closed the connection mid-frame");
    assertThat(listener.activeConnections()).isZero();
  }

  @Test
  void a_half_closed_monitor_still_gets_its_pending_acks() throws Exception {
    ScheduledExecutorService store = Executors.newSingleThreadScheduledExecutor();
    FrameHandler slow =
        (payload, peer) -> {
          CompletableFuture<byte[]> ack = new CompletableFuture<>();
          store.schedule(
              () -> ack.complete(TcpTestSupport.ack(payload)), 50, TimeUnit.MILLISECONDS);
          return ack;
        };
    try {
      MllpTcpListener listener = start(anyPort(), slow);
      try (Socket socket = new Socket("127.0.0.1", listener.port())) {
        for (int i = 0; i < 5; i++) {
          socket.getOutputStream().write(Mllp.frame(ascii("m" + i)));
        }
        socket.shutdownOutput();
        List<String> acks = readUntilEof(socket.getInputStream());
        assertThat(acks).containsExactly("ACK:m0", "ACK:m1", "ACK:m2", "ACK:m3", "ACK:m4");
      }
      await("connection gone", () -> listener.activeConnections() == 0);
      assertThat(link.ofKind("disconnected"))
          .singleElement()
          .asString()
          .endsWith(": peer closed the connection");
    } finally {
      store.shutdownNow();
    }
  }

  private static List<String> readUntilEof(InputStream in) throws IOException {
    List<String> frames = new ArrayList<>();
    MllpDecoder decoder = new MllpDecoder(1024);
    byte[] buf = new byte[256];
    int n;
    while ((n = in.read(buf)) >= 0) {
      decoder.feed(buf, 0, n, payload -> frames.add(ascii(payload)));
    }
    return frames;
  }

  // --- connection management ---

  @Test
  void connections_beyond_the_limit_are_refused() throws Exception {
    MllpTcpListener listener = start(anyPort().withMaxConnections(2), ECHO);
    MllpTcpClient first = client(listener);
    MllpTcpClient second = client(listener);
    assertThat(ascii(first.exchange(ascii("1"), TIMEOUT))).isEqualTo("ACK:1");
    assertThat(ascii(second.exchange(ascii("2"), TIMEOUT))).isEqualTo("ACK:2");
    assertThat(listener.activeConnections()).isEqualTo(2);

    MllpTcpClient third = client(listener);
    assertThatThrownBy(() -> third.exchange(ascii("3"), TIMEOUT)).isInstanceOf(IOException.class);

    first.close();
    await("a slot frees", () -> listener.activeConnections() == 1);
    assertThat(ascii(client(listener).exchange(ascii("4"), TIMEOUT))).isEqualTo("ACK:4");
  }

  @Test
  void a_silent_connection_is_reported_and_closed_after_the_read_timeout() throws Exception {
    MllpTcpListener listener = start(anyPort().withReadTimeout(Duration.ofMillis(200)), ECHO);
    MllpTcpClient client = client(listener);
    assertThat(ascii(client.exchange(ascii("hi"), TIMEOUT))).isEqualTo("ACK:hi");

    await("connection closed", () -> listener.activeConnections() == 0);
    assertThat(link.ofKind("silent")).singleElement().asString().endsWith("PT0.2S");
    assertThat(link.ofKind("disconnected")).singleElement().asString().contains("read timeout");
    assertThatThrownBy(() -> client.awaitReply(TIMEOUT)).isInstanceOf(EOFException.class);
  }

  @Test
  void the_read_timeout_does_not_close_a_monitor_waiting_for_its_ack() throws Exception {
    CompletableFuture<byte[]> stage = new CompletableFuture<>();
    MllpTcpListener listener =
        start(anyPort().withReadTimeout(Duration.ofMillis(100)), (payload, peer) -> stage);
    MllpTcpClient client = client(listener);
    client.sendAsync(ascii("slow"));

    Thread.sleep(500); // five read timeouts while the store is slow
    assertThat(listener.activeConnections()).isEqualTo(1);
    stage.complete(ascii("ACK:slow"));
    assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("ACK:slow");
    assertThat(link.ofKind("silent")).isEmpty();
  }

  @Test
  void listener_callbacks_that_throw_do_not_break_the_link() throws IOException {
    LinkListener throwing =
        new LinkListener() {
          @Override
          public void bytesReceived(String peer, int count) {
            throw new IllegalStateException("metrics down");
          }
        };
    MllpTcpListener listener = new MllpTcpListener(anyPort(), ECHO, throwing);
    toClose.add(listener);
    listener.start();
    assertThat(ascii(client(listener).exchange(ascii("x"), TIMEOUT))).isEqualTo("ACK:x");
  }

  @Test
  void peers_are_named_by_address_and_port() throws Exception {
    AtomicInteger frames = new AtomicInteger();
    List<String> peers = new CopyOnWriteArrayList<>();
    MllpTcpListener listener =
        start(
            anyPort(),
            (payload, peer) -> {
              frames.incrementAndGet();
              peers.add(peer);
              return CompletableFuture.completedFuture(ascii("ACK"));
            });
    client(listener).exchange(ascii("x"), TIMEOUT);
    assertThat(peers).singleElement().asString().matches("127\\.0\\.0\\.1:\\d+");
    assertThat(link.ofKind("connected")).containsExactly("connected " + peers.get(0));
  }
}
