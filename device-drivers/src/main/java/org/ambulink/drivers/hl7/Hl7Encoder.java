package org.ambulink.drivers.hl7;

import java.time.Instant;
import java.util.Objects;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * Writes a {@link MonitorMessage} as a monitor would send it: IHE PCD-01 ORU^R01 (v2.6) with
 * numeric OBX rows and WCM NA waveform rows, or an IHE PCD-04 ORU^R40 alarm report. Thread-safe and
 * stateless. The ER7 text is built directly (with escaping) rather than through HAPI's model:
 * HAPI's encoder alone took about 1 ms for a 12-lead chunk of 125 samples, over ten times this.
 *
 * <p>{@link Hl7Decoder} reads the output back to the same observations, waveforms (identical
 * physical values, see {@link WaveformSegment}) and alarms.
 */
public final class Hl7Encoder {
  static final String PCD01_PROFILE = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO";
  static final String PCD04_PROFILE = "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO";
  private static final String MONITORING = "182777000^monitoring of patient^SCT";
  private static final String AUTO_MEASUREMENT = "AMEAS^auto-measurement^MDC";

  /**
   * ORU^R01^ORU_R01: MSH, a placeholder PID (no patient identity), OBR (OBR-4 {@code
   * 182777000^monitoring of patient^SCT}, OBR-7 the earliest observation time), the MDS header row
   * (path {@code 1}, OBX-18 the device), one NM row per observation, then per waveform one NA row
   * followed by its {@code MDC_ATTR_SAMP_RATE} and {@code MDC_ATTR_DATA_RANGE} facets. Alarms in
   * {@code m} are not written here (see {@link #encodeAlarmReport}). Empty containment paths are
   * generated as {@code 1.1.<n>.<code>} for numerics and {@code 1.2.<n>.<code>} for waveforms;
   * empty device ids become the message's device.
   */
  public String encodeObservationReport(MonitorMessage m) {
    Objects.requireNonNull(m, "m");
    int estimate = 512 + m.observations().size() * 160;
    for (WaveformSegment w : m.waveforms()) {
      estimate += 400 + w.sampleCount() * 8;
    }
    StringBuilder b = new StringBuilder(estimate);
    String device = m.device().equipmentId();
    msh(b, m, "ORU^R01^ORU_R01", PCD01_PROFILE);
    b.append("PID|||^^^^^AN\r");
    Instant obrTime = m.messageTime();
    for (NumericObservation o : m.observations()) {
      obrTime = o.observedAt().isBefore(obrTime) ? o.observedAt() : obrTime;
    }
    for (WaveformSegment w : m.waveforms()) {
      obrTime = w.startTime().isBefore(obrTime) ? w.startTime() : obrTime;
    }
    obr(b, 1, m.controlId(), m.device(), MONITORING, obrTime);
    int set = 1;
    mdsRow(b, set++, device);
    int n = 0;
    for (NumericObservation o : m.observations()) {
      n++;
      String path =
          o.containmentPath().isEmpty()
              ? "1.1." + n + "." + o.metric().code()
              : o.containmentPath();
      Segment s = new Segment(b, "OBX");
      s.field(1).append(set++);
      s.field(2).append("NM");
      code(s.field(3), o.metric());
      Er7.appendEscaped(s.field(4), path);
      s.field(5).append(o.value().toPlainString());
      code(s.field(6), o.unit());
      if (o.demo()) {
        s.field(8).append("DEMO");
      }
      s.field(11).append(o.status().hl7());
      Hl7Time.append(s.field(14), o.observedAt());
      s.field(17).append(AUTO_MEASUREMENT);
      equipment(s.field(18), o.deviceId().isEmpty() ? device : o.deviceId());
      s.end();
    }
    int lead = 0;
    for (WaveformSegment w : m.waveforms()) {
      lead++;
      String path =
          w.containmentPath().isEmpty()
              ? "1.2." + lead + "." + w.lead().code()
              : w.containmentPath();
      set = waveform(b, set, w, path, w.deviceId().isEmpty() ? device : w.deviceId());
    }
    return b.toString();
  }

