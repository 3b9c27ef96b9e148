package org.ambulink.drivers.wfdb;

import java.io.ByteArrayOutputStream;

/** Test helper: encodes interleaved samples in a WFDB format, independently of the reader. */
final class WfdbWriter {
  private WfdbWriter() {}

  /**
   * Encodes {@code signals[k][i]} frame by frame. For format 8 the first difference of each signal
   * is taken from {@code initial[k]}.
   */
  static byte[] encode(int format, int[][] signals, int[] initial) {
    int k = signals.length;
    int n = signals[0].length;
    int[] values = new int[n * k];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < k; s++) {
        int v = signals[s][i];
        if (format == 8) {
          int prev = i == 0 ? initial[s] : signals[s][i - 1];
          v -= prev;
          if (v < -128 || v > 127) {
            throw new IllegalArgumentException("difference " + v + " does not fit format 8");
          }
        }
        values[i * k + s] = v;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (format) {
      case 8 -> {
        for (int v : values) {
          out.write(v);
        }
      }
      case 80 -> {
        for (int v : values) {
          out.write(v + 128);
        }
      }
      case 16 -> {
        for (int v : values) {
          out.write(v);
          out.write(v >> 8);
        }
      }
      case 61 -> {
        for (int v : values) {
          out.write(v >> 8);
          out.write(v);
        }
      }
      case 160 -> {
        for (int v : values) {
          int u = v + 32768;
          out.write(u);
          out.write(u >> 8);
        }
      }
      case 24 -> {
        for (int v : values) {
          out.write(v);
          out.write(v >> 8);
          out.write(v >> 16);
        }
      }
      case 32 -> {
        for (int v : values) {
          out.write(v);
          out.write(v >> 8);
          out.write(v >> 16);
          out.write(v >> 24);
        }
      }
      case 212 -> {
        for (int i = 0; i < values.length; i += 2) {
          int a = values[i] & 0xFFF;
          out.write(a & 0xFF);
          if (i + 1 < values.length) {
            int b = values[i + 1] & 0xFFF;
            out.write(((b >> 4) & 0xF0) | (a >> 8));
            out.write(b & 0xFF);
          } else {
            out.write(a >> 8);
          }
        }
      }
      default -> throw new IllegalArgumentException("format " + format);
    }
    return out.toByteArray();
  }

  /** The 16-bit checksum WFDB writes in the header. */
  static int checksum(int[] samples) {
    int sum = 0;
    for (int v : samples) {
      sum += v;
    }
    return (short) sum;
  }
}
