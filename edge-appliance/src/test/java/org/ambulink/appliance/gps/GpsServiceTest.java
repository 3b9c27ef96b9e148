package org.ambulink.appliance.gps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.testing.Closer;
import org.ambulink.appliance.testing.Journals;
import org.ambulink.appliance.testing.MutableClock;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.Transport;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.drivers.gps.Eta;
import org.ambulink.drivers.gps.GeoPoint;
import org.ambulink.drivers.gps.GpsFix;
import org.ambulink.drivers.gps.GpsSimulator;
import org.ambulink.drivers.gps.RouteSimulator;
import org.ambulink.drivers.gps.SerialNmeaReader;
import org.ambulink.drivers.gps.SerialNmeaWriter;
import org.ambulink.testsupport.Await;
import org.ambulink.testsupport.SocatPty;
import org.ambulink.testsupport.Threads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vehicle's position and ETA: the simulated route, no GPS at all, a misconfigured serial
 * receiver, how often positions are journaled, and a real NMEA stream over a pseudo-terminal pair.
 */
class GpsServiceTest {
  /** The end of the demo route is this ED. */
  static final Destination CITY_GENERAL =
      new Destination("city-general", "City General Hospital ED", 42.3349, -71.0733);

  @TempDir Path dir;
  private Journal journal;
  private TransportLifecycle lifecycle;
  @RegisterExtension final Closer closer = new Closer();

  @BeforeEach
  void openJournal() {
    journal = closer.add(Journals.open(dir.resolve("journal/journal.db"), 3));
    lifecycle = new TransportLifecycle(journal, List.of(CITY_GENERAL), Clock.systemUTC());
  }

  private GpsService gps(GpsProperties props, Duration positionInterval, Clock clock) {
    return closer.add(new GpsService(props, lifecycle, positionInterval, clock));
  }

  static GpsProperties props(GpsProperties.Source source, String port, double speed) {
    return new GpsProperties(source, port, 4800, speed, Duration.ofSeconds(10));
  }

  private Transport startTransport() {
    return lifecycle.start(
        new TransportLifecycle.StartRequest(
            "city-general", List.of("Medic 1"), "", null, null, "", null));
  }

  private List<JournalEntry.Position> positions(String stream) {
    List<JournalEntry.Position> out = new ArrayList<>();
    for (Journaled.Item i : Journals.items(journal, stream)) {
      if (i.entry() instanceof JournalEntry.Position p) {
        out.add(p);
      }
    }
    return out;
  }

  static GpsFix fix(Instant at, double lat, double lon, double speedMps) {
    return new GpsFix(at, lat, lon, true, speedMps, 10.0, 1, 9, 0.9, 9.0);
  }

  @Test
  void theSimulatedVehicleDrivesToTheDestinationOnceATransportStarts() throws Exception {
    GpsService gps =
        gps(
            props(GpsProperties.Source.SIMULATED, "", 30),
            Duration.ofSeconds(1),
            Clock.systemUTC());
    assertThat(gps.configured()).isTrue();
    gps.start();

    // parked at the start of the route: a fix, but no ETA without a transport
    Await.until("a fix", Duration.ofSeconds(3), () -> gps.status().fix());
    GpsService.Status parked = gps.status();
    GeoPoint start = RouteSimulator.DEMO_ROUTE.get(0);
    assertThat(parked.position().latitude()).isCloseTo(start.latitude(), within(1e-6));
    assertThat(parked.position().longitude()).isCloseTo(start.longitude(), within(1e-6));
    assertThat(parked.eta()).isNull();
    assertThat(parked.detail()).isEqualTo("simulated route");

    Transport t = startTransport();
    AtomicReference<Eta> first = new AtomicReference<>();
    Await.until(
        "an ETA",
        Duration.ofSeconds(5),
        () -> {
          Eta e = gps.status().eta();
          first.set(e);
          return e != null && e.known();
        });
    assertThat(first.get().remainingMetres()).isBetween(100.0, 6000.0);
    assertThat(first.get().timeToArrival()).isPositive();
    assertThat(gps.status().position().speedMps()).isPositive();
    Await.until(
        "the vehicle closing in",
        Duration.ofSeconds(5),
        () -> gps.status().eta().remainingMetres() < first.get().remainingMetres() - 100);

    Await.until(
        "positions in the journal", Duration.ofSeconds(5), () -> positions(t.id()).size() >= 2);
    List<JournalEntry.Position> journaled = positions(t.id());
    assertThat(journaled)
        .allSatisfy(
            p -> {
              assertThat(p.latitude()).isBetween(42.29, 42.34);
              assertThat(p.longitude()).isBetween(-71.08, -71.05);
            });
    assertThat(journal.stream(Journal.STANDBY)).as("no position outside a transport").isNull();
  }

  @Test
  void positionsAreJournaledAtMostOncePerIntervalAndOnlyEnRoute() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    GpsService gps =
        gps(props(GpsProperties.Source.SIMULATED, "", 1), Duration.ofSeconds(10), clock);
    Instant receiver = Instant.parse("2026-12-02T10:00:00Z");

    gps.onFix(fix(receiver, 42.30, -71.06, 12));
    assertThat(gps.status().fix()).isTrue();
    Transport t = startTransport();
    for (int i = 1; i <= 5; i++) {
      gps.onFix(fix(receiver.plusSeconds(i), 42.30 + i * 1e-4, -71.06, 12));
    }
    clock.advance(Duration.ofSeconds(9));
    gps.onFix(fix(receiver.plusSeconds(9), 42.31, -71.06, 12));
    clock.advance(Duration.ofSeconds(1));
    gps.onFix(fix(receiver.plusSeconds(10), 42.311, -71.06, 12));
    gps.onFix(fix(receiver.plusSeconds(11), 42.312, -71.06, 12));
    // an invalid fix is no position at all
    gps.onFix(
        new GpsFix(
            receiver.plusSeconds(12), Double.NaN, Double.NaN, false, null, null, 0, 0, null, null));
    lifecycle.handover("");
    clock.advance(Duration.ofSeconds(20));
    gps.onFix(fix(receiver.plusSeconds(30), 42.33, -71.07, 0));

