package org.ambulink.console.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * The console's database through a plain JDBC connection of its own (not the console's pool), as an
 * operator or an intruder with the database credentials would reach it.
 */
public final class ConsoleDatabase {
  private ConsoleDatabase() {}

  /** A new connection with the console's JDBC URL, user and password; close it. */
  public static Connection connect(ConsoleServer server) throws SQLException {
    Environment env = server.context().getEnvironment();
    return DriverManager.getConnection(
        env.getRequiredProperty("spring.datasource.url"),
        env.getProperty("spring.datasource.username", ""),
        env.getProperty("spring.datasource.password", ""));
  }

  /** Whether the console runs on PostgreSQL. */
  public static boolean postgres(ConsoleServer server) {
    return server
        .context()
        .getEnvironment()
        .getRequiredProperty("spring.datasource.url")
        .startsWith("jdbc:postgresql:");
  }

  /** The rows of a query, each column by its lower-case name. */
  public static List<Map<String, Object>> rows(ConsoleServer server, String sql, Object... params) {
    try (Connection c = connect(server);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The single number a query such as {@code SELECT COUNT(*) ...} answers. */
  public static long count(ConsoleServer server, String sql, Object... params) {
    Object v = rows(server, sql, params).get(0).values().iterator().next();
    return ((Number) v).longValue();
  }

  /** Executes a statement; its update count. Failures are thrown as they come. */
  public static int execute(ConsoleServer server, String sql, Object... params)
      throws SQLException {
    try (Connection c = connect(server);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.execute();
      return s.getUpdateCount();
    }
  }
}
