package org.ambulink.drivers.transport.serial;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.ambulink.testsupport.SocatPty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor end of a serial link, against a scripted peer on the other pty. */
class SerialMllpSenderTest {
  private static final Duration WAIT = Duration.ofSeconds(3);

  @TempDir Path dir;
  private SocatPty pty;
  private SerialMllpSender sender;
  private PtyPeer peer;

  @BeforeAll
  static void socatIsInstalled() {
    SocatPty.requireSocat();
  }

  @BeforeEach
  void setUp() throws Exception {
    pty = SocatPty.start(dir);
    sender = SerialMllpSender.open(SerialSettings.of(pty.a()));
  }

  @AfterEach
  void tearDown() throws Exception {
    sender.close();
    if (peer != null) {
      peer.close();
    }
    pty.close();
    assertThat(pty.isAlive()).isFalse();
  }

  @Test
  void times_out_when_nobody_answers() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> sender.exchange(bytes("MSH|1"), Duration.ofMillis(300)))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessageContaining(pty.a())
        .hasMessageContaining("within 300 ms");

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(300), Duration.ofMillis(1500));
  }

  @Test
  void a_late_reply_after_a_timeout_is_not_taken_for_the_next_one() throws Exception {
    peer = new PtyPeer(pty.b());
    assertThatThrownBy(() -> sender.exchange(bytes("first"), Duration.ofMillis(100)))
        .isInstanceOf(SocketTimeoutException.class);
    peer.awaitFrames(1, WAIT);
    peer.writeFrame("ACK first (late)");
    Thread.sleep(50);

    Thread answer =
        new Thread(
            () -> {
              try {
                peer.awaitFrames(2, WAIT);
                peer.writeFrame("ACK second");
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    answer.start();
    byte[] reply = sender.exchange(bytes("second"), WAIT);
    answer.join();

    assertThat(new String(reply, US_ASCII)).isEqualTo("ACK second");
  }

  @Test
  void fails_with_an_io_error_when_the_port_goes_away() throws Exception {
    pty.close();

    assertThatThrownBy(() -> sender.exchange(bytes("MSH|1"), Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SocketTimeoutException.class)
        .hasMessageContaining(pty.a());
    assertThatThrownBy(() -> sender.exchange(bytes("MSH|2"), Duration.ofSeconds(1)))
        .hasMessageContaining("open a new one");
  }

  @Test
  void opening_a_missing_port_names_it() {
    String missing = dir.resolve("no-such-port").toString();

    assertThatThrownBy(() -> SerialMllpSender.open(SerialSettings.of(missing)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("not found");
  }

  @Test
  void describes_port_and_line_settings() {
    assertThat(sender.describe()).isEqualTo("serial " + pty.a() + " (115200 8N1)");
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(US_ASCII);
  }
}
