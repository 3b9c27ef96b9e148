package org.ambulink.console.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.ambulink.console.testing.Backend;
import org.ambulink.console.testing.ConsoleDatabase;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.StaffClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit log is append-only in the database and hash-chained: a change through SQL is refused,
 * and a change made around the refusal (by whoever may switch the guard off) is found by {@link
 * AuditLog#verify()}.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class AuditLogTest {
  @Parameter Backend backend;
  static ConsoleServer server;
  static AuditLog audit;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = backend.console("audit").start();
    audit = server.bean(AuditLog.class);
    // some history besides the bootstrap's rows
    StaffClient.loggedIn(server, ConsoleServer.NURSE);
    StaffClient.loggedIn(server, ConsoleServer.ADMIN).get("/api/admin/audit");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void rowsAreChainedAndVerify() {
    audit.record("tester", "TEST", "chain", "127.0.0.1", "details, with \"quotes\"");
    List<Map<String, Object>> rows =
        ConsoleDatabase.rows(server, "SELECT id, prev_hash, hash FROM audit_log ORDER BY id");
    assertThat(rows).hasSizeGreaterThan(5);
    String prev = "0".repeat(64);
    long id = 1;
    for (Map<String, Object> r : rows) {
      assertThat(((Number) r.get("id")).longValue()).isEqualTo(id++);
      assertThat(r.get("prev_hash")).isEqualTo(prev);
      prev = (String) r.get("hash");
      assertThat(prev).matches("[0-9a-f]{64}");
    }
    assertThat(audit.verify()).isEmpty();
    StaffClient admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
    var verified = admin.ok("/api/admin/audit/verify");
    assertThat(verified.get("intact").asBoolean()).isTrue();
    assertThat(verified.get("breaks")).isEmpty();
  }

  @Test
  void updateAndDeleteThroughSqlAreRefused() throws SQLException {
    long id = audit.record("tester", "TEST", "guard", "", "original").id();
    for (String sql :
        List.of(
            "UPDATE audit_log SET details = 'edited' WHERE id = " + id,
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log WHERE id = " + id,
            "DELETE FROM audit_log")) {
      assertThatThrownBy(() -> ConsoleDatabase.execute(server, sql))
          .as(sql)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only");
    }
    assertThat(ConsoleDatabase.rows(server, "SELECT details FROM audit_log WHERE id = ?", id))
        .extracting(r -> r.get("details"))
        .containsExactly("original");
    assertThat(audit.verify()).isEmpty();
  }

  @Test
  void truncateIsRefused() {
    long rows = ConsoleDatabase.count(server, "SELECT COUNT(*) FROM audit_log");
    assertThatThrownBy(() -> ConsoleDatabase.execute(server, "TRUNCATE TABLE audit_log"))
        .isInstanceOf(SQLException.class);
    assertThat(ConsoleDatabase.count(server, "SELECT COUNT(*) FROM audit_log")).isEqualTo(rows);
    assertThat(audit.verify()).isEmpty();
  }

  @Test
  void aRowChangedBehindTheGuardIsFoundByVerify() throws SQLException {
    long id = audit.record("tester", "TEST", "tamper", "10.0.0.1", "original").id();
    audit.record("tester", "TEST", "after", "10.0.0.1", "");
    try (Connection c = ConsoleDatabase.connect(server)) {
      withoutGuard(c, () -> update(c, "UPDATE audit_log SET details = 'edited' WHERE id = ?", id));
      try {
        assertThat(audit.verify())
            .singleElement()
            .satisfies(
                b -> {
                  assertThat(b.id()).isEqualTo(id);
                  assertThat(b.reason()).contains("changed");
                });
        StaffClient admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
        assertThat(admin.ok("/api/admin/audit/verify").get("intact").asBoolean()).isFalse();
      } finally {
        withoutGuard(
            c, () -> update(c, "UPDATE audit_log SET details = 'original' WHERE id = ?", id));
      }
    }
    assertThat(audit.verify()).isEmpty();
  }

  @Test
  void aRowRemovedBehindTheGuardIsFoundByVerify() throws SQLException {
    long id = audit.record("tester", "TEST", "remove", "10.0.0.1", "to be removed").id();
    audit.record("tester", "TEST", "after", "10.0.0.1", "");
    Map<String, Object> row =
        ConsoleDatabase.rows(server, "SELECT * FROM audit_log WHERE id = ?", id).get(0);
    try (Connection c = ConsoleDatabase.connect(server)) {
      withoutGuard(c, () -> update(c, "DELETE FROM audit_log WHERE id = ?", id));
      try {
        assertThat(audit.verify())
            .extracting(AuditLog.Break::id, AuditLog.Break::reason)
            .contains(
                org.assertj.core.groups.Tuple.tuple(
                    id + 1, "rows " + id + " to " + id + " missing"),
                org.assertj.core.groups.Tuple.tuple(id + 1, "does not follow the row before it"));
      } finally {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO audit_log (id, logged_at, actor, action, target, address, details,"
                    + " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          int i = 1;
          for (String col :
              List.of(
                  "id",
                  "logged_at",
                  "actor",
                  "action",
                  "target",
                  "address",
                  "details",
                  "prev_hash",
                  "hash")) {
            s.setObject(i++, row.get(col));
          }
          s.executeUpdate();
        }
      }
    }
    assertThat(audit.verify()).isEmpty();
  }

  /** Switches the append-only guard off, runs {@code change}, switches it on again. */
  private void withoutGuard(Connection c, SqlRunnable change) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (backend == Backend.POSTGRESQL) {
        s.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update");
      } else {
        s.execute("DROP TRIGGER audit_log_no_update");
      }
      try {
        change.run();
      } finally {
        if (backend == Backend.POSTGRESQL) {
          s.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update");
        } else {
          s.execute(
              "CREATE TRIGGER audit_log_no_update BEFORE UPDATE, DELETE ON audit_log FOR EACH ROW"
                  + " CALL '"
                  + AppendOnlyTrigger.class.getName()
                  + "'");
        }
      }
    }
  }

  private static void update(Connection c, String sql, Object param) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      assertThat(s.executeUpdate()).as(sql).isEqualTo(1);
    }
  }

  @FunctionalInterface
  interface SqlRunnable {
    void run() throws SQLException;
  }
}
