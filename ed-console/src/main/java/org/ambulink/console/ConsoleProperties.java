package org.ambulink.console;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The console's settings ({@code ambulink.console.*}); every key is described in config/README.md.
 *
 * @param edId the emergency department this console serves; staff see only transports heading there
 * @param edName its name as shown on the pages
 * @param bootstrapAdmin username of the first administrator, created at start when missing
 * @param demoUsers staff accounts created at start when missing (the demo's)
 * @param devices appliances known from configuration
 * @param loginMaxFailures failed logins for one username or one address before it is locked out
 * @param loginLockout how long a lockout lasts (and the window failures are counted in)
 * @param linkDownAfter an appliance not heard from for this long shows "link down"
 * @param staleAfter a vital sign older than this is shown greyed out with its age
 * @param maxBatchEvents most events accepted in one appliance request
 */
@Validated
@ConfigurationProperties("ambulink.console")
public record ConsoleProperties(
    @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,100}") @DefaultValue("city-general") String edId,
    @NotBlank @DefaultValue("Emergency Department") String edName,
    @NotBlank @DefaultValue("admin") String bootstrapAdmin,
    @DefaultValue List<@Valid DemoUser> demoUsers,
    @DefaultValue List<@Valid Device> devices,
    @Min(1) @Max(1000) @DefaultValue("5") int loginMaxFailures,
    @NotNull @DefaultValue("15m") Duration loginLockout,
    @NotNull @DefaultValue("15s") Duration linkDownAfter,
    @NotNull @DefaultValue("10s") Duration staleAfter,
    @Min(1) @Max(10000) @DefaultValue("500") int maxBatchEvents) {

  /** A staff account from configuration; {@code edId} empty means this console's ED. */
  public record DemoUser(
      @NotBlank @Pattern(regexp = "[A-Za-z0-9._@-]{1,100}") String username,
      @NotNull Role role,
      String edId) {}

  /** An appliance from configuration; the token belongs in the environment, not in a file. */
  public record Device(
      @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,100}") String id,
      @NotBlank String token,
      String description) {}

  /** What a staff member may do. */
  public enum Role {
    PHYSICIAN,
    NURSE,
    ADMIN
  }
}
