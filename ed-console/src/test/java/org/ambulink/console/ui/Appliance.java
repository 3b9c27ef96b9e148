package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.ambulink.console.testing.ConsoleServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Posts events to the console the way the appliance does (docs/console-api.md): {@code POST
 * /api/appliance/events} with the device token, event ids {@code <stream>/<seq>/<item>}.
 */
final class Appliance {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final AtomicLong seq = new AtomicLong();

  Appliance(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Posts a batch; the console must accept every event. */
  JsonNode post(long backlog, ObjectNode... events) {
    ObjectNode body = JSON.createObjectNode();
    body.put("applianceId", ConsoleServer.DEVICE_ID);
    body.put("backlog", backlog);
    ArrayNode list = body.putArray("events");
    for (ObjectNode e : events) {
      list.add(e);
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/api/appliance/events"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Authorization", "Bearer " + ConsoleServer.DEVICE_TOKEN)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("events answer: %s", r.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(r.body());
      assertThat(answer.get("rejected").size()).as("rejected: %s", r.body()).isZero();
      return answer;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
    ObjectNode e = event(transportId, "transport", Instant.now());
    ObjectNode t = e.putObject("transport");
    t.put("step", step);
    t.put("destinationId", destination);
    t.put("unit", unit);
    t.put("chiefComplaint", complaint);
    if (acuity == null) {
      t.putNull("acuity");
    } else {
      t.put("acuity", acuity);
    }
    t.put("note", "");
    return e;
  }

  ObjectNode position(String transportId, Integer etaSeconds, Double distanceMetres) {
    ObjectNode e = event(transportId, "position", Instant.now());
    ObjectNode p = e.putObject("position");
    p.put("latitude", 51.5074);
    p.put("longitude", -0.1278);
    if (etaSeconds == null) {
      p.putNull("etaSeconds");
    } else {
      p.put("etaSeconds", etaSeconds);
    }
    if (distanceMetres == null) {
      p.putNull("distanceMetres");
    } else {
      p.put("distanceMetres", distanceMetres);
    }
    return e;
  }

  /** One vital: label as the appliance names it (HR, SpO2, NIBP sys…), value, UCUM unit. */
  record Vital(String code, String label, String value, String unit) {}

  static final List<Vital> TYPICAL =
      List.of(
          new Vital("MDC_ECG_HEART_RATE", "HR", "128", "/min"),
          new Vital("MDC_PULS_OXIM_SAT_O2", "SpO2", "91", "%"),
          new Vital("MDC_PRESS_BLD_NONINV_SYS", "NIBP sys", "92", "mm[Hg]"),
          new Vital("MDC_PRESS_BLD_NONINV_DIA", "NIBP dia", "58", "mm[Hg]"),
          new Vital("MDC_PRESS_BLD_NONINV_MEAN", "NIBP mean", "69", "mm[Hg]"),
          new Vital("MDC_RESP_RATE", "RR", "24", "/min"),
          new Vital("MDC_TEMP", "Temp", "37.8", "Cel"));

  ObjectNode vitals(String transportId, List<Vital> vitals) {
    Instant now = Instant.now();
    ObjectNode e = event(transportId, "vitals", now);
    ArrayNode list = e.putArray("vitals");
    for (Vital v : vitals) {
      ObjectNode o = list.addObject();
      o.put("code", v.code());
      o.put("label", v.label());
      o.put("value", v.value());
      o.put("unit", v.unit());
      o.put("at", now.toString());
    }
    return e;
  }

  ObjectNode alarm(String transportId, String alarmId, String priority, String state, String text) {
    ObjectNode e = event(transportId, "alarm", Instant.now());
    ObjectNode a = e.putObject("alarm");
    a.put("alarmId", alarmId);
    a.put("priority", priority);
    a.put("state", state);
    a.put("text", text);
    a.put("source", "MDC_ECG_HEART_RATE");
    return e;
  }

  private ObjectNode event(String transportId, String type, Instant at) {
    ObjectNode e = JSON.createObjectNode();
    e.put("eventId", transportId + "/" + seq.incrementAndGet() + "/0");
    e.put("transportId", transportId);
    e.put("type", type);
    e.put("at", at.toString());
    return e;
  }
}
