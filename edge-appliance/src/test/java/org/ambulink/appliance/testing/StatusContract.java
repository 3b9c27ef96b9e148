package org.ambulink.appliance.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** The fields of GET /api/status that the crew page (app.js) reads: the REST contract. */
public final class StatusContract {
  public static final List<String> STATUS =
      List.of(
          "time",
          "state",
          "transport",
          "monitor",
          "edLink",
          "edDelivery",
          "ehr",
          "gps",
          "journal",
          "warnings");

  public static final List<String> TRANSPORT =
      List.of(
          "id",
          "state",
          "startedAt",
          "handedOverAt",
          "closedAt",
          "destination",
          "crew",
          "patient",
          "chiefComplaint",
          "acuity",
          "journaledEntries",
          "lastJournaledAt");

  public static final List<String> MONITOR =
      List.of("connected", "lastMessageAgeSeconds", "detail");
  public static final List<String> ED_LINK = List.of("state", "detail");
  public static final List<String> ED_DELIVERY = List.of("deliveredUpTo", "pendingEntries");
  public static final List<String> EHR = List.of("state", "detail");

  /** The position and ETA; {@code configured} and {@code detail} besides. */
  public static final List<String> GPS =
      List.of(
          "fix",
          "latitude",
          "longitude",
          "speedKmh",
          "ageSeconds",
          "distanceKm",
          "etaMinutes",
          "eta");

  public static final List<String> JOURNAL =
      List.of("entries", "bytes", "capBytes", "usedPercent", "warnings");

  private StatusContract() {}

  /** The node is an object with (at least) these fields. */
  public static void assertFields(JsonNode node, String what, List<String> names) {
    assertThat(node).as("%s", what).isNotNull();
    assertThat(node.isObject()).as("%s is an object: %s", what, node).isTrue();
    for (String name : names) {
      assertThat(node.has(name)).as("%s has %s", what, name).isTrue();
    }
  }
}
