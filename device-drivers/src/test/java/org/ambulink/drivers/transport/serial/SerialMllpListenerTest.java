package org.ambulink.drivers.transport.serial;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import jssc.SerialPort;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.testing.SocatPtyTest;
import org.ambulink.drivers.transport.serial.SerialHealth.State;
import org.ambulink.testsupport.SocatPty;
import org.junit.jupiter.api.Test;

/** The appliance's serial intake over real pseudo-terminals, with socat as the cable. */
class SerialMllpListenerTest extends SocatPtyTest {
  private static final Duration WAIT = Duration.ofSeconds(3);
  private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(2);

  private final RecordingListener events = new RecordingListener();
  private final List<String> received = new CopyOnWriteArrayList<>();

  SerialMllpListenerTest() {
    super("serial-mllp-", WAIT);
  }

  @Test
  void exchanges_many_messages_with_acks_in_order() throws Exception {
    SocatPty pty = socat();
    SerialMllpListener listener = listen(settings(pty), ackingHandler());
    await(() -> events.connected.get() == 1, "the port to open");
    SerialMllpSender sender = sender(pty.b());

    for (int i = 0; i < 200; i++) {
      String message = "MSH|^~\\&|MON|" + i;
      assertThat(ascii(sender.exchange(message.getBytes(US_ASCII), EXCHANGE_TIMEOUT)))
          .isEqualTo("ACK " + message);
    }
    // Larger than the 4 KiB tty buffer, so it arrives over several reads.
    String big = "OBX|" + "1234567890".repeat(5000);
    assertThat(ascii(sender.exchange(big.getBytes(US_ASCII), EXCHANGE_TIMEOUT)))
        .isEqualTo("ACK " + big);

    assertThat(received).hasSize(201).startsWith("MSH|^~\\&|MON|0", "MSH|^~\\&|MON|1");
    assertThat(events.peers).containsOnly(pty.a());
    assertThat(events.bytes.get()).isGreaterThan(50_000);
    SerialHealth health = listener.health();
    assertThat(health.state()).isEqualTo(State.CONNECTED);
    assertThat(health.lastByteAt()).isNotNull();
    assertThat(health.reopenCount()).isZero();
  }

  @Test
  void acks_follow_frame_order_when_storage_completes_out_of_order() throws Exception {
    SocatPty pty = socat();
    ScheduledExecutorService storage = Executors.newScheduledThreadPool(4);
    resources.add(storage::shutdownNow);
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger maxOutstanding = new AtomicInteger();
    FrameHandler slowAndShuffled =
        (payload, peer) -> {
          maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
          CompletableFuture<byte[]> stored = new CompletableFuture<>();
          storage.schedule(
              () -> {
                outstanding.decrementAndGet();
                stored.complete(("ACK " + ascii(payload)).getBytes(US_ASCII));
              },
              ThreadLocalRandom.current().nextInt(20),
              TimeUnit.MILLISECONDS);
          return stored;
        };
    listen(settingsBuilder(pty).maxInFlightFrames(4).build(), slowAndShuffled);
    await(() -> events.connected.get() == 1, "the port to open");
    PtyPeer monitor = peer(pty.b());

    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      burst.append('\u000b').append("MSG ").append(i).append("\u001c\r");
    }
    monitor.write(burst.toString());

