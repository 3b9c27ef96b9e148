// The live view of one transport: header, video and ECG (from the WebRTC session, live-rtc.js),
// vital sign tiles and alarms, kept up to date by /api/transports/<id>/stream. Nothing old may look
// live: when the link is down, the stream is lost or a value is older than stale-after, it turns
// grey and says how old it is.
(function () {
  "use strict";

  const AL = window.AmbuLink;
  const ecg = window.ambulinkEcg;
  const transportId = new URLSearchParams(location.search).get("transport");
  // the WebRTC session (live-rtc.js, loaded before this file): ECG, video, live vitals
  const rtc = window.ambulinkLive && window.ambulinkLive.start ? window.ambulinkLive : null;

  let staleAfterMs = 10000;
  let current = null;
  let streamOk = false;
  let source = null;
  const tiles = new Map(); // key → tile element
  const alarmItems = new Map(); // alarmId → li
  const acking = new Set(); // alarm ids being acknowledged

  const $ = (id) => AL.byTestId(id);

  // ------------------------------------------------------------------ loading

  async function start() {
    try {
      const me = await AL.loadMe();
      staleAfterMs = (me.staleAfterSeconds || 10) * 1000;
    } catch (e) {
      // defaults; a 401 already went to the login page
    }
    if (!transportId) {
      notFound("No transport selected.");
      return;
    }
    let t;
    try {
      t = await AL.api("/api/transports/" + encodeURIComponent(transportId));
    } catch (e) {
      notFound(
        e.status === 404
          ? "No transport '" + transportId + "' is heading to your ED."
          : "The transport could not be loaded: " + e.message
      );
      return;
    }
    document.getElementById("live").classList.remove("hidden");
    setupEcg();
    update(t);
    connect();
    setInterval(render, 1000);
    if (rtc) {
      rtc.start(transportId);
    }
  }

  function notFound(text) {
    document.body.dataset.state = "not-found";
    $("not-found-text").textContent = text;
    $("not-found").classList.remove("hidden");
  }

  function connect() {
    source = new EventSource("/api/transports/" + encodeURIComponent(transportId) + "/stream");
    source.addEventListener("transport", function (e) {
      setStream(true);
      update(JSON.parse(e.data));
    });
    source.onerror = function () {
      setStream(false);
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(function () {
          AL.api("/api/transports/" + encodeURIComponent(transportId))
            .then(function (t) {
              update(t);
              connect();
            })
            .catch(function (e) {
              if (e.status === 404) {
                notFound("No transport '" + transportId + "' is heading to your ED.");
              } else {
                setTimeout(connect, 5000);
              }
            });
        }, 3000);
      }
    };
  }

  function setStream(ok) {
    streamOk = ok;
    render();
  }

  function update(t) {
    if (t.serverTime) {
      AL.noteServerTime(t.serverTime);
    }
    current = t;
    document.title = (t.unit || t.id) + " · Live view · AmbuLink ED console";
    render();
  }

  // ------------------------------------------------------------------ rendering

  function render() {
    const t = current;
    if (!t) {
      return;
    }
    const linkState = (t.link && t.link.state) || "DOWN";
    const linkDown = linkState === "DOWN";
    const notLive = !streamOk || linkDown;
    document.body.dataset.link = linkState;
    document.body.dataset.stream = streamOk ? "open" : "lost";
    document.body.classList.toggle("not-live", notLive);

    // header
    const esi = $("esi");
    esi.className = "esi esi-" + (t.acuity || "none");
    AL.setText(esi, AL.esiText(t.acuity));
    AL.setText($("unit"), t.unit || t.deviceId || "Ambulance");
    AL.setText($("complaint"), t.chiefComplaint || "No chief complaint given");
    const eta = AL.eta(t);
    AL.setText($("eta"), eta.text);
    AL.setText($("eta-sub"), eta.sub);
    AL.setText(
      $("handover-status"),
      t.state === "HANDED_OVER" ? "Handed over " + AL.hhmm(t.handedOverAt) : t.state === "CLOSED" ? "Closed" : ""
    );
    const link = $("link-state");
    const shownLink = streamOk ? linkState : "UNKNOWN";
    link.className = "link link-" + shownLink;
    link.dataset.state = shownLink;
    AL.setText(link, AL.LINK_TEXT[shownLink] || shownLink);
    link.title = t.link && t.link.lastSeenAt ? "last heard " + AL.ago(t.link.lastSeenAt) : "never heard";

    // banners
    $("link-banner").classList.toggle("hidden", !linkDown);
    const backfill = $("backfill-banner");
    const ecgGap = !!(rtc && rtc.backfilling());
    backfill.classList.toggle("hidden", linkState !== "BACKFILLING" && !ecgGap);
    AL.setText(
      backfill,
      linkState === "BACKFILLING"
        ? "Catching up: filling a gap" +
            (t.link && t.link.backlog ? " (" + t.link.backlog + " records to come)" : "")
        : "Catching up: filling a gap in the ECG"
    );
    $("stream-banner").classList.toggle("hidden", streamOk);

    const dataAt = AL.dataTime(t);
    AL.setText($("data-age"), dataAt === null ? "no data yet" : "updated " + AL.duration(AL.now() - dataAt) + " ago");

    renderTiles(t, notLive);
    renderAlarms(t);
    if (ecg) {
      // once the WebRTC session delivers the ECG, its frames must be flowing too
      ecg.setLive(!notLive && (!rtc || !rtc.ecgSource() || rtc.ecgLive()));
    }
  }

  /** The event stream's vitals, each replaced by the data channel's when that one is newer. */
  function mergedVitals(t) {
    const fromRtc = rtc ? rtc.vitals() : [];
    if (!fromRtc.length) {
      return t.vitals;
    }
    const byLabel = new Map((t.vitals || []).map((v) => [v.label, v]));
    for (const v of fromRtc) {
      const had = byLabel.get(v.label);
      if (!had || (AL.parseTime(v.observedAt) || 0) > (AL.parseTime(had.observedAt) || 0)) {
        byLabel.set(v.label, v);
      }
    }
    return Array.from(byLabel.values());
  }

  function renderTiles(t, notLive) {
    const box = $("tiles");
    const vitals = AL.displayVitals(mergedVitals(t));
    const keys = new Set(vitals.map((v) => v.key));
    for (const [k, el] of tiles) {
      if (!keys.has(k)) {
        el.remove();
        tiles.delete(k);
      }
    }
    vitals.forEach(function (v, i) {
      let el = tiles.get(v.key);
      if (!el) {
        el = AL.el(
          "div",
          { class: "tile v-" + v.key, "data-testid": "tile-" + v.key },
          AL.el("div", { class: "tile-label", "data-testid": "tile-" + v.key + "-label" }),
          AL.el(
            "div",
            { class: "tile-value num" },
            AL.el("span", { "data-testid": "tile-" + v.key + "-value" }),
            AL.el("span", { class: "tile-unit", "data-testid": "tile-" + v.key + "-unit" })
          ),
          AL.el("div", { class: "tile-sub num", "data-testid": "tile-" + v.key + "-sub" }),
          AL.el("div", { class: "tile-age num", "data-testid": "tile-" + v.key + "-age" })
        );
        tiles.set(v.key, el);
      }
      const age = v.observedAt ? AL.ageMs(v.observedAt) : null;
      const stale = notLive || age === null || age > staleAfterMs;
      el.classList.toggle("stale", stale);
      el.dataset.stale = stale ? "true" : "false";
      AL.setText(el.querySelector(".tile-label"), v.label);
      AL.setText(AL.byTestId("tile-" + v.key + "-value", el), v.value);
      el.querySelector(".tile-value").classList.toggle("long", v.value.length >= 5);
      AL.setText(AL.byTestId("tile-" + v.key + "-unit", el), v.unit);
      AL.setText(AL.byTestId("tile-" + v.key + "-sub", el), v.sub);
      AL.setText(
        AL.byTestId("tile-" + v.key + "-age", el),
        age === null ? "time unknown" : stale ? AL.duration(age) + " old" : AL.duration(age) + " ago"
      );
      if (box.children[i] !== el) {
        box.insertBefore(el, box.children[i] || null);
      }
    });
    $("tiles-empty").classList.toggle("hidden", vitals.length > 0);
  }

  function renderAlarms(t) {
    const list = $("alarms");
    const alarms = t.alarms || [];
    const ids = new Set(alarms.map((a) => a.alarmId));
    for (const [id, li] of alarmItems) {
      if (!ids.has(id)) {
        li.remove();
        alarmItems.delete(id);
      }
    }
    alarms.forEach(function (a, i) {
      let li = alarmItems.get(a.alarmId);
      if (!li) {
        li = AL.el(
          "li",
          { "data-testid": "alarm", "data-alarm-id": a.alarmId },
          AL.el("span", { class: "alarm-prio" }),
          AL.el(
            "div",
            { class: "alarm-body" },
            AL.el("div", { class: "alarm-text", "data-testid": "alarm-text" }),
            AL.el("div", { class: "alarm-meta", "data-testid": "alarm-meta" }),
            AL.el("div", { class: "alarm-error hidden", "data-testid": "alarm-error" })
          ),
          AL.el("div", { class: "alarm-action" })
        );
        alarmItems.set(a.alarmId, li);
      }
      li.className = "alarm p-" + a.priority + " " + a.state + (a.ackedBy ? " acked" : " unacked");
      li.dataset.priority = a.priority;
      li.dataset.state = a.state;
      AL.setText(li.querySelector(".alarm-prio"), a.priority);
      AL.setText(AL.byTestId("alarm-text", li), a.text || a.source || "alarm");
      AL.setText(
        AL.byTestId("alarm-meta", li),
        "raised " +
          AL.hhmmss(a.raisedAt) +
          (a.state === "ended" ? " · ended " + AL.hhmmss(a.endedAt) : " · active") +
          (a.source ? " · " + a.source : "")
      );
      const action = li.querySelector(".alarm-action");
      const want = a.ackedBy ? "acked:" + a.ackedBy + a.ackedAt : "ack";
      if (action.dataset.shows !== want) {
        action.dataset.shows = want;
        if (a.ackedBy) {
          action.replaceChildren(
            AL.el("div", {
              class: "alarm-acked",
              "data-testid": "alarm-acked",
              text: "acknowledged by " + a.ackedBy + " at " + AL.hhmm(a.ackedAt),
            })
          );
        } else {
          const btn = AL.el("button", {
            class: "btn btn-ack",
            type: "button",
            "data-testid": "ack-button",
            text: "Acknowledge",
          });
          btn.addEventListener("click", () => acknowledge(a.alarmId, btn, li));
          action.replaceChildren(btn);
        }
      }
      const btn = action.querySelector("button");
      if (btn) {
        btn.disabled = acking.has(a.alarmId);
      }
      if (list.children[i] !== li) {
        list.insertBefore(li, list.children[i] || null);
      }
    });
    const open = alarms.filter((a) => a.state === "active").length;
    AL.setText($("alarm-count"), alarms.length ? open + " active, " + alarms.filter((a) => !a.ackedBy).length + " unacknowledged" : "");
    $("alarms-empty").classList.toggle("hidden", alarms.length > 0);
  }

  async function acknowledge(alarmId, btn, li) {
    const error = AL.byTestId("alarm-error", li);
    error.classList.add("hidden");
    acking.add(alarmId);
    btn.disabled = true;
    btn.textContent = "Acknowledging…";
    try {
      await AL.api(
        "/api/transports/" + encodeURIComponent(transportId) + "/alarms/" + encodeURIComponent(alarmId) + "/ack",
        { method: "POST" }
      );
      // the stream brings who acknowledged it and when
    } catch (e) {
      error.textContent = "Not acknowledged: " + e.message;
      error.classList.remove("hidden");
      btn.textContent = "Acknowledge";
    } finally {
      acking.delete(alarmId);
      btn.disabled = false;
    }
  }

  // ------------------------------------------------------------------ ECG controls

  function setupEcg() {
    if (!ecg) {
      return;
    }
    ecg.attach(document.getElementById("ecg"), $("ecg-overlay"), $("ecg-overlay-text"));
    const select = $("ecg-lead");
    ecg.onLeadsChanged(function (leads) {
      const was = select.value || ecg.status().lead;
      select.replaceChildren(...leads.map((l) => AL.el("option", { value: l, text: l })));
      select.value = leads.includes(was) ? was : leads[0];
    });
    select.value = ecg.status().lead;
    select.addEventListener("change", () => ecg.selectLead(select.value));
    const twelve = $("ecg-12lead");
    twelve.addEventListener("click", function () {
      const on = twelve.getAttribute("aria-pressed") !== "true";
      twelve.setAttribute("aria-pressed", on ? "true" : "false");
      select.disabled = on;
      ecg.setLayout(on ? "12" : "single");
    });
  }

  window.ambulinkLive = Object.assign(window.ambulinkLive || {}, {
    current: () => current,
    streamOk: () => streamOk,
    refresh: render, // the WebRTC session's changes (ECG live or not, catching up, vitals)
  });

  document.addEventListener("DOMContentLoaded", start);
})();
