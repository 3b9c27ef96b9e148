package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.MessageHeader;
import org.ambulink.drivers.intake.FrameHandler;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MllpMonitorTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String DEVICE = "00A0B0C0D0E0F001";

  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<String> console = new CopyOnWriteArrayList<>();

  /** Keeps every message and accepts it (AA for its control id), as the appliance's intake does. */
  private final FrameHandler accept =
      (payload, peer) -> {
        String message = new String(payload, StandardCharsets.UTF_8);
        received.add(message);
        try {
          return CompletableFuture.completedFuture(
              Hl7Acks.ack(MessageHeader.peek(message), AckCode.AA, "")
                  .getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
          return CompletableFuture.failedFuture(e);
        }
      };

  @Test
  void sends_hl7_to_a_real_listener_and_close_stops_its_thread() throws Exception {
    try (MllpTcpListener listener = listener(0)) {
      MllpMonitor monitor =
          MllpMonitor.start(
              simulator(),
              "127.0.0.1",
              listener.port(),
              Duration.ofMillis(50),
              Duration.ofMillis(200),
              console::add);
      try {
        Await.until("five acknowledged messages", WAIT, () -> monitor.stats().acks() >= 5);
        assertThat(monitor.isRunning()).isTrue();
      } finally {
        monitor.close();
      }

      assertThat(monitor.isRunning()).as("thread alive after close()").isFalse();
      assertThat(received).hasSizeGreaterThanOrEqualTo(5);
      assertThat(received.get(0)).startsWith("MSH|^~\\&|").contains("ORU^R01").contains(DEVICE);
      assertThat(monitor.stats().nacks()).isZero();
      assertThat(console).anyMatch(l -> l.startsWith("sim: connected to mllp-tcp://127.0.0.1:"));
      assertThat(console.get(console.size() - 1)).startsWith("sim: ecg=").contains("nacks=0");
      int sent = received.size();
      Thread.sleep(300);
      assertThat(received).as("messages after close()").hasSize(sent);
    }
  }

  @Test
  void reconnects_until_the_listener_is_there_and_closes_while_waiting() throws Exception {
    int port = freePort();
    MllpMonitor monitor =
        MllpMonitor.start(
            simulator(),
            "127.0.0.1",
            port,
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            console::add);
    try {
      Await.until(
          "a failed connect", WAIT, () -> console.stream().anyMatch(l -> l.contains("retrying")));
      try (MllpTcpListener listener = listener(port)) {
        Await.until("a message after the listener started", WAIT, () -> !received.isEmpty());
      }
      // The listener is gone again: the monitor is back to reconnecting when it is closed.
    } finally {
      monitor.close();
    }
    assertThat(monitor.isRunning()).isFalse();
    assertThat(monitor.stats().linkErrors()).isPositive();
  }

  private static MonitorSimulator simulator() throws IOException {
    return MonitorSimulator.builder(WfdbReader.read("ecg/100"))
        .outputRate(500)
        .chunk(Duration.ofMillis(100))
        .deviceId(DEVICE)
        .start(Instant.now())
        .build();
  }

  private MllpTcpListener listener(int port) throws IOException {
    MllpTcpListener listener =
        new MllpTcpListener(
            MllpTcpListener.Config.defaults().withBindAddress("127.0.0.1").withPort(port),
            accept,
            LinkListener.NONE);
    listener.start();
    return listener;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
