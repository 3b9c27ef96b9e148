package org.ambulink.fhir;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * When ECG strips are taken during a transport, and how one is cut from the journaled waveform.
 *
 * <p>The schedule: a strip at transport start, every {@link #PERIOD} after it, one per alarm
 * (starting {@link #ALARM_LEAD_IN} before the alarm so the onset is on it), one per crew capture
 * (starting when the crew pressed capture, as a monitor's 12-lead acquisition does) and the last
 * {@link #STRIP_LENGTH} before handover. Every strip lies within the transport.
 */
public final class EcgStrips {
  /** The length of a strip: 10 seconds, as a diagnostic 12-lead. */
  public static final Duration STRIP_LENGTH = Duration.ofSeconds(10);

  /** The interval of periodic strips. */
  public static final Duration PERIOD = Duration.ofMinutes(5);

  /** How much of an alarm strip lies before the alarm. */
  public static final Duration ALARM_LEAD_IN = Duration.ofSeconds(5);

  private EcgStrips() {}

  /** A strip to take: when it starts and why. */
  public record ScheduledStrip(Instant start, EcgStrip.Reason reason) {
    public ScheduledStrip {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The strips to take for a transport from {@code start} to {@code end}, in time order. Alarms and
   * captures outside the transport are ignored; a strip that would run past the end is moved back
   * to end at handover. Strips that start at the same instant are taken once, with the most
   * specific reason (alarm, crew capture, transport start, before handover, periodic). A transport
   * shorter than one strip gives no strip.
   *
   * @throws IllegalArgumentException when {@code end} is before {@code start}
   */
  public static List<ScheduledStrip> schedule(
      Instant start,
      Instant end,
      Collection<Instant> alarmTimes,
      Collection<Instant> captureTimes) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("transport end " + end + " is before its start " + start);
    }
    Instant latest = end.minus(STRIP_LENGTH);
    if (latest.isBefore(start)) {
      return List.of();
    }
    Map<Instant, EcgStrip.Reason> strips = new TreeMap<>();
    add(strips, start, EcgStrip.Reason.TRANSPORT_START);
    for (Instant t = start.plus(PERIOD); !t.isAfter(latest); t = t.plus(PERIOD)) {
      add(strips, t, EcgStrip.Reason.PERIODIC);
    }
    for (Instant alarm : alarmTimes) {
      if (!alarm.isBefore(start) && !alarm.isAfter(end)) {
        add(strips, clamp(alarm.minus(ALARM_LEAD_IN), start, latest), EcgStrip.Reason.ALARM);
      }
    }
    for (Instant capture : captureTimes) {
      if (!capture.isBefore(start) && !capture.isAfter(end)) {
        add(strips, clamp(capture, start, latest), EcgStrip.Reason.CREW_CAPTURE);
      }
    }
    add(strips, latest, EcgStrip.Reason.BEFORE_HANDOVER);
    return strips.entrySet().stream()
        .map(e -> new ScheduledStrip(e.getKey(), e.getValue()))
        .toList();
  }

  private static final List<EcgStrip.Reason> PRECEDENCE =
      List.of(
          EcgStrip.Reason.ALARM,
          EcgStrip.Reason.CREW_CAPTURE,
          EcgStrip.Reason.TRANSPORT_START,
          EcgStrip.Reason.BEFORE_HANDOVER,
          EcgStrip.Reason.PERIODIC);

  private static void add(Map<Instant, EcgStrip.Reason> strips, Instant at, EcgStrip.Reason why) {
    strips.merge(at, why, (a, b) -> PRECEDENCE.indexOf(a) <= PRECEDENCE.indexOf(b) ? a : b);
  }

  private static Instant clamp(Instant t, Instant lo, Instant hi) {
    return t.isBefore(lo) ? lo : t.isAfter(hi) ? hi : t;
  }

  /**
   * Cuts a strip of {@code length} from {@code from} out of journaled waveform segments of any
   * leads, in any order (segments outside the window are ignored; a segment journaled twice, e.g.
   * after a re-sent message, counts once). Per lead, the segments overlapping the window are
   * concatenated into one segment starting at the sample nearest to {@code from}. Every standard
   * lead present in the window is on the strip.
   *
   * @throws IllegalArgumentException naming the lead and the times when a lead's segments leave a
   *     gap or overlap by half a sample or more, differ in rate, scale, offset, unit or device, do
   *     not cover the whole window, or when no segment overlaps the window; the caller can then cut
   *     a window that the journal covers
   */
  public static EcgStrip cut(
      List<WaveformSegment> journaled, Instant from, Duration length, EcgStrip.Reason reason) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(reason, "reason");
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("strip length must be positive, was " + length);
    }
    Instant to = from.plus(length);
    Map<Integer, List<WaveformSegment>> byLead = new TreeMap<>();
    for (WaveformSegment s : journaled) {
      if (s.endTime().isAfter(from) && s.startTime().isBefore(to)) {
        byLead.computeIfAbsent(s.lead().code(), k -> new ArrayList<>()).add(s);
      }
    }
    if (byLead.isEmpty()) {
      throw new IllegalArgumentException(
          "no journaled waveform overlaps the strip " + from + " to " + to);
    }
    List<WaveformSegment> leads = new ArrayList<>();
    for (List<WaveformSegment> segments : byLead.values()) {
      leads.add(concatenate(segments, from, length));
    }
    return new EcgStrip(reason, from, leads);
  }

  private static WaveformSegment concatenate(
      List<WaveformSegment> segments, Instant from, Duration length) {
    segments.sort(Comparator.comparing(WaveformSegment::startTime));
    List<WaveformSegment> run = new ArrayList<>();
    for (WaveformSegment s : segments) {
      if (run.isEmpty() || !run.get(run.size() - 1).equals(s)) {
        run.add(s);
      }
    }
    WaveformSegment first = run.get(0);
    double rate = first.sampleRateHz();
    String lead = "lead " + first.lead();
    long halfSampleNanos = Math.round(0.5e9 / rate);
    int total = 0;
    for (int i = 0; i < run.size(); i++) {
      WaveformSegment s = run.get(i);
      sameShape(first, s, lead);
      if (i > 0) {
        Instant previousEnd = run.get(i - 1).endTime();
        long gapNanos = Duration.between(previousEnd, s.startTime()).toNanos();
        if (Math.abs(gapNanos) >= halfSampleNanos) {
          throw new IllegalArgumentException(
              lead
                  + ": "
                  + (gapNanos > 0 ? "gap of " : "overlap of ")
                  + Duration.ofNanos(Math.abs(gapNanos))
                  + " between the segment ending "
                  + previousEnd
                  + " and the one starting "
                  + s.startTime()
                  + "; segments must follow each other without gap or overlap");
        }
      }
      total = Math.addExact(total, s.sampleCount());
    }
    int[] all = new int[total];
    int at = 0;
    for (WaveformSegment s : run) {
      int[] samples = s.samples();
      System.arraycopy(samples, 0, all, at, samples.length);
      at += samples.length;
    }
    long offsetNanos = Duration.between(first.startTime(), from).toNanos();
    long firstIndex = Math.round(offsetNanos * rate / 1e9);
    long count = Math.round(length.toNanos() * rate / 1e9);
    if (firstIndex < 0) {
      throw new IllegalArgumentException(
          lead
              + ": the journal starts at "
              + first.startTime()
              + ", after the strip's start "
              + from);
    }
    if (count < 1 || firstIndex + count > total) {
      throw new IllegalArgumentException(
          lead
              + ": the journal ends at "
              + run.get(run.size() - 1).endTime()
              + ", before the strip's end "
              + from.plus(length));
    }
    Instant start = first.startTime().plusNanos(Math.round(firstIndex * 1e9 / rate));
    return new WaveformSegment(
        first.lead(),
        first.containmentPath(),
        rate,
        start,
        Arrays.copyOfRange(all, (int) firstIndex, (int) (firstIndex + count)),
        first.scale(),
        first.offset(),
        first.unit(),
        first.deviceId());
  }

  private static void sameShape(WaveformSegment a, WaveformSegment b, String lead) {
    String at = " (segment at " + b.startTime() + ")";
    if (Double.compare(a.sampleRateHz(), b.sampleRateHz()) != 0) {
      throw new IllegalArgumentException(
          lead + ": sample rate " + b.sampleRateHz() + " Hz differs from " + a.sampleRateHz() + at);
    }
    if (a.scale().compareTo(b.scale()) != 0) {
      throw new IllegalArgumentException(
          lead + ": scale " + b.scale() + " differs from " + a.scale() + at);
    }
    if (a.offset().compareTo(b.offset()) != 0) {
      throw new IllegalArgumentException(
          lead + ": offset " + b.offset() + " differs from " + a.offset() + at);
    }
    if (!a.unit().sameCode(b.unit())) {
      throw new IllegalArgumentException(
          lead + ": unit " + b.unit() + " differs from " + a.unit() + at);
    }
    if (!a.deviceId().equals(b.deviceId())) {
      throw new IllegalArgumentException(
          lead + ": device '" + b.deviceId() + "' differs from '" + a.deviceId() + "'" + at);
    }
  }
}
