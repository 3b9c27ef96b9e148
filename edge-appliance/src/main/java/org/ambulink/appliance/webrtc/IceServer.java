package org.ambulink.appliance.webrtc;

import java.util.List;

/**
 * An ICE server as the ED console hands it out ({@code GET /api/appliance/ice-servers}): STUN
 * entries have no username or credential; TURN entries carry a REST-scheme credential.
 */
public record IceServer(List<String> urls, String username, String credential) {
  public IceServer {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("an ICE server needs at least one URL");
    }
  }

  /** A STUN entry (no credential). */
  public static IceServer stun(String... urls) {
    return new IceServer(List.of(urls), null, null);
  }
}
