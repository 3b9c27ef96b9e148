package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.GenericMessage;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.ambulink.drivers.model.AlarmEvent;
import org.ambulink.drivers.model.AlarmPriority;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.drivers.model.WaveformSegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The encoder's output byte for byte against fixtures, and checked by HAPI's validating parser (an
 * independent reader) for the PCD-01 / PCD-04 shape.
 */
class Hl7EncoderTest {
  static final String EUI = "0123456789ABCDEF";
  static final DeviceIdentity DEVICE = new DeviceIdentity(EUI, "AMBULINK_SIM", "", "");
  static final Instant T = Instant.parse("2024-03-15T14:30:05.250Z");
  static final MdcCode BPM = MdcCode.of(264864, "MDC_DIM_BEAT_PER_MIN");
  static final MdcCode MMHG = MdcCode.of(266016, "MDC_DIM_MMHG");
  static final MdcCode PERCENT = MdcCode.of(262688, "MDC_DIM_PERCENT");

  private static final HapiContext HAPI = new DefaultHapiContext();
  private final Hl7Encoder encoder = new Hl7Encoder();
  private final Hl7Decoder decoder = new Hl7Decoder();

  @AfterAll
  static void close() throws Exception {
    HAPI.close();
  }

  static MonitorMessage vitalsAndEcg() {
    Instant nibp = Instant.parse("2024-03-15T14:28:00Z");
    return new MonitorMessage(
        "SIM-000042",
        "ORU^R01",
        DEVICE,
        T,
        List.of(
            numeric(147842, "MDC_ECG_HEART_RATE", "72", BPM, "1.1.2.147842", T, false),
            numeric(150456, "MDC_PULS_OXIM_SAT_O2", "97.5", PERCENT, "1.2.1.150456", T, true),
            new NumericObservation(
                MdcCode.of(150301, "MDC_PRESS_CUFF_SYS"),
                new BigDecimal("120"),
                MMHG,
                "1.3.1.150301",
                nibp,
                EUI,
                ResultStatus.FINAL,
                false)),
        List.of(
            new WaveformSegment(
                EcgLeads.I,
                "1.1.1.131329",
                500,
                Instant.parse("2024-03-15T14:30:05Z"),
                new int[] {0, 3, -41, 200, 1},
                new BigDecimal("0.005"),
                BigDecimal.ZERO,
                WaveformSegment.MILLIVOLT,
                EUI),
            new WaveformSegment(
                EcgLeads.II,
                "1.1.1.131330",
                500,
                Instant.parse("2024-03-15T14:30:05Z"),
                new int[] {-5, 10, 17, 2000, -2000},
                new BigDecimal("0.0005"),
                BigDecimal.ZERO,
                WaveformSegment.MILLIVOLT,
                EUI)),
        List.of(),
        List.of());
  }

  static NumericObservation numeric(
      int code, String ref, String value, MdcCode unit, String path, Instant at, boolean demo) {
    return new NumericObservation(
        MdcCode.of(code, ref),
        new BigDecimal(value),
        unit,
        path,
        at,
        EUI,
        ResultStatus.PRELIMINARY,
        demo);
  }

  static MonitorMessage alarms() {
    return new MonitorMessage(
        "SIM-000043",
        "ORU^R40",
        DEVICE,
        T,
        List.of(),
        List.of(),
        List.of(
            new AlarmEvent(
                "ALM-7",
                MdcCode.of(196648, "MDC_EVT_HI"),
                MdcCode.of(147842, "MDC_ECG_HEART_RATE"),
                AlarmPriority.HIGH,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                "start",
                "active",
                "HR 152 > 120",
                T,
                EUI),
            new AlarmEvent(
                "ALM-8",
                MdcCode.of(196680, "MDC_EVT_LEAD_OFF"),
                null,
                AlarmPriority.LOW,
                AlarmEvent.Kind.TECHNICAL,
                "",
                "",
                "",
                T,
                EUI)),
        List.of());
  }

  @Test
  void observation_report_matches_the_golden_file_byte_for_byte() {
    assertThat(encoder.encodeObservationReport(vitalsAndEcg()))
        .isEqualTo(Hl7Fixtures.load("encoded-pcd01.hl7"));
  }

  @Test
  void alarm_report_matches_the_golden_file_byte_for_byte() {
    assertThat(encoder.encodeAlarmReport(alarms()))
        .isEqualTo(Hl7Fixtures.load("encoded-pcd04.hl7"));
  }

