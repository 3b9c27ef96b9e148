package org.ambulink.drivers.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One numeric measurement from a monitor (an OBX with value type NM).
 *
 * @param metric what was measured (OBX-3)
 * @param value the value exactly as sent, in {@code unit}
 * @param unit the MDC unit (OBX-6), e.g. 262688 MDC_DIM_PERCENT
 * @param containmentPath MDS.VMD.Channel.Metric (OBX-4), e.g. {@code 1.3.1.150456}; may be empty
 * @param observedAt when the device measured it (OBX-14, else the message time)
 * @param deviceId the equipment id of the device that measured it
 * @param status OBX-11
 * @param demo true when the device flagged the value as simulated (OBX-8 {@code DEMO}): such a
 *     value is not patient data and must never become a patient observation
 */
public record NumericObservation(
    MdcCode metric,
    BigDecimal value,
    MdcCode unit,
    String containmentPath,
    Instant observedAt,
    String deviceId,
    ResultStatus status,
    boolean demo) {
  public NumericObservation {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(observedAt, "observedAt");
    Objects.requireNonNull(status, "status");
    containmentPath = Objects.toString(containmentPath, "");
    deviceId = Objects.toString(deviceId, "");
  }
}
