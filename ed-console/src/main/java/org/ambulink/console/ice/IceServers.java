package org.ambulink.console.ice;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

/**
 * The ICE servers a WebRTC peer (a viewer's browser, an appliance) is given: the configured STUN
 * servers, and the TURN servers with a short-lived credential of the TURN REST API scheme that
 * coturn checks with {@code use-auth-secret}: username {@code <expiry epoch seconds>:<user>},
 * credential base64(HMAC-SHA1(shared secret, username)). Nothing is stored: the TURN server
 * recomputes the credential from the same secret and refuses it after the expiry.
 */
@Service
public class IceServers {
  /** The environment variable holding the TURN shared secret. */
  public static final String SECRET_VARIABLE = "AMBULINK_CONSOLE_TURN_SECRET";

  private final IceProperties properties;
  private final Clock clock;
  private final byte[] secret;

  @Autowired
  public IceServers(IceProperties properties, Environment environment, Clock clock) {
    this(properties, secretFrom(properties, environment), clock);
  }

  IceServers(IceProperties properties, String secret, Clock clock) {
    this.properties = properties;
    this.clock = clock;
    if (!properties.turnUrls().isEmpty() && (secret == null || secret.isBlank())) {
      throw new IllegalStateException(
          "ambulink.console.ice.turn-urls is set but the TURN shared secret is missing: set the"
              + " environment variable "
              + SECRET_VARIABLE
              + " to the TURN server's static-auth-secret");
    }
    if (properties.relayOnly() && properties.turnUrls().isEmpty()) {
      throw new IllegalStateException(
          "ambulink.console.ice.relay-only is true but ambulink.console.ice.turn-urls is empty:"
              + " relay-only peers need a TURN server");
    }
    if (properties.credentialTtl().isNegative() || properties.credentialTtl().toSeconds() < 1) {
      throw new IllegalStateException(
          "ambulink.console.ice.credential-ttl must be at least 1s, was "
              + properties.credentialTtl());
    }
    this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  private static String secretFrom(IceProperties properties, Environment environment) {
    String fromEnvironment = environment.getProperty(SECRET_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    return properties.turnSecret();
  }

  /** The ICE servers for a staff member's viewer. */
  public IceConfiguration forStaff(String username) {
    return forUser(username);
  }

  /** The ICE servers for an appliance: its TURN user is {@code appliance:<deviceId>}. */
  public IceConfiguration forAppliance(String deviceId) {
    return forUser("appliance:" + deviceId);
  }

  IceConfiguration forUser(String user) {
    Instant expiresAt =
        Instant.ofEpochSecond(clock.instant().plus(properties.credentialTtl()).getEpochSecond());
    List<IceServer> servers = new ArrayList<>();
    if (!properties.stunUrls().isEmpty()) {
      servers.add(new IceServer(List.copyOf(properties.stunUrls()), null, null));
    }
    if (!properties.turnUrls().isEmpty()) {
      String username = expiresAt.getEpochSecond() + ":" + user;
      servers.add(
          new IceServer(List.copyOf(properties.turnUrls()), username, credential(username)));
    }
    return new IceConfiguration(servers, properties.relayOnly() ? "relay" : "all", expiresAt);
  }

  /** base64(HMAC-SHA1(secret, username)). */
  String credential(String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA1 is not available", e);
    }
  }

  /**
   * What a peer passes to {@code RTCPeerConnection}: its {@code iceServers} and {@code
   * iceTransportPolicy}; {@code expiresAt} is when the TURN credential stops working (fetch again
   * before).
   */
  public record IceConfiguration(
      List<IceServer> iceServers, String iceTransportPolicy, Instant expiresAt) {}

  /** An {@code RTCIceServer}: STUN entries have no username or credential. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record IceServer(List<String> urls, String username, String credential) {}
}
