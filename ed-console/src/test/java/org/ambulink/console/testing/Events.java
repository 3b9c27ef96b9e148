package org.ambulink.console.testing;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events as an appliance sends them (docs/console-api.md), as mutable JSON so that a test can break
 * one field.
 */
public final class Events {
  private Events() {}

  /** A transport step heading to {@code destinationId}, ESI 2, chest pain. */
  public static ObjectNode transport(
      String eventId, String transportId, Instant at, String step, String destinationId) {
    return transport(
        eventId, transportId, at, step, destinationId, "Medic 12", "chest pain", 2, null);
  }

  /** A transport step; a null {@code acuity} or {@code note} goes out as JSON null. */
  public static ObjectNode transport(
      String eventId,
      String transportId,
      Instant at,
      String step,
      String destinationId,
      String unit,
      String chiefComplaint,
      Integer acuity,
      String note) {
    ObjectNode e = event(eventId, transportId, "transport", at);
    ObjectNode t = e.putObject("transport");
    t.put("step", step);
    t.put("destinationId", destinationId);
    t.put("unit", unit);
    t.put("chiefComplaint", chiefComplaint);
    t.put("acuity", acuity);
    t.put("note", note);
    return e;
  }

  /** One vital: label as the appliance names it (HR, SpO2, NIBP sys…), value, UCUM unit. */
  public record Vital(String code, String label, String value, String unit) {}

  /** One vital sign, e.g. {@code MDC_PULS_OXIM_SAT_O2}, {@code SpO2}, {@code 97}, {@code %}. */
  public static ObjectNode vitals(
      String eventId,
      String transportId,
      Instant at,
      String code,
      String label,
      String value,
      String unit) {
    return vitals(eventId, transportId, at, List.of(new Vital(code, label, value, unit)));
  }

  /** Several vital signs measured at the same time. */
  public static ObjectNode vitals(
      String eventId, String transportId, Instant at, List<Vital> vitals) {
    ObjectNode e = event(eventId, transportId, "vitals", at);
    ArrayNode list = e.putArray("vitals");
    for (Vital v : vitals) {
      ObjectNode o = list.addObject();
      o.put("code", v.code());
      o.put("label", v.label());
      o.put("value", v.value());
      o.put("unit", v.unit());
      o.put("at", at.toString());
    }
    return e;
  }

  /** Heart rate, /min. */
  public static ObjectNode heartRate(String eventId, String transportId, Instant at, String value) {
    return vitals(eventId, transportId, at, "MDC_ECG_HEART_RATE", "HR", value, "/min");
  }

  public static ObjectNode alarm(
      String eventId,
      String transportId,
      Instant at,
      String alarmId,
      String priority,
      String state,
      String text) {
    ObjectNode e = event(eventId, transportId, "alarm", at);
    ObjectNode a = e.putObject("alarm");
    a.put("alarmId", alarmId);
    a.put("priority", priority);
    a.put("state", state);
    a.put("text", text);
    a.put("source", "MDC_ECG_HEART_RATE");
    return e;
  }

  /** A null {@code etaSeconds} or {@code distanceMetres} goes out as JSON null. */
  public static ObjectNode position(
      String eventId,
      String transportId,
      Instant at,
      double latitude,
      double longitude,
      Integer etaSeconds,
      Double distanceMetres) {
    ObjectNode e = event(eventId, transportId, "position", at);
    ObjectNode p = e.putObject("position");
    p.put("latitude", latitude);
    p.put("longitude", longitude);
    p.put("etaSeconds", etaSeconds);
    p.put("distanceMetres", distanceMetres);
    return e;
  }

  /** The request body of a batch. */
  public static String batch(String applianceId, long backlog, List<? extends JsonNode> events) {
    ObjectNode b = Http.JSON.createObjectNode();
    b.put("applianceId", applianceId);
    b.put("backlog", backlog);
    ArrayNode list = b.putArray("events");
    events.forEach(list::add);
    return Http.JSON.writeValueAsString(b);
  }

  private static ObjectNode event(String eventId, String transportId, String type, Instant at) {
    ObjectNode e = Http.JSON.createObjectNode();
    e.put("eventId", eventId);
    e.put("transportId", transportId);
    e.put("type", type);
    e.put("at", at.toString());
    return e;
  }
}
