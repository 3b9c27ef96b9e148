package org.ambulink.console;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class ConsoleConfiguration {
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