  @Test
  void golden_files_decode_back_to_the_same_data() throws Exception {
    MonitorMessage m = vitalsAndEcg();
    MonitorMessage d = decoder.decode(Hl7Fixtures.load("encoded-pcd01.hl7"));

    assertThat(d.observations()).isEqualTo(m.observations());
    Hl7RoundTripTest.assertSameWaveforms(d.waveforms(), m.waveforms());
    assertThat(d.device()).isEqualTo(DEVICE);
    assertThat(d.messageTime()).isEqualTo(T);
    assertThat(d.controlId()).isEqualTo("SIM-000042");
    assertThat(d.dropped()).isEmpty();
    assertThat(decoder.decode(Hl7Fixtures.load("encoded-pcd04.hl7")).alarms())
        .isEqualTo(alarms().alarms());
  }

  @Test
  void observation_report_has_the_pcd01_shape_hapi_validates() throws Exception {
    String er7 = encoder.encodeObservationReport(vitalsAndEcg());

    Message parsed = HAPI.getPipeParser().parse(er7);

    assertThat(parsed).isInstanceOf(ORU_R01.class);
    ORU_R01 oru = (ORU_R01) parsed;
    assertThat(oru.getMSH().getMsh9_MessageType().encode()).isEqualTo("ORU^R01^ORU_R01");
    assertThat(oru.getMSH().getMsh3_SendingApplication().encode())
        .isEqualTo("AMBULINK_SIM^0123456789ABCDEF^EUI-64");
    assertThat(oru.getMSH().getMsh10_MessageControlID().getValue()).isEqualTo("SIM-000042");
    assertThat(oru.getMSH().getMsh11_ProcessingID().encode()).isEqualTo("P");
    assertThat(oru.getMSH().getMsh12_VersionID().encode()).isEqualTo("2.6");
    assertThat(oru.getMSH().getMsh15_AcceptAcknowledgmentType().getValue()).isEqualTo("AL");
    assertThat(oru.getMSH().getMsh16_ApplicationAcknowledgmentType().getValue()).isEqualTo("NE");
    assertThat(oru.getMSH().getMsh18_CharacterSet(0).getValue()).isEqualTo("UNICODE UTF-8");
    assertThat(oru.getMSH().getMsh21_MessageProfileIdentifier(0).encode())
        .isEqualTo("IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO");
    var order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
    assertThat(order.getOBR().getObr4_UniversalServiceIdentifier().encode())
        .isEqualTo("182777000^monitoring of patient^SCT");
    assertThat(order.getOBR().getObr7_ObservationDateTime().getValue())
        .isEqualTo("20240315142800.000+0000");
    // MDS row, 3 numerics, 2 x (NA + rate + range)
    assertThat(order.getOBSERVATIONReps()).isEqualTo(10);
    OBX mds = order.getOBSERVATION(0).getOBX();
    assertThat(mds.getObx2_ValueType().getValue()).isNull();
    assertThat(mds.getObx3_ObservationIdentifier().encode())
        .isEqualTo("69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC");
    assertThat(mds.getObx4_ObservationSubID().getValue()).isEqualTo("1");
    assertThat(mds.getObx11_ObservationResultStatus().getValue()).isEqualTo("X");
    assertThat(mds.getObx18_EquipmentInstanceIdentifier(0).encode())
        .isEqualTo("0123456789ABCDEF^^0123456789ABCDEF^EUI-64");
    for (int i = 0; i < 10; i++) {
      OBX obx = order.getOBSERVATION(i).getOBX();
      assertThat(obx.getObx1_SetIDOBX().getValue()).isEqualTo(String.valueOf(i + 1));
    }
    OBX hr = order.getOBSERVATION(1).getOBX();
    assertThat(hr.getObx14_DateTimeOfTheObservation().getValue())
        .isEqualTo("20240315143005.250+0000");
    assertThat(hr.getObx17_ObservationMethod(0).encode()).isEqualTo("AMEAS^auto-measurement^MDC");
    OBX rate = order.getOBSERVATION(5).getOBX();
    assertThat(rate.getObx3_ObservationIdentifier().encode()).isEqualTo("0^MDC_ATTR_SAMP_RATE^MDC");
    assertThat(rate.getObx4_ObservationSubID().getValue()).isEqualTo("1.1.1.131329.1");
    assertThat(rate.getObx6_Units().encode()).isEqualTo("264608^MDC_DIM_PER_SEC^MDC");
    OBX range = order.getOBSERVATION(6).getOBX();
    assertThat(range.getObx5_ObservationValue(0).encode()).isEqualTo("-0.205^1");
  }

  @Test
  void alarm_report_is_valid_hl7_for_hapi() throws Exception {
    Message parsed = HAPI.getPipeParser().parse(encoder.encodeAlarmReport(alarms()));

    // HAPI has no v2.6 ORU_R40 structure; validation of every field still ran.
    assertThat(parsed).isInstanceOf(GenericMessage.class);
  }

