package org.ambulink.fhir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorCodes;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;

/**
 * A transport recorded from the monitor simulator replaying PhysioNet s0010_re (12 leads, acute
 * infero-lateral MI), as the appliance's journal would hold it.
 */
final class SimulatedTransport {
  static final Instant START = Instant.parse("2026-12-02T06:07:00Z");
  static final String MONITOR = "0123456789ABCDEF";

  private static WfdbRecord ecg;

  final DeviceIdentity device;
  final List<NumericObservation> vitals = new ArrayList<>();
  final List<WaveformSegment> waveforms = new ArrayList<>();
  final Instant start;
  final Instant end;

  private SimulatedTransport(Instant start, Duration length, Duration vitalsEvery, Duration nibp) {
    this.start = start;
    this.end = start.plus(length);
    MonitorSimulator sim =
        MonitorSimulator.builder(record())
            .start(start)
            .deviceId(MONITOR)
            .vitalsInterval(vitalsEvery)
            .nibpInterval(nibp)
            .build();
    DeviceIdentity d = null;
    while (true) {
      MonitorMessage m = sim.next();
      d = m.device();
      if (!m.waveforms().get(0).startTime().isBefore(end)) {
        break;
      }
      vitals.addAll(m.observations());
      waveforms.addAll(m.waveforms());
    }
    this.device = d;
  }

  static synchronized WfdbRecord record() {
    if (ecg == null) {
      try {
        ecg = WfdbReader.read("ecg/s0010_re");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ecg;
  }

  /** {@code length} of transport from {@link #START}. */
  static SimulatedTransport run(Duration length, Duration vitalsEvery, Duration nibpEvery) {
    return new SimulatedTransport(START, length, vitalsEvery, nibpEvery);
  }

  /** A strip cut from the journaled waveform. */
  EcgStrip strip(Instant from, EcgStrip.Reason reason) {
    return EcgStrips.cut(waveforms, from, EcgStrips.STRIP_LENGTH, reason);
  }

  /** The strips the schedule asks for, given alarm and capture times. */
  List<EcgStrip> scheduledStrips(List<Instant> alarms, List<Instant> captures) {
    return EcgStrips.schedule(start, end, alarms, captures).stream()
        .map(s -> strip(s.start(), s.reason()))
        .toList();
  }

  static AlarmEvent alarm(Instant at) {
    return new AlarmEvent(
        "1.1.2.147842",
        MdcCode.of(196648, "MDC_EVT_HI"),
        MonitorCodes.HEART_RATE,
        AlarmPriority.HIGH,
        AlarmEvent.Kind.PHYSIOLOGICAL,
        "start",
        "active",
        "HR HIGH",
        at,
        MONITOR);
  }

  /** A record of this transport with every optional detail given. */
  HandoverRecord.Builder handover(String transportId) {
    return HandoverRecord.builder(transportId, "AMB-07", start)
        .end(end)
        .destination(new HandoverRecord.Destination("MGH-ED", "Massachusetts General ED"))
        .patient(new HandoverRecord.PatientInfo("UNK-7K3QX2", "", HandoverRecord.Sex.MALE, 80))
        .chiefComplaint("chest pain since 05:30")
        .acuityEsi(2)
        .crew(List.of("Medic 12 Jordan", "EMT Alvarez"))
        .devices(List.of(device))
        .vitals(vitals);
  }

  static NumericObservation numeric(
      MdcCode metric, String value, MdcCode unit, Instant at, String deviceId) {
    return new NumericObservation(
        metric, new BigDecimal(value), unit, "", at, deviceId, ResultStatus.FINAL, false);
  }
}