    // appends are not waited for: read once the handover (appended after them) is there
    List<JournalEntry.Position> journaled = positions(t.id());
    assertThat(journaled)
        .extracting(JournalEntry.Position::at)
        .containsExactly(receiver.plusSeconds(1), receiver.plusSeconds(10));
    assertThat(journaled.get(0).speedMetresPerSecond()).isEqualTo(12.0);
    assertThat(gps.status().position().latitude()).isEqualTo(42.33);
  }

  @Test
  void aFixOlderThanStaleAfterIsNoPositionAndGivesNoEta() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    GpsService gps =
        gps(props(GpsProperties.Source.SIMULATED, "", 1), Duration.ofSeconds(10), clock);
    startTransport();
    Instant receiver = Instant.parse("2026-12-02T10:00:00Z");
    gps.onFix(fix(receiver, 42.30, -71.06, 12));
    clock.advance(Duration.ofSeconds(1));
    gps.onFix(fix(receiver.plusSeconds(1), 42.3001, -71.06, 12));
    assertThat(gps.status().fix()).isTrue();
    assertThat(gps.status().eta()).isNotNull();
    assertThat(gps.status().eta().known()).isTrue();

    clock.advance(Duration.ofSeconds(11));
    GpsService.Status stale = gps.status();
    assertThat(stale.fix()).isFalse();
    assertThat(stale.eta()).isNull();
    assertThat(stale.age()).isEqualTo(Duration.ofSeconds(11));
    assertThat(stale.detail()).isEqualTo("no fix");
  }

  @Test
  void withoutAGpsThereIsNoFixAndNothingIsJournaled() throws Exception {
    GpsService gps =
        gps(props(GpsProperties.Source.NONE, "", 1), Duration.ofSeconds(1), Clock.systemUTC());
    gps.start();
    Transport t = startTransport();
    assertThat(gps.configured()).isFalse();
    GpsService.Status s = gps.status();
    assertThat(s.fix()).isFalse();
    assertThat(s.position()).isNull();
    assertThat(s.eta()).isNull();
    assertThat(s.age()).isNull();
    assertThat(s.detail()).isEqualTo("no GPS configured");
    assertThat(positions(t.id())).isEmpty();
  }

  @Test
  void aSerialSourceWithoutAPortIsRefusedNamingTheKey() {
    for (String port : List.of("", "   ")) {
      GpsService gps =
          gps(
              props(GpsProperties.Source.SERIAL, port, 1),
              Duration.ofSeconds(1),
              Clock.systemUTC());
      assertThatThrownBy(gps::start)
          .as("port name '%s'", port)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ambulink.gps.port-name")
          .hasMessageContaining("serial");
      assertThat(gps.status().fix()).isFalse();
    }
  }

  @Test
  void fixesFromAnNmeaReceiverOnASerialPortGiveAPositionAndAnEta() throws Exception {
    SocatPty.requireSocat();
    String readerThread;
    GpsService gps;
    try (SocatPty cable = SocatPty.start(dir)) {
      readerThread = "gps-nmea-reader[" + cable.b() + "]";
      gps =
          gps(
              props(GpsProperties.Source.SERIAL, cable.b(), 1),
              Duration.ofSeconds(1),
              Clock.systemUTC());
      gps.start();
      assertThat(Threads.alive(readerThread::equals)).hasSize(1);
      Transport t = startTransport();

      RouteSimulator route = RouteSimulator.demo(Instant.now().truncatedTo(ChronoUnit.SECONDS), 1);
      try (SerialNmeaWriter receiver =
          SerialNmeaWriter.open(SerialNmeaReader.settings(cable.a(), 4800))) {
        GpsSimulator sim = new GpsSimulator(route, receiver, 20);
        Thread sending =
            new Thread(
                () -> {
                  try {
                    sim.run(null);
                  } catch (Exception e) {
                    // the cable is pulled at the end
                  }
                },
                "test-gps-simulator");
        sending.setDaemon(true);
        sending.start();
        try {
          Await.until("a fix from the receiver", Duration.ofSeconds(5), () -> gps.status().fix());
          assertThat(gps.status().detail()).isEqualTo("fix");
          GpsFix f = gps.status().position();
          assertThat(f.latitude()).isBetween(42.29, 42.34);
          assertThat(f.time()).isAfterOrEqualTo(route.start());
          Await.until(
              "an ETA",
              Duration.ofSeconds(5),
              () -> gps.status().eta() != null && gps.status().eta().known());
          assertThat(gps.status().eta().remainingMetres()).isBetween(40.0, 6000.0);
          Await.until(
              "positions in the journal",
              Duration.ofSeconds(5),
              () -> !positions(t.id()).isEmpty());
        } finally {
          sim.stop();
          sending.join(5000);
        }
      }
    }
    // the cable is pulled: the receiver is reported gone, the service keeps trying
    Await.until(
        "the receiver reported disconnected",
        Duration.ofSeconds(5),
        () -> gps.status().detail().equals("receiver not connected"));
    assertThat(Threads.alive(readerThread::equals)).hasSize(1);

    gps.close();
    assertThat(Threads.alive(readerThread::equals)).as("reader thread after close()").isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