  @Test
  void text_with_delimiters_survives_escaping() throws Exception {
    MdcCode odd = MdcCode.of(150456, "MDC_A|B^C&D~E\\F");
    MonitorMessage m =
        new MonitorMessage(
            "C|1^2",
            "ORU^R01",
            new DeviceIdentity("dev|&^~\\1", "name^with|delims", "", ""),
            T,
            List.of(numeric(150456, odd.refId(), "97", PERCENT, "1.2.1.150456", T, false)),
            List.of(),
            List.of(
                new AlarmEvent(
                    "id|^&~\\",
                    MdcCode.of(196648, "MDC_EVT_HI"),
                    odd,
                    AlarmPriority.MEDIUM,
                    AlarmEvent.Kind.PHYSIOLOGICAL,
                    "start",
                    "latched",
                    "text | ^ & ~ \\ end",
                    T,
                    "dev|&^~\\1")),
            List.of());

    MonitorMessage r = decoder.decode(encoder.encodeObservationReport(m));
    MonitorMessage a = decoder.decode(encoder.encodeAlarmReport(m));

    assertThat(r.controlId()).isEqualTo("C|1^2");
    assertThat(r.device()).isEqualTo(m.device());
    assertThat(r.observations()).isEqualTo(m.observations());
    assertThat(a.alarms()).isEqualTo(m.alarms());
  }

  @Test
  void empty_paths_and_device_ids_are_filled_in() throws Exception {
    MonitorMessage m =
        new MonitorMessage(
            "C1",
            "ORU^R01",
            DEVICE,
            T,
            List.of(
                new NumericObservation(
                    MdcCode.of(147842, "MDC_ECG_HEART_RATE"),
                    BigDecimal.TEN,
                    BPM,
                    "",
                    T,
                    "",
                    ResultStatus.PRELIMINARY,
                    false)),
            List.of(
                new WaveformSegment(
                    EcgLeads.V1,
                    "",
                    250,
                    T,
                    new int[] {1, 2},
                    BigDecimal.ONE,
                    BigDecimal.ZERO,
                    WaveformSegment.MILLIVOLT,
                    "")),
            List.of(),
            List.of());

    MonitorMessage d = decoder.decode(encoder.encodeObservationReport(m));

    assertThat(d.observations().get(0).containmentPath()).isEqualTo("1.1.1.147842");
    assertThat(d.observations().get(0).deviceId()).isEqualTo(EUI);
    assertThat(d.waveforms().get(0).containmentPath()).isEqualTo("1.2.1.131331");
    assertThat(d.waveforms().get(0).deviceId()).isEqualTo(EUI);
  }

  @Test
  void times_finer_than_a_millisecond_keep_four_fraction_digits() throws Exception {
    Instant start = Instant.parse("2024-03-15T14:30:05.347222222Z");
    WaveformSegment w =
        new WaveformSegment(
            EcgLeads.II,
            "1.1.1.131330",
            360,
            start,
            new int[] {1},
            new BigDecimal("0.005"),
            BigDecimal.ZERO,
            WaveformSegment.MILLIVOLT,
            EUI);
    MonitorMessage m =
        new MonitorMessage("C1", "ORU^R01", DEVICE, T, List.of(), List.of(w), List.of(), List.of());

    String er7 = encoder.encodeObservationReport(m);

    assertThat(er7).contains("|20240315143005.3472+0000|");
    assertThat(decoder.decode(er7).waveforms().get(0).startTime())
        .isEqualTo(Instant.parse("2024-03-15T14:30:05.3472Z"));
  }

  @Test
  void non_eui64_device_ids_are_written_as_local_ids() throws Exception {
    MonitorMessage m =
        new MonitorMessage(
            "C1",
            "ORU^R01",
            new DeviceIdentity("MON-17", "", "", ""),
            T,
            List.of(numeric(147842, "MDC_ECG_HEART_RATE", "60", BPM, "1.1.1.147842", T, false)),
            List.of(),
            List.of(),
            List.of());

    String er7 = encoder.encodeObservationReport(m);

    assertThat(er7).startsWith("MSH|^~\\&|^MON-17^L|");
    assertThat(decoder.decode(er7).device()).isEqualTo(m.device());
  }

  @Test
  void an_alarm_report_needs_an_alarm() {
    MonitorMessage none =
        new MonitorMessage("C1", "ORU^R40", DEVICE, T, List.of(), List.of(), List.of(), List.of());

    assertThatThrownBy(() -> encoder.encodeAlarmReport(none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("C1")
        .hasMessageContaining("no alarms");
  }
}
