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
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
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
 * <p>{@link #close()} tears down in the safe order: each channel unregister → close → dispose, then
 * the peer connection.
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

  /** Creates an offer and sets it as the local description. */
  public CompletableFuture<SessionDescription> createOffer() {
    return onSignaling(
            () -> {
              CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
              connection.createOffer(new RTCOfferOptions(), created(f));
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
   * Closes both channels (unregister → close → dispose) and the peer connection, then stops the
   * signaling thread. Idempotent.
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
              ecg.dispose();
              events.dispose();
              connection.close();
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
