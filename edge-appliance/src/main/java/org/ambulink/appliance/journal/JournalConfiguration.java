package org.ambulink.appliance.journal;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import javax.crypto.SecretKey;
import org.ambulink.appliance.intake.RecentIntake;
import org.ambulink.appliance.live.LiveService;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.appliance.transport.TransportProperties;
import org.ambulink.drivers.intake.MonitorIntake;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** Wires the journal, the transport lifecycle on top of it, and the sink monitor intake uses. */
@Configuration(proxyBeanMethods = false)
class JournalConfiguration {

  /** The journal as opened at start, with the salvage report if the store had to be salvaged. */
  record OpenedJournal(Journal journal, JournalRecovery.Report salvage) {}

  @Bean(destroyMethod = "")
  OpenedJournal openedJournal(
      JournalProperties props, @Value("${AMBULINK_JOURNAL_KEY:}") String keyFromEnvironment) {
    SecretKey key =
        keyFromEnvironment.isBlank()
            ? JournalKey.fromFile(props.resolvedKeyFile(), props.generateKey())
            : JournalKey.fromBase64(keyFromEnvironment, "AMBULINK_JOURNAL_KEY");
    Journal.Settings settings =
        new Journal.Settings(
            props.file(), key, props.commitWindow(), props.maxBatchEntries(), Clock.systemUTC());
    try {
      return new OpenedJournal(Journal.open(settings), null);
    } catch (JournalCorruptedException e) {
      if (props.onCorruption() == JournalProperties.OnCorruption.FAIL) {
        throw e;
      }
      // with the stack trace: which part of the store failed is what tells the cause
      LoggerFactory.getLogger(JournalConfiguration.class).error("{}", e.getMessage(), e);
      JournalRecovery.Salvaged s = JournalRecovery.salvage(settings);
      return new OpenedJournal(s.journal(), s.report());
    }
  }

  @Bean(destroyMethod = "close")
  Journal journal(OpenedJournal opened) {
    return opened.journal();
  }

  @Bean
  TransportLifecycle transportLifecycle(Journal journal, TransportProperties props) {
    return new TransportLifecycle(journal, props.destinations(), Clock.systemUTC());
  }

  @Bean
  JournalTelemetry journalTelemetry(
      MeterRegistry registry,
      Journal journal,
      JournalProperties props,
      TransportLifecycle lifecycle) {
    JournalTelemetry t =
        new JournalTelemetry(
            registry, journal, props.deliveryConsumers(), lifecycle::recordingStream);
    journal.setObserver(t);
    return t;
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  JournalMaintenance journalMaintenance(
      Journal journal,
      JournalProperties props,
      TransportLifecycle lifecycle,
      OpenedJournal opened,
      @Value("${ambulink.ehr.base-url:}") String ehrBaseUrl,
      @Value("${ambulink.console.base-url:}") String consoleBaseUrl) {
    List<String> consumers = runningConsumers(props, ehrBaseUrl, consoleBaseUrl);
    DiskGuard guard =
        new DiskGuard(journal, props, consumers, lifecycle::closedTimes, Clock.systemUTC());
    return new JournalMaintenance(journal, guard, opened.salvage());
  }

  /**
   * The delivery consumers that actually run: EHR delivery without an EHR address and console sync
   * without a console address never acknowledge, so they must not hold purging back (unless nothing
   * else is left, when the configured list stands).
   */
  static List<String> runningConsumers(
      JournalProperties props, String ehrBaseUrl, String consoleBaseUrl) {
    List<String> running =
        props.deliveryConsumers().stream()
            .filter(c -> !(c.equals("ehr") && ehrBaseUrl.isBlank()))
            .filter(c -> !(c.equals("console") && consoleBaseUrl.isBlank()))
            .toList();
    return running.isEmpty() ? props.deliveryConsumers() : running;
  }

  @Bean
  @Primary
  MonitorIntake.Sink monitorSink(
      Journal journal, TransportLifecycle lifecycle, RecentIntake recent, LiveService live) {
    return new JournalSink(journal, lifecycle::recordingStream, recent, live);
  }

  @Bean
  HealthIndicator journalHealthIndicator(Journal journal, JournalMaintenance maintenance) {
    return () -> {
      Health.Builder b =
          journal.failure() == null
              ? Health.up()
              : Health.down().withDetail("failure", journal.failure().getMessage());
      return b.withDetail("streams", journal.streams().size())
          .withDetail("bytes", journal.liveBytes())
          .withDetail("fileBytes", journal.fileBytes())
          .withDetail("verified", maintenance.verified())
          .withDetail("warnings", maintenance.warnings())
          .build();
    };
  }
}
