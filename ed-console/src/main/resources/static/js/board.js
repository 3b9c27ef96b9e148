// The incoming board: one card per ambulance heading to this ED, kept up to date by server-sent
// events (/api/board/stream: "board" with the whole list, then "transport" per changed one).
(function () {
  "use strict";

  const AL = window.AmbuLink;
  const NEW_HIGHLIGHT_MS = 30000;
  const HANDED_OVER_SHOWN_MS = 2 * 3600 * 1000;
  const CARD_VITALS = ["HR", "SpO2", "NIBP", "RR"];

  const transports = new Map(); // id → summary
  const newUntil = new Map(); // id → Date.now() until which the card is highlighted
  const cards = new Map(); // id → element
  let staleAfterMs = 10000;
  let boardLoaded = false;
  let streamOk = false;
  let source = null;

  // ------------------------------------------------------------------ stream

  function connect() {
    source = new EventSource("/api/board/stream");
    source.addEventListener("board", function (e) {
      const list = JSON.parse(e.data);
      const seen = new Set();
      for (const t of list) {
        seen.add(t.id);
        upsert(t, boardLoaded);
      }
      for (const id of Array.from(transports.keys())) {
        if (!seen.has(id)) {
          transports.delete(id);
        }
      }
      if (!boardLoaded) {
        // first load: highlight only transports that started in the last 30 s
        for (const t of list) {
          const started = AL.parseTime(t.startedAt);
          if (started !== null && AL.now() - started < NEW_HIGHLIGHT_MS) {
            newUntil.set(t.id, Date.now() + NEW_HIGHLIGHT_MS - (AL.now() - started));
          }
        }
      }
      boardLoaded = true;
      setStream(true);
      render();
    });
    source.addEventListener("transport", function (e) {
      upsert(JSON.parse(e.data), true);
      setStream(true);
      render();
    });
    source.onerror = function () {
      setStream(false);
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an answer that is not an event stream): check the session,
        // then open a new stream.
        source.close();
        setTimeout(function () {
          AL.api("/api/me")
            .then(connect)
            .catch(function () {
              setTimeout(connect, 5000);
            });
        }, 3000);
      }
    };
  }

  function upsert(t, highlightIfNew) {
    if (t.serverTime) {
      AL.noteServerTime(t.serverTime);
    }
    if (!shown(t)) {
      transports.delete(t.id);
      return;
    }
    if (!transports.has(t.id) && highlightIfNew) {
      newUntil.set(t.id, Date.now() + NEW_HIGHLIGHT_MS);
    }
    transports.set(t.id, t);
  }

  function shown(t) {
    if (t.state === "EN_ROUTE") {
      return true;
    }
    if (t.state === "HANDED_OVER") {
      const at = AL.parseTime(t.handedOverAt);
      return at === null || AL.now() - at < HANDED_OVER_SHOWN_MS;
    }
    return false;
  }

  function setStream(ok) {
    streamOk = ok;
    document.body.dataset.stream = ok ? "open" : "lost";
    AL.byTestId("stream-banner").classList.toggle("hidden", ok);
    document.body.classList.toggle("not-live", !ok);
  }

  // ------------------------------------------------------------------ rendering

  function order(a, b) {
    const ra = a.state === "EN_ROUTE" ? 0 : 1;
    const rb = b.state === "EN_ROUTE" ? 0 : 1;
    if (ra !== rb) {
      return ra - rb;
    }
    if (ra === 0) {
      const ea = AL.parseTime(a.etaAt);
      const eb = AL.parseTime(b.etaAt);
      if (ea !== eb) {
        return (ea === null ? Infinity : ea) - (eb === null ? Infinity : eb);
      }
      return (AL.parseTime(a.startedAt) || 0) - (AL.parseTime(b.startedAt) || 0);
    }
    return (AL.parseTime(b.handedOverAt) || 0) - (AL.parseTime(a.handedOverAt) || 0);
  }

  function render() {
    const board = AL.byTestId("board");
    for (const id of Array.from(transports.keys())) {
      if (!shown(transports.get(id))) {
        transports.delete(id);
      }
    }
    for (const [id, el] of cards) {
      if (!transports.has(id)) {
        el.remove();
        cards.delete(id);
      }
    }
    const list = Array.from(transports.values()).sort(order);
    list.forEach(function (t, i) {
      let el = cards.get(t.id);
      if (!el) {
        el = AL.el("a", {
          class: "card",
          "data-testid": "transport-card",
          "data-transport-id": t.id,
          href: "/live.html?transport=" + encodeURIComponent(t.id),
        });
        cards.set(t.id, el);
      }
      fill(el, t);
      if (board.children[i] !== el) {
        board.insertBefore(el, board.children[i] || null);
      }
    });
    const enRoute = list.filter((t) => t.state === "EN_ROUTE").length;
    AL.setText(
      AL.byTestId("board-count"),
      boardLoaded ? enRoute + " en route" + (list.length > enRoute ? ", " + (list.length - enRoute) + " handed over" : "") : "loading…"
    );
    AL.byTestId("board-empty").classList.toggle("hidden", !boardLoaded || list.length > 0);
  }

  function fill(el, t) {
    const now = Date.now();
    const isNew = (newUntil.get(t.id) || 0) > now;
    if (!isNew) {
      newUntil.delete(t.id);
    }
    const alarm = AL.topAlarm(t);
    const linkState = streamOk ? (t.link && t.link.state) || "UNKNOWN" : "UNKNOWN";
    const dataAt = AL.dataTime(t);
    const dataAge = dataAt === null ? null : Math.max(0, AL.now() - dataAt);
    const enRoute = t.state === "EN_ROUTE";
    const stale = enRoute && (!streamOk || linkState === "DOWN" || dataAge === null || dataAge > staleAfterMs);

    el.className = "card";
    if (t.acuity) {
      el.classList.add("acuity-" + t.acuity);
    }
    el.classList.toggle("new", isNew);
    el.classList.toggle("handed-over", t.state === "HANDED_OVER");
    el.classList.toggle("link-down", enRoute && linkState === "DOWN");
    el.classList.toggle("alarm-high", !!alarm && alarm.priority === "HIGH");
    el.classList.toggle("alarm-medium", !!alarm && alarm.priority === "MEDIUM");
    el.dataset.state = t.state;
    el.dataset.new = isNew ? "true" : "false";
    el.dataset.alarm = alarm ? alarm.priority : "";
    el.dataset.stale = stale ? "true" : "false";

    // top line: acuity, unit, NEW, link
    const top = AL.el(
      "div",
      { class: "card-top" },
      AL.el("span", { class: "esi esi-" + (t.acuity || "none"), "data-testid": "esi", text: AL.esiText(t.acuity) }),
      AL.el("span", { class: "card-unit", "data-testid": "unit", text: t.unit || t.deviceId || "Ambulance" }),
      AL.el("span", { class: "new-tag", "data-testid": "new-tag", text: "NEW" }),
      AL.el("span", { class: "spacer" }),
      enRoute
        ? AL.el("span", {
            class: "link link-" + linkState,
            "data-testid": "link-state",
            "data-state": linkState,
            text: AL.LINK_TEXT[linkState] || linkState,
            title: t.link && t.link.backlog ? t.link.backlog + " records still to come" : null,
          })
        : null
    );

    const complaint = AL.el("div", {
      class: "card-complaint" + (t.chiefComplaint ? "" : " none"),
      "data-testid": "complaint",
      text: t.chiefComplaint || "No chief complaint given",
    });

    const eta = AL.eta(t);
    const etaBox = AL.el(
      "div",
      { class: "eta" },
      AL.el("span", { class: "eta-label", text: "ETA" }),
      AL.el("span", { class: "eta-value num" + (eta.small ? " small" : ""), "data-testid": "eta", text: eta.text }),
      AL.el("span", { class: "eta-sub", text: eta.sub })
    );

    const vitals = AL.displayVitals(t.vitals);
    const byKey = new Map(vitals.map((v) => [v.key, v]));
    const vitalsBox = AL.el("div", { class: "card-vitals" + (stale ? " stale" : "") });
    for (const k of CARD_VITALS) {
      const v = byKey.get(k);
      vitalsBox.append(
        AL.el(
          "div",
          { class: "cv" + (v ? "" : " missing"), "data-testid": "vital-" + k },
          AL.el("div", { class: "cv-label", text: k }),
          AL.el(
            "div",
            { class: "cv-value num" },
            AL.el("span", { "data-testid": "vital-" + k + "-value", text: v ? v.value : "—" }),
            v && v.unit ? AL.el("span", { class: "cv-unit", text: v.unit }) : null
          )
        )
      );
    }
    const mid = AL.el("div", { class: "card-mid" }, etaBox, vitalsBox);

    const alarmBox = alarm
      ? AL.el("div", {
          class: "card-alarm p-" + alarm.priority,
          "data-testid": "alarm-banner",
          "data-priority": alarm.priority,
          text: alarm.priority + " · " + (alarm.text || alarm.source || "alarm"),
        })
      : null;

    let status;
    if (t.state === "HANDED_OVER") {
      status = "Handed over " + AL.hhmm(t.handedOverAt);
    } else if (t.startedAt) {
      status = "En route since " + AL.hhmm(t.startedAt);
    } else {
      status = "En route";
    }
    const foot = AL.el(
      "div",
      { class: "card-foot" },
      AL.el("span", { class: "handover-status", "data-testid": "handover-status", text: status }),
      t.distanceMetres != null && enRoute
        ? AL.el("span", { class: "num", text: (t.distanceMetres / 1000).toFixed(1) + " km" })
        : null,
      AL.el("span", { class: "spacer" }),
      AL.el("span", {
        class: "data-age num" + (stale ? " stale" : ""),
        "data-testid": "data-age",
        "data-stale": stale ? "true" : "false",
        text: dataAge === null ? "no data yet" : "updated " + AL.duration(dataAge) + " ago",
      })
    );

    const parts = [top, complaint, mid, alarmBox, foot].filter(Boolean);
    if (el.children.length !== parts.length) {
      el.replaceChildren(...parts);
    } else {
      parts.forEach((p, i) => morph(el.children[i], p));
    }
  }

  /**
   * Makes {@code old} look like {@code neu}, touching only what differs, so the card's elements
   * stay in place while their texts change every second (no flicker, selections and focus kept).
   */
  function morph(old, neu) {
    if (old.isEqualNode(neu)) {
      return;
    }
    if (old.nodeType !== neu.nodeType || old.nodeName !== neu.nodeName) {
      old.replaceWith(neu);
      return;
    }
    if (old.nodeType === Node.TEXT_NODE) {
      old.nodeValue = neu.nodeValue;
      return;
    }
    for (const a of Array.from(old.attributes)) {
      if (!neu.hasAttribute(a.name)) {
        old.removeAttribute(a.name);
      }
    }
    for (const a of Array.from(neu.attributes)) {
      if (old.getAttribute(a.name) !== a.value) {
        old.setAttribute(a.name, a.value);
      }
    }
    if (old.childNodes.length !== neu.childNodes.length) {
      old.replaceChildren(...Array.from(neu.childNodes));
      return;
    }
    const kids = Array.from(neu.childNodes);
    Array.from(old.childNodes).forEach((c, i) => morph(c, kids[i]));
  }

  // ------------------------------------------------------------------ start

  async function start() {
    try {
      const me = await AL.loadMe();
      staleAfterMs = (me.staleAfterSeconds || 10) * 1000;
    } catch (e) {
      // the board still works with the default; a 401 already went to the login page
    }
    setStream(false);
    AL.byTestId("stream-banner").classList.add("hidden");
    render();
    connect();
    setInterval(render, 1000);
  }

  window.ambulinkBoard = {
    transports: () => Array.from(transports.values()),
    streamOk: () => streamOk,
  };

  document.addEventListener("DOMContentLoaded", start);
})();
