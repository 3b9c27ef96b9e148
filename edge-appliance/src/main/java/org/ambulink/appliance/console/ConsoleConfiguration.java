package org.ambulink.appliance.console;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.appliance.transport.TransportProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the ED console sync ({@code ambulink.console.*}): the worker that sends the transports'
 * journal to the console, idle when {@code base-url} is empty.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

  @Bean(initMethod = "start", destroyMethod = "close")
  ConsoleSync consoleSync(
      ConsoleProperties props,
      TransportProperties transport,
      Journal journal,
      TransportLifecycle lifecycle,
      MeterRegistry registry,
      @Value("${AMBULINK_CONSOLE_TOKEN:}") String tokenFromEnvironment) {
    JsonMapper json = JsonMapper.builder().build();
    ConsoleClient client = null;
    String notRunning = null;
    if (props.configured()) {
      String token = tokenFromEnvironment.isBlank() ? props.token() : tokenFromEnvironment.strip();
      if (token.isEmpty()) {
        notRunning =
            "no device token: set the environment variable AMBULINK_CONSOLE_TOKEN to the token"
                + " the ED console issued to this appliance";
      }
      client = new ConsoleClient(props, token, json);
    }
    return new ConsoleSync(
        journal,
        client,
        props,
        transport.applianceId(),
        new ConsoleEvents(json, lifecycle::destination),
        registry,
        Clock.systemUTC(),
        notRunning);
  }
}
