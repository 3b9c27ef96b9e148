// Decoder of the compact binary ECG frames of the live data channel, version 1 (the format is in
// docs/ecg-frames.md; the Java side is org.ambulink.drivers.ecgframe.EcgFrameCodec).
//
//   window.ambulinkEcgFrames.decode(arrayBuffer) ->
//     {seq, timeMs, timeUs, rateHz, scale, scaleNv, backfill, clipped,
//      leads: [{leadId, code, samples: Int16Array}]}
//   seq: uint32 sequence number; timeMs: time of sample 0, ms since the epoch (may be fractional);
//   timeUs: the same as a BigInt of microseconds (exact); scale: mV per sample unit, as
//   ambulinkEcg.push expects; scaleNv: the exact int32 nanovolts per sample unit; leadId: "I", "II",
//   "III", "aVR", "aVL", "aVF", "V1"…"V6" (or "MDC <code>" for another lead).
//   Throws an Error naming the bad value on a malformed frame.
// Little-endian layout: magic 0xEC, version 1, flags (bit 0 backfill, bit 1 clipped), lead count,
// uint32 seq, int64 µs, uint16 Hz, uint16 samples per lead, int32 nV per count, uint32 lead codes,
// int16 samples lead-major.
(function () {
  "use strict";

  const MAGIC = 0xec;
  const VERSION = 1;
  const FLAG_BACKFILL = 0x01;
  const FLAG_CLIPPED = 0x02;
  const KNOWN_FLAGS = FLAG_BACKFILL | FLAG_CLIPPED;
  const HEADER_BYTES = 24;
  const MAX_LEADS = 16;
  const MAX_FRAME_BYTES = 12 * 1024;
  const ELEC_POTL = 131328; // MDC_ECG_ELEC_POTL: lead codes are this + the lead number

  const LEAD_NAMES = new Map([
    [ELEC_POTL + 1, "I"],
    [ELEC_POTL + 2, "II"],
    [ELEC_POTL + 3, "V1"],
    [ELEC_POTL + 4, "V2"],
    [ELEC_POTL + 5, "V3"],
    [ELEC_POTL + 6, "V4"],
    [ELEC_POTL + 7, "V5"],
    [ELEC_POTL + 8, "V6"],
    [ELEC_POTL + 61, "III"],
    [ELEC_POTL + 62, "aVR"],
    [ELEC_POTL + 63, "aVL"],
    [ELEC_POTL + 64, "aVF"],
  ]);

  function leadId(code) {
    return LEAD_NAMES.get(code) || "MDC " + code;
  }

  function hex(b) {
    return "0x" + b.toString(16).padStart(2, "0");
  }

  function view(data) {
    if (data instanceof ArrayBuffer) {
      return new DataView(data);
    }
    if (ArrayBuffer.isView(data)) {
      return new DataView(data.buffer, data.byteOffset, data.byteLength);
    }
    throw new Error("ECG frame must be an ArrayBuffer or a typed array, was " + typeof data);
  }

  function decode(data) {
    const v = view(data);
    const length = v.byteLength;
    if (length > MAX_FRAME_BYTES) {
      throw new Error("over-size frame: " + length + " bytes, the maximum is " + MAX_FRAME_BYTES);
    }
    if (length < HEADER_BYTES) {
      throw new Error("truncated frame: " + length + " bytes, the header alone is " + HEADER_BYTES);
    }
    const magic = v.getUint8(0);
    if (magic !== MAGIC) {
      throw new Error("wrong magic " + hex(magic) + ", expected " + hex(MAGIC));
    }
    const version = v.getUint8(1);
    if (version !== VERSION) {
      throw new Error(
        "unsupported version " + version + ", this decoder reads version " + VERSION
      );
    }
    const flags = v.getUint8(2);
    if ((flags & ~KNOWN_FLAGS) !== 0) {
      throw new Error("unknown flag bits " + hex(flags & ~KNOWN_FLAGS));
    }
    const n = v.getUint8(3);
    if (n < 1 || n > MAX_LEADS) {
      throw new Error("lead count must be 1.." + MAX_LEADS + ", was " + n);
    }
    const seq = v.getUint32(4, true);
    const timeUs = v.getBigInt64(8, true);
    const rateHz = v.getUint16(16, true);
    if (rateHz === 0) {
      throw new Error("sample rate must be 1..65535 Hz, was 0");
    }
    const m = v.getUint16(18, true);
    if (m === 0) {
      throw new Error("samples per lead must be 1..65535, was 0");
    }
    const scaleNv = v.getInt32(20, true);
    if (scaleNv === 0) {
      throw new Error("scale must not be 0 nV per count");
    }
    const expected = HEADER_BYTES + 4 * n + 2 * n * m;
    if (length < expected) {
      throw new Error(
        "truncated frame: " + length + " bytes, " + n + " leads × " + m + " samples need " + expected
      );
    }
    if (length > expected) {
      throw new Error(
        "count mismatch: " + n + " leads × " + m + " samples make " + expected +
          " bytes, the frame has " + length
      );
    }
    const codes = [];
    for (let l = 0; l < n; l++) {
      const code = v.getUint32(HEADER_BYTES + 4 * l, true);
      if (code > 0x7fffffff) {
        throw new Error("lead code out of range: " + code);
      }
      if (codes.includes(code)) {
        throw new Error("duplicate lead code " + code);
      }
      codes.push(code);
    }
    const leads = [];
    let at = HEADER_BYTES + 4 * n;
    for (let l = 0; l < n; l++) {
      const samples = new Int16Array(m);
      for (let i = 0; i < m; i++, at += 2) {
        samples[i] = v.getInt16(at, true);
      }
      leads.push({ leadId: leadId(codes[l]), code: codes[l], samples: samples });
    }
    return {
      seq: seq,
      timeMs: Number(timeUs) / 1000,
      timeUs: timeUs,
      rateHz: rateHz,
      scale: scaleNv / 1e6,
      scaleNv: scaleNv,
      backfill: (flags & FLAG_BACKFILL) !== 0,
      clipped: (flags & FLAG_CLIPPED) !== 0,
      leads: leads,
    };
  }

  window.ambulinkEcgFrames = Object.freeze({ decode: decode, leadId: leadId });
})();
