package org.ambulink.appliance.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ambulink.drivers.intake.MonitorIntake;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * What has arrived from the monitors lately, held in memory with bounded size: the latest value of
 * each metric, a sliding window of each lead's waveform, recent alarms and recent drops. It is the
 * intake's sink until the durable journal takes that place; it only reads, never changes, what it
 * is given.
 */
public final class RecentIntake implements MonitorIntake.Sink {

  /** A dropped item with the message it came from, so a technician can find it. */
  public record Drop(Instant at, String deviceId, String controlId, DroppedItem item) {}

  /** Per-device delivery state. */
  public record MonitorState(String deviceId, String peer, Instant lastMessageAt, long messages) {}

  private record LeadKey(String deviceId, int lead) {}

  private record MetricKey(String deviceId, int metric, String path) {}

  private final Duration waveformWindow;
  private final int maxAlarms;
  private final int maxDropped;

  private final Map<MetricKey, NumericObservation> latest = new LinkedHashMap<>();
  private final Map<LeadKey, Deque<WaveformSegment>> waves = new LinkedHashMap<>();
  private final Deque<AlarmEvent> alarms = new ArrayDeque<>();
  private final Deque<Drop> dropped = new ArrayDeque<>();
  private final Map<String, MonitorState> monitors = new LinkedHashMap<>();
  private long messages;
  private long samples;

  public RecentIntake(Duration waveformWindow, int maxAlarms, int maxDropped) {
    this.waveformWindow = waveformWindow;
    this.maxAlarms = maxAlarms;
    this.maxDropped = maxDropped;
  }

  @Override
  public CompletionStage<Void> accept(MonitorMessage m, String peer) {
    record(m, peer, Instant.now());
    return CompletableFuture.completedFuture(null);
  }

  synchronized void record(MonitorMessage m, String peer, Instant receivedAt) {
    messages++;
    samples += m.sampleCount();
    String device = m.device().equipmentId();
    MonitorState before = monitors.get(device);
    monitors.put(
        device,
        new MonitorState(device, peer, receivedAt, before == null ? 1 : before.messages() + 1));
    for (NumericObservation o : m.observations()) {
      latest.put(new MetricKey(o.deviceId(), o.metric().code(), o.containmentPath()), o);
    }
    for (WaveformSegment w : m.waveforms()) {
      Deque<WaveformSegment> q =
          waves.computeIfAbsent(
              new LeadKey(w.deviceId(), w.lead().code()), k -> new ArrayDeque<>());
      q.addLast(w);
      Instant horizon = w.endTime().minus(waveformWindow);
      while (!q.isEmpty() && q.peekFirst().endTime().isBefore(horizon)) {
        q.removeFirst();
      }
    }
    for (AlarmEvent a : m.alarms()) {
      bounded(alarms, a, maxAlarms);
    }
    for (DroppedItem d : m.dropped()) {
      bounded(dropped, new Drop(receivedAt, device, m.controlId(), d), maxDropped);
    }
  }

  private static <T> void bounded(Deque<T> q, T item, int max) {
    q.addLast(item);
    while (q.size() > max) {
      q.removeFirst();
    }
  }

  public synchronized long messages() {
    return messages;
  }

  public synchronized long samples() {
    return samples;
  }

  public synchronized List<MonitorState> monitors() {
    return List.copyOf(monitors.values());
  }

  /** The most recent message time over all monitors, if any message arrived. */
  public synchronized Optional<Instant> lastMessageAt() {
    return monitors.values().stream()
        .map(MonitorState::lastMessageAt)
        .max(Comparator.naturalOrder());
  }

  /** The latest value of every metric of every monitor. */
  public synchronized List<NumericObservation> latestVitals() {
    return List.copyOf(latest.values());
  }

  /**
   * The waveform of one lead (MDC code) from the window, oldest first, optionally only segments
   * starting at or after {@code since}.
   */
  public synchronized List<WaveformSegment> waveform(int leadCode, Instant since) {
    List<WaveformSegment> out = new ArrayList<>();
    for (Map.Entry<LeadKey, Deque<WaveformSegment>> e : waves.entrySet()) {
      if (e.getKey().lead() != leadCode) {
        continue;
      }
      for (WaveformSegment w : e.getValue()) {
        if (since == null || !w.startTime().isBefore(since)) {
          out.add(w);
        }
      }
    }
    return out;
  }

  /** The leads (MDC codes) with data in the window. */
  public synchronized List<Integer> leads() {
    return waves.keySet().stream().map(LeadKey::lead).distinct().sorted().toList();
  }

  public synchronized List<AlarmEvent> alarms() {
    return List.copyOf(alarms);
  }

  public synchronized List<Drop> dropped() {
    return List.copyOf(dropped);
  }
}
