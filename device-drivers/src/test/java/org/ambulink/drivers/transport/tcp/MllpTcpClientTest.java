package org.ambulink.drivers.transport.tcp;

import static org.ambulink.drivers.transport.tcp.TcpTestSupport.TIMEOUT;
import static org.ambulink.drivers.transport.tcp.TcpTestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.mllp.Mllp;
import org.ambulink.drivers.mllp.MllpProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against a scripted peer: a plain server socket that writes chosen bytes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MllpTcpClientTest {

  @Test
  void a_reply_split_across_packets_is_reassembled() throws Exception {
    try (ServerSocket server = loopbackServer();
        MllpTcpClient client = MllpTcpClient.connect("127.0.0.1", server.getLocalPort(), TIMEOUT);
        Socket peer = server.accept()) {
      client.sendAsync(ascii("MSH|1"));
      byte[] reply = Mllp.frame(ascii("MSA|AA|1"));
      for (byte b : reply) {
        peer.getOutputStream().write(b);
        peer.getOutputStream().flush();
      }
      assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("MSA|AA|1");
      assertThat(peer.getInputStream().readNBytes(8)).isEqualTo(Mllp.frame(ascii("MSH|1")));
    }
  }

  @Test
  void a_timeout_leaves_the_connection_usable() throws Exception {
    try (ServerSocket server = loopbackServer();
        MllpTcpClient client = MllpTcpClient.connect("127.0.0.1", server.getLocalPort(), TIMEOUT);
        Socket peer = server.accept()) {
      peer.getOutputStream().write(new byte[] {Mllp.START_BLOCK, 'M', 'S'});

      assertThatThrownBy(() -> client.exchange(ascii("x"), Duration.ofMillis(100)))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("PT0.1S");

      peer.getOutputStream().write(new byte[] {'A', Mllp.END_BLOCK, Mllp.CARRIAGE_RETURN});
      assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("MSA");
    }
  }

  @Test
  void several_replies_in_one_packet_are_returned_one_by_one() throws Exception {
    try (ServerSocket server = loopbackServer();
        MllpTcpClient client = MllpTcpClient.connect("127.0.0.1", server.getLocalPort(), TIMEOUT);
        Socket peer = server.accept()) {
      byte[] a = Mllp.frame(ascii("A"));
      byte[] b = Mllp.frame(ascii("B"));
      byte[] both = new byte[a.length + b.length];
      System.arraycopy(a, 0, both, 0, a.length);
      System.arraycopy(b, 0, both, a.length, b.length);
      peer.getOutputStream().write(both);

      assertThat(ascii(client.awaitReply(TIMEOUT))).isEqualTo("A");
      assertThat(ascii(client.awaitReply(Duration.ZERO))).isEqualTo("B");
    }
  }

  @Test
  void a_malformed_reply_is_a_protocol_error() throws Exception {
    try (ServerSocket server = loopbackServer();
        MllpTcpClient client = MllpTcpClient.connect("127.0.0.1", server.getLocalPort(), TIMEOUT);
        Socket peer = server.accept()) {
      peer.getOutputStream().write(new byte[] {Mllp.START_BLOCK, 'A', Mllp.END_BLOCK, 'x'});

      assertThatThrownBy(() -> client.awaitReply(TIMEOUT))
          .isInstanceOfSatisfying(
              MllpProtocolException.class,
              e -> assertThat(e.type()).isEqualTo(MllpProtocolException.Type.BAD_END));
    }
  }

  @Test
  void a_peer_closing_mid_reply_is_reported_as_end_of_stream() throws Exception {
    try (ServerSocket server = loopbackServer();
        MllpTcpClient client = MllpTcpClient.connect("127.0.0.1", server.getLocalPort(), TIMEOUT)) {
      try (Socket peer = server.accept()) {
        peer.getOutputStream().write(new byte[] {Mllp.START_BLOCK, 'M', 'S'});
      }
      assertThatThrownBy(() -> client.awaitReply(TIMEOUT))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("before replying")
          .hasMessageContaining("2 payload bytes");
    }
  }

  @Test
  void a_refused_connection_names_the_address() throws IOException {
    int port;
    try (ServerSocket server = loopbackServer()) {
      port = server.getLocalPort();
    }
    assertThatThrownBy(() -> MllpTcpClient.connect("127.0.0.1", port, TIMEOUT))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("mllp-tcp://127.0.0.1:" + port);
  }

  private static ServerSocket loopbackServer() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }
}
