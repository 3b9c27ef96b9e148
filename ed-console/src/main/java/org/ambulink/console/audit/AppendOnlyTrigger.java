package org.ambulink.console.audit;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** H2's guard of the audit table (PostgreSQL has a PL/pgSQL trigger): no update, no delete. */
public class AppendOnlyTrigger implements Trigger {
  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    throw new SQLException(
        "the audit log is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " refused");
  }
}
