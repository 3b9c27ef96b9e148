package org.ambulink.console.signal;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.ambulink.console.audit.AuditLog;
import org.ambulink.console.board.TransportViews;
import org.ambulink.console.security.StaffUser;
import org.ambulink.console.signal.SignalMessages.Bad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The signaling relay between appliances and viewers (docs/webrtc.md, "Signaling"): who is
 * connected, who watches which transport, and what goes from whom to whom.
 *
 * <p>The state (viewers by id, appliances by device id) is guarded by one lock; no message is sent
 * while holding it, so a peer that does not read its socket never holds up the relay.
 */
@Service
public class SignalRelay implements DisposableBean {
  /** Largest message accepted, in bytes (UTF-8). */
  public static final int MAX_MESSAGE_BYTES = 65_536;

  /** A sender that makes this many errors in a row is closed (1008). */
  public static final int MAX_ERRORS_IN_A_ROW = 20;

  /** A send to a peer taking longer than this closes that peer. */
  static final int SEND_TIME_LIMIT_MS = 5_000;

  /** Unsent messages to a peer beyond this many bytes close that peer. */
  static final int SEND_BUFFER_LIMIT_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(SignalRelay.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TransportViews views;
  private final AuditLog audit;
  private final ExecutorService closer;

  private final Object lock = new Object();
  private final Map<String, Viewer> viewers = new HashMap<>();
  private final Map<String, Peer> appliances = new HashMap<>();

  public SignalRelay(TransportViews views, AuditLog audit) {
    this.views = views;
    this.audit = audit;
    AtomicInteger n = new AtomicInteger();
    this.closer =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "signal-close-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether the appliance has a signaling socket open now. */
  public boolean applianceOnline(String deviceId) {
    synchronized (lock) {
      return appliances.containsKey(deviceId);
    }
  }

  /** How many viewers watch the transport now. */
  public int viewersOf(String transportId) {
    synchronized (lock) {
      return (int) viewers.values().stream().filter(v -> transportId.equals(v.transportId)).count();
    }
  }

  @Override
  public void destroy() {
    closer.shutdown();
  }

  /** A viewer's socket: its id, its user, and (once it watches) its transport and appliance. */
  static final class Viewer {
    final String id;
    final StaffUser user;
    final String remoteAddress;
    final Peer peer;
    // guarded by the relay's lock
    String transportId;
    String deviceId;

    Viewer(String id, StaffUser user, String remoteAddress, Peer peer) {
      this.id = id;
      this.user = user;
      this.remoteAddress = remoteAddress;
      this.peer = peer;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // viewers

  Viewer viewerConnected(WebSocketSession session, StaffUser user) {
    String id = newViewerId();
    Viewer v =
        new Viewer(
            id,
            user,
            remoteAddress(session),
            new Peer(session, "viewer " + user.username() + " (" + id + ")", closer));
    synchronized (lock) {
      viewers.put(id, v);
    }
    log.info("signal {}: connected", v.peer.who());
    return v;
  }

  void viewerMessage(Viewer v, String type, ObjectNode m) throws Bad {
    switch (type) {
      case "watch" -> watch(v, SignalMessages.id(m, "transportId"));
      case "answer", "candidate", "restart" -> {
        String deviceId;
        Peer appliance;
        synchronized (lock) {
          deviceId = v.deviceId;
          appliance = deviceId == null ? null : appliances.get(deviceId);
        }
        if (deviceId == null) {
          throw new Bad("send 'watch' first, not '" + type + "'");
        }
        if (type.equals("answer")) {
          SignalMessages.sdp(m);
        } else if (type.equals("candidate")) {
          SignalMessages.candidate(m);
        }
        if (appliance == null) {
          // valid, but nobody to give it to: the viewer was told the appliance is offline
          log.debug("signal {}: {} dropped, appliance {} offline", v.peer.who(), type, deviceId);
          return;
        }
        appliance.send(SignalMessages.write(withViewerId(m, type, v.id)));
      }
      case "offer", "bye", "viewer-joined", "viewer-left", "watching", "appliance", "error" ->
          throw new Bad("a viewer may not send '" + type + "'");
      default -> throw new Bad("unknown type " + SignalMessages.quote(type));
    }
  }

  private void watch(Viewer v, String transportId) throws Bad {
    synchronized (lock) {
      if (v.transportId != null) {
        throw new Bad(
            "already watching transport "
                + SignalMessages.quote(v.transportId)
                + ": one watch per socket");
      }
    }
    Optional<TransportViews.Summary> transport = views.find(transportId, v.user.edId());
    if (transport.isEmpty()) {
      if (views.destinationOf(transportId).isPresent()) {
        audit.record(
            v.user.username(),
            "ACCESS_DENIED",
            "transport " + transportId,
            v.remoteAddress,
            "live signaling: the transport heads to another ED");
      }
      throw new Bad("transport " + SignalMessages.quote(transportId) + " is not one you may watch");
    }
    String deviceId = transport.get().deviceId();
    boolean onlineBefore;
    synchronized (lock) {
      onlineBefore = appliances.containsKey(deviceId);
    }
    // answered before the viewer counts as watching: nothing else reaches it before this
    ObjectNode watching = SignalMessages.JSON.createObjectNode();
    watching.put("type", "watching");
    watching.put("transportId", transportId);
    watching.put("viewerId", v.id);
    watching.put("appliance", onlineBefore ? "online" : "offline");
    v.peer.send(SignalMessages.write(watching));
    Peer appliance;
    synchronized (lock) {
      if (viewers.get(v.id) != v) {
        return; // closed meanwhile
      }
      v.transportId = transportId;
      v.deviceId = deviceId;
      appliance = appliances.get(deviceId);
    }
    log.info(
        "signal {}: watches transport {} of appliance {}", v.peer.who(), transportId, deviceId);
    audit.record(
        v.user.username(),
        "VIEW_LIVE",
        "transport " + transportId,
        v.remoteAddress,
        "streams: video, ECG, vitals, alarms (WebRTC)");
    if ((appliance != null) != onlineBefore) {
      v.peer.send(applianceState(appliance != null)); // it came or went since the answer
    }
    if (appliance != null) {
      appliance.send(viewerJoined(v.id, transportId));
    }
  }

  void viewerClosed(Viewer v, CloseStatus status) {
    Peer appliance = null;
    synchronized (lock) {
      if (viewers.remove(v.id) == v && v.deviceId != null) {
        appliance = appliances.get(v.deviceId);
      }
    }
    log.info("signal {}: closed ({})", v.peer.who(), status.getCode());
    if (appliance != null) {
      ObjectNode left = SignalMessages.JSON.createObjectNode();
      left.put("type", "viewer-left");
      left.put("viewerId", v.id);
      appliance.send(SignalMessages.write(left));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // appliances

  Peer applianceConnected(WebSocketSession session, String deviceId) {
    Peer peer = new Peer(session, "appliance " + deviceId, closer);
    Peer old;
    List<Viewer> watching = new ArrayList<>();
    List<String[]> joined = new ArrayList<>();
    synchronized (lock) {
      old = appliances.put(deviceId, peer);
      for (Viewer v : viewers.values()) {
        if (deviceId.equals(v.deviceId)) {
          watching.add(v);
          joined.add(new String[] {v.id, v.transportId});
        }
      }
    }
    log.info("signal {}: connected, {} viewer(s) waiting", peer.who(), joined.size());
    if (old != null) {
      log.info("signal {}: a newer connection replaces the old one", peer.who());
      old.closeLater(CloseStatus.POLICY_VIOLATION.withReason("replaced by a newer connection"));
    }
    for (String[] j : joined) {
      peer.send(viewerJoined(j[0], j[1]));
    }
    String online = applianceState(true);
    for (Viewer v : watching) {
      v.peer.send(online);
    }
    return peer;
  }

  void applianceMessage(Peer appliance, String deviceId, String type, ObjectNode m, String raw)
      throws Bad {
    switch (type) {
      case "offer", "candidate", "bye" -> {
        String viewerId = SignalMessages.id(m, "viewerId");
        switch (type) {
          case "offer" -> {
            SignalMessages.id(m, "session");
            SignalMessages.sdp(m);
          }
          case "candidate" -> SignalMessages.candidate(m);
          default -> SignalMessages.text(m, "reason");
        }
        Viewer v;
        synchronized (lock) {
          v = viewers.get(viewerId);
          if (v != null && !deviceId.equals(v.deviceId)) {
            v = null;
          }
        }
        if (v == null) {
          throw new Bad(
              "viewer "
                  + SignalMessages.quote(viewerId)
                  + " is not watching a transport of this appliance");
        }
        v.peer.send(raw); // as it came
      }
      case "watch",
          "answer",
          "restart",
          "viewer-joined",
          "viewer-left",
          "watching",
          "appliance",
          "error" ->
          throw new Bad("an appliance may not send '" + type + "'");
      default -> throw new Bad("unknown type " + SignalMessages.quote(type));
    }
  }

  void applianceClosed(Peer appliance, String deviceId, CloseStatus status) {
    List<Viewer> watching = new ArrayList<>();
    boolean current;
    synchronized (lock) {
      current = appliances.remove(deviceId, appliance);
      if (current) {
        for (Viewer v : viewers.values()) {
          if (deviceId.equals(v.deviceId)) {
            watching.add(v);
          }
        }
      }
    }
    log.info(
        "signal {}: closed ({}{})",
        appliance.who(),
        status.getCode(),
        current ? "" : ", already replaced");
    String offline = applianceState(false);
    for (Viewer v : watching) {
      v.peer.send(offline);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The message with the console's viewer id right after its type; one the viewer sent is gone. */
  private static ObjectNode withViewerId(ObjectNode m, String type, String viewerId) {
    ObjectNode out = SignalMessages.JSON.createObjectNode();
    out.put("type", type);
    out.put("viewerId", viewerId);
    for (Map.Entry<String, JsonNode> e : m.properties()) {
      if (!e.getKey().equals("type") && !e.getKey().equals("viewerId")) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static String viewerJoined(String viewerId, String transportId) {
    ObjectNode j = SignalMessages.JSON.createObjectNode();
    j.put("type", "viewer-joined");
    j.put("viewerId", viewerId);
    j.put("transportId", transportId);
    return SignalMessages.write(j);
  }

  private static String applianceState(boolean online) {
    ObjectNode a = SignalMessages.JSON.createObjectNode();
    a.put("type", "appliance");
    a.put("state", online ? "online" : "offline");
    return SignalMessages.write(a);
  }

  /** 16 random bytes, base64url: nobody can guess another viewer's id. */
  static String newViewerId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String remoteAddress(WebSocketSession session) {
    InetSocketAddress a = session.getRemoteAddress();
    if (a == null) {
      return "";
    }
    return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
  }
}
