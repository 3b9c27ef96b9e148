package org.ambulink.console.signal;

import java.io.IOException;
import org.ambulink.console.security.DeviceAuthentication;
import org.ambulink.console.signal.SignalMessages.Bad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/appliance/signal}: an appliance's socket, on its device token. */
final class ApplianceSignalHandler extends SignalHandler<ApplianceSignalHandler.Appliance> {
  private static final Logger log = LoggerFactory.getLogger(SignalRelay.class);

  record Appliance(String deviceId, Peer peer) {}

  ApplianceSignalHandler(SignalRelay relay) {
    super(relay);
  }

  @Override
  Appliance open(WebSocketSession session) {
    if (session.getPrincipal() instanceof DeviceAuthentication device) {
      String id = device.device().id();
      return new Appliance(id, relay.applianceConnected(session, id));
    }
    log.warn("signal: an appliance socket without a device token ({}), closed", session.getId());
    try {
      session.close(CloseStatus.POLICY_VIOLATION.withReason("appliances only"));
    } catch (IOException e) {
      log.debug("close failed", e);
    }
    return null;
  }

  @Override
  Peer peer(Appliance appliance) {
    return appliance.peer();
  }

  @Override
  void handle(Appliance appliance, String type, ObjectNode message, String raw) throws Bad {
    relay.applianceMessage(appliance.peer(), appliance.deviceId(), type, message, raw);
  }

  @Override
  void closed(Appliance appliance, CloseStatus status) {
    relay.applianceClosed(appliance.peer(), appliance.deviceId(), status);
  }
}
