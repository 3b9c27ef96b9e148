package org.ambulink.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

  @Test
  void startsAnswersAndStopsWithoutATrace() throws Exception {
    for (int round = 1; round <= 2; round++) { // a second server in the same JVM works too
      long pid;
      Path dir;
      try (PostgresServer pg = PostgresServer.start()) {
        pid = pg.pid();
        dir = pg.dir();
        assertThat(pg.isAlive()).isTrue();
        assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()))
            .as("the PID held is the server's, not a wrapper's")
            .hasValueSatisfying(c -> assertThat(c).endsWith("/postgres"));
        String db = pg.createDatabase("smoke");
        try (Connection c = pg.connect(db);
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT 1, current_database(), current_user")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(1);
          assertThat(rs.getString(2)).isEqualTo(db);
          assertThat(rs.getString(3)).isEqualTo(pg.user());
        }
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "wrong"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("password authentication failed");
        // a connection left open does not hold the shutdown up
        Connection open = pg.connect("postgres");
        assertThat(open.isValid(1)).isTrue();
      }
      Optional<ProcessHandle> gone = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      assertThat(gone).as("round %d: postgres pid %d after close", round, pid).isEmpty();
      assertThat(Files.exists(dir)).isFalse();
    }
  }

  @Test
  void sharedServerIsOnePerJvm() {
    PostgresServer a = PostgresServer.shared();
    assertThat(PostgresServer.shared()).isSameAs(a);
    assertThat(a.createDatabase("one")).isNotEqualTo(a.createDatabase("one"));
  }
}
