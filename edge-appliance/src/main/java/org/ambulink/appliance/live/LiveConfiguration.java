package org.ambulink.appliance.live;

import java.net.URI;
import java.time.Clock;
import org.ambulink.appliance.console.ConsoleProperties;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the live session to the ED ({@code ambulink.live.*}): on when the console is configured,
 * with the same device token as the console sync.
 */
@Configuration(proxyBeanMethods = false)
class LiveConfiguration {

  @Bean(initMethod = "start", destroyMethod = "close")
  LiveService liveService(
      LiveProperties props,
      ConsoleProperties console,
      Journal journal,
      TransportLifecycle lifecycle,
      @Value("${AMBULINK_CONSOLE_TOKEN:}") String tokenFromEnvironment) {
    String token = tokenFromEnvironment.isBlank() ? console.token() : tokenFromEnvironment.strip();
    String off = null;
    if (!props.enabled()) {
      off = "ambulink.live.enabled is false";
    } else if (!console.configured()) {
      off = "no ED console is configured (ambulink.console.base-url)";
    } else if (token.isEmpty()) {
      off = "no device token (AMBULINK_CONSOLE_TOKEN)";
    }
    URI base = console.configured() ? URI.create(console.baseUrl()) : null;
    return new LiveService(props, journal, lifecycle, base, token, Clock.systemUTC(), off);
  }
}
