package org.ambulink.appliance.gps;

import java.time.Clock;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.appliance.transport.TransportProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the GPS source chosen in {@code ambulink.gps.source}. */
@Configuration(proxyBeanMethods = false)
class GpsConfiguration {
  @Bean(initMethod = "start", destroyMethod = "close")
  GpsService gpsService(
      GpsProperties props, TransportLifecycle lifecycle, TransportProperties transport) {
    return new GpsService(props, lifecycle, transport.positionInterval(), Clock.systemUTC());
  }
}
