package org.ambulink.console.security;

import java.util.Collection;
import java.util.List;
import org.ambulink.console.ConsoleProperties.Role;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/** A logged-in staff member: who, which role, which ED. */
public record StaffUser(
    String username, String passwordHash, Role role, String edId, boolean enabled)
    implements UserDetails {

  @Override
  public Collection<? extends GrantedAuthority> getAuthorities() {
    return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
  }

  @Override
  public String getPassword() {
    return passwordHash;
  }

  @Override
  public String getUsername() {
    return username;
  }

  @Override
  public boolean isEnabled() {
    return enabled;
  }

  /** Clinical staff see transports; administrators manage accounts and read the audit log. */
  public boolean clinical() {
    return role == Role.PHYSICIAN || role == Role.NURSE;
  }

  @Override
  public String toString() {
    return "StaffUser[" + username + ", " + role + ", " + edId + "]";
  }
}
