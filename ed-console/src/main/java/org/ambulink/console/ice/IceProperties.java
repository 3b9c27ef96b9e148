package org.ambulink.console.ice;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where WebRTC peers find their way to each other ({@code ambulink.console.ice.*}); every key is
 * described in config/README.md. The TURN shared secret comes from the environment variable {@value
 * IceServers#SECRET_VARIABLE}, never from a file.
 *
 * @param stunUrls STUN servers handed to every peer, e.g. {@code stun:turn.hospital.example:3478}
 * @param turnUrls TURN servers, e.g. {@code turn:turn.hospital.example:3478?transport=udp} and
 *     {@code turns:turn.hospital.example:5349?transport=tcp}
 * @param turnSecret for tests only: the shared secret when the environment variable is not set
 * @param credentialTtl how long a TURN credential handed out stays valid
 * @param relayOnly peers use only relayed candidates ({@code iceTransportPolicy: relay})
 */
@Validated
@ConfigurationProperties("ambulink.console.ice")
public record IceProperties(
    @DefaultValue List<@NotNull @Pattern(regexp = "stuns?:\\S+") String> stunUrls,
    @DefaultValue List<@NotNull @Pattern(regexp = "turns?:\\S+") String> turnUrls,
    String turnSecret,
    @NotNull @DefaultValue("1h") Duration credentialTtl,
    @DefaultValue("false") boolean relayOnly) {}
