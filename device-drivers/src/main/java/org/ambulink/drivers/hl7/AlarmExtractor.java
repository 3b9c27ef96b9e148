package org.ambulink.drivers.hl7;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.MdcCode;

/**
 * Turns the OBX rows of an IHE PCD-04 alarm report (ORU^R40) into {@link AlarmEvent}s.
 *
 * <p>PCD-04 describes one alarm as "facet" rows sharing a base path in OBX-4 ({@code
 * <MDS>.<VMD>.<Chan>.<Metric>.<facet>}): facet 1 identifies the event, 2 the source, then event
 * phase ({@code MDC_ATTR_EVENT_PHASE}), alarm state ({@code MDC_ATTR_ALARM_STATE}) and, in later
 * revisions, inactivation state, priority, alert type and text rows. Both shapes seen in the field
 * are read:
 *
 * <ul>
 *   <li>facet 1 carries the event code in OBX-3 (e.g. {@code 196648^MDC_EVT_HI^MDC}) and the alarm
 *       text in OBX-5;
 *   <li>facet 1 is {@code 196616^MDC_EVT_ALARM^MDC} with the event code as the CWE value in OBX-5
 *       (text in CWE-9).
 * </ul>
 *
 * Priority (PH/PM/PL/PN) and kind (SP physiological, ST technical) come from OBX-8 of facet 1, else
 * from the {@code MDC_ATTR_ALARM_PRIORITY} and {@code MDC_ATTR_ALERT_TYPE} rows. Without a kind (or
 * with SA, advisory), an alarm whose source is a measured metric is physiological, else technical.
 * The source is the facet-2 row: the CWE value of {@code MDC_ATTR_ALERT_SOURCE}, or the metric in
 * OBX-3 of a numeric row. The alarm id is OBR-3 (PCD-04's alert identifier) when its OBR holds a
 * single alarm, else {@code <base path>/<event code>}.
 */
final class AlarmExtractor {
  private final DecodeContext ctx;
  private final List<AlarmEvent> alarms = new ArrayList<>();

  AlarmExtractor(DecodeContext ctx) {
    this.ctx = ctx;
  }

  List<AlarmEvent> alarms() {
    return alarms;
  }

  void extract(List<ObxRow> rows) {
    Map<String, List<ObxRow>> groups = new LinkedHashMap<>();
    for (ObxRow row : rows) {
      if (row.isHeader()) {
        continue;
      }
      String base = row.parentPath();
      if (base.isEmpty()) {
        ctx.drop(
            row.location(4),
            "alarm-structure",
            DecodeContext.name(row)
                + " has OBX-4 '"
                + row.path()
                + "', which is not an alarm facet path (<path>.<facet>).");
        continue;
      }
      int obr = row.obr() == null ? 0 : row.obr().ordinal();
      groups.computeIfAbsent(obr + "|" + base, k -> new ArrayList<>()).add(row);
    }
    Map<Integer, Integer> alarmsPerObr = new HashMap<>();
    List<Found> events = new ArrayList<>();
    for (List<ObxRow> group : groups.values()) {
      ObxRow event = eventRow(group);
      if (event == null) {
        for (ObxRow r : group) {
          ctx.drop(
              r.location(),
              "not-an-alarm",
              DecodeContext.name(r)
                  + " at '"
                  + r.path()
                  + "' belongs to no alarm event (no MDC_EVT_ row under its base path).");
        }
        continue;
      }
      events.add(new Found(group, event));
      alarmsPerObr.merge(event.obr() == null ? 0 : event.obr().ordinal(), 1, Integer::sum);
    }
    for (Found f : events) {
      int obr = f.event().obr() == null ? 0 : f.event().obr().ordinal();
      alarm(f.group(), f.event(), alarmsPerObr.get(obr) == 1);
    }
  }

  private record Found(List<ObxRow> group, ObxRow event) {}