    assertThat(monitor.awaitFrames(60, WAIT))
        .containsExactlyElementsOf(IntStream.range(0, 60).mapToObj(i -> "ACK MSG " + i).toList());
    assertThat(maxOutstanding.get()).as("frames awaiting storage").isBetween(1, 4);
  }

  @Test
  void frames_split_at_awkward_points_are_reassembled() throws Exception {
    SocatPty pty = socat();
    listen(settings(pty), ackingHandler());
    await(() -> events.connected.get() == 1, "the port to open");
    PtyPeer monitor = peer(pty.b());

    // Each piece is a separate write with a pause, so the listener sees it as a separate read.
    List<byte[]> pieces =
        List.of(
            bytes("noise"), // garbage before the first frame
            new byte[] {0x0b},
            bytes("MSH|first"),
            new byte[] {0x1c}, // end block ...
            new byte[] {0x0d, 0x0b, 'M'}, // ... its CR, and the next frame's start
            bytes("SH|sec"),
            bytes("ond"),
            new byte[] {0x1c, 0x0d, 0x0b}, // a frame end and a start in one piece
            bytes("MSH|third\u001c"),
            new byte[] {0x0d});
    for (byte[] piece : pieces) {
      monitor.write(piece);
      Thread.sleep(15);
    }

    assertThat(monitor.awaitFrames(3, WAIT))
        .containsExactly("ACK MSH|first", "ACK MSH|second", "ACK MSH|third");
    assertThat(received).containsExactly("MSH|first", "MSH|second", "MSH|third");
    assertThat(events.garbage.get()).isEqualTo(5);
  }

  @Test
  void oversized_frames_are_rejected_and_the_next_frame_still_gets_through() throws Exception {
    SocatPty pty = socat();
    listen(settingsBuilder(pty).maxFrameBytes(16).build(), ackingHandler());
    await(() -> events.connected.get() == 1, "the port to open");
    PtyPeer monitor = peer(pty.b());

    monitor.writeFrame("X".repeat(40));
    monitor.writeFrame("small");

    assertThat(monitor.awaitFrames(1, WAIT)).containsExactly("ACK small");
    assertThat(events.rejected)
        .singleElement()
        .asString()
        .contains("larger than the maximum of 16");
  }

  @Test
  void a_failed_store_sends_no_ack_and_later_frames_still_get_theirs() throws Exception {
    SocatPty pty = socat();
    FrameHandler failsOnBad =
        (payload, peer) ->
            ascii(payload).equals("bad")
                ? CompletableFuture.failedFuture(new IOException("journal full"))
                : CompletableFuture.completedFuture(("ACK " + ascii(payload)).getBytes(US_ASCII));
    listen(settings(pty), failsOnBad);
    await(() -> events.connected.get() == 1, "the port to open");
    SerialMllpSender sender = sender(pty.b());

    assertThatThrownBy(() -> sender.exchange(bytes("bad"), Duration.ofMillis(300)))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(ascii(sender.exchange(bytes("good"), EXCHANGE_TIMEOUT))).isEqualTo("ACK good");
  }

  @Test
  void cable_pulls_are_reported_and_the_port_reopens_by_itself() throws Exception {
    SocatPty pty = socat();
    SerialSettings settings =
        settingsBuilder(pty)
            .reopenInitialDelay(Duration.ofMillis(100))
            .reopenMaxDelay(Duration.ofMillis(400))
            .build();
    SerialMllpListener listener = listen(settings, ackingHandler());
    await(() -> events.connected.get() == 1, "the port to open");
    try (SerialMllpSender sender = SerialMllpSender.open(SerialSettings.of(pty.b()))) {
      assertThat(ascii(sender.exchange(bytes("before"), EXCHANGE_TIMEOUT))).isEqualTo("ACK before");
    }
    List<String> threadsWhileUp = threads();
    assertThat(threadsWhileUp).hasSize(2);
    int jvmThreadsWhileUp = Thread.activeCount();

    for (int cycle = 1; cycle <= 5; cycle++) {
      int n = cycle;
      pty.close(); // the cable is pulled
      await(() -> events.disconnectReasons.size() == n, "disconnected #" + n);
      assertThat(listener.health().state()).isEqualTo(State.DISCONNECTED);
      assertThat(events.disconnectReasons.get(n - 1)).contains(pty.a(), "unplugged");

      long pluggedIn = System.nanoTime();
      pty = socat(); // the same link paths: the cable is back
      await(() -> events.connected.get() == n + 1, "reconnected #" + n);
      assertThat(Duration.ofNanos(System.nanoTime() - pluggedIn))
          .as("reopened within the backoff cap")
          .isLessThan(Duration.ofMillis(400 + 1000));
      try (SerialMllpSender sender = SerialMllpSender.open(SerialSettings.of(pty.b()))) {
        String message = "after pull " + n;
        assertThat(ascii(sender.exchange(bytes(message), EXCHANGE_TIMEOUT)))
            .isEqualTo("ACK " + message);
      }
      assertThat(threads()).isEqualTo(threadsWhileUp);
    }

    // A leak of one thread per reconnect would show as +5; allow for unrelated JVM threads.
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(jvmThreadsWhileUp + 2);
    SerialHealth health = listener.health();
    assertThat(health.state()).isEqualTo(State.CONNECTED);
    assertThat(health.reopenCount()).isEqualTo(5);
    assertThat(health.lastError()).contains("unplugged");
  }

  @Test
  void waits_for_a_port_that_is_not_there_yet() throws Exception {
    SerialSettings settings =
        SerialSettings.builder(dir.resolve("a").toString())
            .reopenInitialDelay(Duration.ofMillis(50))
            .reopenMaxDelay(Duration.ofMillis(200))
            .build();
    SerialMllpListener listener = listen(settings, ackingHandler());

    await(() -> listener.health().lastError() != null, "the open to fail");
    assertThat(listener.health().state()).isEqualTo(State.DISCONNECTED);
    assertThat(listener.health().lastError()).contains(settings.portName(), "not found");

    SocatPty pty = socat();
    await(() -> events.connected.get() == 1, "the port to open once it exists");
    try (SerialMllpSender sender = SerialMllpSender.open(SerialSettings.of(pty.b()))) {
      assertThat(ascii(sender.exchange(bytes("hello"), EXCHANGE_TIMEOUT))).isEqualTo("ACK hello");
    }
    assertThat(events.disconnectReasons).isEmpty();
  }

  @Test
  void watchdog_reports_a_silent_line_once_per_silent_period() throws Exception {
    SocatPty pty = socat();
    SerialMllpListener listener =
        listen(
            settingsBuilder(pty).silenceWatchdog(Duration.ofMillis(300)).build(), ackingHandler());
    await(() -> events.connected.get() == 1, "the port to open");

    await(() -> events.silences.size() == 1, "the first silence");
    assertThat(listener.health().state()).isEqualTo(State.SILENT);
    assertThat(listener.health().lastByteAt()).isNull();
    assertThat(events.silences.get(0)).isBetween(Duration.ofMillis(300), Duration.ofMillis(1300));
    Thread.sleep(700);
    assertThat(events.silences).as("reported once per silent period").hasSize(1);

    PtyPeer monitor = peer(pty.b());
    monitor.write("x");
    await(() -> listener.health().state() == State.CONNECTED, "bytes to end the silence");
    assertThat(listener.health().lastByteAt()).isNotNull();

    await(() -> events.silences.size() == 2, "the second silence");
    assertThat(listener.health().state()).isEqualTo(State.SILENT);
  }

  @Test
  void close_releases_the_port_and_ends_its_threads() throws Exception {
    SocatPty pty = socat();
    SerialMllpListener listener = listen(settings(pty), ackingHandler());
    await(() -> events.connected.get() == 1, "the port to open");
    assertThat(threads()).hasSize(2);

    listener.close();
    listener.close(); // idempotent

    assertThat(threads()).isEmpty();
    assertThat(listener.health().state()).isEqualTo(State.DISCONNECTED);
    assertThat(events.disconnectReasons).containsExactly("serial listener closed");
    SerialPort again = new SerialPort(pty.a());
    assertThat(again.openPort()).as("the port is free again").isTrue();
    again.closePort();
    assertThatThrownBy(listener::start).isInstanceOf(IllegalStateException.class);
  }

  // --- helpers ---

  private SerialSettings.Builder settingsBuilder(SocatPty pty) {
    return SerialSettings.builder(pty.a());
  }

  private SerialSettings settings(SocatPty pty) {
    return settingsBuilder(pty).build();
  }

  private SerialMllpListener listen(SerialSettings settings, FrameHandler handler) {
    FrameHandler recording =
        (payload, peer) -> {
          received.add(ascii(payload));
          return handler.onFrame(payload, peer);
        };
    SerialMllpListener listener = new SerialMllpListener(settings, recording, events);
    resources.add(listener);
    listener.start();
    return listener;
  }

  private SerialMllpSender sender(String path) throws IOException {
    SerialMllpSender sender = SerialMllpSender.open(SerialSettings.of(path));
    resources.add(sender);
    return sender;
  }

  private PtyPeer peer(String path) throws IOException {
    PtyPeer peer = new PtyPeer(path);
    resources.add(peer);
    return peer;
  }

  private static FrameHandler ackingHandler() {
    return (payload, peer) ->
        CompletableFuture.completedFuture(("ACK " + ascii(payload)).getBytes(US_ASCII));
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(US_ASCII);
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, US_ASCII);
  }

  /** Records link events; callbacks come from the listener's reader thread. */
  private static final class RecordingListener implements LinkListener {
    final AtomicInteger connected = new AtomicInteger();
    final List<String> disconnectReasons = new CopyOnWriteArrayList<>();
    final List<Duration> silences = new CopyOnWriteArrayList<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    final List<String> peers = new CopyOnWriteArrayList<>();
    final AtomicInteger garbage = new AtomicInteger();
    final AtomicInteger bytes = new AtomicInteger();

    @Override
    public void connected(String peer) {
      peers.add(peer);
      connected.incrementAndGet();
    }

    @Override
    public void disconnected(String peer, String reason) {
      disconnectReasons.add(reason);
    }

    @Override
    public void bytesReceived(String peer, int count) {
      bytes.addAndGet(count);
    }

    @Override
    public void garbageSkipped(String peer, int count) {
      garbage.addAndGet(count);
    }

    @Override
    public void frameRejected(String peer, String reason) {
      rejected.add(reason);
    }

    @Override
    public void silent(String peer, Duration silentFor) {
      silences.add(silentFor);
    }
  }
}
