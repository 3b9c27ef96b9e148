package org.ambulink.appliance.gps;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The vehicle's GPS ({@code ambulink.gps.*}); every key is documented in config/README.md.
 *
 * @param source {@code serial} (an NMEA 0183 receiver), {@code simulated} (a demo route that starts
 *     driving at Start transport) or {@code none}
 * @param portName the receiver's serial port, e.g. /dev/ttyUSB1
 * @param baud the receiver's line speed (NMEA 0183: 4800; many receivers: 9600)
 * @param simulationSpeed how much faster than real time the simulated vehicle drives
 * @param staleAfter a fix older than this no longer counts as a position
 */
@Validated
@ConfigurationProperties("ambulink.gps")
public record GpsProperties(
    @DefaultValue("none") Source source,
    @DefaultValue("") String portName,
    @Min(300) @DefaultValue("4800") int baud,
    @DecimalMin("0.1") @DefaultValue("1.0") double simulationSpeed,
    @DefaultValue("10s") Duration staleAfter) {

  /** Where positions come from. */
  public enum Source {
    SERIAL,
    SIMULATED,
    NONE
  }
}
