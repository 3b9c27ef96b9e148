package org.ambulink.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.transport.Acuity;
import org.ambulink.appliance.transport.Destination;
import org.ambulink.appliance.transport.PatientDetails;
import org.ambulink.appliance.transport.TransportDetails;
import org.ambulink.appliance.transport.TransportEvent;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.sim.MonitorCodes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Journal chunks to console events, without a journal or a server. */
class ConsoleEventsTest {
  static final String T = "T20261202-090000-ABCD";
  static final Instant AT = Instant.parse("2026-12-02T09:00:00Z");
  static final Destination CITY =
      new Destination("city-general", "City General", 42.3349, -71.0733);

  private final ConsoleEvents events =
      new ConsoleEvents(
          JsonMapper.builder().build(),
          id -> id.equals(CITY.id()) ? Optional.of(CITY) : Optional.empty());

  private static Journaled chunk(long first, JournalEntry... entries) {
    List<Journaled.Item> items = new java.util.ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      items.add(new Journaled.Item(first + i, entries[i]));
    }
    return new Journaled(T, AT, items);
  }

  private static JournalEntry transport(TransportEvent.Type type, TransportDetails d) {
    return new JournalEntry.Transport(new TransportEvent(type, T, AT, d, ""));
  }

  private static TransportDetails details(Acuity acuity) {
    return new TransportDetails(
        CITY.id(),
        List.of("Medic 12", "Medic 7"),
        new PatientDetails("UNK-ABC123", null, null, null),
        "chest pain",
        acuity);
  }

  private static JournalEntry numeric(MdcCode metric, String value, MdcCode unit) {
    return new JournalEntry.Observation(
        new NumericObservation(
            metric, new BigDecimal(value), unit, "", AT, "dev", ResultStatus.PRELIMINARY, false));
  }

  private static JournalEntry alarm(String phase, String state, AlarmPriority p) {
    return new JournalEntry.Alarm(
        new AlarmEvent(
            "a1",
            MdcCode.of(196648, "MDC_EVT_HI"),
            MonitorCodes.SPO2,
            p,
            AlarmEvent.Kind.PHYSIOLOGICAL,
            phase,
            state,
            "",
            AT,
            "dev"));
  }

  @Test
  void aHandoverWithoutDetailsCarriesTheTransportsLastDetails() {
    var ctx = new ConsoleEvents.StreamContext(T);
    var started =
        events.convert(
            chunk(1, transport(TransportEvent.Type.STARTED, details(Acuity.URGENT))), 1, ctx);
    var handedOver =
        events.convert(chunk(2, transport(TransportEvent.Type.HANDED_OVER, null)), 2, ctx);

    assertThat(started.get(0).eventId()).isEqualTo(T + "/1/0");
    assertThat(started.get(0).body().get("transport").get("acuity").asInt()).isEqualTo(3);
    var t = handedOver.get(0).body().get("transport");
    assertThat(t.get("step").asString()).isEqualTo("HANDED_OVER");
    assertThat(t.get("destinationId").asString()).isEqualTo("city-general");
    assertThat(t.get("unit").asString()).isEqualTo("Medic 12, Medic 7");
  }

  @Test
  void afterARestartTheDetailsComeFromWhatWasAlreadySent() {
    var before = new ConsoleEvents.StreamContext(T);
    events.replay(chunk(1, transport(TransportEvent.Type.STARTED, details(null))), 1, before);
    var closed = events.convert(chunk(2, transport(TransportEvent.Type.CLOSED, null)), 2, before);
    var t = closed.get(0).body().get("transport");
    assertThat(t.get("destinationId").asString()).isEqualTo("city-general");
    assertThat(t.get("acuity").isNull()).isTrue();
  }

  @Test
  void theVitalsOfOneRecordAreOneEventAndOtherKindsTheirOwn() {
    var ctx = new ConsoleEvents.StreamContext(T);
    Journaled c =
        chunk(
            10,
            numeric(MonitorCodes.HEART_RATE, "72", MonitorCodes.BEATS_PER_MIN),
            numeric(MonitorCodes.NIBP_SYS, "120", MonitorCodes.MMHG),
            new JournalEntry.Dropped(
                "dev",
                "c1",
                AT,
                new org.ambulink.drivers.model.DroppedItem("OBX-3", "vendor code", "")),
            alarm("end", "", AlarmPriority.NONE),
            numeric(MdcCode.of(999999, "MDC_SOMETHING_NEW"), "1.50", MdcCode.of(1, "MDC_DIM_X")));
    var out = events.convert(c, 10, ctx);
    assertThat(ConsoleEvents.count(c, 10)).isEqualTo(out.size()).isEqualTo(2);
    assertThat(out.get(0).eventId()).isEqualTo(T + "/10/0");
    assertThat(out.get(0).type()).isEqualTo("vitals");
    var v = out.get(0).body().get("vitals");
    assertThat(v.size()).isEqualTo(3);
    assertThat(v.get(0).get("label").asString()).isEqualTo("HR");
    assertThat(v.get(0).get("unit").asString()).isEqualTo("/min");
    assertThat(v.get(1).get("label").asString()).isEqualTo("NIBP sys");
    assertThat(v.get(1).get("unit").asString()).isEqualTo("mm[Hg]");
    assertThat(v.get(2).get("label").asString()).isEqualTo("SOMETHING_NEW");
    assertThat(v.get(2).get("value").asString()).isEqualTo("1.50");
    assertThat(out.get(1).eventId()).isEqualTo(T + "/10/3");
    var a = out.get(1).body().get("alarm");
    assertThat(a.get("state").asString()).isEqualTo("ended");
    assertThat(a.get("priority").asString()).isEqualTo("LOW");
    assertThat(a.get("text").asString()).isEqualTo("MDC_EVT_HI");
    assertThat(a.get("source").asString()).isEqualTo("MDC_PULS_OXIM_SAT_O2");

    // from the middle of the record on (the rest after a split): only what is left
    assertThat(events.convert(c, 13, ctx))
        .extracting(ConsoleEvents.Event::type)
        .containsExactly("alarm", "vitals");
  }

  @Test
  void alarmStates() {
    assertThat(ended("start", "active")).isFalse();
    assertThat(ended("continue", "latched")).isFalse();
    assertThat(ended("tpoint", "")).isFalse();
    assertThat(ended("end", "")).isTrue();
    assertThat(ended("", "inactive")).isTrue();
  }

  private static boolean ended(String phase, String state) {
    return ConsoleEvents.ended(
        ((JournalEntry.Alarm) alarm(phase, state, AlarmPriority.HIGH)).value());
  }

  @Test
  void aPositionGetsTheDistanceToTheDestinationAndAnEtaOnceMoving() {
    var ctx = new ConsoleEvents.StreamContext(T);
    events.convert(chunk(1, transport(TransportEvent.Type.STARTED, details(null))), 1, ctx);
    var first =
        events.convert(chunk(2, new JournalEntry.Position(AT, 42.30, -71.06, 0.0, null)), 2, ctx);
    var p = first.get(0).body().get("position");
    assertThat(p.get("distanceMetres").asLong()).isBetween(3_000L, 5_000L);
    assertThat(p.get("etaSeconds").isNull()).as("not moved yet").isTrue();
    var moving =
        events.convert(
            chunk(3, new JournalEntry.Position(AT.plusSeconds(10), 42.301, -71.06, 15.0, 0.0)),
            3,
            ctx);
    assertThat(moving.get(0).body().get("position").get("etaSeconds").asLong()).isPositive();
  }
}