  private static int waveform(
      StringBuilder b, int set, WaveformSegment w, String path, String device) {
    Segment s = new Segment(b, "OBX");
    s.field(1).append(set++);
    s.field(2).append("NA");
    code(s.field(3), w.lead());
    Er7.appendEscaped(s.field(4), path);
    StringBuilder v = s.field(5);
    Decimals.PhysicalWriter writer = new Decimals.PhysicalWriter(w.scale(), w.offset());
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int i = 0; i < w.sampleCount(); i++) {
      int sample = w.sample(i);
      if (i > 0) {
        v.append('^');
      }
      writer.append(v, sample);
      min = Math.min(min, sample);
      max = Math.max(max, sample);
    }
    code(s.field(6), w.unit());
    s.field(11).append('R');
    Hl7Time.append(s.field(14), w.startTime());
    s.field(17).append(AUTO_MEASUREMENT);
    equipment(s.field(18), device);
    s.end();

    s = new Segment(b, "OBX");
    s.field(1).append(set++);
    s.field(2).append("NM");
    code(s.field(3), MdcTerms.SAMP_RATE);
    Er7.appendEscaped(s.field(4), path).append(".1");
    rate(s.field(5), w.sampleRateHz());
    code(s.field(6), MdcTerms.PER_SEC);
    s.field(11).append('R');
    s.end();

