package org.ambulink.appliance.live;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small RFC 6455 WebSocket server on a loopback port, for {@link SignalingClientTest}: it answers
 * the HTTP upgrade (or refuses it with 401), reads the client's masked frames (text, ping, close)
 * and writes unmasked ones (text, pong, close). One thread per connection; no extensions, no
 * fragmentation.
 */
final class SignalingTestServer implements AutoCloseable {
  static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  enum Mode {
    /** Handshake, answer pings. */
    NORMAL,
    /** Handshake, read everything, never answer a ping. */
    NO_PONG,
    /** Answer the upgrade request with HTTP 401. */
    UNAUTHORIZED
  }

  /** One upgrade request as received: when, its path and headers (names case-insensitive). */
  record Handshake(long nanos, String path, Map<String, String> headers) {}

  final BlockingQueue<Handshake> handshakes = new LinkedBlockingQueue<>();
  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
  final AtomicInteger pings = new AtomicInteger();

  private final Mode mode;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile OutputStream current;

  private SignalingTestServer(Mode mode, int port) throws IOException {
    this.mode = mode;
    server = new ServerSocket();
    server.setReuseAddress(true); // restarts on the same port while old sockets are in TIME_WAIT
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    acceptor = new Thread(this::accept, "signaling-test-server-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on {@code port} (0: a free one). */
  static SignalingTestServer start(Mode mode, int port) throws IOException {
    return new SignalingTestServer(mode, port);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Sends a text frame on the latest connection. */
  void sendText(String text) throws IOException {
    writeFrame(current, 0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a close frame on the latest connection (the socket is closed when the client goes). */
  void sendClose(int status, String reason) throws IOException {
    writeFrame(current, 0x8, closePayload(status, reason));
  }

  /** Stops listening and drops every connection, without a close frame. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "signaling-test-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      OutputStream out = s.getOutputStream();
      Handshake h = readUpgrade(in);
      handshakes.add(h);
      if (mode == Mode.UNAUTHORIZED) {
        out.write(
            ascii("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        out.flush();
        return;
      }
      String accept = accept(h.headers().get("Sec-WebSocket-Key"));
      current = out;
      synchronized (out) {
        out.write(
            ascii(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: "
                    + accept
                    + "\r\n\r\n"));
        out.flush();
      }
      readFrames(in, out);
    } catch (IOException e) {
      // the client went away, or the server was closed
    } finally {
      sockets.remove(s);
    }
  }

  private void readFrames(DataInputStream in, OutputStream out) throws IOException {
    while (true) {
      int b0 = in.read();
      if (b0 < 0) {
        return;
      }
      int opcode = b0 & 0x0F;
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7F;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] mask = new byte[4];
      if ((b1 & 0x80) == 0) {
        throw new IOException("a client frame must be masked");
      }
      in.readFully(mask);
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i % 4];
      }
      switch (opcode) {
        case 0x1 -> texts.add(new String(payload, StandardCharsets.UTF_8));
        case 0x9 -> {
          pings.incrementAndGet();
          if (mode == Mode.NORMAL) {
            writeFrame(out, 0xA, payload);
          }
        }
        case 0x8 -> {
          int status = payload.length >= 2 ? ByteBuffer.wrap(payload).getShort() & 0xFFFF : 1005;
          closes.add(status);
          writeFrame(out, 0x8, closePayload(status, ""));
          return;
        }
        default -> {} // pong, binary: ignored
      }
    }
  }

  private static Handshake readUpgrade(DataInputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0D0A0D0A) { // up to the blank line: "\r\n\r\n"
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the request ended early");
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
      }
    }
    String path = lines[0].split(" ")[1]; // GET <path> HTTP/1.1
    return new Handshake(System.nanoTime(), path, headers);
  }

  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(ascii(key + GUID));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
    if (out == null) {
      throw new IOException("no connection");
    }
    if (payload.length > 0xFFFF) {
      throw new IllegalArgumentException("frame too large for this test server");
    }
    synchronized (out) {
      out.write(0x80 | opcode); // FIN, unmasked
      if (payload.length < 126) {
        out.write(payload.length);
      } else {
        out.write(126);
        out.write(payload.length >> 8);
        out.write(payload.length & 0xFF);
      }
      out.write(payload);
      out.flush();
    }
  }

  private static byte[] closePayload(int status, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + text.length).putShort((short) status).put(text).array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
