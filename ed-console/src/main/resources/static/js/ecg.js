// ECG renderer for the live view: a sweep display on a <canvas> at the standard paper speed and
// gain (25 mm/s, 10 mm/mV) over a proper ECG grid (1 mm minor, 5 mm major lines), one lead or the
// 12-lead layout (3×4 plus a rhythm strip of lead II).
//
// The live WebRTC session feeds it through window.ambulinkEcg:
//   push(leadId, sampleTimeMs, samples, sampleRateHz, scale)
//       leadId: "I", "II", "III", "aVR", "aVL", "aVF", "V1"…"V6"
//       sampleTimeMs: the time of samples[0], ms since the epoch (the monitor's clock)
//       samples: Int16Array, Float32Array or an array of numbers
//       scale: millivolts per sample unit (default 1: samples are in mV; e.g. 0.005 for 5 µV/LSB)
//   setLeads(["I", "II", …])   the leads the monitor delivers (the selector offers these)
//   setLive(bool)              false while the data cannot be live (link down, stream lost)
//   setLayout("single"|"12"), selectLead(id), setCalibration(dpi)
// Until samples arrive the canvas shows the grid and "No live ECG", never a flat line; when samples
// stop for more than liveTimeoutMs, or setLive(false), the trace freezes in grey under
// "ECG not live".
(function () {
  "use strict";

  const STANDARD_LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"];
  const LAYOUT_12 = [
    ["I", "aVR", "V1", "V4"],
    ["II", "aVL", "V2", "V5"],
    ["III", "aVF", "V3", "V6"],
  ];
  const RHYTHM_LEAD = "II";

  /** Settings; a page may set window.AMBULINK_ECG_CONFIG before this script runs. */
  const config = Object.assign(
    {
      dpi: 96, // screen calibration: CSS px per inch (96 → 3.78 px/mm)
      speedMmPerS: 25,
      gainMmPerMv: 10,
      singleHeightMm: 76, // canvas height with one lead
      twelveHeightMm: 100, // 4 rows of 25 mm
      marginMm: 8, // left margin for the 1 mV calibration pulse
      eraseMs: 200, // width of the erase bar ahead of the sweep
      renderDelayMs: 250, // the sweep trails the newest sample by this much (absorbs jitter)
      liveTimeoutMs: 2000, // no samples for this long: not live
      maxFps: 40,
      trace: "#3dff7f",
      traceStale: "#6b7480",
      background: "#050807",
      minor: "rgba(200, 60, 60, 0.16)",
      major: "rgba(235, 85, 85, 0.5)",
      label: "#9fb3c8",
    },
    window.AMBULINK_ECG_CONFIG || {}
  );

  const leads = new Map(); // id → {chunks: [{t0, dt, values: Float32Array}]}
  let available = STANDARD_LEADS.slice();
  let layout = "single";
  let selected = "II";
  let liveFlag = true;
  let latestT = null; // end time of the newest sample (ms, monitor clock)
  let lastPushPerf = null;
  let cursorT = null; // the sweep position (ms, monitor clock)
  let cursorPerf = null;
  let canvas = null;
  let ctx = null;
  let grid = null; // pre-rendered grid
  let overlay = null;
  let overlayText = null;
  let cssW = 0;
  let cssH = 0;
  let dpr = 1;
  let lastFrame = 0;
  const listeners = [];

  function pxPerMm() {
    return config.dpi / 25.4;
  }

  // ------------------------------------------------------------------ data in

  function push(leadId, sampleTimeMs, samples, sampleRateHz, scale) {
    const id = String(leadId);
    const fs = Number(sampleRateHz);
    const t0 = Number(sampleTimeMs);
    if (!samples || !samples.length || !(fs > 0) || !Number.isFinite(t0)) {
      return;
    }
    const k = scale === undefined || scale === null ? 1 : Number(scale);
    const values = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      values[i] = samples[i] * k;
    }
    let lead = leads.get(id);
    if (!lead) {
      lead = { chunks: [] };
      leads.set(id, lead);
      if (!available.includes(id)) {
        available = available.concat([id]);
        notify();
      }
    }
    const dt = 1000 / fs;
    lead.chunks.push({ t0: t0, dt: dt, values: values });
    const end = t0 + values.length * dt;
    if (latestT === null || end > latestT) {
      latestT = end;
    }
    lastPushPerf = performance.now();
    prune();
  }

  function windowMs() {
    const sweepPx = Math.max(10, cssW - config.marginMm * pxPerMm());
    return (sweepPx / pxPerMm() / config.speedMmPerS) * 1000;
  }

  function prune() {
    if (latestT === null) {
      return;
    }
    const keepFrom = latestT - windowMs() - 2000;
    for (const lead of leads.values()) {
      while (lead.chunks.length) {
        const c = lead.chunks[0];
        if (c.t0 + c.values.length * c.dt < keepFrom) {
          lead.chunks.shift();
        } else {
          break;
        }
      }
    }
  }

  function hasData() {
    return latestT !== null;
  }

  function isLive() {
    return (
      hasData() &&
      liveFlag &&
      lastPushPerf !== null &&
      performance.now() - lastPushPerf < config.liveTimeoutMs
    );
  }

  // ------------------------------------------------------------------ canvas

  function attach(canvasEl, overlayEl, overlayTextEl) {
    canvas = canvasEl;
    ctx = canvas.getContext("2d");
    overlay = overlayEl;
    overlayText = overlayTextEl;
    resize();
    if (window.ResizeObserver) {
      new ResizeObserver(resize).observe(canvas.parentElement);
    } else {
      window.addEventListener("resize", resize);
    }
    requestAnimationFrame(frame);
  }

  function resize() {
    if (!canvas) {
      return;
    }
    const w = Math.floor(canvas.parentElement.clientWidth);
    const h = Math.round((layout === "12" ? config.twelveHeightMm : config.singleHeightMm) * pxPerMm());
    dpr = window.devicePixelRatio || 1;
    if (w === cssW && h === cssH && canvas.width === Math.round(w * dpr)) {
      return;
    }
    cssW = w;
    cssH = h;
    canvas.style.height = h + "px"; // CSSOM, allowed by the content security policy
    canvas.width = Math.max(1, Math.round(w * dpr));
    canvas.height = Math.max(1, Math.round(h * dpr));
    grid = renderGrid();
    draw();
  }

  function renderGrid() {
    const g = document.createElement("canvas");
    g.width = canvas.width;
    g.height = canvas.height;
    const c = g.getContext("2d");
    c.fillStyle = config.background;
    c.fillRect(0, 0, g.width, g.height);
    const mm = pxPerMm() * dpr;
    const lines = function (major) {
      c.beginPath();
      c.strokeStyle = major ? config.major : config.minor;
      c.lineWidth = major ? Math.max(1, dpr) : 1;
      for (let i = 0; i * mm <= g.width; i++) {
        if ((i % 5 === 0) === major) {
          const x = Math.round(i * mm) + 0.5;
          c.moveTo(x, 0);
          c.lineTo(x, g.height);
        }
      }
      for (let j = 0; j * mm <= g.height; j++) {
        if ((j % 5 === 0) === major) {
          const y = Math.round(j * mm) + 0.5;
          c.moveTo(0, y);
          c.lineTo(g.width, y);
        }
      }
      c.stroke();
    };
    lines(false);
    lines(true);
    return g;
  }

  /** Rows to draw: each {top, height, leadAt(col) , cols, label positions}. */
  function rows() {
    if (layout === "12") {
      const h = cssH / 4;
      const out = LAYOUT_12.map((cols, r) => ({ top: r * h, height: h, cols: cols }));
      out.push({ top: 3 * h, height: h, cols: [RHYTHM_LEAD] });
      return out;
    }
    return [{ top: 0, height: cssH, cols: [selected] }];
  }

  function frame(now) {
    requestAnimationFrame(frame);
    if (now - lastFrame < 1000 / config.maxFps) {
      return;
    }
    lastFrame = now;
    draw();
  }

  function advanceCursor() {
    if (latestT === null) {
      return null;
    }
    const perf = performance.now();
    const target = latestT - config.renderDelayMs;
    if (!isLive()) {
      // frozen where it was: nothing moves when nothing is live
      if (cursorT === null) {
        cursorT = target;
      }
      cursorPerf = perf;
      return cursorT;
    }
    if (cursorT === null || Math.abs(target - cursorT) > windowMs()) {
      cursorT = target;
    } else {
      const next = cursorT + (perf - cursorPerf);
      // follow the data: never ahead of it, catch up smoothly when behind
      cursorT = Math.min(latestT, Math.max(next, Math.min(target, next + (target - next) * 0.1)));
    }
    cursorPerf = perf;
    return cursorT;
  }

  function draw() {
    if (!ctx || !grid) {
      return;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(grid, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const live = isLive();
    const cursor = advanceCursor();
    const mm = pxPerMm();
    const x0 = config.marginMm * mm;
    const W = windowMs();
    const pxPerMs = (config.speedMmPerS * mm) / 1000;
    const pxPerMv = config.gainMmPerMv * mm;

    for (const row of rows()) {
      const base = row.top + row.height / 2;
      // calibration pulse: 1 mV, 200 ms
      ctx.strokeStyle = config.label;
      ctx.lineWidth = 1.2;
      ctx.beginPath();
      ctx.moveTo(1.5 * mm, base);
      ctx.lineTo(2.5 * mm, base);
      ctx.lineTo(2.5 * mm, base - pxPerMv);
      ctx.lineTo(2.5 * mm + 5 * mm, base - pxPerMv);
      ctx.lineTo(2.5 * mm + 5 * mm, base);
      ctx.lineTo(x0 - 0.5 * mm, base);
      ctx.stroke();
      // lead labels and column separators
      const colW = (cssW - x0) / row.cols.length;
      ctx.fillStyle = config.label;
      ctx.font = "bold " + Math.round(Math.max(11, 3.2 * mm)) + "px sans-serif";
      ctx.textBaseline = "top";
      row.cols.forEach(function (lead, c) {
        const x = x0 + c * colW;
        ctx.fillText(lead, x + 1.2 * mm, row.top + 1.2 * mm);
        if (c > 0) {
          ctx.beginPath();
          ctx.moveTo(x + 0.5, base - 2.5 * mm);
          ctx.lineTo(x + 0.5, base + 2.5 * mm);
          ctx.stroke();
        }
      });
      if (cursor === null) {
        continue;
      }
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, row.top, cssW - x0, row.height);
      ctx.clip();
      ctx.strokeStyle = live ? config.trace : config.traceStale;
      ctx.lineWidth = 1.6;
      ctx.lineJoin = "round";
      const from = cursor - W + config.eraseMs;
      row.cols.forEach(function (leadId, c) {
        const lead = leads.get(leadId);
        if (!lead) {
          return;
        }
        ctx.beginPath();
        let drawing = false;
        let prevX = -1;
        let prevT = null;
        for (const chunk of lead.chunks) {
          const n = chunk.values.length;
          if (chunk.t0 + n * chunk.dt < from || chunk.t0 > cursor) {
            continue;
          }
          let i0 = Math.max(0, Math.floor((from - chunk.t0) / chunk.dt));
          for (let i = i0; i < n; i++) {
            const t = chunk.t0 + i * chunk.dt;
            if (t > cursor) {
              break;
            }
            const phase = ((t % W) + W) % W;
            const col = row.cols.length === 1 ? 0 : Math.min(row.cols.length - 1, Math.floor((phase / W) * row.cols.length));
            if (col !== c) {
              drawing = false;
              continue;
            }
            const x = x0 + phase * pxPerMs;
            const y = base - chunk.values[i] * pxPerMv;
            const gap = prevT !== null && t - prevT > chunk.dt * 3;
            if (!drawing || x < prevX || gap) {
              ctx.moveTo(x, y);
              drawing = true;
            } else {
              ctx.lineTo(x, y);
            }
            prevX = x;
            prevT = t;
          }
        }
        ctx.stroke();
      });
      if (live) {
        // the sweep head
        const hx = x0 + ((((cursor % W) + W) % W) * pxPerMs);
        ctx.fillStyle = "rgba(61, 255, 127, 0.35)";
        ctx.fillRect(hx, row.top, 2, row.height);
      }
      ctx.restore();
    }
    updateOverlay(live);
  }

  function updateOverlay(live) {
    if (!overlay) {
      return;
    }
    let text = "";
    if (!liveFlag) {
      text = "ECG not live"; // link down or stream lost: whatever is drawn is old
    } else if (!hasData()) {
      text = "No live ECG";
    } else if (!live) {
      text = "ECG not live";
    }
    overlay.classList.toggle("hidden", text === "");
    overlay.classList.toggle("warn", text === "ECG not live");
    overlay.dataset.state = text === "" ? "live" : text === "No live ECG" ? "no-data" : "not-live";
    if (overlayText && overlayText.textContent !== text && text) {
      overlayText.textContent = text;
    }
  }

  // ------------------------------------------------------------------ controls

  function notify() {
    for (const l of listeners) {
      l(available.slice());
    }
  }

  window.ambulinkEcg = {
    STANDARD_LEADS: STANDARD_LEADS.slice(),
    config: config,
    attach: attach,
    push: push,
    setLeads: function (list) {
      available = (list && list.length ? list : STANDARD_LEADS).map(String);
      if (!available.includes(selected)) {
        selected = available[0];
      }
      notify();
    },
    leads: function () {
      return available.slice();
    },
    onLeadsChanged: function (fn) {
      listeners.push(fn);
      fn(available.slice());
    },
    setLive: function (on) {
      liveFlag = !!on;
    },
    setLayout: function (l) {
      layout = l === "12" ? "12" : "single";
      resize();
      draw();
    },
    selectLead: function (id) {
      selected = String(id);
      draw();
    },
    setCalibration: function (dpi) {
      config.dpi = Number(dpi) > 0 ? Number(dpi) : 96;
      cssW = 0;
      resize();
    },
    /** What is shown, for tests and diagnostics. */
    status: function () {
      return {
        hasData: hasData(),
        live: isLive(),
        layout: layout,
        lead: selected,
        pxPerMm: pxPerMm(),
        windowMs: windowMs(),
        cursorT: cursorT,
        latestT: latestT,
      };
    },
    clear: function () {
      leads.clear();
      latestT = null;
      lastPushPerf = null;
      cursorT = null;
      draw();
    },
  };
})();
