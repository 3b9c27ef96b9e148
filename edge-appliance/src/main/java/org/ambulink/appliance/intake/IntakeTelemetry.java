package org.ambulink.appliance.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.intake.LinkListener;
import org.ambulink.drivers.intake.MonitorIntake;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MonitorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns intake and link events into metrics ({@code ambulink.intake.*}) and remembers which links
 * are up, for the health indicator. Logs name peers and control ids, never patient values.
 */
public final class IntakeTelemetry implements MonitorIntake.Observer, LinkListener {

  private static final Logger log = LoggerFactory.getLogger(IntakeTelemetry.class);

  private final MeterRegistry registry;
  private final Counter samples;
  private final Counter bytes;
  private final Set<String> connected = ConcurrentHashMap.newKeySet();
  private final Map<String, String> lastDisconnect = new ConcurrentHashMap<>();

  public IntakeTelemetry(MeterRegistry registry) {
    this.registry = registry;
    this.samples =
        Counter.builder("ambulink.intake.samples")
            .description("Waveform samples accepted")
            .register(registry);
    this.bytes =
        Counter.builder("ambulink.intake.bytes")
            .description("Bytes received on monitor links")
            .register(registry);
    registry.gauge("ambulink.intake.links", connected, Set::size);
  }

  @Override
  public void accepted(MonitorMessage m, String peer) {
    registry
        .counter("ambulink.intake.messages", "type", m.messageType(), "result", "accepted")
        .increment();
    samples.increment(m.sampleCount());
    for (DroppedItem d : m.dropped()) {
      registry.counter("ambulink.intake.dropped", "reason", d.reason()).increment();
    }
  }

  @Override
  public void rejected(String peer, AckCode code, String reason) {
    registry
        .counter("ambulink.intake.messages", "type", "unknown", "result", "rejected")
        .increment();
    registry.counter("ambulink.intake.rejects", "reason", "ack-" + code.name()).increment();
    log.warn("rejected a message from {} with {}: {}", peer, code, reason);
  }

  @Override
  public void storeFailed(MonitorMessage m, String peer, Throwable cause) {
    registry.counter("ambulink.intake.rejects", "reason", "store-failed").increment();
    log.error("could not store message {} from {}", m.controlId(), peer, cause);
  }

  @Override
  public void connected(String peer) {
    connected.add(peer);
    log.info("monitor link up: {}", peer);
  }

  @Override
  public void disconnected(String peer, String reason) {
    connected.remove(peer);
    lastDisconnect.put(peer, reason);
    log.info("monitor link down: {} ({})", peer, reason);
  }

  @Override
  public void bytesReceived(String peer, int count) {
    bytes.increment(count);
  }

  @Override
  public void garbageSkipped(String peer, int count) {
    registry.counter("ambulink.intake.garbage.bytes").increment(count);
  }

  @Override
  public void frameRejected(String peer, String reason) {
    registry.counter("ambulink.intake.rejects", "reason", "framing").increment();
    log.warn("framing error on {}: {}", peer, reason);
  }

  @Override
  public void silent(String peer, Duration silentFor) {
    registry.counter("ambulink.intake.silences").increment();
    log.warn("monitor link {} silent for {}", peer, silentFor);
  }

  /** Links (TCP peers, serial ports) that are up now. */
  public Set<String> connectedLinks() {
    return Set.copyOf(connected);
  }

  /** Why each link that went down went down, the latest reason per link. */
  public Map<String, String> lastDisconnectReasons() {
    return Map.copyOf(lastDisconnect);
  }
}
