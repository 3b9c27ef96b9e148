package org.ambulink.appliance.webrtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * The one native WebRTC stack of a process: a {@link PeerConnectionFactory} over a {@link
 * HeadlessAudioDeviceModule} (the appliance has no sound card, and none is needed). Every {@link
 * RtcPeer} is created from it. Loading it needs the native library of webrtc-java's {@code
 * linux-x86_64} jar and Debian's {@code libpulse0}.
 *
 * <p>{@link #close()} disposes the factory, then the audio module: close every peer first.
 */
public final class RtcEngine implements AutoCloseable {
  private final HeadlessAudioDeviceModule audio;
  private final PeerConnectionFactory factory;
  private boolean closed;

  public RtcEngine() {
    this.audio = new HeadlessAudioDeviceModule();
    this.factory = new PeerConnectionFactory(audio);
  }

  PeerConnectionFactory factory() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the WebRTC engine is closed");
      }
    }
    return factory;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    factory.dispose();
    audio.dispose();
  }
}
