package org.ambulink.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a handover mapping produced and what it left out, and why. It names codes, devices and
 * times, never a patient's value or name, so it can be logged and shown to the crew.
 *
 * @param mapped how many distinct resources of each kind were produced, e.g. {@code
 *     Observation/heart-rate}
 * @param skipped every input item that did not become a resource, in input order
 */
public record MappingReport(Map<String, Integer> mapped, List<Skipped> skipped) {

  public MappingReport {
    mapped = Collections.unmodifiableMap(new TreeMap<>(mapped));
    skipped = List.copyOf(skipped);
  }

  /** Why an input item was not posted. */
  public enum SkipReason {
    DEMO("flagged by the device as simulated (OBX-8 DEMO): not patient data"),
    CANNOT_OBTAIN("the device could not obtain a value (OBX-11 X)"),
    SENTINEL("a 'no value' sentinel such as -999, not a measurement"),
    UNMAPPED_METRIC("no FHIR mapping for this MDC metric"),
    UNIT_MISMATCH("not in the unit the mapping expects; values are never converted"),
    BP_INCOMPLETE("NIBP mean without a systolic or diastolic value at the same time and device"),
    DUPLICATE("same identifier as an earlier item, e.g. a message the device sent twice"),
    ALARM_NOT_POSTED("alarms are not posted to the EHR; they choose ECG strips");

    private final String text;

    SkipReason(String text) {
      this.text = text;
    }

    /** A sentence for people. */
    public String text() {
      return text;
    }
  }

  /**
   * One item left out.
   *
   * @param reason why
   * @param item what it was, e.g. {@code 147842 MDC_ECG_HEART_RATE} or {@code alarm 1.1.1.147842}
   * @param deviceId the equipment id of the device that sent it; may be empty
   * @param at when the device measured or raised it
   * @param detail what exactly was wrong, without values, e.g. the unexpected unit; may be empty
   */
  public record Skipped(
      SkipReason reason, String item, String deviceId, Instant at, String detail) {
    public Skipped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(item, "item");
      deviceId = Objects.toString(deviceId, "");
      detail = Objects.toString(detail, "");
    }
  }

  /** How many items were left out for each reason (reasons with none are absent). */
  public Map<SkipReason, Integer> skippedByReason() {
    Map<SkipReason, Integer> counts = new EnumMap<>(SkipReason.class);
    for (Skipped s : skipped) {
      counts.merge(s.reason(), 1, Integer::sum);
    }
    return Collections.unmodifiableMap(counts);
  }

  /** How many items were left out for {@code reason}. */
  public int skipped(SkipReason reason) {
    return skippedByReason().getOrDefault(reason, 0);
  }

  /** How many resources of {@code kind} were produced, e.g. {@code Observation/heart-rate}. */
  public int mapped(String kind) {
    return mapped.getOrDefault(kind, 0);
  }

  /** One line for a log, e.g. {@code mapped Observation/heart-rate=60 ...; skipped DEMO=2}. */
  public String summary() {
    List<String> parts = new ArrayList<>();
    mapped.forEach((k, v) -> parts.add(k + "=" + v));
    List<String> left = new ArrayList<>();
    skippedByReason().forEach((k, v) -> left.add(k + "=" + v));
    return "mapped "
        + String.join(" ", parts)
        + "; skipped "
        + (left.isEmpty() ? "none" : String.join(" ", left));
  }

  /** Collects a report while mapping. */
  static final class Builder {
    private final Map<String, Integer> mapped = new LinkedHashMap<>();
    private final List<Skipped> skipped = new ArrayList<>();

    void mapped(String kind) {
      mapped.merge(kind, 1, Integer::sum);
    }

    void skip(SkipReason reason, String item, String deviceId, Instant at, String detail) {
      skipped.add(new Skipped(reason, item, deviceId, at, detail));
    }

    MappingReport build() {
      return new MappingReport(mapped, skipped);
    }
  }
}
