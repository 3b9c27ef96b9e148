package org.ambulink.console.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ambulink.console.audit.AuditLog;
import org.ambulink.console.devices.DeviceRegistry;
import org.ambulink.console.devices.DeviceRegistry.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates appliances by {@code Authorization: Bearer <device token>}. Unknown tokens get 401,
 * revoked devices 403 (and an audit row, at most one per device per {@link #AUDIT_EVERY}, so that a
 * revoked appliance retrying all day does not flood the log).
 */
public class DeviceTokenFilter extends OncePerRequestFilter {
  static final Duration AUDIT_EVERY = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(DeviceTokenFilter.class);

  private final DeviceRegistry devices;
  private final AuditLog audit;
  private final Clock clock;
  private final Map<String, Instant> lastRefusal = new ConcurrentHashMap<>();

  public DeviceTokenFilter(DeviceRegistry devices, AuditLog audit, Clock clock) {
    this.devices = devices;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    Check check = devices.check(token);
    if (check instanceof Check.Valid v) {
      SecurityContextHolder.getContext().setAuthentication(new DeviceAuthentication(v.device()));
      chain.doFilter(request, response);
    } else if (check instanceof Check.Revoked r) {
      refuseRevoked(r.device(), request);
      Problems.write(
          response,
          HttpStatus.FORBIDDEN,
          "The credential of appliance '" + r.device().id() + "' has been revoked.");
    } else {
      Problems.write(
          response,
          HttpStatus.UNAUTHORIZED,
          token == null
              ? "An appliance must send its device token: Authorization: Bearer <token>."
              : "Unknown device token.");
    }
  }

  private void refuseRevoked(DeviceRegistry.Device device, HttpServletRequest request) {
    Instant now = clock.instant();
    Instant last = lastRefusal.get(device.id());
    if (last == null || last.plus(AUDIT_EVERY).isBefore(now)) {
      lastRefusal.put(device.id(), now);
      log.warn("refused revoked appliance {} from {}", device.id(), request.getRemoteAddr());
      audit.record(
          device.id(),
          "DEVICE_REFUSED",
          "device " + device.id(),
          request.getRemoteAddr(),
          "the device's credential is revoked");
    }
  }
}
