package org.ambulink.console.admin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.ambulink.console.ConsoleProperties;
import org.ambulink.console.ConsoleProperties.Role;
import org.ambulink.console.audit.AuditLog;
import org.ambulink.console.devices.DeviceRegistry;
import org.ambulink.console.security.StaffAccounts;
import org.ambulink.console.security.StaffUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Administration: the audit log (read, export, verify), staff accounts and appliances. */
@RestController
public class AdminController {
  private final AuditLog audit;
  private final StaffAccounts staff;
  private final DeviceRegistry devices;
  private final ConsoleProperties properties;

  public AdminController(
      AuditLog audit, StaffAccounts staff, DeviceRegistry devices, ConsoleProperties properties) {
    this.audit = audit;
    this.staff = staff;
    this.devices = devices;
    this.properties = properties;
  }

  @GetMapping("/api/admin/audit")
  public List<AuditLog.Entry> audit(
      @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) Long before) {
    if (limit < 1 || limit > 1000) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "limit must be from 1 to 1000, was " + limit);
    }
    return audit.recent(limit, before);
  }

  @GetMapping("/api/admin/audit/verify")
  public Map<String, Object> verify() {
    List<AuditLog.Break> breaks = audit.verify();
    return Map.of("intact", breaks.isEmpty(), "breaks", breaks);
  }

  /** The whole audit log as CSV; the export itself is audited. */
  @GetMapping("/api/admin/audit/export")
  public void export(
      @AuthenticationPrincipal StaffUser user,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    audit.record(user.username(), "AUDIT_EXPORT", "audit log", request.getRemoteAddr(), "csv");
    response.setContentType("text/csv");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Content-Disposition", "attachment; filename=\"audit-log.csv\"");
    PrintWriter w = response.getWriter();
    w.println("id,at,actor,action,target,address,details,prev_hash,hash");
    audit.forEach(
        e ->
            w.println(
                String.join(
                    ",",
                    Long.toString(e.id()),
                    e.at().toString(),
                    csv(e.actor()),
                    csv(e.action()),
                    csv(e.target()),
                    csv(e.address()),
                    csv(e.details()),
                    e.prevHash(),
                    e.hash())));
    w.flush();
  }

  public record UserView(String username, String role, String edId, boolean enabled) {}

  public record NewUser(String username, String password, String role, String edId) {}

  @GetMapping("/api/admin/users")
  public List<UserView> users() {
    return staff.all().stream()
        .map(u -> new UserView(u.username(), u.role().name(), u.edId(), u.enabled()))
        .toList();
  }

  @PostMapping("/api/admin/users")
  public UserView createUser(
      @AuthenticationPrincipal StaffUser admin,
      @RequestBody NewUser body,
      HttpServletRequest request) {
    if (body.username() == null || !body.username().matches("[A-Za-z0-9._@-]{1,100}")) {
      throw bad(
          "a username is 1 to 100 letters, digits, '.', '_', '@' or '-', not '"
              + body.username()
              + "'");
    }
    Role role;
    try {
      role = Role.valueOf(String.valueOf(body.role()).toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad("role must be physician, nurse or admin, was '" + body.role() + "'");
    }
    String ed = body.edId() == null || body.edId().isBlank() ? properties.edId() : body.edId();
    StaffUser u = staff.create(body.username(), body.password(), role, ed);
    audit.record(
        admin.username(),
        "USER_CREATED",
        "user " + u.username(),
        request.getRemoteAddr(),
        "role " + role + ", ED " + ed);
    return new UserView(u.username(), u.role().name(), u.edId(), true);
  }

  @PostMapping("/api/admin/users/{username}/disable")
  public Map<String, Object> disableUser(
      @AuthenticationPrincipal StaffUser admin,
      @PathVariable String username,
      HttpServletRequest request) {
    if (username.equals(admin.username())) {
      throw bad("an administrator cannot disable their own account");
    }
    staff.setEnabled(username, false);
    audit.record(
        admin.username(), "USER_DISABLED", "user " + username, request.getRemoteAddr(), "");
    return Map.of("disabled", username);
  }

  public record NewDevice(String id, String description) {}

  @GetMapping("/api/admin/devices")
  public List<DeviceRegistry.Device> devices() {
    return devices.all();
  }

  /** Registers an appliance; the answer holds its token, shown this once. */
  @PostMapping("/api/admin/devices")
  public Map<String, String> registerDevice(
      @AuthenticationPrincipal StaffUser admin,
      @RequestBody NewDevice body,
      HttpServletRequest request) {
    String token = devices.register(String.valueOf(body.id()), body.description());
    audit.record(
        admin.username(), "DEVICE_REGISTERED", "device " + body.id(), request.getRemoteAddr(), "");
    return Map.of("id", body.id(), "token", token);
  }

  @PostMapping("/api/admin/devices/{id}/revoke")
  public Map<String, Object> revokeDevice(
      @AuthenticationPrincipal StaffUser admin,
      @PathVariable String id,
      HttpServletRequest request) {
    if (!devices.revoke(id)) {
      if (devices.find(id).isEmpty()) {
        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no appliance '" + id + "'");
      }
      return Map.of("revoked", id, "already", true);
    }
    audit.record(admin.username(), "DEVICE_REVOKED", "device " + id, request.getRemoteAddr(), "");
    return Map.of("revoked", id, "already", false);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ErrorResponseException badArgument(IllegalArgumentException e) {
    return bad(e.getMessage());
  }

  private static ErrorResponseException bad(String detail) {
    return new ErrorResponseException(
        HttpStatus.BAD_REQUEST,
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail),
        null);
  }

  static String csv(String s) {
    String v = s == null ? "" : s;
    // a cell starting with = + - @ would be a formula in a spreadsheet
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      v = "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
