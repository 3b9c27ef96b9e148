package org.ambulink.appliance.journal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Authenticated encryption of journal chunks with AES-256-GCM.
 *
 * <p>A sealed record is self-describing: a clear header (magic, format, the stream's name and the
 * chunk's first sequence number), a fresh random 96-bit nonce, then the ciphertext and tag. The
 * header is the associated data, so a record that is altered, or moved to another place in the
 * journal, fails its tag and is reported as tampered. Because the header names its place, a damaged
 * store whose index is lost can still be salvaged record by record ({@link #openAny}). The header
 * holds only a transport id, never patient data.
 */
final class RecordSealer {
  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] MAGIC = "ALJ1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_STREAM_BYTES = 256;

  /** A record opened without knowing where it belongs. */
  record Opened(String stream, long firstSeq, byte[] plaintext) {}

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();
  private final ThreadLocal<Cipher> ciphers =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("this JVM has no AES/GCM", e);
            }
          });

  RecordSealer(SecretKey key) {
    this.key = key;
  }

  byte[] seal(String stream, long firstSeq, byte[] plaintext) {
    byte[] header = header(stream, firstSeq);
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = ciphers.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(header);
      byte[] out = new byte[header.length + NONCE_BYTES + c.getOutputSize(plaintext.length)];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
      c.doFinal(plaintext, 0, plaintext.length, out, header.length + NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt a journal record", e);
    }
  }

  /**
   * Decrypts and authenticates a record stored under {@code stream}/{@code firstSeq}.
   *
   * @throws JournalTamperedException when the record is not what was written there
   */
  byte[] open(String stream, long firstSeq, byte[] sealed) {
    Opened o = decrypt(sealed, stream, firstSeq);
    if (!o.stream().equals(stream) || o.firstSeq() != firstSeq) {
      throw new JournalTamperedException(
          stream, firstSeq, "it names another place, " + o.stream() + "/" + o.firstSeq());
    }
    return o.plaintext();
  }

  /** Opens a record found without its index; null when it is not an authentic journal record. */
  Opened openAny(byte[] sealed) {
    try {
      return decrypt(sealed, "?", -1);
    } catch (JournalTamperedException e) {
      return null;
    }
  }

  private Opened decrypt(byte[] sealed, String expectedStream, long expectedSeq) {
    ByteBuffer in = ByteBuffer.wrap(sealed);
    String stream;
    long first;
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new JournalTamperedException(
            expectedStream, expectedSeq, "it is not a journal record");
      }
      int n = in.getShort() & 0xffff;
      if (n > MAX_STREAM_BYTES) {
        throw new JournalTamperedException(expectedStream, expectedSeq, "its header is damaged");
      }
      byte[] s = new byte[n];
      in.get(s);
      stream = new String(s, StandardCharsets.UTF_8);
      first = in.getLong();
    } catch (BufferUnderflowException e) {
      throw new JournalTamperedException(
          expectedStream, expectedSeq, "the record is " + sealed.length + " bytes, too short");
    }
    int headerLength = in.position();
    if (sealed.length < headerLength + NONCE_BYTES + TAG_BITS / 8) {
      throw new JournalTamperedException(
          expectedStream, expectedSeq, "the record is " + sealed.length + " bytes, too short");
    }
    try {
      Cipher c = ciphers.get();
      c.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, sealed, headerLength, NONCE_BYTES));
      c.updateAAD(sealed, 0, headerLength);
      byte[] plain =
          c.doFinal(sealed, headerLength + NONCE_BYTES, sealed.length - headerLength - NONCE_BYTES);
      return new Opened(stream, first, plain);
    } catch (AEADBadTagException e) {
      throw new JournalTamperedException(
          expectedStream,
          expectedSeq,
          "its authentication tag does not match (altered, or another journal key)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not decrypt a journal record", e);
    }
  }

  private static byte[] header(String stream, long firstSeq) {
    byte[] s = stream.getBytes(StandardCharsets.UTF_8);
    if (s.length > MAX_STREAM_BYTES) {
      throw new IllegalArgumentException("stream name longer than " + MAX_STREAM_BYTES + " bytes");
    }
    return ByteBuffer.allocate(MAGIC.length + 2 + s.length + 8)
        .put(MAGIC)
        .putShort((short) s.length)
        .put(s)
        .putLong(firstSeq)
        .array();
  }
}
