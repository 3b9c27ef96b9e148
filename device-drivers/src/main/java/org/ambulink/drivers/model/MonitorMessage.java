package org.ambulink.drivers.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decoded HL7 message from a monitor: what it measured, sampled and alarmed, and what intake
 * dropped from it. Immutable; the lists are copies.
 *
 * @param controlId MSH-10, echoed in the ACK's MSA-2
 * @param messageType MSH-9 as {@code ORU^R01}, {@code ORU^W01} or {@code ORU^R40}
 * @param device the sending device
 * @param messageTime MSH-7
 */
public record MonitorMessage(
    String controlId,
    String messageType,
    DeviceIdentity device,
    Instant messageTime,
    List<NumericObservation> observations,
    List<WaveformSegment> waveforms,
    List<AlarmEvent> alarms,
    List<DroppedItem> dropped) {

  public MonitorMessage {
    Objects.requireNonNull(controlId, "controlId");
    Objects.requireNonNull(messageType, "messageType");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(messageTime, "messageTime");
    observations = List.copyOf(observations);
    waveforms = List.copyOf(waveforms);
    alarms = List.copyOf(alarms);
    dropped = List.copyOf(dropped);
  }

  /** Total waveform samples across all leads. */
  public long sampleCount() {
    long n = 0;
    for (WaveformSegment w : waveforms) {
      n += w.sampleCount();
    }
    return n;
  }
}
