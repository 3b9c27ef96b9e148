package org.ambulink.appliance.transport;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Transports ({@code ambulink.transport.*}); every key is documented in config/README.md.
 *
 * @param destinations the EDs this vehicle delivers to (id, name, latitude, longitude)
 * @param positionInterval how often the vehicle's position is journaled during a transport
 * @param applianceId this vehicle appliance's identifier, part of every identifier it gives the EHR
 */
@Validated
@ConfigurationProperties("ambulink.transport")
public record TransportProperties(
    @NotEmpty List<@Valid Destination> destinations,
    @DefaultValue("10s") Duration positionInterval,
    @NotBlank @DefaultValue("ambulink-appliance") String applianceId) {}
