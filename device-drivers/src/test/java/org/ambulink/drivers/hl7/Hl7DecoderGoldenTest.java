package org.ambulink.drivers.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.WaveformSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests: each {@code .hl7} fixture (realistic device output; waveform samples taken from
 * PhysioNet records s0010_re and 100, Goldberger et al., Circulation 2000) decodes to its {@code
 * .expected} rendering.
 */
class Hl7DecoderGoldenTest {
  private final Hl7Decoder decoder = new Hl7Decoder();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pcd01-vitals-philips",
        "wcm-12lead-na",
        "wcm-ma",
        "oru-w01-v24",
        "pcd04-alarms",
        "dirty-mindray"
      })
  void fixture_decodes_to_its_expected_rendering(String name) throws Exception {
    MonitorMessage m = decoder.decode(Hl7Fixtures.load(name + ".hl7"));

    assertThat(Hl7Fixtures.render(m)).isEqualTo(Hl7Fixtures.load(name + ".expected"));
  }

  @Test
  void twelve_lead_samples_are_exactly_the_decimals_that_were_sent() throws Exception {
    String raw = Hl7Fixtures.load("wcm-12lead-na.hl7");
    List<List<BigDecimal>> sent = new ArrayList<>();
    for (String segment : raw.split("\r")) {
      String[] f = segment.split("\\|", -1);
      if (f[0].equals("OBX") && f[2].equals("NA")) {
        List<BigDecimal> values = new ArrayList<>();
        for (String v : f[5].split("\\^")) {
          values.add(new BigDecimal(v));
        }
        sent.add(values);
      }
    }

    MonitorMessage m = decoder.decode(raw);

    assertThat(m.waveforms()).hasSize(12);
    assertThat(m.waveforms()).extracting(WaveformSegment::lead).isEqualTo(EcgLeads.TWELVE_LEAD);
    for (int l = 0; l < 12; l++) {
      WaveformSegment w = m.waveforms().get(l);
      assertThat(w.sampleRateHz()).isEqualTo(1000.0);
      assertThat(w.offset()).isEqualByComparingTo("0");
      assertThat(w.sampleCount()).isEqualTo(sent.get(l).size());
      for (int i = 0; i < w.sampleCount(); i++) {
        assertThat(w.physical(i)).isEqualByComparingTo(sent.get(l).get(i));
      }
    }
    assertThat(m.dropped()).isEmpty();
  }

  @Test
  void dirty_message_keeps_both_nibp_families_as_sent_and_flags_demo_values() throws Exception {
    MonitorMessage m = decoder.decode(Hl7Fixtures.load("dirty-mindray.hl7"));

    assertThat(m.observations())
        .extracting(o -> o.metric().code())
        .contains(150301, 150302, 150303, 150021);
    assertThat(m.observations())
        .filteredOn(NumericObservation::demo)
        .extracting(o -> o.metric().code())
        .containsExactly(149530);
    assertThat(m.dropped())
        .extracting(DroppedItem::reason)
        .containsExactlyInAnyOrder(
            "sentinel",
            "sentinel",
            "vendor-code",
            "not-a-number",
            "value-type",
            "status",
            "no-sample-rate");
  }

  @Test
  void dropped_items_never_carry_patient_identification_or_the_bad_value() throws Exception {
    MonitorMessage m = decoder.decode(Hl7Fixtures.load("dirty-mindray.hl7"));

    for (DroppedItem d : m.dropped()) {
      assertThat(d.location() + " " + d.detail())
          .doesNotContain("ZZTEST", "PATIENT", "MRN99887766", "19700101", "---", "Check");
    }
  }

  @Test
  void vendor_code_with_an_mdc_alternate_is_read_as_the_mdc_term() throws Exception {
    MonitorMessage m = decoder.decode(Hl7Fixtures.load("dirty-mindray.hl7"));

    assertThat(m.observations())
        .filteredOn(o -> o.containmentPath().equals("1.7.1.151578"))
        .singleElement()
        .satisfies(
            o -> assertThat(o.metric()).isEqualTo(MdcCode.of(151578, "MDC_TTHOR_RESP_RATE")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\n\n", "\r\r"})
  void segment_separators_do_not_change_the_result(String separator) throws Exception {
    String raw = Hl7Fixtures.load("pcd01-vitals-philips.hl7");
    MonitorMessage expected = decoder.decode(raw);

    MonitorMessage m = decoder.decode(raw.replace("\r", separator));

    assertThat(m).isEqualTo(expected);
  }

  @Test
  void mllp_leftovers_and_whitespace_around_the_message_are_ignored() throws Exception {
    String raw = Hl7Fixtures.load("pcd01-vitals-philips.hl7");

    MonitorMessage m = decoder.decode("\u000b\n  " + raw + "\u001c\r\n");

    assertThat(m).isEqualTo(decoder.decode(raw));
  }

  @Test
  void timestamps_without_offset_are_read_in_the_configured_zone() throws Exception {
    String raw = Hl7Fixtures.load("oru-w01-v24.hl7");

    MonitorMessage utc = decoder.decode(raw);
    MonitorMessage vienna = new Hl7Decoder(java.time.ZoneId.of("Europe/Vienna")).decode(raw);

    assertThat(utc.messageTime()).hasToString("2024-03-15T14:30:05Z");
    assertThat(vienna.messageTime()).hasToString("2024-03-15T13:30:05Z");
  }

  @Test
  void one_decoder_serves_many_threads() throws Exception {
    List<String> names =
        List.of("pcd01-vitals-philips", "wcm-12lead-na", "wcm-ma", "pcd04-alarms", "dirty-mindray");
    List<String> raws = names.stream().map(n -> Hl7Fixtures.load(n + ".hl7")).toList();
    List<MonitorMessage> expected = new ArrayList<>();
    for (String raw : raws) {
      expected.add(decoder.decode(raw));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    int k = i % raws.size();
                    if (!decoder.decode(raws.get(k)).equals(expected.get(k))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
