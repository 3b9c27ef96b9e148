package org.ambulink.appliance.webrtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpEncodingParameters;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpSendParameters;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebRTC peer connection of the appliance, with the two data channels of the design:
 *
 * <ul>
 *   <li>{@code ecg}: waveform chunks, unordered and never retransmitted ({@code ordered=false,
 *       maxRetransmits=0}): a late chunk is worth nothing, the next one replaces it;
 *   <li>{@code events}: reliable and ordered, for vitals and events.
 * </ul>
 *
 * Both channels are pre-negotiated ({@code negotiated=true}) with fixed ids ({@link #ECG_ID},
 * {@link #EVENTS_ID}): the remote side (another RtcPeer, or a browser with {@code
 * createDataChannel(label, {negotiated: true, id})}) creates the same channels, so nothing depends
 * on who offers.
 *
 * <p>Signaling is the caller's: {@link #createOffer()}, {@link #acceptOffer}, {@link #acceptAnswer}
 * and {@link #addRemoteCandidate} take and give plain records; local candidates go to the consumer
 * given at construction. Remote candidates that arrive before the remote description are queued and
 * added once it is set. Every native call runs on the peer's own single thread, and futures
 * complete there, never on a native WebRTC thread, so callers may chain and block on them freely.
 *
 * <p>Video: {@link #addVideo} adds a send-only video track (the appliance's {@link VideoFeed})
 * before the offer, with an encoding cap; {@link #setVideoLimits} changes the cap (bitrate, frame
 * rate) at run time. webrtc-java 0.14.0 has no degradation preference in its sender parameters, so
 * libwebrtc keeps its default for a camera-like source (balanced: under a tight cap it lowers frame
 * rate and resolution both). The receiving side gets decoded frames through {@link #onRemoteVideo}.
 *
 * <p>{@link #close()} tears down in the safe order: the sinks on remote video tracks are removed,
 * each channel unregister → close → dispose, then the peer connection. The local video track is the
 * caller's: close the peer before disposing it ({@link VideoFeed#close()}).
 */
public final class RtcPeer implements AutoCloseable {
  public static final String ECG = "ecg";
  public static final String EVENTS = "events";
  public static final int ECG_ID = 0;
  public static final int EVENTS_ID = 1;

  private static final Logger log = LoggerFactory.getLogger(RtcPeer.class);
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final String name;
  private final ExecutorService signaling;
  private final Consumer<IceCandidate> localCandidates;
  private final RTCPeerConnection connection;
  private final RtcChannel ecg;
  private final RtcChannel events;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final List<IceCandidate> pendingRemote = new ArrayList<>(); // signaling thread only
  private volatile RTCIceConnectionState iceState = RTCIceConnectionState.NEW;
  private volatile RTCPeerConnectionState state = RTCPeerConnectionState.NEW;
  private boolean remoteDescriptionSet; // signaling thread only
  private RTCRtpSender videoSender; // signaling thread only
  private final List<VideoTrack> remoteVideo = new ArrayList<>(); // signaling thread only
  private final List<VideoTrackSink> remoteSinks = new ArrayList<>(); // signaling thread only
  private volatile boolean closed;

  /**
   * @param iceServers the STUN/TURN servers (from the console)
   * @param relayOnly use only TURN-relayed candidates ({@code iceTransportPolicy: relay})
   * @param localCandidates receives each local ICE candidate, to send to the remote peer
   */
  public RtcPeer(
      RtcEngine engine,
      List<IceServer> iceServers,
      boolean relayOnly,
      Consumer<IceCandidate> localCandidates) {
    this.name = "rtc-peer-" + COUNT.incrementAndGet();
    this.localCandidates = localCandidates;
    this.signaling =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    RTCConfiguration config = new RTCConfiguration();
    for (IceServer server : iceServers) {
      RTCIceServer s = new RTCIceServer();
      s.urls = new ArrayList<>(server.urls());
      s.username = server.username();
      s.password = server.credential();
      config.iceServers.add(s);
    }
    config.iceTransportPolicy = relayOnly ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
    this.connection = engine.factory().createPeerConnection(config, new Observer());
    RTCDataChannelInit ecgInit = new RTCDataChannelInit();
    ecgInit.negotiated = true;
    ecgInit.id = ECG_ID;
    ecgInit.ordered = false;
    ecgInit.maxRetransmits = 0;
    RTCDataChannelInit eventsInit = new RTCDataChannelInit();
    eventsInit.negotiated = true;
    eventsInit.id = EVENTS_ID;
    eventsInit.ordered = true;
    this.ecg = new RtcChannel(ECG, connection.createDataChannel(ECG, ecgInit));
    this.events = new RtcChannel(EVENTS, connection.createDataChannel(EVENTS, eventsInit));
  }

  /** The unordered, no-retransmit waveform channel. */
  public RtcChannel ecg() {
    return ecg;
  }

  /** The reliable, ordered channel. */
  public RtcChannel events() {
    return events;
  }

  /**
   * Completes when the peer connection (ICE and DTLS) is connected; fails when it fails or the peer
   * is closed first.
   */
  public CompletableFuture<Void> connected() {
    return connected;
  }

  public RTCIceConnectionState iceConnectionState() {
    return iceState;
  }

  public RTCPeerConnectionState connectionState() {
    return state;
  }

  /**
   * Adds {@code track} as a send-only video (a transceiver of direction {@code sendonly}, in media
   * stream {@code streamId}), its one encoding capped at {@code maxBitrateBps} bits/s and {@code
   * maxFramerate} frames/s. Call it before {@link #createOffer()} (calls are run in order: no need
   * to wait for the future first). One video per peer. The track stays the caller's.
   */
  public CompletableFuture<Void> addVideo(
      VideoTrack track, String streamId, int maxBitrateBps, double maxFramerate) {
    requireLimits(maxBitrateBps, maxFramerate);
    return addVideoNow(track, streamId, maxBitrateBps, maxFramerate);
  }

  private CompletableFuture<Void> addVideoNow(
      VideoTrack track, String streamId, Integer maxBitrateBps, Double maxFramerate) {
    java.util.Objects.requireNonNull(track, "track");
    java.util.Objects.requireNonNull(streamId, "streamId");
    return onSignaling(
        () -> {
          if (videoSender != null) {
            throw new IllegalStateException(name + " already sends a video");
          }
          RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
          init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
          init.streamIds = new ArrayList<>(List.of(streamId));
          RTCRtpEncodingParameters encoding = new RTCRtpEncodingParameters();
          encoding.active = true;
          encoding.maxBitrate = maxBitrateBps;
          encoding.maxFramerate = maxFramerate;
          init.sendEncodings = new ArrayList<>(List.of(encoding));
          RTCRtpTransceiver transceiver = connection.addTransceiver(track, init);
          videoSender = transceiver.getSender();
          return CompletableFuture.completedFuture(null);
        });
  }

  /**
   * Adds {@code track} as in {@link #addVideo(VideoTrack, String, int, double)}, with no cap yet
   * (libwebrtc's own, about 2.5 Mbit/s at 640x360): set one with {@link #setVideoLimits}.
   */
  public CompletableFuture<Void> addVideo(VideoTrack track, String streamId) {
    return addVideoNow(track, streamId, null, null);
  }

  /**
   * Adds {@code track} as in {@link #addVideo(VideoTrack, String, int, double)}, capped by the
   * settings' {@code maxBitrate} and {@code fps}.
   */
  public CompletableFuture<Void> addVideo(
      VideoTrack track, String streamId, VideoSettings settings) {
    return addVideo(track, streamId, settings.maxBitrate(), settings.fps());
  }

  /**
   * Changes the cap of the video this peer sends, at run time (no renegotiation): the encoder's
   * target bitrate stays at or below {@code maxBitrateBps}, and it encodes at most {@code
   * maxFramerate} frames a second. Meant to degrade video before the ECG under congestion: lower
   * the bitrate first, then the frame rate. Fails when no video was added.
   */
  public CompletableFuture<Void> setVideoLimits(int maxBitrateBps, double maxFramerate) {
    requireLimits(maxBitrateBps, maxFramerate);
    return onSignaling(
        () -> {
          RTCRtpSendParameters parameters = requireVideo().getParameters();
          if (parameters.encodings == null || parameters.encodings.isEmpty()) {
            throw new IllegalStateException(name + ": the video sender has no encoding");
          }
          for (RTCRtpEncodingParameters e : parameters.encodings) {
            e.maxBitrate = maxBitrateBps;
            e.maxFramerate = maxFramerate;
          }
          videoSender.setParameters(parameters);
          return CompletableFuture.completedFuture(null);
        });
  }

  /** The cap of the video this peer sends now, as its sender reports it. */
  public CompletableFuture<VideoLimits> videoLimits() {
    return onSignaling(
        () -> {
          RTCRtpSendParameters parameters = requireVideo().getParameters();
          if (parameters.encodings == null || parameters.encodings.isEmpty()) {
            throw new IllegalStateException(name + ": the video sender has no encoding");
          }
          RTCRtpEncodingParameters e = parameters.encodings.get(0);
          return CompletableFuture.completedFuture(
              new VideoLimits(
                  e.maxBitrate == null ? -1 : e.maxBitrate,
                  e.maxFramerate == null ? -1 : e.maxFramerate));
        });
  }

  /**
   * Attaches {@code sink} to every video track the remote peer sends, now and when one arrives (the
   * answerer of an offer with video gets it while applying the offer). The sink runs on a native
   * decoder thread and must not block; the frame is valid only during the call (this peer releases
   * it afterwards: do not release or keep it, copy what you need). The sink is removed on {@link
   * #close()}.
   */
  public void onRemoteVideo(VideoTrackSink sink) {
    VideoTrackSink releasing =
        frame -> {
          try {
            sink.onVideoFrame(frame);
          } catch (RuntimeException e) {
            // never let an exception travel back into native code
            log.warn("{}: remote video sink failed", name, e);
          } finally {
            frame.release();
          }
        };
    execute(
        () -> {
          if (closed) {
            return;
          }
          remoteSinks.add(releasing);
          for (VideoTrack t : remoteVideo) {
            t.addSink(releasing);
          }
        });
  }

  private void remoteVideoArrived(VideoTrack track) {
    if (closed) {
      return;
    }
    remoteVideo.add(track);
    for (VideoTrackSink s : remoteSinks) {
      track.addSink(s);
    }
  }

  private RTCRtpSender requireVideo() {
    if (videoSender == null) {
      throw new IllegalStateException(name + " sends no video");
    }
    return videoSender;
  }

  private static void requireLimits(int maxBitrateBps, double maxFramerate) {
    if (maxBitrateBps <= 0) {
      throw new IllegalArgumentException("maxBitrateBps must be positive, got " + maxBitrateBps);
    }
    if (!(maxFramerate > 0)) {
      throw new IllegalArgumentException("maxFramerate must be positive, got " + maxFramerate);
    }
  }

  /** Creates an offer and sets it as the local description. */
  public CompletableFuture<SessionDescription> createOffer() {
    return createOffer(false);
  }

  /**
   * Creates an offer and sets it as the local description; with {@code iceRestart}, one that
   * restarts ICE (new ICE credentials, candidates gathered anew) on the same connection.
   */
  public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
    return onSignaling(
            () -> {
              CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
              RTCOfferOptions options = new RTCOfferOptions();
              options.iceRestart = iceRestart;
              connection.createOffer(options, created(f));
              return f;
            })
        .thenCompose(this::setLocal);
  }

  /** Sets a remote offer, then creates an answer and sets it as the local description. */
  public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
    requireType(offer, SessionDescription.OFFER);
    return setRemote(offer)
        .thenCompose(
            ignored ->
                onSignaling(
                    () -> {
                      CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
                      connection.createAnswer(new RTCAnswerOptions(), created(f));
                      return f;
                    }))
        .thenCompose(this::setLocal);
  }

  /** Sets the remote answer to this peer's offer. */
  public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
    requireType(answer, SessionDescription.ANSWER);
    return setRemote(answer);
  }

  /** Adds a remote ICE candidate, or queues it until the remote description is set. */
  public void addRemoteCandidate(IceCandidate candidate) {
    execute(
        () -> {
          if (remoteDescriptionSet) {
            addNow(candidate);
          } else {
            pendingRemote.add(candidate);
          }
        });
  }

  private CompletableFuture<SessionDescription> setLocal(RTCSessionDescription description) {
    return onSignaling(
        () -> {
          CompletableFuture<Void> f = new CompletableFuture<>();
          connection.setLocalDescription(description, set(f));
          return f.thenApply(ignored -> toRecord(description));
        });
  }

  private CompletableFuture<Void> setRemote(SessionDescription description) {
    RTCSdpType type =
        SessionDescription.OFFER.equals(description.type()) ? RTCSdpType.OFFER : RTCSdpType.ANSWER;
    return onSignaling(
            () -> {
              CompletableFuture<Void> f = new CompletableFuture<>();
              connection.setRemoteDescription(
                  new RTCSessionDescription(type, description.sdp()), set(f));
              return f;
            })
        .thenRunAsync(
            () -> {
              remoteDescriptionSet = true;
              for (IceCandidate c : pendingRemote) {
                addNow(c);
              }
              pendingRemote.clear();
            },
            signaling);
  }

  private void addNow(IceCandidate c) {
    if (!closed) {
      connection.addIceCandidate(new RTCIceCandidate(c.sdpMid(), c.sdpMLineIndex(), c.candidate()));
    }
  }

  /** Runs {@code step} on the signaling thread; its future completes on the signaling thread. */
  private <T> CompletableFuture<T> onSignaling(
      java.util.function.Supplier<CompletableFuture<T>> step) {
    return CompletableFuture.supplyAsync(
            () -> {
              if (closed) {
                throw new IllegalStateException(name + " is closed");
              }
              return step.get();
            },
            signaling)
        .thenCompose(f -> f);
  }

  /** A native observer that completes {@code f} on the signaling thread, not the native one. */
  private CreateSessionDescriptionObserver created(CompletableFuture<RTCSessionDescription> f) {
    return new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription description) {
        execute(() -> f.complete(description));
      }

      @Override
      public void onFailure(String error) {
        execute(() -> f.completeExceptionally(new IllegalStateException(error)));
      }
    };
  }

  private SetSessionDescriptionObserver set(CompletableFuture<Void> f) {
    return new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        execute(() -> f.complete(null));
      }

      @Override
      public void onFailure(String error) {
        execute(() -> f.completeExceptionally(new IllegalStateException(error)));
      }
    };
  }

  private void execute(Runnable r) {
    try {
      signaling.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nothing more to do
    }
  }

  private static void requireType(SessionDescription d, String type) {
    if (!type.equals(d.type())) {
      throw new IllegalArgumentException("expected an " + type + ", got an " + d.type());
    }
  }

  private static SessionDescription toRecord(RTCSessionDescription d) {
    return new SessionDescription(
        d.sdpType == RTCSdpType.OFFER ? SessionDescription.OFFER : SessionDescription.ANSWER,
        d.sdp);
  }

  /**
   * Removes the sinks from remote video tracks, closes both channels (unregister → close → dispose)
   * and the peer connection, then stops the signaling thread. Idempotent. The local video track is
   * left to its owner.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    connected.completeExceptionally(new IllegalStateException(name + " closed"));
    // on the signaling thread, after any native call already queued there
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(
            () -> {
              // no frame may reach a Java sink once teardown has begun
              for (VideoTrack t : remoteVideo) {
                for (VideoTrackSink s : remoteSinks) {
                  try {
                    t.removeSink(s);
                  } catch (RuntimeException e) {
                    log.warn("{}: removing a remote video sink failed", name, e);
                  }
                }
              }
              remoteVideo.clear();
              remoteSinks.clear();
              if (videoSender != null) {
                // the sender lets go of the caller's track, so its owner can dispose it
                try {
                  videoSender.replaceTrack(null);
                } catch (RuntimeException e) {
                  log.warn("{}: detaching the video track failed", name, e);
                }
              }
              ecg.dispose();
              events.dispose();
              connection.close();
              videoSender = null;
            },
            signaling);
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("{}: teardown failed", name, e);
    }
    signaling.shutdown();
  }

  @Override
  public String toString() {
    return name + " (ice " + iceState + ", " + state + ")";
  }

  private final class Observer implements PeerConnectionObserver {
    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      if (closed) {
        return;
      }
      IceCandidate c = new IceCandidate(candidate.sdpMid, candidate.sdpMLineIndex, candidate.sdp);
      execute(() -> localCandidates.accept(c));
    }

    @Override
    public void onTrack(RTCRtpTransceiver transceiver) {
      if (closed) {
        return;
      }
      // on WebRTC's signaling thread, while the remote description is applied
      RTCRtpReceiver receiver = transceiver.getReceiver();
      MediaStreamTrack track = receiver == null ? null : receiver.getTrack();
      if (track instanceof VideoTrack video) {
        execute(() -> remoteVideoArrived(video));
      }
    }

    @Override
    public void onIceConnectionChange(RTCIceConnectionState s) {
      iceState = s;
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState s) {
      state = s;
      if (s == RTCPeerConnectionState.CONNECTED) {
        execute(() -> connected.complete(null));
      } else if (s == RTCPeerConnectionState.FAILED) {
        execute(
            () ->
                connected.completeExceptionally(
                    new IllegalStateException(name + ": peer connection failed")));
      }
    }
  }
}
