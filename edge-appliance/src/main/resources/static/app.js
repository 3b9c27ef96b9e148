/*
 * Ambulink paramedic touchscreen. Plain ES2020, no build step, no external resources.
 *
 * Talks to the appliance's REST API: GET /api/status (every second), GET /api/destinations,
 * POST /api/transports, POST /api/transports/current/handover, POST /api/transports/current/close.
 * Errors are RFC 9457 problem details; their "detail" is shown next to the button that failed.
 *
 * Stable ids (each element also has data-testid with the same value), for tests and tools:
 *   conn-banner            "Appliance not responding" banner; hidden while status answers.
 *                          <body data-link="up|down|connecting"> says the same.
 *   conn-banner-detail     when the last good update was, and that it keeps retrying
 *   last-update            local time of the last successful GET /api/status
 *   state                  appliance state; text "NO TRANSPORT" / "EN ROUTE" / "HANDED OVER",
 *                          attribute data-state = IDLE | EN_ROUTE | HANDED_OVER (as in the API)
 *   transport-summary      destination name beside the state in the top bar
 *   warnings, warnings-list  banner listing status.warnings[] (one <li> each); hidden when none
 *   transport-panel        the current transport (hidden when none, and while the start form is open)
 *   transport-id, transport-destination, transport-patient, transport-complaint, transport-crew,
 *   transport-eta, transport-started, transport-handedover, transport-entries (journaled entries,
 *                          digits only)
 *   idle-panel, idle-text  shown when no transport is en route or handed over
 *   btn-start              "Start transport": opens the start form (shown unless EN_ROUTE)
 *   start-form             the form; fields:
 *     destinations         radio group; one <label data-testid="dest-<destination id>"> per ED,
 *                          holding <input type=radio name=destination id="dest-input-<id>" value=id>
 *     crew-1, crew-2       crew names
 *     sex-MALE, sex-FEMALE, sex-UNKNOWN   toggle buttons (aria-pressed); UNKNOWN by default
 *     patient-age, patient-name, complaint
 *     esi-1 .. esi-5       acuity toggle buttons (aria-pressed); tapping the pressed one clears it
 *     btn-start-confirm    posts the transport; btn-start-cancel closes the form
 *     start-error          problem detail of a failed start
 *   btn-handover           "Handover" (EN_ROUTE only); opens handover-confirm
 *   handover-confirm, handover-question ("Hand over to <ED name>?"), btn-handover-yes, btn-handover-no
 *   handover-error         problem detail of a failed handover
 *   btn-close              "Close transport" (HANDED_OVER only); close-error its problem detail
 *   tile-monitor, tile-edlink, tile-delivery, tile-ehr, tile-journal, tile-gps
 *                          status tiles; attribute data-level = ok | warn | bad | idle | stale
 *                          (stale: no answer from the appliance); each has a word and a detail:
 *                          tile-<name>-word, tile-<name>-detail
 *   Monitor tile words: CONNECTED, SILENT (connected, nothing for > 5 s), NOT CONNECTED.
 *   GPS tile words: FIX, OLD FIX (> 10 s), NO FIX, NOT CONFIGURED (gps.configured === false).
 */
'use strict';

