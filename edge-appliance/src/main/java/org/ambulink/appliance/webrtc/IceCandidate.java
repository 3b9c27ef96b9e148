package org.ambulink.appliance.webrtc;

/**
 * A trickled ICE candidate as it travels over signaling, as in the browser's {@code
 * RTCIceCandidateInit}: {@code candidate} is the {@code candidate:...} line.
 */
public record IceCandidate(String sdpMid, int sdpMLineIndex, String candidate) {
  /** The candidate type: {@code host}, {@code srflx}, {@code prflx} or {@code relay}. */
  public String type() {
    String[] parts = candidate.split(" ");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equals("typ")) {
        return parts[i + 1];
      }
    }
    return "unknown";
  }
}
