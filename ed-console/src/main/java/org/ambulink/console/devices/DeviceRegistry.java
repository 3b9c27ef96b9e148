package org.ambulink.console.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Appliances and their credentials. A device token is a random 256-bit secret shown once when it is
 * issued; only its SHA-256 is stored (a high-entropy token needs no slow hash). A revoked device is
 * refused from then on.
 */
@Service
public class DeviceRegistry {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final Clock clock;

  public DeviceRegistry(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** An appliance as the console knows it. */
  public record Device(
      String id,
      String description,
      Instant createdAt,
      Instant revokedAt,
      Instant lastSeenAt,
      long backlog) {
    public boolean revoked() {
      return revokedAt != null;
    }
  }

  /** What a presented token turned out to be. */
  public sealed interface Check {
    record Valid(Device device) implements Check {}

    record Revoked(Device device) implements Check {}

    record Unknown() implements Check {}
  }

  public Check check(String token) {
    if (token == null || token.isBlank()) {
      return new Check.Unknown();
    }
    return jdbc.sql("SELECT * FROM device WHERE token_hash = ?")
        .param(hash(token))
        .query(DeviceRegistry::row)
        .optional()
        .<Check>map(d -> d.revoked() ? new Check.Revoked(d) : new Check.Valid(d))
        .orElse(new Check.Unknown());
  }

  public Optional<Device> find(String id) {
    return jdbc.sql("SELECT * FROM device WHERE device_id = ?")
        .param(id)
        .query(DeviceRegistry::row)
        .optional();
  }

  public List<Device> all() {
    return jdbc.sql("SELECT * FROM device ORDER BY device_id").query(DeviceRegistry::row).list();
  }

  /** Registers a device with a new random token and returns the token (shown once). */
  public String register(String id, String description) {
    String token = newToken();
    register(id, token, description);
    return token;
  }

  /**
   * Registers a device with a given token (from configuration).
   *
   * @throws IllegalArgumentException when the id is taken or the token too short
   */
  public void register(String id, String token, String description) {
    if (!id.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "a device id is 1 to 100 letters, digits, '.', '_' or '-', not '" + id + "'");
    }
    if (token.length() < 32) {
      throw new IllegalArgumentException(
          "the token of device '" + id + "' is too short (at least 32 characters)");
    }
    if (find(id).isPresent()) {
      throw new IllegalArgumentException("a device '" + id + "' is already registered");
    }
    jdbc.sql(
            "INSERT INTO device (device_id, token_hash, description, created_at, backlog)"
                + " VALUES (?, ?, ?, ?, 0)")
        .params(id, hash(token), description == null ? "" : description, now())
        .update();
  }

  /**
   * Gives a configured device the token its configuration now holds (e.g. the demo makes a new one
   * per run); a revoked device stays revoked. Returns whether the token changed.
   */
  public boolean updateToken(String id, String token) {
    if (token.length() < 32) {
      throw new IllegalArgumentException(
          "the token of device '" + id + "' is too short (at least 32 characters)");
    }
    return jdbc.sql(
                "UPDATE device SET token_hash = ? WHERE device_id = ? AND token_hash <> ?"
                    + " AND revoked_at IS NULL")
            .params(hash(token), id, hash(token))
            .update()
        > 0;
  }

  /** Revokes a device; its token is refused from now on. Returns false if it was unknown. */
  public boolean revoke(String id) {
    return jdbc.sql("UPDATE device SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL")
            .params(now(), id)
            .update()
        > 0;
  }

  /** Notes that a device was heard from, and how much it still has queued. */
  public void seen(String id, long backlog) {
    jdbc.sql("UPDATE device SET last_seen_at = ?, backlog = ? WHERE device_id = ?")
        .params(now(), backlog, id)
        .update();
  }

  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Device row(ResultSet rs, int n) throws SQLException {
    return new Device(
        rs.getString("device_id"),
        rs.getString("description"),
        instant(rs, "created_at"),
        instant(rs, "revoked_at"),
        instant(rs, "last_seen_at"),
        rs.getLong("backlog"));
  }
}
