package org.ambulink.appliance.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The journal's 256-bit AES key. It comes from an environment variable (base64) or a key file
 * (base64 text or 32 raw bytes), never from the repository. A key file can be generated on first
 * start, readable by its owner only; on a real vehicle it lives on a protected mount, not beside
 * the journal.
 */
public final class JournalKey {
  public static final int BYTES = 32;

  private JournalKey() {}

  /** Parses a base64 key as given in an environment variable. */
  public static SecretKey fromBase64(String base64, String where) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new JournalException("the journal key in " + where + " is not valid base64");
    }
    return of(raw, where);
  }

  /**
   * Reads the key file; when it does not exist and {@code generate} is set, writes a fresh random
   * key there first (owner read/write only).
   */
  public static SecretKey fromFile(Path file, boolean generate) {
    try {
      if (!Files.exists(file)) {
        if (!generate) {
          throw new JournalException(
              "the journal key file "
                  + file
                  + " does not exist: create one (32 random bytes, base64), set"
                  + " AMBULINK_JOURNAL_KEY, or set ambulink.journal.generate-key=true");
        }
        generate(file);
      }
      byte[] content = Files.readAllBytes(file);
      if (content.length == BYTES) {
        return of(content, file.toString());
      }
      return fromBase64(new String(content, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new JournalException("cannot read the journal key file " + file + ": " + e, e);
    }
  }

  private static void generate(Path file) throws IOException {
    byte[] raw = new byte[BYTES];
    new SecureRandom().nextBytes(raw);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".journal-key-", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the directory's protection has to do
      }
      Files.writeString(tmp, Base64.getEncoder().encodeToString(raw) + "\n");
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        // another process made one first: use theirs
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static SecretKey of(byte[] raw, String where) {
    if (raw.length != BYTES) {
      throw new JournalException(
          "the journal key in " + where + " is " + raw.length + " bytes; it must be " + BYTES);
    }
    return new SecretKeySpec(raw, "AES");
  }
}
