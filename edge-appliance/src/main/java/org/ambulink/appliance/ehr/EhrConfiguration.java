package org.ambulink.appliance.ehr;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires EHR delivery: the client for {@code ambulink.ehr.*} (none when {@code base-url} is empty),
 * the delivery worker on the journal, and its hook after each handover.
 *
 * <p>The bundles come from the application's {@link HandoverBundles} bean (the FHIR mapper). With
 * none, {@link HandoverBundles#unconfigured()} makes every handover's EHR delivery fail with "no
 * FHIR mapper configured" rather than send something made up. (An {@code ObjectProvider} instead of
 * a {@code @ConditionalOnMissingBean} default: that condition is reliable only in
 * auto-configuration, where it runs after the application's own beans are known.)
 */
@Configuration(proxyBeanMethods = false)
class EhrConfiguration {

  @Bean(destroyMethod = "close")
  EhrDeliveryWorker ehrDeliveryWorker(
      EhrProperties props,
      Journal journal,
      TransportLifecycle lifecycle,
      ObjectProvider<HandoverBundles> bundles,
      MeterRegistry registry,
      @Value("${AMBULINK_EHR_TOKEN:}") String tokenFromEnvironment,
      @Value("${AMBULINK_EHR_CLIENT_SECRET:}") String clientSecret) {
    Clock clock = Clock.systemUTC();
    EhrClient client = EhrClient.create(props, tokenFromEnvironment, clientSecret, clock);
    EhrDeliveryWorker worker =
        new EhrDeliveryWorker(
            journal,
            bundles.getIfAvailable(HandoverBundles::unconfigured),
            client,
            props,
            registry,
            clock);
    lifecycle.onHandover(worker::handedOver);
    worker.start(lifecycle.current().orElse(null));
    return worker;
  }
}
