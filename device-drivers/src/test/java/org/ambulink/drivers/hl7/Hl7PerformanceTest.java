package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.junit.jupiter.api.Test;

/**
 * Rough speed of the codec on the benchmark's message (12 leads x 125 samples plus vitals). The
 * bound is loose, to catch a tenfold regression (such as HAPI parsing every sample again), not to
 * measure this machine; the measured rates are printed.
 */
class Hl7PerformanceTest {
  @Test
  void twelve_lead_chunks_encode_and_decode_well_above_a_thousand_per_second() throws Exception {
    Random r = new Random(42);
    Instant t = Instant.parse("2024-03-15T14:30:05Z");
    List<WaveformSegment> leads = new ArrayList<>();
    for (MdcCode lead : EcgLeads.TWELVE_LEAD) {
      int[] samples = new int[125];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = r.nextInt(4000) - 2000;
      }
      leads.add(
          new WaveformSegment(
              lead,
              "1.1.1." + lead.code(),
              500,
              t,
              samples,
              new BigDecimal("0.005"),
              BigDecimal.ZERO,
              WaveformSegment.MILLIVOLT,
              Hl7EncoderTest.EUI));
    }
    MonitorMessage m =
        new MonitorMessage(
            "C1",
            "ORU^R01",
            Hl7EncoderTest.DEVICE,
            t,
            Hl7EncoderTest.vitalsAndEcg().observations(),
            leads,
            List.of(),
            List.of());
    Hl7Encoder encoder = new Hl7Encoder();
    Hl7Decoder decoder = new Hl7Decoder();
    String er7 = encoder.encodeObservationReport(m);
    for (int i = 0; i < 300; i++) {
      decoder.decode(encoder.encodeObservationReport(m));
    }

    int n = 1000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      er7 = encoder.encodeObservationReport(m);
    }
    long t1 = System.nanoTime();
    MonitorMessage d = null;
    for (int i = 0; i < n; i++) {
      d = decoder.decode(er7);
    }
    long t2 = System.nanoTime();

    double encodePerSecond = n * 1e9 / (t1 - t0);
    double decodePerSecond = n * 1e9 / (t2 - t1);
    System.out.printf(
        "HL7 codec, 12 leads x 125 samples (%d bytes): encode %.0f msg/s, decode %.0f msg/s%n",
        er7.length(), encodePerSecond, decodePerSecond);
    assertThat(d.sampleCount()).isEqualTo(12 * 125);
    assertThat(encodePerSecond).isGreaterThan(300);
    assertThat(decodePerSecond).isGreaterThan(300);
  }
}
