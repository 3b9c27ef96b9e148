package org.ambulink.fhir;

import static org.ambulink.fhir.SimulatedTransport.numeric;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorCodes;
import org.junit.jupiter.api.Test;

/**
 * A small handover, one of each thing, against the reviewed JSON in {@code
 * src/test/resources/golden/handover-small.json}. After a deliberate mapping change, regenerate it
 * with {@code -Dgolden.update=true}, review the diff, and commit it.
 */
class GoldenBundleTest {
  private static final String GOLDEN = "golden/handover-small.json";
  private static final Instant T0 = Instant.parse("2026-12-02T06:07:00Z");
  private static final String DEV = "0123456789ABCDEF";

  static HandoverRecord small() {
    List<WaveformSegment> leads =
        List.of(
            lead(EcgLeads.II, new int[] {0, 12, 250, 1840, 310, -96, -20, 0}),
            lead(EcgLeads.V2, new int[] {-4, 0, -180, -2210, 402, 80, 10, -2}));
    return HandoverRecord.builder("T20261202-060700-ABCD", "AMB-07", T0)
        .end(T0.plusSeconds(1800))
        .destination(new HandoverRecord.Destination("MGH-ED", "Massachusetts General ED"))
        .patient(new HandoverRecord.PatientInfo("UNK-7K3QX2", "", HandoverRecord.Sex.MALE, 80))
        .chiefComplaint("chest pain since 05:30")
        .acuityEsi(2)
        .crew(List.of("Medic 12 Jordan", "EMT Alvarez"))
        .devices(List.of(new DeviceIdentity(DEV, "Monitor 1", "Acme", "M-100")))
        .vitals(
            List.of(
                numeric(MonitorCodes.HEART_RATE, "84", MonitorCodes.BEATS_PER_MIN, T0, DEV),
                numeric(MonitorCodes.SPO2, "95", MonitorCodes.PERCENT, T0, DEV),
                numeric(MonitorCodes.NIBP_SYS, "142", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.NIBP_DIA, "88", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.NIBP_MEAN, "106", MonitorCodes.MMHG, T0, DEV),
                numeric(MonitorCodes.ETCO2, "-999", MonitorCodes.MMHG, T0, DEV)))
        .strips(List.of(new EcgStrip(EcgStrip.Reason.TRANSPORT_START, T0, leads)))
        .build();
  }

  private static WaveformSegment lead(MdcCode code, int[] samples) {
    return new WaveformSegment(
        code,
        MonitorCodes.waveformPath(code),
        500,
        T0,
        samples,
        new BigDecimal("0.0005"),
        BigDecimal.ZERO,
        WaveformSegment.MILLIVOLT,
        DEV);
  }

  @Test
  void a_small_handover_maps_to_the_reviewed_json() throws IOException {
    String json =
        FhirR4.context()
                .newJsonParser()
                .setPrettyPrint(true)
                .encodeResourceToString(new HandoverBundleBuilder().build(small()))
            + "\n";

    if (Boolean.getBoolean("golden.update")) {
      Path file = Path.of("src/test/resources", GOLDEN);
      Files.createDirectories(file.getParent());
      Files.writeString(file, json, StandardCharsets.UTF_8);
      return; // the classpath still holds the old copy until the next build
    }
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
      assertThat(in).as(GOLDEN + " (create it with -Dgolden.update=true)").isNotNull();
      assertThat(json).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
