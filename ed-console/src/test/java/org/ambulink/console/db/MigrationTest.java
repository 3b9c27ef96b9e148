package org.ambulink.console.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ambulink.console.testing.Backend;
import org.ambulink.console.testing.ConsoleDatabase;
import org.ambulink.console.testing.ConsoleServer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Flyway builds the schema in an empty database when the console starts. */
@ParameterizedClass
@EnumSource(Backend.class)
class MigrationTest {
  static final List<String> TABLES =
      List.of(
          "staff_user",
          "device",
          "transport",
          "transport_event",
          "vital_latest",
          "alarm",
          "audit_log");

  @Parameter Backend backend;
  static ConsoleServer server;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = backend.console("migration").start();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void appliesV1AndV2() {
    List<Map<String, Object>> history =
        ConsoleDatabase.rows(
            server,
            "SELECT version, description, success FROM flyway_schema_history"
                + " WHERE version IS NOT NULL ORDER BY installed_rank");
    List<Tuple> expected =
        new ArrayList<>(List.of(tuple("1", "schema", true), tuple("2", "audit append only", true)));
    if (backend == Backend.H2) {
      // H2 has no TRUNCATE trigger: a foreign key reference stands in for it
      expected.add(tuple("3", "audit no truncate", true));
    }
    assertThat(history)
        .extracting(r -> r.get("version"), r -> r.get("description"), r -> r.get("success"))
        .containsExactlyElementsOf(expected);
  }

  @Test
  void everyTableIsThere() {
    for (String table : TABLES) {
      // fails if the table is missing
      assertThat(ConsoleDatabase.count(server, "SELECT COUNT(*) FROM " + table))
          .as(table)
          .isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void bootstrapAccountsAndDeviceAreCreated() {
    assertThat(
            ConsoleDatabase.rows(server, "SELECT username, role, ed_id FROM staff_user").stream()
                .map(r -> r.get("username") + "/" + r.get("role") + "/" + r.get("ed_id"))
                .toList())
        .containsExactlyInAnyOrder(
            "admin/ADMIN/" + ConsoleServer.ED,
            ConsoleServer.PHYSICIAN + "/PHYSICIAN/" + ConsoleServer.ED,
            ConsoleServer.NURSE + "/NURSE/" + ConsoleServer.ED,
            ConsoleServer.OTHER_ED_PHYSICIAN + "/PHYSICIAN/" + ConsoleServer.OTHER_ED);
    assertThat(
            ConsoleDatabase.count(
                server,
                "SELECT COUNT(*) FROM device WHERE device_id = ? AND revoked_at IS NULL",
                ConsoleServer.DEVICE_ID))
        .isEqualTo(1);
  }
}
