package org.ambulink.console.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The append-only audit trail: who logged in, who watched which transport, who acknowledged which
 * alarm, what admins changed. Rows are only ever inserted (the database refuses updates and deletes
 * with a trigger) and each row's hash covers its content and the previous row's hash, so {@link
 * #verify()} finds a row changed or removed behind the application's back.
 */
@Service
public class AuditLog {
  static final String GENESIS = "0".repeat(64);
  private static final int MAX_DETAILS = 1000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;

  public AuditLog(JdbcClient jdbc, Clock clock, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** One audit row. */
  public record Entry(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String address,
      String details,
      String prevHash,
      String hash) {}

  /** A row that does not match its hash or its predecessor. */
  public record Break(long id, String reason) {}

  /**
   * Appends a row in a transaction of its own, so it stays even when the caller's work fails.
   * Appends are serialized, each committed before the next one reads the chain's head, so that the
   * chain has no forks.
   */
  public synchronized Entry record(
      String actor, String action, String target, String address, String details) {
    return ownTransaction.execute(status -> append(actor, action, target, address, details));
  }

  private Entry append(String actor, String action, String target, String address, String details) {
    Optional<Entry> last =
        jdbc.sql("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
            .query(AuditLog::row)
            .optional();
    long id = last.map(e -> e.id() + 1).orElse(1L);
    String prev = last.map(Entry::hash).orElse(GENESIS);
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String d = clip(details, MAX_DETAILS);
    String a = clip(actor, 100);
    String t = clip(target, 200);
    String addr = clip(address, 100);
    String hash = hash(prev, id, at, a, action, t, addr, d);
    jdbc.sql(
            "INSERT INTO audit_log (id, logged_at, actor, action, target, address, details, prev_hash,"
                + " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(id, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), a, action, t, addr, d, prev, hash)
        .update();
    return new Entry(id, at, a, action, t, addr, d, prev, hash);
  }

  /** Rows newest first, at most {@code limit}, optionally before a row id (for paging). */
  public List<Entry> recent(int limit, Long beforeId) {
    return jdbc.sql("SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?")
        .params(beforeId == null ? Long.MAX_VALUE : beforeId, limit)
        .query(AuditLog::row)
        .list();
  }

  /** Every row in order, for an export; {@code sink} sees them one at a time. */
  public void forEach(java.util.function.Consumer<Entry> sink) {
    jdbc.sql("SELECT * FROM audit_log ORDER BY id").query(AuditLog::row).stream().forEach(sink);
  }

  /** Checks the whole chain; empty when every row is intact and none is missing. */
  public List<Break> verify() {
    List<Break> breaks = new ArrayList<>();
    String[] prev = {GENESIS};
    long[] expectedId = {1};
    forEach(
        e -> {
          if (e.id() != expectedId[0]) {
            breaks.add(
                new Break(e.id(), "rows " + expectedId[0] + " to " + (e.id() - 1) + " missing"));
          }
          if (!e.prevHash().equals(prev[0])) {
            breaks.add(new Break(e.id(), "does not follow the row before it"));
          }
          String h =
              hash(
                  e.prevHash(),
                  e.id(),
                  e.at(),
                  e.actor(),
                  e.action(),
                  e.target(),
                  e.address(),
                  e.details());
          if (!h.equals(e.hash())) {
            breaks.add(new Break(e.id(), "content does not match its hash (changed)"));
          }
          prev[0] = e.hash();
          expectedId[0] = e.id() + 1;
        });
    return breaks;
  }

  static String hash(
      String prev,
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String address,
      String details) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part :
          List.of(
              prev, Long.toString(id), at.toString(), actor, action, target, address, details)) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(b);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String clip(String s, int max) {
    String v = s == null ? "" : s;
    return v.length() <= max ? v : v.substring(0, max - 1) + "…";
  }

  private static Entry row(ResultSet rs, int n) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        rs.getObject("logged_at", OffsetDateTime.class).toInstant(),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("target"),
        rs.getString("address"),
        rs.getString("details"),
        rs.getString("prev_hash"),
        rs.getString("hash"));
  }
}
