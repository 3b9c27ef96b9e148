package org.ambulink.console.signal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The signaling endpoints (docs/webrtc.md, "Signaling"): {@value #APPLIANCE_PATH} for appliances
 * (device token, checked by the appliance filter chain) and {@value #VIEWER_PATH} for viewers
 * (staff session, clinical roles, checked by the staff filter chain). Both keep Spring's default
 * origin rule: an upgrade without {@code Origin} (an appliance) or from this console's own origin
 * is accepted, any other origin is refused with 403.
 */
@Configuration
@EnableWebSocket
public class SignalConfiguration implements WebSocketConfigurer {
  public static final String APPLIANCE_PATH = "/api/appliance/signal";
  public static final String VIEWER_PATH = "/api/signal";

  private final SignalRelay relay;

  public SignalConfiguration(SignalRelay relay) {
    this.relay = relay;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(new ApplianceSignalHandler(relay), APPLIANCE_PATH);
    registry.addHandler(new ViewerSignalHandler(relay), VIEWER_PATH);
  }

  /**
   * The container's message buffers: a text message over {@link SignalRelay#MAX_MESSAGE_BYTES}
   * characters is refused by the container itself (close 1009); binary ones get the same room so
   * that a binary frame is answered with an error rather than a close.
   */
  @Bean
  ServletServerContainerFactoryBean webSocketContainer() {
    ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
    container.setMaxTextMessageBufferSize(SignalRelay.MAX_MESSAGE_BYTES);
    container.setMaxBinaryMessageBufferSize(SignalRelay.MAX_MESSAGE_BYTES);
    return container;
  }
}
