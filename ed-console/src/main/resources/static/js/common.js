// Shared by the console's pages: API calls with the CSRF header, the top bar (who is logged in,
// logout), the server clock, and how times and ages are written.
(function () {
  "use strict";

  const AL = (window.AmbuLink = window.AmbuLink || {});

  // ------------------------------------------------------------------ cookies and API

  AL.cookie = function (name) {
    const parts = document.cookie ? document.cookie.split("; ") : [];
    for (const p of parts) {
      const i = p.indexOf("=");
      if (p.substring(0, i) === name) {
        return decodeURIComponent(p.substring(i + 1));
      }
    }
    return "";
  };

  /** An error from the API, with the HTTP status and the problem detail when there is one. */
  class ApiError extends Error {
    constructor(status, message, body) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }
  AL.ApiError = ApiError;

  /**
   * fetch() for the console's API: same-origin credentials, JSON in and out, the CSRF token as the
   * X-XSRF-TOKEN header on anything but GET. A 401 (session ended) goes back to the login page.
   */
  AL.api = async function (path, options) {
    const opts = Object.assign({ method: "GET", credentials: "same-origin" }, options || {});
    const headers = new Headers(opts.headers || {});
    headers.set("Accept", "application/json");
    if (opts.method !== "GET" && opts.method !== "HEAD") {
      headers.set("X-XSRF-TOKEN", AL.cookie("XSRF-TOKEN"));
      if (opts.body !== undefined && typeof opts.body !== "string") {
        opts.body = JSON.stringify(opts.body);
        headers.set("Content-Type", "application/json");
      }
    }
    opts.headers = headers;
    const res = await fetch(path, opts);
    if (res.status === 401) {
      location.href = "/login.html";
      throw new ApiError(401, "Your session has ended; please sign in again", null);
    }
    const type = res.headers.get("Content-Type") || "";
    let body = null;
    if (type.includes("json")) {
      body = await res.json().catch(() => null);
    } else {
      body = await res.text().catch(() => "");
    }
    if (!res.ok) {
      const detail =
        (body && typeof body === "object" && (body.detail || body.title || body.error)) ||
        res.status + " " + res.statusText;
      throw new ApiError(res.status, detail, body);
    }
    return body;
  };

  // ------------------------------------------------------------------ server clock

  // Ages are computed on the server's clock: offset = serverTime - Date.now() when an answer came.
  let clockOffsetMs = 0;
  AL.noteServerTime = function (serverTime) {
    const t = Date.parse(serverTime);
    if (Number.isFinite(t)) {
      clockOffsetMs = t - Date.now();
    }
  };
  /** Now, on the server's clock (ms since the epoch). */
  AL.now = function () {
    return Date.now() + clockOffsetMs;
  };
  AL.clockOffsetMs = function () {
    return clockOffsetMs;
  };

  // ------------------------------------------------------------------ formatting

  AL.parseTime = function (iso) {
    if (!iso) {
      return null;
    }
    const t = Date.parse(iso);
    return Number.isFinite(t) ? t : null;
  };

  function pad(n) {
    return n < 10 ? "0" + n : "" + n;
  }

  /** HH:MM, local time. */
  AL.hhmm = function (iso) {
    const t = typeof iso === "number" ? iso : AL.parseTime(iso);
    if (t === null) {
      return "";
    }
    const d = new Date(t);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  };

  /** HH:MM:SS, local time. */
  AL.hhmmss = function (iso) {
    const t = typeof iso === "number" ? iso : AL.parseTime(iso);
    if (t === null) {
      return "";
    }
    const d = new Date(t);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  };

  /** Day and time for logs: 2025-05-04 13:02:09. */
  AL.dateTime = function (iso) {
    const t = AL.parseTime(iso);
    if (t === null) {
      return "";
    }
    const d = new Date(t);
    return (
      d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + AL.hhmmss(t)
    );
  };

  /** A duration, short: "4 s", "3 min", "2 h 5 min". */
  AL.duration = function (ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) {
      return s + " s";
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
      return m + " min";
    }
    const h = Math.floor(m / 60);
    return h + " h" + (m % 60 ? " " + (m % 60) + " min" : "");
  };

  /** Milliseconds since a time, on the server's clock (never negative). */
  AL.ageMs = function (iso) {
    const t = AL.parseTime(iso);
    return t === null ? null : Math.max(0, AL.now() - t);
  };

  /** "4 s ago". */
  AL.ago = function (iso) {
    const a = AL.ageMs(iso);
    return a === null ? "never" : AL.duration(a) + " ago";
  };

  // ------------------------------------------------------------------ vitals

  const UNITS = { "mm[Hg]": "mmHg", Cel: "°C", "[degF]": "°F", "/min": "/min", "%": "%", "1": "" };
  AL.unit = function (ucum) {
    return ucum in UNITS ? UNITS[ucum] : ucum || "";
  };

  const INTEGER_LABELS = new Set(["HR", "PR", "SpO2", "RR", "etCO2", "NIBP sys", "NIBP dia", "NIBP mean"]);
  AL.formatValue = function (label, value) {
    const n = Number(value);
    if (value === null || value === undefined || value === "" || !Number.isFinite(n)) {
      return value == null ? "" : String(value);
    }
    if (INTEGER_LABELS.has(label)) {
      return String(Math.round(n));
    }
    if (label === "Temp") {
      return n.toFixed(1);
    }
    return String(value);
  };

  /** A safe test id / CSS class part from a label: "NIBP sys" → "NIBP-sys". */
  AL.key = function (label) {
    return String(label).replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
  };

  /**
   * The vitals as shown: NIBP systolic/diastolic (mean) joined in one, the usual order first (HR,
   * SpO2, NIBP, RR, etCO2, Temp, PR), anything else after by label. Each: {key, label, value, unit,
   * observedAt}; observedAt is the oldest of the parts joined.
   */
  const ORDER = ["HR", "SpO2", "NIBP", "RR", "etCO2", "Temp", "PR"];
  AL.displayVitals = function (vitals) {
    const byLabel = new Map();
    for (const v of vitals || []) {
      const prev = byLabel.get(v.label);
      if (!prev || (AL.parseTime(v.observedAt) || 0) > (AL.parseTime(prev.observedAt) || 0)) {
        byLabel.set(v.label, v);
      }
    }
    const out = [];
    const sys = byLabel.get("NIBP sys");
    const dia = byLabel.get("NIBP dia");
    const mean = byLabel.get("NIBP mean");
    if (sys || dia) {
      const parts = [sys, dia, mean].filter(Boolean);
      const oldest = parts
        .map((p) => AL.parseTime(p.observedAt))
        .filter((t) => t !== null)
        .reduce((a, b) => Math.min(a, b), Infinity);
      out.push({
        key: "NIBP",
        label: "NIBP",
        value:
          (sys ? AL.formatValue("NIBP sys", sys.value) : "–") +
          "/" +
          (dia ? AL.formatValue("NIBP dia", dia.value) : "–"),
        sub: mean ? "MAP " + AL.formatValue("NIBP mean", mean.value) : "",
        unit: AL.unit((sys || dia).unit),
        observedAt: Number.isFinite(oldest) ? new Date(oldest).toISOString() : null,
      });
    }
    byLabel.delete("NIBP sys");
    byLabel.delete("NIBP dia");
    byLabel.delete("NIBP mean");
    for (const v of byLabel.values()) {
      out.push({
        key: AL.key(v.label),
        label: v.label,
        value: AL.formatValue(v.label, v.value),
        sub: "",
        unit: AL.unit(v.unit),
        observedAt: v.observedAt,
      });
    }
    out.sort((a, b) => {
      const ia = ORDER.indexOf(a.key);
      const ib = ORDER.indexOf(b.key);
      if (ia !== ib) {
        return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
      }
      return a.label.localeCompare(b.label);
    });
    return out;
  };

  // ------------------------------------------------------------------ transports

  // UNKNOWN: this page lost its own connection to the console, so it cannot know the link.
  AL.LINK_TEXT = { LIVE: "LIVE", BACKFILLING: "BACKFILLING", DOWN: "LINK DOWN", UNKNOWN: "NO CONNECTION" };

  /** The most urgent active alarm nobody acknowledged, or null. */
  AL.topAlarm = function (t) {
    const rank = { HIGH: 0, MEDIUM: 1, LOW: 2 };
    const open = (t.alarms || []).filter((a) => a.state === "active" && !a.ackedBy);
    open.sort(
      (a, b) =>
        (rank[a.priority] ?? 3) - (rank[b.priority] ?? 3) ||
        (AL.parseTime(b.raisedAt) || 0) - (AL.parseTime(a.raisedAt) || 0)
    );
    return open.length ? open[0] : null;
  };

  /** When the clinical data was last new: the latest of the last event and the vitals. */
  AL.dataTime = function (t) {
    let best = AL.parseTime(t.lastEventAt);
    for (const v of t.vitals || []) {
      const o = AL.parseTime(v.observedAt);
      if (o !== null && (best === null || o > best)) {
        best = o;
      }
    }
    return best;
  };

  /**
   * The ETA as shown: {text, sub, small}. Counts down from etaAt on the server's clock.
   */
  AL.eta = function (t) {
    if (t.state === "HANDED_OVER") {
      return { text: "handed over", sub: t.handedOverAt ? AL.hhmm(t.handedOverAt) : "", small: true };
    }
    if (t.state === "CLOSED") {
      return { text: "closed", sub: "", small: true };
    }
    if (t.etaSeconds === 0) {
      return { text: "arrived", sub: "", small: true };
    }
    const at = AL.parseTime(t.etaAt);
    if (at === null) {
      return { text: "—", sub: "ETA unknown", small: false };
    }
    const left = at - AL.now();
    if (left <= 0) {
      return { text: "arrived", sub: "due " + AL.hhmm(at), small: true };
    }
    const min = Math.ceil(left / 60000);
    return { text: min + " min", sub: "at " + AL.hhmm(at), small: false };
  };

  AL.esiText = function (acuity) {
    return acuity ? "ESI " + acuity : "ESI –";
  };

  // ------------------------------------------------------------------ DOM

  /** Makes an element: el("div", {class: "x", "data-testid": "y"}, child, "text", …). */
  AL.el = function (tag, attrs) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k === "text") {
        e.textContent = v;
      } else {
        e.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (let i = 2; i < arguments.length; i++) {
      const c = arguments[i];
      if (c === null || c === undefined || c === false) {
        continue;
      }
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  };

  AL.byTestId = function (id, root) {
    return (root || document).querySelector('[data-testid="' + id + '"]');
  };

  AL.setText = function (el, text) {
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  };

  // ------------------------------------------------------------------ top bar

  /**
   * Loads who is logged in and fills the top bar: ED name, user, role, a live clock and the logout
   * form (a real POST with the CSRF token, so the server ends the session and audits it).
   */
  AL.loadMe = async function () {
    const me = await AL.api("/api/me");
    AL.me = me;
    AL.setText(AL.byTestId("ed-name"), me.edName || me.edId || "");
    AL.setText(AL.byTestId("user-name"), me.username);
    AL.setText(AL.byTestId("user-role"), String(me.role || "").toLowerCase());
    const form = AL.byTestId("logout-form");
    if (form) {
      form.addEventListener("submit", function () {
        form.querySelector('input[name="_csrf"]').value = AL.cookie("XSRF-TOKEN");
      });
    }
    return me;
  };

  function tickClock() {
    const c = AL.byTestId("clock");
    if (c) {
      AL.setText(c, AL.hhmmss(AL.now()));
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    tickClock();
    setInterval(tickClock, 1000);
  });
})();