    if (w.sampleCount() > 0) {
      // The range of this segment's values: the best the model knows of the lead's range.
      Decimals.PhysicalWriter range = new Decimals.PhysicalWriter(w.scale(), w.offset());
      boolean negativeScale = w.scale().signum() < 0;
      s = new Segment(b, "OBX");
      s.field(1).append(set++);
      s.field(2).append("NR");
      code(s.field(3), MdcTerms.DATA_RANGE);
      Er7.appendEscaped(s.field(4), path).append(".2");
      StringBuilder r = s.field(5);
      range.append(r, negativeScale ? max : min);
      r.append('^');
      range.append(r, negativeScale ? min : max);
      code(s.field(6), w.unit());
      s.field(11).append('R');
      s.end();
    }
    return set;
  }

  /**
   * ORU^R40^ORU_R40 (IHE PCD-04) for {@code m.alarms()}: per alarm one OBR (OBR-3 the alarm id,
   * OBR-4 {@code 196616^MDC_EVT_ALARM^MDC}) with facet rows under base path {@code 1.0.0.<source
   * code or 0>}: .1 the event code in OBX-3 with the text in OBX-5 and OBX-8 {@code
   * <priority>~<SP|ST>}, .2 {@code MDC_ATTR_ALERT_SOURCE}, .3 {@code MDC_ATTR_EVENT_PHASE}, .4
   * {@code MDC_ATTR_ALARM_STATE} (each only when known). The MDS header row opens the first OBR.
   *
   * @throws IllegalArgumentException when {@code m} has no alarms (an empty PCD-04 says nothing)
   */
  public String encodeAlarmReport(MonitorMessage m) {
    Objects.requireNonNull(m, "m");
    if (m.alarms().isEmpty()) {
      throw new IllegalArgumentException(
          "message "
              + m.controlId()
              + " has no alarms to report; send its data with"
              + " encodeObservationReport");
    }
    StringBuilder b = new StringBuilder(512 + m.alarms().size() * 512);
    String device = m.device().equipmentId();
    msh(b, m, "ORU^R40^ORU_R40", PCD04_PROFILE);
    b.append("PID|||^^^^^AN\r");
    int k = 0;
    for (AlarmEvent a : m.alarms()) {
      k++;
      Segment o = new Segment(b, "OBR");
      o.field(1).append(k);
      Er7.appendEscaped(o.field(3), a.alarmId());
      code(o.field(4), MdcTerms.EVT_ALARM);
      Hl7Time.append(o.field(7), a.time());
      o.end();
      int set = 1;
      if (k == 1) {
        mdsRow(b, set++, device);
      }
      String base = "1.0.0." + (a.source() == null ? 0 : a.source().code());
      Segment s = new Segment(b, "OBX");
      s.field(1).append(set++);
      s.field(2).append("ST");
      code(s.field(3), a.event());
      s.field(4).append(base).append(".1");
      Er7.appendEscaped(s.field(5), a.text());
      s.field(8)
          .append(a.priority() == null ? AlarmPriority.NONE.hl7() : a.priority().hl7())
          .append('~')
          .append(a.kind() == AlarmEvent.Kind.PHYSIOLOGICAL ? "SP" : "ST");
      s.field(11).append('F');
      Hl7Time.append(s.field(14), a.time());
      equipment(s.field(18), a.deviceId().isEmpty() ? device : a.deviceId());
      s.end();
      if (a.source() != null) {
        s = facet(b, set++, "CWE", MdcTerms.ALERT_SOURCE, base + ".2");
        code(s.field(5), a.source());
        s.field(11).append('F');
        s.end();
      }
      if (!a.phase().isEmpty()) {
        s = facet(b, set++, "ST", MdcTerms.EVENT_PHASE, base + ".3");
        Er7.appendEscaped(s.field(5), a.phase());
        s.field(11).append('F');
        s.end();
      }
      if (!a.state().isEmpty()) {
        s = facet(b, set++, "ST", MdcTerms.ALARM_STATE, base + ".4");
        Er7.appendEscaped(s.field(5), a.state());
        s.field(11).append('F');
        s.end();
      }
    }
    return b.toString();
  }

  private static Segment facet(StringBuilder b, int set, String type, MdcCode code, String path) {
    Segment s = new Segment(b, "OBX");
    s.field(1).append(set);
    s.field(2).append(type);
    code(s.field(3), code);
    s.field(4).append(path);
    return s;
  }

  private static void msh(StringBuilder b, MonitorMessage m, String type, String profile) {
    DeviceIdentity d = m.device();
    b.append("MSH|^~\\&|");
    Er7.appendEscaped(b, d.name()).append('^');
    Er7.appendEscaped(b, d.equipmentId()).append('^').append(idType(d.equipmentId()));
    b.append("||||"); // MSH-4 .. MSH-6 empty
    Hl7Time.append(b, m.messageTime());
    b.append("||").append(type).append('|');
    Er7.appendEscaped(b, m.controlId());
    b.append("|P|2.6|||AL|NE||UNICODE UTF-8|||").append(profile).append('\r');
  }

  private static void obr(
      StringBuilder b, int set, String controlId, DeviceIdentity d, String service, Instant time) {
    Segment s = new Segment(b, "OBR");
    s.field(1).append(set);
    placer(s.field(2), controlId, d);
    placer(s.field(3), controlId, d);
    s.field(4).append(service);
    Hl7Time.append(s.field(7), time);
    s.end();
  }

  private static void placer(StringBuilder b, String controlId, DeviceIdentity d) {
    Er7.appendEscaped(b, controlId).append('^');
    Er7.appendEscaped(b, d.name()).append('^');
    Er7.appendEscaped(b, d.equipmentId()).append('^').append(idType(d.equipmentId()));
  }

  private static void mdsRow(StringBuilder b, int set, String device) {
    Segment s = new Segment(b, "OBX");
    s.field(1).append(set);
    code(s.field(3), MdcTerms.MDS_MULTI_PARAM);
    s.field(4).append('1');
    s.field(11).append('X');
    equipment(s.field(18), device);
    s.end();
  }

  private static void code(StringBuilder b, MdcCode c) {
    b.append(c.code()).append('^');
    Er7.appendEscaped(b, c.refId()).append("^MDC");
  }

  /** OBX-18 EI: {@code id^^id^EUI-64} for an EUI-64, else just the id. */
  private static void equipment(StringBuilder b, String id) {
    Er7.appendEscaped(b, id);
    if (isEui64(id)) {
      b.append("^^").append(id).append("^EUI-64");
    }
  }

  private static String idType(String id) {
    return isEui64(id) ? "EUI-64" : "L";
  }

  static boolean isEui64(String id) {
    if (id.length() != 16) {
      return false;
    }
    for (int i = 0; i < 16; i++) {
      if (Character.digit(id.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A rate as the shortest decimal that reads back to the same double. */
  private static void rate(StringBuilder b, double hz) {
    if (hz == Math.rint(hz) && Math.abs(hz) < 1e15) {
      b.append((long) hz);
    } else {
      Decimals.appendPlain(b, java.math.BigDecimal.valueOf(hz));
    }
  }

  /** Writes one segment field by field, adding the separators up to each field's number. */
  private static final class Segment {
    private final StringBuilder b;
    private int at;

    Segment(StringBuilder b, String name) {
      this.b = b;
      b.append(name);
    }

    StringBuilder field(int n) {
      if (n < at) {
        throw new IllegalStateException("fields must be written in order");
      }
      while (at < n) {
        b.append('|');
        at++;
      }
      return b;
    }

    void end() {
      b.append('\r');
    }
  }
}
