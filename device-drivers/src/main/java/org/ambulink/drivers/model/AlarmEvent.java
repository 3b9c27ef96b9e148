package org.ambulink.drivers.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An alarm or event report from a monitor (IHE PCD-04, ORU^R40).
 *
 * @param alarmId the device's identifier of this alarm instance, stable across its phases (the
 *     OBX-4 containment path plus the event code when the device gives nothing better)
 * @param event the event code, e.g. 196648 MDC_EVT_HI
 * @param source the metric the alarm is about, e.g. 147842 MDC_ECG_HEART_RATE; may be null for
 *     technical alarms about the device itself
 * @param priority high, medium, low or none
 * @param kind physiological (about the patient) or technical (about the equipment)
 * @param phase the event phase the device reported, e.g. {@code start}, {@code end}, {@code
 *     tpoint}; empty when not given
 * @param state the alarm state, e.g. {@code active}, {@code inactive}, {@code latched}; empty when
 *     not given
 * @param text the alarm text the device shows; empty when not given
 * @param time when the device raised it
 * @param deviceId the equipment id of the device that raised it
 */
public record AlarmEvent(
    String alarmId,
    MdcCode event,
    MdcCode source,
    AlarmPriority priority,
    Kind kind,
    String phase,
    String state,
    String text,
    Instant time,
    String deviceId) {

  /** Whether an alarm concerns the patient or the equipment. */
  public enum Kind {
    PHYSIOLOGICAL,
    TECHNICAL
  }

  public AlarmEvent {
    Objects.requireNonNull(alarmId, "alarmId");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(time, "time");
    phase = Objects.toString(phase, "");
    state = Objects.toString(state, "");
    text = Objects.toString(text, "");
    deviceId = Objects.toString(deviceId, "");
  }
}
