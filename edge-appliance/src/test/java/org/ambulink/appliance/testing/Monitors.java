package org.ambulink.appliance.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7DecodeException;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.transport.MllpSender;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;

/** A simulated monitor feeding the appliance: real ECG records as PCD-01 messages over MLLP. */
public final class Monitors {
  /** How long a test waits for the appliance's ACK. */
  public static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private static final Hl7Encoder ENCODER = new Hl7Encoder();

  private Monitors() {}

  /**
   * A simulator replaying a WFDB record from the classpath at {@code rate} Hz, from now (to the
   * millisecond), in its default 250 ms chunks.
   */
  public static MonitorSimulator simulator(String record, double rate) throws IOException {
    return simulator(WfdbReader.read(record), rate);
  }

  /** A simulator replaying the record at {@code rate} Hz, from now, in 250 ms chunks. */
  public static MonitorSimulator simulator(WfdbRecord record, double rate) {
    return MonitorSimulator.builder(record)
        .outputRate(rate)
        .start(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .build();
  }

  /** Sends HL7 text over the link and parses the ACK it gets back. */
  public static AckResult exchange(MllpSender link, String hl7)
      throws IOException, Hl7DecodeException {
    byte[] reply = link.exchange(hl7.getBytes(StandardCharsets.UTF_8), ACK_TIMEOUT);
    return Hl7Acks.parse(new String(reply, StandardCharsets.UTF_8));
  }

  /**
   * Sends the simulator's next {@code n} messages over the link, each of which must be acknowledged
   * {@code AA} for its control id; returns them.
   */
  public static List<MonitorMessage> send(MllpSender link, MonitorSimulator sim, int n)
      throws IOException, Hl7DecodeException {
    List<MonitorMessage> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      MonitorMessage m = sim.next();
      AckResult ack = exchange(link, ENCODER.encodeObservationReport(m));
      assertThat(ack.code()).as("ACK of message %d", i).isEqualTo(AckCode.AA);
      assertThat(ack.controlId()).isEqualTo(m.controlId());
      sent.add(m);
    }
    return sent;
  }

  /** The physical values of one lead's samples in the messages, in order. */
  public static List<BigDecimal> physical(List<MonitorMessage> messages, int leadCode) {
    List<BigDecimal> out = new ArrayList<>();
    for (MonitorMessage m : messages) {
      for (WaveformSegment w : m.waveforms()) {
        if (w.lead().code() == leadCode) {
          for (int i = 0; i < w.sampleCount(); i++) {
            out.add(w.physical(i));
          }
        }
      }
    }
    return out;
  }
}
