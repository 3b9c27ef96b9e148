package org.ambulink.drivers.mllp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Readable byte notation for decoder fixtures: {@code <VT>} 0x0B, {@code <FS>} 0x1C, {@code <CR>}
 * 0x0D, {@code <LF>} 0x0A, {@code \xNN} any byte, {@code <EMPTY>} nothing; other characters stand
 * for themselves (ASCII).
 */
final class MllpNotation {
  private MllpNotation() {}

  static byte[] parse(String text) {
    if (text == null || text.equals("<EMPTY>")) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("<VT>", i)) {
        out.write(0x0B);
        i += 4;
      } else if (text.startsWith("<FS>", i)) {
        out.write(0x1C);
        i += 4;
      } else if (text.startsWith("<CR>", i)) {
        out.write(0x0D);
        i += 4;
      } else if (text.startsWith("<LF>", i)) {
        out.write(0x0A);
        i += 4;
      } else if (text.startsWith("\\x", i)) {
        out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
        i += 4;
      } else {
        char c = text.charAt(i);
        if (c > 0x7F) {
          throw new IllegalArgumentException("non-ASCII character in fixture: " + text);
        }
        out.write(c);
        i++;
      }
    }
    return out.toByteArray();
  }

  /** The inverse of {@link #parse}, for readable assertion messages. */
  static String format(byte[] bytes) {
    if (bytes.length == 0) {
      return "<EMPTY>";
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      int v = b & 0xFF;
      switch (v) {
        case 0x0B -> sb.append("<VT>");
        case 0x1C -> sb.append("<FS>");
        case 0x0D -> sb.append("<CR>");
        case 0x0A -> sb.append("<LF>");
        default -> {
          if (v >= 0x20 && v < 0x7F && v != '\\') {
            sb.append((char) v);
          } else if (v == '\\') {
            sb.append('\\');
          } else {
            sb.append(String.format("\\x%02X", v));
          }
        }
      }
    }
    return sb.toString();
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
