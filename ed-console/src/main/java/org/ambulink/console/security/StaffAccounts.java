package org.ambulink.console.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.ambulink.console.ConsoleProperties.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Staff accounts in the database; passwords are kept only as BCrypt hashes. */
@Service
public class StaffAccounts implements UserDetailsService {
  private final JdbcClient jdbc;
  private final PasswordEncoder encoder;
  private final Clock clock;

  public StaffAccounts(JdbcClient jdbc, PasswordEncoder encoder, Clock clock) {
    this.jdbc = jdbc;
    this.encoder = encoder;
    this.clock = clock;
  }

  @Override
  public StaffUser loadUserByUsername(String username) {
    return find(username).orElseThrow(() -> new UsernameNotFoundException("no such user"));
  }

  public Optional<StaffUser> find(String username) {
    return jdbc.sql("SELECT * FROM staff_user WHERE username = ?")
        .param(username)
        .query(StaffAccounts::row)
        .optional();
  }

  public List<StaffUser> all() {
    return jdbc.sql("SELECT * FROM staff_user ORDER BY username").query(StaffAccounts::row).list();
  }

  /**
   * Creates an account.
   *
   * @throws IllegalArgumentException when the username is taken or the password too short
   */
  public StaffUser create(String username, String password, Role role, String edId) {
    checkPassword(password);
    if (find(username).isPresent()) {
      throw new IllegalArgumentException("the username '" + username + "' is taken");
    }
    String hash = encoder.encode(password);
    jdbc.sql(
            "INSERT INTO staff_user (username, password_hash, role, ed_id, enabled, created_at)"
                + " VALUES (?, ?, ?, ?, TRUE, ?)")
        .params(
            username,
            hash,
            role.name(),
            edId,
            OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
        .update();
    return new StaffUser(username, hash, role, edId, true);
  }

  public void setPassword(String username, String password) {
    checkPassword(password);
    int n =
        jdbc.sql("UPDATE staff_user SET password_hash = ? WHERE username = ?")
            .params(encoder.encode(password), username)
            .update();
    if (n == 0) {
      throw new IllegalArgumentException("no user '" + username + "'");
    }
  }

  public void setEnabled(String username, boolean enabled) {
    int n =
        jdbc.sql("UPDATE staff_user SET enabled = ? WHERE username = ?")
            .params(enabled, username)
            .update();
    if (n == 0) {
      throw new IllegalArgumentException("no user '" + username + "'");
    }
  }

  private static void checkPassword(String password) {
    if (password == null || password.length() < 12) {
      throw new IllegalArgumentException("a password needs at least 12 characters");
    }
    if (password.length() > 72) {
      throw new IllegalArgumentException("a password may have at most 72 characters (BCrypt)");
    }
  }

  private static StaffUser row(ResultSet rs, int n) throws SQLException {
    return new StaffUser(
        rs.getString("username"),
        rs.getString("password_hash"),
        Role.valueOf(rs.getString("role")),
        rs.getString("ed_id"),
        rs.getBoolean("enabled"));
  }
}
