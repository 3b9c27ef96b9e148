package org.ambulink.appliance.live;

import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import org.ambulink.appliance.webrtc.RtcPeer;

/**
 * The appliance's side of one viewer: its peer connection and what the live service keeps about it.
 * Touched only on the live service's thread.
 */
final class LivePeer {
  final String viewerId;
  final String transportId;
  final String session;
  final RtcPeer rtc;
  final long createdNanos = System.nanoTime();

  /** When the TURN credentials this peer connection was built with expire. */
  final java.time.Instant credentialsExpireAt;

  /** When trouble began (disconnected, failed, or not yet connected); 0 while connected. */
  long troubleSinceNanos;

  long lastRestartNanos;
  int restarts;
  boolean everConnected;
  int videoBitrate;
  double videoFps;
  int quietTicks;

  LivePeer(
      String viewerId,
      String transportId,
      String session,
      RtcPeer rtc,
      java.time.Instant credentialsExpireAt) {
    this.credentialsExpireAt = credentialsExpireAt;
    this.viewerId = viewerId;
    this.transportId = transportId;
    this.session = session;
    this.rtc = rtc;
    this.troubleSinceNanos = createdNanos;
  }

  boolean connected() {
    RTCIceConnectionState ice = rtc.iceConnectionState();
    return rtc.connectionState() == RTCPeerConnectionState.CONNECTED
        && (ice == RTCIceConnectionState.CONNECTED || ice == RTCIceConnectionState.COMPLETED);
  }

  String state() {
    return rtc.connectionState().name().toLowerCase(java.util.Locale.ROOT);
  }
}
