package org.ambulink.drivers.hl7;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * Test fixtures in {@code src/test/resources/hl7/} and a stable text rendering of a decoded message
 * to compare against the {@code .expected} files. Waveform samples are rendered as their physical
 * values, so an expected file reads like the OBX-5 it came from.
 */
final class Hl7Fixtures {
  private Hl7Fixtures() {}

  /** The fixture's bytes as sent (segment separators untouched), decoded as UTF-8. */
  static String load(String name) {
    try (InputStream in = Hl7Fixtures.class.getResourceAsStream("/hl7/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture /hl7/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String render(MonitorMessage m) {
    StringBuilder b = new StringBuilder();
    b.append("message ")
        .append(m.messageType())
        .append(" control=")
        .append(m.controlId())
        .append(" time=")
        .append(m.messageTime())
        .append('\n');
    b.append("device id=")
        .append(m.device().equipmentId())
        .append(" name=")
        .append(m.device().name())
        .append('\n');
    for (NumericObservation o : m.observations()) {
      b.append("numeric ")
          .append(code(o.metric()))
          .append(" value=")
          .append(o.value().toPlainString())
          .append(" unit=")
          .append(code(o.unit()))
          .append(" path=")
          .append(o.containmentPath())
          .append(" at=")
          .append(o.observedAt())
          .append(" device=")
          .append(o.deviceId())
          .append(" status=")
          .append(o.status())
          .append(o.demo() ? " DEMO" : "")
          .append('\n');
    }
    for (WaveformSegment w : m.waveforms()) {
      b.append("waveform ")
          .append(code(w.lead()))
          .append(" path=")
          .append(w.containmentPath())
          .append(" rate=")
          .append(w.sampleRateHz())
          .append(" start=")
          .append(w.startTime())
          .append(" unit=")
          .append(code(w.unit()))
          .append(" scale=")
          .append(w.scale().toPlainString())
          .append(" offset=")
          .append(w.offset().toPlainString())
          .append(" device=")
          .append(w.deviceId())
          .append('\n');
      StringJoiner values = new StringJoiner(" ", "  values ", "\n");
      for (int i = 0; i < w.sampleCount(); i++) {
        BigDecimal v = w.physical(i);
        values.add(v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString());
      }
      b.append(values);
    }
    for (AlarmEvent a : m.alarms()) {
      b.append("alarm id=")
          .append(a.alarmId())
          .append(" event=")
          .append(code(a.event()))
          .append(" source=")
          .append(a.source() == null ? "-" : code(a.source()))
          .append(" priority=")
          .append(a.priority())
          .append(" kind=")
          .append(a.kind())
          .append(" phase=")
          .append(a.phase())
          .append(" state=")
          .append(a.state())
          .append(" time=")
          .append(a.time())
          .append(" device=")
          .append(a.deviceId())
          .append(" text=\"")
          .append(a.text())
          .append("\"\n");
    }
    for (DroppedItem d : m.dropped()) {
      b.append("dropped ")
          .append(d.location())
          .append(' ')
          .append(d.reason())
          .append(": ")
          .append(d.detail())
          .append('\n');
    }
    return b.toString();
  }

  private static String code(MdcCode c) {
    return c.code() + " " + c.refId();
  }
}
