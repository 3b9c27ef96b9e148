package org.ambulink.appliance.intake;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.intake.MonitorIntake;
import org.ambulink.drivers.transport.serial.SerialMllpListener;
import org.ambulink.drivers.transport.serial.SerialSettings;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the monitor intake: decoder, sink, telemetry and the transports that are enabled. */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

  @Bean
  RecentIntake recentIntake(IntakeProperties props) {
    IntakeProperties.Recent r = props.recent();
    return new RecentIntake(r.waveformWindow(), r.alarms(), r.dropped());
  }

  @Bean
  IntakeTelemetry intakeTelemetry(MeterRegistry registry) {
    return new IntakeTelemetry(registry);
  }

  @Bean
  MonitorIntake monitorIntake(MonitorIntake.Sink sink, IntakeTelemetry telemetry) {
    // the sink is the journal (JournalConfiguration): the ACK waits for its commit
    return new MonitorIntake(new Hl7Decoder(), sink, telemetry);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(
      name = "ambulink.intake.mllp.enabled",
      havingValue = "true",
      matchIfMissing = true)
  MllpTcpListener mllpTcpListener(
      IntakeProperties props, MonitorIntake intake, IntakeTelemetry telemetry) {
    IntakeProperties.Mllp m = props.mllp();
    var config =
        new MllpTcpListener.Config(
            m.bindAddress(),
            m.port(),
            m.maxFrameBytes(),
            m.maxConnections(),
            java.time.Duration.ZERO);
    MllpTcpListener listener = new MllpTcpListener(config, intake, telemetry);
    try {
      listener.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for monitors on "
              + m.bindAddress()
              + ":"
              + m.port()
              + " (ambulink.intake.mllp.port): "
              + e.getMessage(),
          e);
    }
    return listener;
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "ambulink.intake.serial.enabled", havingValue = "true")
  SerialMllpListener serialMllpListener(
      IntakeProperties props, MonitorIntake intake, IntakeTelemetry telemetry) {
    IntakeProperties.Serial s = props.serial();
    if (s.portName().isBlank()) {
      throw new IllegalArgumentException(
          "ambulink.intake.serial.enabled is true but ambulink.intake.serial.port-name is empty:"
              + " name the monitor's port, e.g. /dev/ttyUSB0");
    }
    SerialSettings settings =
        SerialSettings.builder(s.portName())
            .baud(s.baud())
            .dataBits(s.dataBits())
            .parity(SerialSettings.Parity.parse(s.parity()))
            .stopBits(SerialSettings.StopBits.parse(s.stopBits()))
            .silenceWatchdog(s.watchdog())
            .reopenInitialDelay(s.reopenInitialBackoff())
            .reopenMaxDelay(s.reopenMaxBackoff())
            .maxFrameBytes(s.maxFrameBytes())
            .build();
    // The listener reopens the port by itself: a port missing at start is reported, not fatal.
    SerialMllpListener listener = new SerialMllpListener(settings, intake, telemetry);
    listener.start();
    return listener;
  }

  @Bean
  MonitorHealthIndicator monitorHealthIndicator(
      IntakeProperties props,
      IntakeTelemetry telemetry,
      RecentIntake recent,
      ObjectProvider<SerialMllpListener> serial) {
    return new MonitorHealthIndicator(
        telemetry,
        recent,
        props.staleAfter(),
        () -> Optional.ofNullable(serial.getIfAvailable()).map(SerialMllpListener::health),
        Clock.systemUTC());
  }
}
