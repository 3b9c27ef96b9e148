package org.ambulink.appliance.intake;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only JSON view of what the monitors sent lately. */
@RestController
@RequestMapping("/api/intake")
class IntakeController {

  /** Totals and per-monitor delivery state. */
  record Summary(
      long messages, long samples, List<RecentIntake.MonitorState> monitors, List<Lead> leads) {}

  /** A lead with data in the window. */
  record Lead(int code, String name) {}

  /** A waveform segment as JSON: physical value of sample i = offset + scale * samples[i]. */
  record Segment(
      MdcCode lead,
      String deviceId,
      Instant startTime,
      double sampleRateHz,
      BigDecimal scale,
      BigDecimal offset,
      MdcCode unit,
      int[] samples) {
    static Segment of(WaveformSegment w) {
      return new Segment(
          w.lead(),
          w.deviceId(),
          w.startTime(),
          w.sampleRateHz(),
          w.scale(),
          w.offset(),
          w.unit(),
          w.samples());
    }
  }

  private final RecentIntake recent;

  IntakeController(RecentIntake recent) {
    this.recent = recent;
  }

  @GetMapping
  Summary summary() {
    List<Lead> leads =
        recent.leads().stream()
            .map(c -> new Lead(c, EcgLeads.displayName(MdcCode.of(c, ""))))
            .toList();
    return new Summary(recent.messages(), recent.samples(), recent.monitors(), leads);
  }

  @GetMapping("/vitals")
  List<NumericObservation> vitals() {
    return recent.latestVitals();
  }

  /**
   * Segments of one lead from the in-memory window.
   *
   * @param lead the lead's MDC code, e.g. 131330 for lead II
   * @param since only segments starting at or after this instant (ISO-8601)
   */
  @GetMapping("/waveforms")
  List<Segment> waveforms(@RequestParam int lead, @RequestParam(required = false) Instant since) {
    return recent.waveform(lead, since).stream().map(Segment::of).toList();
  }

  @GetMapping("/alarms")
  List<AlarmEvent> alarms() {
    return recent.alarms();
  }

  @GetMapping("/dropped")
  List<RecentIntake.Drop> dropped() {
    return recent.dropped();
  }
}
