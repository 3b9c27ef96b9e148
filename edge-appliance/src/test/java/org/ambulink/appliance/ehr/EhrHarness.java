package org.ambulink.appliance.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.transport.Acuity;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.PatientDetails;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;

/**
 * The appliance's EHR side without Spring: a real journal in a folder, the transport lifecycle on
 * it, and the delivery worker hooked after handover, as the application wires them. {@link
 * #restart} stops the worker and the journal and opens both again on the same folder, as a reboot
 * does.
 */
final class EhrHarness implements AutoCloseable {
  static final List<Destination> DESTINATIONS =
      List.of(new Destination("city-general", "City General Hospital ED", 42.3349, -71.0733));

  private final Path dir;
  private final SecretKey key;
  final HandoverBundles bundles;
  EhrProperties props;
  String tokenFromEnvironment = "";
  String clientSecret = "";
  Journal journal;
  TransportLifecycle lifecycle;
  EhrDeliveryWorker worker;
  SimpleMeterRegistry registry;

  EhrHarness(Path dir, EhrProperties props, HandoverBundles bundles) {
    this.dir = dir;
    this.props = props;
    this.bundles = bundles;
    byte[] raw = new byte[32];
    new Random(dir.hashCode()).nextBytes(raw);
    this.key = new SecretKeySpec(raw, "AES");
  }

  EhrHarness open() {
    journal = Journal.open(Journal.Settings.of(dir.resolve("journal.db"), key));
    lifecycle = new TransportLifecycle(journal, DESTINATIONS, Clock.systemUTC());
    registry = new SimpleMeterRegistry();
    EhrClient client =
        EhrClient.create(props, tokenFromEnvironment, clientSecret, Clock.systemUTC());
    worker = new EhrDeliveryWorker(journal, bundles, client, props, registry, Clock.systemUTC());
    lifecycle.onHandover(worker::handedOver);
    worker.start(lifecycle.current().orElse(null));
    return this;
  }

  /** A reboot: the worker and the journal stop, then both start again on the same files. */
  void restart(EhrProperties newProps) {
    stop();
    props = newProps;
    open();
  }

  /** Starts a transport and hands it over; returns it as handed over. */
  Transport handover() {
    lifecycle.start(
        new TransportLifecycle.StartRequest(
            "city-general",
            List.of("Medic One", "Medic Two"),
            "",
            PatientDetails.Sex.FEMALE,
            67,
            "chest pain",
            Acuity.EMERGENT));
    return lifecycle.handover("to Dr. Who, bay 3");
  }

  EhrStatus awaitState(String transportId, String state, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    EhrStatus s = worker.status(transportId);
    while (!s.state().equals(state) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = worker.status(transportId);
    }
    assertThat(s.state()).as("EHR state of %s: %s", transportId, s.detail()).isEqualTo(state);
    return s;
  }

  EhrBookkeeping book(String transportId) {
    return worker.bookkeeping(transportId);
  }

  double attempts() {
    return registry.get("ambulink.ehr.attempts").counter().count();
  }

  double deliveries(String outcome) {
    Counter c = registry.find("ambulink.ehr.deliveries").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  double pending() {
    Gauge g = registry.get("ambulink.ehr.pending").gauge();
    return g.value();
  }

  private void stop() {
    if (worker != null) {
      worker.close();
      worker = null;
    }
    if (journal != null) {
      journal.close();
      journal = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