  private static ObxRow eventRow(List<ObxRow> group) {
    for (ObxRow r : group) {
      if (r.is(MdcTerms.EVT_ALARM.code(), MdcTerms.EVT_ALARM.refId())
          || r.id().text().toUpperCase(Locale.ROOT).startsWith("MDC_EVT_")) {
        return r;
      }
    }
    for (ObxRow r : group) {
      if (facetNumber(r).equals("1") && !r.isFacet()) {
        return r;
      }
    }
    return null;
  }

  private void alarm(List<ObxRow> group, ObxRow event, boolean aloneInObr) {
    boolean wrapped =
        event.is(MdcTerms.EVT_ALARM.code(), MdcTerms.EVT_ALARM.refId())
            && !event.valueCwe().code().isEmpty();
    MdcCode code =
        wrapped
            ? ctx.codeOrDrop(event, 5, event.valueCwe(), "alarm event")
            : ctx.codeOrDrop(event, 3, event.id(), "alarm event");
    if (code == null) {
      return;
    }
    String text = wrapped ? event.valueCwe().originalText() : event.value();
    String priority = null;
    String kind = null;
    for (String f : event.flags()) {
      String u = f.toUpperCase(Locale.ROOT);
      if (priority == null && u.length() == 2 && u.charAt(0) == 'P') {
        priority = u;
      } else if (kind == null && (u.equals("SP") || u.equals("ST") || u.equals("SA"))) {
        kind = u;
      }
    }
    MdcCode source = null;
    boolean metricSource = false;
    String phase = "";
    String state = "";
    for (ObxRow r : group) {
      if (r == event) {
        continue;
      }
      if (r.is(MdcTerms.ALERT_SOURCE.code(), MdcTerms.ALERT_SOURCE.refId())) {
        source = ctx.codeOrDrop(r, 5, r.valueCwe(), "alarm source");
      } else if (r.is(MdcTerms.EVENT_PHASE.code(), MdcTerms.EVENT_PHASE.refId())) {
        phase = r.value();
      } else if (r.is(MdcTerms.ALARM_STATE.code(), MdcTerms.ALARM_STATE.refId())) {
        state = r.value();
      } else if (r.is(MdcTerms.ALARM_PRIORITY.code(), MdcTerms.ALARM_PRIORITY.refId())) {
        priority = priority == null ? r.value().toUpperCase(Locale.ROOT) : priority;
      } else if (r.is(MdcTerms.ALERT_TYPE.code(), MdcTerms.ALERT_TYPE.refId())) {
        kind = kind == null ? r.value().toUpperCase(Locale.ROOT) : kind;
      } else if (r.id().text().equalsIgnoreCase(MdcTerms.ALERT_TEXT)) {
        text = text.isEmpty() ? r.value() : text;
      } else if (source == null && facetNumber(r).equals("2") && !r.isFacet()) {
        source = ctx.codeOrDrop(r, 3, r.id(), "alarm source");
        metricSource = source != null;
      }
    }
    AlarmEvent.Kind k;
    if ("SP".equals(kind)) {
      k = AlarmEvent.Kind.PHYSIOLOGICAL;
    } else if ("ST".equals(kind)) {
      k = AlarmEvent.Kind.TECHNICAL;
    } else {
      k = metricSource ? AlarmEvent.Kind.PHYSIOLOGICAL : AlarmEvent.Kind.TECHNICAL;
    }
    Instant time = ctx.timeOf(event, "Alarm " + code.code() + " " + code.refId());
    if (time == null) {
      return;
    }
    String filler = event.obr() == null ? "" : event.obr().fillerId();
    String alarmId =
        aloneInObr && !filler.isEmpty() ? filler : event.parentPath() + "/" + code.code();
    alarms.add(
        new AlarmEvent(
            alarmId,
            code,
            source,
            AlarmPriority.fromHl7(priority),
            k,
            phase,
            state,
            text,
            time,
            ctx.deviceId(event)));
  }

  private static String facetNumber(ObxRow r) {
    int dot = r.path().lastIndexOf('.');
    return dot < 0 ? "" : r.path().substring(dot + 1);
  }
}
