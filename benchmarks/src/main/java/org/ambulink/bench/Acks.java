package org.ambulink.bench;

import java.nio.charset.StandardCharsets;

/** Checks replies without building strings: the sender's cost stays the same for every handler. */
final class Acks {
  private static final byte[] MSA_AA = "MSA|AA".getBytes(StandardCharsets.US_ASCII);

  private Acks() {}

  /** Whether the ACK says {@code MSA-1 = AA}. */
  static boolean isPositive(byte[] ack) {
    outer:
    for (int i = 0; i + MSA_AA.length <= ack.length; i++) {
      for (int j = 0; j < MSA_AA.length; j++) {
        if (ack[i + j] != MSA_AA[j]) {
          continue outer;
        }
      }
      int end = i + MSA_AA.length;
      return end == ack.length || ack[end] == '|' || ack[end] == '\r' || ack[end] == '\n';
    }
    return false;
  }
}
