package org.ambulink.appliance.intake;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Monitor intake settings ({@code ambulink.intake.*}); every key is documented in config/README.md.
 *
 * @param stale-after a monitor whose last message is older than this is reported as not delivering
 */
@Validated
@ConfigurationProperties("ambulink.intake")
public record IntakeProperties(
    @Valid @DefaultValue Mllp mllp,
    @Valid @DefaultValue Serial serial,
    @DefaultValue("10s") Duration staleAfter,
    @Valid @DefaultValue Recent recent) {

  /** The MLLP/TCP listener. */
  public record Mllp(
      @DefaultValue("true") boolean enabled,
      @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
      @Min(0) @Max(65535) @DefaultValue("2575") int port,
      @Min(1024) @DefaultValue("1048576") int maxFrameBytes,
      @Min(1) @DefaultValue("32") int maxConnections) {}

  /** The serial port a monitor is cabled to; off unless a port is named. */
  public record Serial(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("") String portName,
      @Min(1) @DefaultValue("115200") int baud,
      @Min(5) @Max(8) @DefaultValue("8") int dataBits,
      @DefaultValue("none") String parity,
      @DefaultValue("1") String stopBits,
      @DefaultValue("10s") Duration watchdog,
      @DefaultValue("500ms") Duration reopenInitialBackoff,
      @DefaultValue("30s") Duration reopenMaxBackoff,
      @Min(1024) @DefaultValue("1048576") int maxFrameBytes) {}

  /** How much of what arrived the appliance keeps in memory to show on its REST API. */
  public record Recent(
      @DefaultValue("60s") Duration waveformWindow,
      @Min(1) @DefaultValue("500") int alarms,
      @Min(1) @DefaultValue("500") int dropped) {}
}
