package org.ambulink.console.ui;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.ambulink.console.testing.ApplianceClient;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.Events;
import org.ambulink.console.testing.Events.Vital;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test console's appliance as the pages' tests drive it: events made with {@link Events}, at
 * the current time, with event ids {@code <stream>/<seq>/<item>} from a counter, posted with {@link
 * ApplianceClient}; the console must accept every one.
 */
final class Appliance {
  static final List<Vital> TYPICAL =
      List.of(
          new Vital("MDC_ECG_HEART_RATE", "HR", "128", "/min"),
          new Vital("MDC_PULS_OXIM_SAT_O2", "SpO2", "91", "%"),
          new Vital("MDC_PRESS_BLD_NONINV_SYS", "NIBP sys", "92", "mm[Hg]"),
          new Vital("MDC_PRESS_BLD_NONINV_DIA", "NIBP dia", "58", "mm[Hg]"),
          new Vital("MDC_PRESS_BLD_NONINV_MEAN", "NIBP mean", "69", "mm[Hg]"),
          new Vital("MDC_RESP_RATE", "RR", "24", "/min"),
          new Vital("MDC_TEMP", "Temp", "37.8", "Cel"));

  private final ApplianceClient client;
  private final AtomicLong seq = new AtomicLong();

  Appliance(ConsoleServer server) {
    this.client = ApplianceClient.of(server);
  }

  /** Posts a batch; the console must accept every event. */
  JsonNode post(long backlog, ObjectNode... events) {
    return client.sendAccepted(backlog, List.of(events));
  }

  JsonNode post(ObjectNode... events) {
    return post(0, events);
  }

  /** An empty batch: the link is up. */
  void heartbeat() {
    post(0);
  }

  ObjectNode started(String transportId, String unit, String complaint, Integer acuity) {
    return transport(transportId, "STARTED", ConsoleServer.ED, unit, complaint, acuity);
  }

  ObjectNode transport(
      String transportId,
      String step,
      String destination,
      String unit,
      String complaint,
      Integer acuity) {
    return Events.transport(
        nextId(transportId),
        transportId,
        Instant.now(),
        step,
        destination,
        unit,
        complaint,
        acuity,
        "");
  }

  ObjectNode position(String transportId, Integer etaSeconds, Double distanceMetres) {
    return Events.position(
        nextId(transportId),
        transportId,
        Instant.now(),
        51.5074,
        -0.1278,
        etaSeconds,
        distanceMetres);
  }

  ObjectNode vitals(String transportId, List<Vital> vitals) {
    return Events.vitals(nextId(transportId), transportId, Instant.now(), vitals);
  }

  ObjectNode alarm(String transportId, String alarmId, String priority, String state, String text) {
    return Events.alarm(
        nextId(transportId), transportId, Instant.now(), alarmId, priority, state, text);
  }

  private String nextId(String transportId) {
    return transportId + "/" + seq.incrementAndGet() + "/0";
  }
}
