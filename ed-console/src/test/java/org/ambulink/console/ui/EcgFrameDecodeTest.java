package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.drivers.ecgframe.EcgFrame;
import org.ambulink.drivers.ecgframe.EcgFrameCodec;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The browser's decoder of the live ECG frames ({@code /js/ecg-frames.js}) in a real headless
 * Chromium, on a console page after login (loaded as a same-origin script, as the console's CSP
 * allows), against frames encoded in Java from real ECG by {@link EcgFrameCodec}: every field and
 * every sample must match exactly, and malformed frames must raise an Error.
 */
class EcgFrameDecodeTest {
  private static final Instant START = Instant.parse("2025-03-01T10:15:00Z");

  /** Decodes base64 frames in the page; returns plain values WebDriver can carry back. */
  private static final String DECODE =
      """
      return arguments[0].map(function (b64) {
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        try {
          const f = window.ambulinkEcgFrames.decode(bytes.buffer);
          return {seq: f.seq, timeMs: f.timeMs, timeUs: String(f.timeUs), rateHz: f.rateHz,
            scale: f.scale, scaleNv: f.scaleNv, backfill: f.backfill, clipped: f.clipped,
            leads: f.leads.map(function (l) {
              return {leadId: l.leadId, code: l.code, isInt16: l.samples instanceof Int16Array,
                samples: Array.from(l.samples)};
            })};
        } catch (e) {
          return {error: (e instanceof Error) + ': ' + e.message};
        }
      });
      """;

  private static ConsoleServer server;
  private ConsoleBrowser browser;

  @BeforeAll
  static void startConsole() {
    server = ConsoleServer.start();
  }

  @AfterAll
  static void stopConsole() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void startBrowser() {
    browser = ConsoleBrowser.start(server.baseUrl());
    browser.login(ConsoleServer.PHYSICIAN);
    browser.asyncJs(
        "const done = arguments[arguments.length - 1];"
            + "const s = document.createElement('script');"
            + "s.src = '/js/ecg-frames.js';"
            + "s.onload = function () { done(true); };"
            + "s.onerror = function () { done(false); };"
            + "document.head.appendChild(s);");
    browser.waitFor(
        "window.ambulinkEcgFrames",
        () -> Boolean.TRUE.equals(browser.js("return !!window.ambulinkEcgFrames;")));
  }

