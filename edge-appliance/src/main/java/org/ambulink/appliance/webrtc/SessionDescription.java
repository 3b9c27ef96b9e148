package org.ambulink.appliance.webrtc;

/**
 * An SDP offer or answer as it travels over signaling: {@code type} is {@code "offer"} or {@code
 * "answer"}, as in the browser's {@code RTCSessionDescriptionInit}.
 */
public record SessionDescription(String type, String sdp) {
  public static final String OFFER = "offer";
  public static final String ANSWER = "answer";

  public SessionDescription {
    if (!OFFER.equals(type) && !ANSWER.equals(type)) {
      throw new IllegalArgumentException("type must be offer or answer, was " + type);
    }
    if (sdp == null || sdp.isEmpty()) {
      throw new IllegalArgumentException("sdp is empty");
    }
  }
}
