package org.ambulink.appliance.webrtc;

/**
 * The cap on the video a peer sends, as its sender reports it ({@link RtcPeer#videoLimits()}).
 *
 * @param maxBitrateBps the encoder's bitrate cap in bits/s, -1 when none is set
 * @param maxFramerate the frame-rate cap in frames/s, -1 when none is set
 */
public record VideoLimits(int maxBitrateBps, double maxFramerate) {}