(() => {
  const POLL_MS = 1000;
  const STATUS_TIMEOUT_MS = 2500;
  const POST_TIMEOUT_MS = 10000;
  /** No good status for this long, or two failures in a row: "Appliance not responding". */
  const LINK_DOWN_AFTER_MS = 3000;
  const CONFIRM_AUTO_CANCEL_MS = 20000;
  const MONITOR_SILENT_AFTER_S = 5;
  const GPS_STALE_AFTER_S = 10;

  const STATE_TEXT = { IDLE: 'NO TRANSPORT', EN_ROUTE: 'EN ROUTE', HANDED_OVER: 'HANDED OVER' };
  const SEX_TEXT = { MALE: 'Male', FEMALE: 'Female', OTHER: 'Other', UNKNOWN: 'Sex unknown' };
  const ESI = { RESUSCITATION: 1, EMERGENT: 2, URGENT: 3, LESS_URGENT: 4, NON_URGENT: 5 };

  const $ = (id) => document.getElementById(id);

  const ui = {
    status: null, // last good /api/status
    lastOkAt: 0, // Date.now() when it arrived
    failures: 0, // consecutive failed polls
    lastFailure: '',
    linkUp: null,
    formOpen: false,
    handoverConfirm: false,
    handoverConfirmTimer: 0,
    busy: false, // a POST is under way
    sex: 'UNKNOWN',
    acuity: null,
  };

  // ---------------------------------------------------------------- helpers

  function show(el, visible) {
    el.hidden = !visible;
  }

  function setText(id, text) {
    const el = $(id);
    const t = text == null ? '' : String(text);
    if (el.textContent !== t) el.textContent = t;
  }

  function pad2(n) {
    return String(n).padStart(2, '0');
  }

  /** Local wall-clock HH:MM:SS of an ISO instant or a Date; '' when absent. */
  function clock(t) {
    if (t == null) return '';
    const d = t instanceof Date ? t : new Date(t);
    if (Number.isNaN(d.getTime())) return String(t);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }

  function num(x, digits) {
    return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : null;
  }

  function secondsText(s) {
    if (typeof s !== 'number' || !Number.isFinite(s)) return '';
    if (s < 10) return `${s.toFixed(1)} s`;
    if (s < 120) return `${Math.round(s)} s`;
    return `${Math.round(s / 60)} min`;
  }

  function bytesText(b) {
    if (typeof b !== 'number' || !Number.isFinite(b)) return '?';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    let v = b;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
  }

  function destinationName(t) {
    return (t && t.destination && (t.destination.name || t.destination.id)) || '';
  }

  async function fetchWithTimeout(url, options, timeoutMs) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      return await fetch(url, { cache: 'no-store', ...options, signal: ctl.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The text to show for a failed request: the problem's detail, else its title, else the status. */
  async function problemText(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (body && typeof body === 'object') {
      if (body.detail) return String(body.detail);
      if (body.title) return String(body.title);
    }
    return `The appliance answered ${response.status} ${response.statusText || ''}`.trim();
  }

  /**
   * POSTs JSON; resolves to {ok:true, body} or {ok:false, message}. Never throws.
   */
  async function post(url, body) {
    let response;
    try {
      response = await fetchWithTimeout(
        url,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        POST_TIMEOUT_MS,
      );
    } catch (e) {
      return {
        ok: false,
        message: 'No answer from the appliance. Check the state at the top before trying again.',
      };
    }
    if (!response.ok) return { ok: false, message: await problemText(response) };
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    return { ok: true, body: json };
  }

  function showError(id, message) {
    const el = $(id);
    el.textContent = message || '';
    show(el, Boolean(message));
  }

  function setBusy(busy) {
    ui.busy = busy;
    for (const id of ['btn-start-confirm', 'btn-handover', 'btn-handover-yes', 'btn-close']) {
      $(id).disabled = busy;
    }
  }

  // ---------------------------------------------------------------- status polling

  async function poll() {
    const started = Date.now();
    try {
      const response = await fetchWithTimeout('/api/status', { headers: { Accept: 'application/json' } }, STATUS_TIMEOUT_MS);
      if (!response.ok) throw new Error(`status answered ${response.status}`);
      const status = await response.json();
      if (!status || typeof status !== 'object') throw new Error('status is not JSON');
      ui.status = status;
      ui.lastOkAt = Date.now();
      ui.failures = 0;
      ui.lastFailure = '';
      render();
    } catch (e) {
      ui.failures++;
      ui.lastFailure = e && e.name === 'AbortError' ? 'no answer within ' + STATUS_TIMEOUT_MS / 1000 + ' s' : String((e && e.message) || e);
    }
    updateLink();
    setTimeout(poll, Math.max(0, POLL_MS - (Date.now() - started)));
  }

  /** Shows the link state; also runs on its own timer so that a hanging request cannot freeze the page. */
  function updateLink() {
    const now = Date.now();
    const down = ui.lastOkAt === 0 ? ui.failures >= 2 || now - bootAt > LINK_DOWN_AFTER_MS : ui.failures >= 2 || now - ui.lastOkAt > LINK_DOWN_AFTER_MS;
    const link = down ? 'down' : ui.lastOkAt ? 'up' : 'connecting';
    if (document.body.dataset.link !== link) document.body.dataset.link = link;

    if (ui.lastOkAt) {
      const ago = (now - ui.lastOkAt) / 1000;
      setText('last-update', down ? `${clock(new Date(ui.lastOkAt))} (${secondsText(ago)} ago)` : clock(new Date(ui.lastOkAt)));
    } else {
      setText('last-update', 'never');
    }

    show($('conn-banner'), down);
    if (down) {
      const since = ui.lastOkAt ? `Last update ${clock(new Date(ui.lastOkAt))}, ${secondsText((now - ui.lastOkAt) / 1000)} ago.` : 'No update yet.';
      setText('conn-banner-detail', `${since} Shown values are NOT live. Retrying every second…`);
      if (ui.linkUp !== false) markTilesStale();
    }
    ui.linkUp = !down;
  }

  function markTilesStale() {
    for (const name of ['monitor', 'edlink', 'delivery', 'ehr', 'journal', 'gps']) {
      setTile(name, 'stale', 'NO DATA', 'Appliance not responding');
    }
  }

  // ---------------------------------------------------------------- rendering

  function setTile(name, level, word, detail) {
    const tile = $(`tile-${name}`);
    if (tile.dataset.level !== level) tile.dataset.level = level;
    setText(`tile-${name}-word`, word);
    setText(`tile-${name}-detail`, detail);
  }

  function render() {
    const s = ui.status;
    if (!s) return;
    const state = s.state || 'IDLE';
    const t = s.transport || null;
    const active = t && (state === 'EN_ROUTE' || state === 'HANDED_OVER');

    // top bar
    const badge = $('state');
    if (badge.dataset.state !== state) badge.dataset.state = state;
    setText('state', STATE_TEXT[state] || state);
    setText('transport-summary', active ? `→ ${destinationName(t)}` : '');

    // warnings
    const warnings = Array.isArray(s.warnings) ? s.warnings.filter((w) => w) : [];
    renderWarnings(warnings);

    // transport
    if (state !== 'EN_ROUTE' && ui.handoverConfirm) closeHandoverConfirm();
    show($('transport-panel'), Boolean(active) && !ui.formOpen);
    if (active) renderTransport(t, state);
    show($('idle-panel'), !active && !ui.formOpen);
    if (!active) {
      setText(
        'idle-text',
        t && t.state === 'CLOSED'
          ? `No transport en route. Last transport ${t.id || ''} closed ${clock(t.closedAt)}.`
          : 'No transport en route.',
      );
    }
    show($('btn-start'), state !== 'EN_ROUTE' && !ui.formOpen);
    show($('btn-handover'), state === 'EN_ROUTE' && !ui.handoverConfirm);
    show($('handover-confirm'), state === 'EN_ROUTE' && ui.handoverConfirm);
    show($('btn-close'), state === 'HANDED_OVER');
    if (state !== 'EN_ROUTE') showError('handover-error', '');
    if (state !== 'HANDED_OVER') showError('close-error', '');

    // tiles
    renderMonitor(s.monitor);
    renderEdLink(s.edLink);
    renderLive(s.live);
    renderDelivery(s);
    renderEhr(s.ehr);
    renderJournal(s.journal);
    renderGps(s.gps, active ? t : null);
  }

  function renderWarnings(warnings) {
    const list = $('warnings-list');
    const current = Array.from(list.children, (li) => li.textContent);
    if (current.length !== warnings.length || current.some((w, i) => w !== warnings[i])) {
      list.replaceChildren(
        ...warnings.map((w) => {
          const li = document.createElement('li');
          li.textContent = String(w);
          return li;
        }),
      );
    }
    show($('warnings'), warnings.length > 0);
  }

  function renderTransport(t, state) {
    setText('transport-id', t.id);
    setText('transport-destination', destinationName(t));
    const p = t.patient || {};
    const patient = [];
    if (p.name) patient.push(p.name);
    patient.push(SEX_TEXT[p.sex] || SEX_TEXT.UNKNOWN);
    patient.push(p.approximateAgeYears != null ? `~${p.approximateAgeYears} y` : 'age unknown');
    const patientText = patient.join(', ') + (p.temporaryId ? ' ' : '');
    const patientEl = $('transport-patient');
    if (patientEl.dataset.text !== patientText + (p.temporaryId || '')) {
      patientEl.dataset.text = patientText + (p.temporaryId || '');
      const tmp = document.createElement('span');
      tmp.className = 'nowrap muted';
      tmp.textContent = p.temporaryId ? `(${p.temporaryId})` : '';
      patientEl.replaceChildren(document.createTextNode(patientText), tmp);
    }
    const complaint = t.chiefComplaint || '—';
    setText('transport-complaint', t.acuity ? `${complaint} · ESI ${ESI[t.acuity] || t.acuity}` : complaint);
    setText('transport-crew', Array.isArray(t.crew) && t.crew.length ? t.crew.join(', ') : '—');
    setText('transport-started', clock(t.startedAt));
    show($('transport-handedover-row'), state === 'HANDED_OVER');
    setText('transport-handedover', clock(t.handedOverAt));
    setText('transport-entries', typeof t.journaledEntries === 'number' ? String(t.journaledEntries) : '0');
    setText('transport-last-journaled', t.lastJournaledAt ? `, last ${clock(t.lastJournaledAt)}` : '');
    setText('transport-eta', etaText(ui.status && ui.status.gps) || '—');
    if (ui.handoverConfirm) setText('handover-question', `Hand over to ${destinationName(t)}?`);
  }

  /** "10:06 · 7 min · 3.2 km" from the GPS status; '' when unknown. */
  function etaText(g) {
    if (!g) return '';
    const minutes = num(g.etaMinutes, 0);
    const km = num(g.distanceKm, 1);
    const parts = [];
    if (minutes != null) parts.push(`${minutes} min`);
    if (km != null) parts.push(`${km} km`);
    if (g.eta) parts.unshift(clock(g.eta).slice(0, 5));
    return parts.join(' · ');
  }

  function renderMonitor(m) {
    if (!m) return setTile('monitor', 'stale', 'UNKNOWN', 'not reported');
    const age = m.lastMessageAgeSeconds;
    const ageText = typeof age === 'number' ? `last msg ${secondsText(age)} ago` : 'no message yet';
    const detail = [ageText, m.detail].filter(Boolean).join('\n');
    if (!m.connected) return setTile('monitor', 'bad', 'NOT CONNECTED', detail);
    if (typeof age === 'number' && age > MONITOR_SILENT_AFTER_S) return setTile('monitor', 'warn', 'SILENT', detail);
    return setTile('monitor', 'ok', 'CONNECTED', detail);
  }

  function renderEdLink(l) {
    if (!l) return setTile('edlink', 'stale', 'UNKNOWN', 'not reported');
    switch (l.state) {
      case 'UP':
        return setTile('edlink', 'ok', 'UP', l.detail);
      case 'DOWN':
        return setTile('edlink', 'bad', 'DOWN', l.detail);
      case 'REFUSED':
        return setTile('edlink', 'bad', 'REFUSED', l.detail);
      case 'NOT_CONFIGURED':
        return setTile('edlink', 'idle', 'NOT CONFIGURED', l.detail);
      default:
        return setTile('edlink', 'warn', String(l.state || 'UNKNOWN'), l.detail);
    }
  }

  // The live WebRTC session (video and live ECG to the ED's viewers).
  function renderLive(l) {
    if (!l) return setTile('live', 'stale', 'UNKNOWN', 'not reported');
    if (l.state === 'off') return setTile('live', 'idle', 'OFF', l.reason || '');
    const viewers = Array.isArray(l.viewers) ? l.viewers : [];
    const up = viewers.filter((v) => v.connection === 'connected').length;
    if (l.state !== 'connected') {
      return setTile('live', 'bad', 'RECONNECTING', l.lastError || 'no signaling connection to the ED console');
    }
    if (viewers.length === 0) return setTile('live', 'idle', 'NO VIEWERS', 'connected to the ED console; nobody is watching');
    const detail = `${up} of ${viewers.length} viewer${viewers.length === 1 ? '' : 's'} connected`;
    if (up === viewers.length) return setTile('live', 'ok', 'LIVE', detail);
    return setTile('live', 'warn', up > 0 ? 'PARTLY LIVE' : 'RECONNECTING', detail);
  }

  function renderDelivery(s) {
    const d = s.edDelivery;
    if (!d) return setTile('delivery', 'stale', 'UNKNOWN', 'not reported');
    const pending = typeof d.pendingEntries === 'number' ? d.pendingEntries : 0;
    const word = d.deliveredUpTo ? `UP TO ${clock(d.deliveredUpTo)}` : 'NOTHING YET';
    const lines = [pending > 0 ? `${pending} entries waiting` : 'nothing waiting'];
    let level;
    if (s.edLink && s.edLink.state === 'NOT_CONFIGURED') {
      level = 'idle';
      lines.push('no ED link configured');
    } else if (pending === 0) {
      level = d.deliveredUpTo ? 'ok' : 'idle';
    } else {
      const now = Date.parse(s.time) || Date.now();
      const since = Date.parse(d.deliveredUpTo || (s.transport && s.transport.startedAt) || '');
      const lag = Number.isNaN(since) ? Infinity : (now - since) / 1000;
      level = lag <= 15 ? 'ok' : lag <= 60 ? 'warn' : 'bad';
      if (Number.isFinite(lag)) lines.push(`${secondsText(Math.max(0, lag))} behind`);
    }
    return setTile('delivery', level, word, lines.join('\n'));
  }

  function renderEhr(e) {
    if (!e) return setTile('ehr', 'stale', 'UNKNOWN', 'not reported');
    const map = {
      NOT_STARTED: ['idle', 'NOT STARTED'],
      PENDING: ['warn', 'PENDING'],
      DELIVERED: ['ok', 'DELIVERED'],
      FAILED: ['bad', 'FAILED'],
    };
    const [level, word] = map[e.state] || ['warn', String(e.state || 'UNKNOWN')];
    return setTile('ehr', level, word, e.detail);
  }

  function renderJournal(j) {
    if (!j) return setTile('journal', 'stale', 'UNKNOWN', 'not reported');
    const used = typeof j.usedPercent === 'number' ? j.usedPercent : null;
    const warnings = Array.isArray(j.warnings) ? j.warnings.filter(Boolean) : [];
    const word = used == null ? 'UNKNOWN' : `${used < 10 ? used.toFixed(1) : Math.round(used)} % USED`;
    const level = used != null && used >= 95 ? 'bad' : warnings.length || used == null || used >= 80 ? 'warn' : 'ok';
    const lines = [`${bytesText(j.bytes)} of ${bytesText(j.capBytes)}`];
    if (typeof j.entries === 'number') lines.push(`${j.entries} entries`);
    lines.push(...warnings);
    return setTile('journal', level, word, lines.join('\n'));
  }

  function renderGps(g, transport) {
    if (!g) return setTile('gps', 'stale', 'UNKNOWN', 'not reported');
    // "configured" and "detail" are optional extras beyond the contract's GPS fields.
    if (g.configured === false) return setTile('gps', 'idle', 'NOT CONFIGURED', g.detail || 'no GPS receiver configured');
    const lines = [];
    const speed = num(g.speedKmh, 0);
    if (speed != null) lines.push(`${speed} km/h`);
    if (transport) {
      const dist = num(g.distanceKm, 1);
      if (dist != null) lines.push(`${dist} km to go`);
      const eta = num(g.etaMinutes, 0);
      if (eta != null) lines.push(`ETA ${g.eta ? clock(g.eta).slice(0, 5) + ', ' : ''}${eta} min`);
    }
    if (!g.fix) {
      if (typeof g.ageSeconds === 'number') lines.push(`last fix ${secondsText(g.ageSeconds)} ago`);
      if (g.detail) lines.push(g.detail);
      return setTile('gps', 'bad', 'NO FIX', lines.join('\n'));
    }
    if (typeof g.ageSeconds === 'number' && g.ageSeconds > GPS_STALE_AFTER_S) {
      lines.push(`fix ${secondsText(g.ageSeconds)} old`);
      return setTile('gps', 'warn', 'OLD FIX', lines.join('\n'));
    }
    return setTile('gps', 'ok', 'FIX', lines.join('\n'));
  }

  // ---------------------------------------------------------------- start transport

  async function openForm() {
    ui.formOpen = true;
    closeHandoverConfirm();
    showError('start-error', '');
    const prev = ui.status && ui.status.transport;
    const crew = prev && Array.isArray(prev.crew) ? prev.crew : [];
    $('crew-1').value = crew[0] || '';
    $('crew-2').value = crew[1] || '';
    $('patient-age').value = '';
    $('patient-name').value = '';
    $('complaint').value = '';
    selectSex('UNKNOWN');
    selectAcuity(null);
    show($('start-form'), true);
    render();
    $('main').scrollTop = 0;
    await loadDestinations();
  }

  function closeForm() {
    ui.formOpen = false;
    show($('start-form'), false);
    showError('start-error', '');
    render();
  }

  async function loadDestinations() {
    const box = $('destinations');
    const message = (text) => {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = text;
      return p;
    };
    box.replaceChildren(message('Loading destinations…'));
    let list;
    try {
      const r = await fetchWithTimeout('/api/destinations', { headers: { Accept: 'application/json' } }, POST_TIMEOUT_MS);
      if (!r.ok) throw new Error(await problemText(r));
      list = await r.json();
      if (!Array.isArray(list)) throw new Error('the destination list is not a list');
    } catch (e) {
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'btn btn-secondary';
      retry.id = 'btn-destinations-retry';
      retry.dataset.testid = 'btn-destinations-retry';
      retry.textContent = 'Retry';
      retry.addEventListener('click', loadDestinations);
      const why = e && e.name === 'AbortError' ? 'no answer' : (e && e.message) || String(e);
      box.replaceChildren(message(`Could not load destinations: ${why}`), retry);
      return;
    }
    if (list.length === 0) {
      box.replaceChildren(message('No destinations configured on the appliance.'));
      return;
    }
    box.replaceChildren(
      ...list.map((d) => {
        const label = document.createElement('label');
        label.className = 'choice';
        label.dataset.testid = `dest-${d.id}`;
        label.id = `dest-${d.id}`;
        const input = document.createElement('input');
        input.type = 'radio';
        input.name = 'destination';
        input.value = d.id;
        input.id = `dest-input-${d.id}`;
        input.dataset.name = d.name || d.id;
        input.checked = list.length === 1;
        const span = document.createElement('span');
        span.textContent = d.name || d.id;
        label.append(input, span);
        return label;
      }),
    );
  }

  function selectSex(sex) {
    ui.sex = sex;
    for (const b of document.querySelectorAll('[data-sex]')) {
      b.setAttribute('aria-pressed', String(b.dataset.sex === sex));
    }
  }

  function selectAcuity(acuity) {
    ui.acuity = acuity;
    for (const b of document.querySelectorAll('[data-acuity]')) {
      b.setAttribute('aria-pressed', String(b.dataset.acuity === acuity));
    }
  }

  async function submitStart(event) {
    event.preventDefault();
    if (ui.busy) return;
    showError('start-error', '');
    const chosen = document.querySelector('input[name="destination"]:checked');
    if (!chosen) return showError('start-error', 'Choose the destination ED.');
    const crew = [$('crew-1').value, $('crew-2').value].map((c) => c.trim()).filter(Boolean);
    if (crew.length === 0) return showError('start-error', 'Enter at least one crew member.');
    const ageText = $('patient-age').value.trim();
    let age = null;
    if (ageText !== '') {
      age = Number(ageText);
      if (!Number.isInteger(age) || age < 0 || age > 130) {
        return showError('start-error', 'Approximate age must be a whole number of years from 0 to 130.');
      }
    }
    const body = {
      destinationId: chosen.value,
      crew,
      patient: { name: $('patient-name').value.trim(), sex: ui.sex, approximateAgeYears: age },
      chiefComplaint: $('complaint').value.trim(),
      acuity: ui.acuity,
    };
    setBusy(true);
    const confirm = $('btn-start-confirm');
    confirm.textContent = 'Starting…';
    const result = await post('/api/transports', body);
    confirm.textContent = 'Start transport';
    setBusy(false);
    if (!result.ok) return showError('start-error', result.message);
    if (result.body && typeof result.body === 'object' && ui.status) {
      // Show the new transport at once; the next poll confirms it.
      ui.status = { ...ui.status, state: 'EN_ROUTE', transport: result.body };
    }
    closeForm();
    kickPoll();
  }

  // ---------------------------------------------------------------- handover and close

  function openHandoverConfirm() {
    const t = ui.status && ui.status.transport;
    ui.handoverConfirm = true;
    showError('handover-error', '');
    setText('handover-question', `Hand over to ${destinationName(t) || 'the ED'}?`);
    clearTimeout(ui.handoverConfirmTimer);
    ui.handoverConfirmTimer = setTimeout(() => {
      closeHandoverConfirm();
      render();
    }, CONFIRM_AUTO_CANCEL_MS);
    render();
  }

  function closeHandoverConfirm() {
    ui.handoverConfirm = false;
    clearTimeout(ui.handoverConfirmTimer);
    show($('handover-confirm'), false);
  }

  async function handover() {
    if (ui.busy) return;
    setBusy(true);
    const result = await post('/api/transports/current/handover');
    setBusy(false);
    closeHandoverConfirm();
    if (!result.ok) {
      render();
      return showError('handover-error', result.message);
    }
    if (result.body && typeof result.body === 'object' && ui.status) {
      ui.status = { ...ui.status, state: 'HANDED_OVER', transport: result.body };
    }
    render();
    kickPoll();
  }

  async function closeTransport() {
    if (ui.busy) return;
    showError('close-error', '');
    setBusy(true);
    const result = await post('/api/transports/current/close');
    setBusy(false);
    if (!result.ok) return showError('close-error', result.message);
    if (result.body && typeof result.body === 'object' && ui.status) {
      ui.status = { ...ui.status, state: 'IDLE', transport: result.body };
    }
    render();
    kickPoll();
  }

  /** Refreshes the status soon after an action, besides the regular poll. */
  function kickPoll() {
    fetchWithTimeout('/api/status', { headers: { Accept: 'application/json' } }, STATUS_TIMEOUT_MS)
      .then((r) => (r.ok ? r.json() : null))
      .then((status) => {
        if (status && typeof status === 'object') {
          ui.status = status;
          ui.lastOkAt = Date.now();
          ui.failures = 0;
          render();
          updateLink();
        }
      })
      .catch(() => {});
  }

  // ---------------------------------------------------------------- wiring

  const bootAt = Date.now();

  function wire() {
    $('btn-start').addEventListener('click', openForm);
    $('btn-start-cancel').addEventListener('click', closeForm);
    $('start-form').addEventListener('submit', submitStart);
    for (const b of document.querySelectorAll('[data-sex]')) {
      b.addEventListener('click', () => selectSex(b.dataset.sex));
    }
    for (const b of document.querySelectorAll('[data-acuity]')) {
      b.addEventListener('click', () => selectAcuity(ui.acuity === b.dataset.acuity ? null : b.dataset.acuity));
    }
    $('btn-handover').addEventListener('click', openHandoverConfirm);
    $('btn-handover-no').addEventListener('click', () => {
      closeHandoverConfirm();
      render();
    });
    $('btn-handover-yes').addEventListener('click', handover);
    $('btn-close').addEventListener('click', closeTransport);
    setInterval(updateLink, 500);
    poll();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', wire);
  } else {
    wire();
  }
})();