  @AfterEach
  void stopBrowser(TestInfo info) {
    if (browser == null) {
      return;
    }
    try {
      browser.finish(info);
    } finally {
      browser = null;
    }
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> decodeInPage(List<byte[]> frames) {
    List<String> b64 = frames.stream().map(f -> Base64.getEncoder().encodeToString(f)).toList();
    return (List<Map<String, Object>>) browser.js(DECODE, b64);
  }

  @Test
  @SuppressWarnings("unchecked")
  void the_page_decodes_frames_of_real_ecg_exactly_as_java_encoded_them() throws Exception {
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re")).start(START).build();
    List<byte[]> frames = new ArrayList<>();
    long seq = 0xFFFF_FFFDL; // crosses the wrap of the uint32 sequence number
    for (int i = 0; i < 8; i++) {
      MonitorMessage m = sim.next();
      frames.add(EcgFrameCodec.encode(seq, m.waveforms(), i % 3 == 2));
      seq = EcgFrameCodec.nextSequence(seq);
    }
    // a clipped frame with extreme values and a lead outside the 12
    frames.add(
        EcgFrameCodec.encode(
            17,
            List.of(
                new WaveformSegment(
                    EcgLeads.AVF,
                    "",
                    250,
                    START.plusNanos(1_000),
                    new int[] {40_000, 32767, -32768, -40_000, 0, -1},
                    new BigDecimal("0.005"),
                    BigDecimal.ZERO,
                    WaveformSegment.MILLIVOLT,
                    "d"),
                new WaveformSegment(
                    org.ambulink.drivers.model.MdcCode.of(131400, ""),
                    "",
                    250,
                    START.plusNanos(1_000),
                    new int[6],
                    new BigDecimal("0.005"),
                    BigDecimal.ZERO,
                    WaveformSegment.MILLIVOLT,
                    "d")),
            false));

    List<Map<String, Object>> decoded = decodeInPage(frames);

    assertThat(decoded).hasSameSizeAs(frames);
    List<String> names =
        List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");
    for (int k = 0; k < frames.size(); k++) {
      EcgFrame j = EcgFrameCodec.decode(frames.get(k));
      Map<String, Object> js = decoded.get(k);
      String what = "frame " + k + " " + j;
      assertThat(js).as(what).doesNotContainKey("error");
      assertThat(((Number) js.get("seq")).longValue()).as(what).isEqualTo(j.sequence());
      assertThat(js.get("timeUs")).as(what).isEqualTo(Long.toString(j.startMicros()));
      assertThat(((Number) js.get("timeMs")).doubleValue())
          .as(what)
          .isEqualTo(j.startMicros() / 1000.0);
      assertThat(((Number) js.get("rateHz")).intValue()).as(what).isEqualTo(j.sampleRateHz());
      assertThat(((Number) js.get("scaleNv")).intValue()).as(what).isEqualTo(j.nanovoltsPerCount());
      assertThat(((Number) js.get("scale")).doubleValue())
          .as(what)
          .isEqualTo(j.nanovoltsPerCount() / 1e6);
      assertThat(js.get("backfill")).as(what).isEqualTo(j.backfill());
      assertThat(js.get("clipped")).as(what).isEqualTo(j.clipped());
      List<Map<String, Object>> leads = (List<Map<String, Object>>) js.get("leads");
      assertThat(leads).as(what).hasSize(j.leadCount());
      for (int l = 0; l < j.leadCount(); l++) {
        Map<String, Object> lead = leads.get(l);
        int code = j.leadCodes()[l];
        assertThat(((Number) lead.get("code")).intValue()).isEqualTo(code);
        String expectedId =
            EcgLeads.TWELVE_LEAD.contains(j.lead(l))
                ? EcgLeads.displayName(j.lead(l))
                : "MDC " + code;
        assertThat(lead.get("leadId")).as(what + " lead " + l).isEqualTo(expectedId);
        assertThat(lead.get("isInt16")).isEqualTo(true);
        List<Number> samples = (List<Number>) lead.get("samples");
        short[] expected = j.samples(l);
        int[] actual = samples.stream().mapToInt(Number::intValue).toArray();
        int[] widened = new int[expected.length];
        for (int i = 0; i < expected.length; i++) {
          widened[i] = expected[i];
        }
        assertThat(actual).as(what + " lead " + code).isEqualTo(widened);
      }
    }
    // the real 12-lead frames carry the 12 standard names in display order
    List<Map<String, Object>> first = (List<Map<String, Object>>) decoded.get(0).get("leads");
    assertThat(first).extracting(l -> l.get("leadId")).containsExactlyElementsOf(names);
    assertThat(decoded.get(2).get("backfill")).isEqualTo(true);
    assertThat(((Number) decoded.get(3).get("seq")).longValue()).isZero(); // wrapped
    assertThat(decoded.get(8).get("clipped")).isEqualTo(true);
    assertThat(Arrays.asList(frames.get(0).length)).containsExactly(3072);
  }

  @Test
  void malformed_frames_raise_an_error_naming_the_bad_value() throws Exception {
    MonitorSimulator sim =
        MonitorSimulator.builder(WfdbReader.read("ecg/s0010_re")).start(START).build();
    byte[] ok = EcgFrameCodec.encode(5, sim.next().waveforms(), false);
    byte[] magic = ok.clone();
    magic[0] = 0x45;
    byte[] version = ok.clone();
    version[1] = 9;
    byte[] flags = ok.clone();
    flags[2] = (byte) 0x80;
    byte[] leads = ok.clone();
    leads[3] = 11;

    List<Map<String, Object>> decoded =
        decodeInPage(
            List.of(
                Arrays.copyOf(ok, 10),
                Arrays.copyOf(ok, ok.length - 1),
                Arrays.copyOf(ok, ok.length + 2),
                magic,
                version,
                flags,
                leads,
                new byte[12 * 1024 + 1]));

    assertThat(decoded)
        .extracting(d -> d.get("error"))
        .containsExactly(
            "true: truncated frame: 10 bytes, the header alone is 24",
            "true: truncated frame: 3071 bytes, 12 leads × 125 samples need 3072",
            "true: count mismatch: 12 leads × 125 samples make 3072 bytes, the frame has 3074",
            "true: wrong magic 0x45, expected 0xec",
            "true: unsupported version 9, this decoder reads version 1",
            "true: unknown flag bits 0x80",
            "true: count mismatch: 11 leads × 125 samples make 2818 bytes, the frame has 3072",
            "true: over-size frame: 12289 bytes, the maximum is 12288");
  }
}
