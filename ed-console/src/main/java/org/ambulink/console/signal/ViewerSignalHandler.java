package org.ambulink.console.signal;

import java.io.IOException;
import org.ambulink.console.security.StaffUser;
import org.ambulink.console.signal.SignalMessages.Bad;
import org.ambulink.console.signal.SignalRelay.Viewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/signal}: a live view's socket, on a clinical staff member's login session. */
final class ViewerSignalHandler extends SignalHandler<Viewer> {
  private static final Logger log = LoggerFactory.getLogger(SignalRelay.class);

  ViewerSignalHandler(SignalRelay relay) {
    super(relay);
  }

  @Override
  Viewer open(WebSocketSession session) {
    // the staff filter chain let only clinical staff upgrade; this is the second lock on the door
    if (session.getPrincipal() instanceof Authentication a
        && a.getPrincipal() instanceof StaffUser user
        && user.clinical()) {
      return relay.viewerConnected(session, user);
    }
    log.warn("signal: a viewer socket without clinical staff login ({}), closed", session.getId());
    try {
      session.close(CloseStatus.POLICY_VIOLATION.withReason("clinical staff only"));
    } catch (IOException e) {
      log.debug("close failed", e);
    }
    return null;
  }

  @Override
  Peer peer(Viewer viewer) {
    return viewer.peer;
  }

  @Override
  void handle(Viewer viewer, String type, ObjectNode message, String raw) throws Bad {
    relay.viewerMessage(viewer, type, message);
  }

  @Override
  void closed(Viewer viewer, CloseStatus status) {
    relay.viewerClosed(viewer, status);
  }
}
