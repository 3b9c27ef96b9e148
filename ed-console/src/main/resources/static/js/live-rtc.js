// The viewer's side of the live session (docs/webrtc.md, "The live session protocol"): the
// signaling WebSocket /api/signal, one RTCPeerConnection per appliance session, the video track, and
// the two pre-negotiated data channels: `ecg` (live ECG frames, unordered, no retransmits) and
// `events` (backfill frames, hello/head/backfilled, vitals, alarms; reliable).
//
// The viewer keeps a record of the transport's ECG frames by sequence number from `firstSeq` on:
// the first copy of a frame wins, gaps are found from `hello`/`head` and asked for with `backfill`,
// and a range the appliance answers with `backfilled` without sending a frame is given up (lost).
//
// live.js starts it with window.ambulinkLive.start(transportId) once the transport is loaded, and
// asks it whether its ECG is live (ecgSource/ecgLive), whether it is catching up (backfilling) and
// for the vitals of the data channel (vitals). For tests and diagnostics:
//   state()        {signaling, viewerId, session, connection, ice, framesLive, framesBackfill,
//                   duplicates, firstSeq, nextSeq, missing, lost, backfillRequests, ...}
//   record()       the contiguous record firstSeq..lastSeq: frames, startUs, endUs, clipped and per
//                  lead code {count (samples), fnv (FNV-1a 32 over the int16 LE samples)}
//   receivedAt(seq) when frame seq was first received (performance.timeOrigin + now, ms) or null
//   videoStats()   {width, height, totalFrames, playing}
//   _test          feeds frames and control messages without a peer (see the end of this file)
(function () {
  "use strict";

  const AL = window.AmbuLink;
  const frames = window.ambulinkEcgFrames;

  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const LIVE_TIMEOUT_MS = 2000; // no live frame for this long: the ECG is not live
  const HEAD_GRACE_MS = 1000; // a frame below a head not here this long after it is missing
  const REQUEST_RETRY_MS = 5000; // a backfill range still missing this long after asking: ask again
  const CHUNK = 1000; // frames per backfill request (the contract allows to - from < 2000)
  const TICK_MS = 250;
  const RECEIVED_KEEP = 20000; // receivedAt entries kept
  const DATA_CAP = 20000; // frames held beyond the contiguous record, with their samples
  const RECENT_MS = 15000; // frames kept for redrawing the trace after a backfill
  const VIDEO_STALE_MS = 3000; // no new video frame for this long: the video is not flowing
  const TWO32 = 4294967296;
  const TWO31 = 2147483648;

  const api = (window.ambulinkLive = window.ambulinkLive || {});

  let transportId = null;
  let started = false;

  // clock: performance.now(), which tests may move forward
  let clockOffset = 0;
  let testSent = null; // tests: events messages captured instead of sent
  let testConnection = null; // tests: a connection state standing in for a peer
  const clock = () => performance.now() + clockOffset;

  // ------------------------------------------------------------------ logging

  function warn(text) {
    // the browser's console, never an alert: the physician's page stays as it is
    console.warn("[live session] " + text);
  }

  // ------------------------------------------------------------------ signaling

  let ws = null;
  let signaling = "closed";
  let backoff = BACKOFF_MIN_MS;
  let reconnectTimer = null;
  let viewerId = null;
  let appliance = null; // "online" | "offline" | null (not told yet)
  let lastError = null;
  let chain = Promise.resolve(); // offers and candidates, handled one after the other

  function signalUrl() {
    return (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + "/api/signal";
  }

  function connectSignaling() {
    reconnectTimer = null;
    signaling = "connecting";
    let sock;
    try {
      sock = new WebSocket(signalUrl());
    } catch (e) {
      warn("cannot open the signaling socket: " + e.message);
      signaling = "closed";
      scheduleReconnect();
      return;
    }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) {
        return;
      }
      signaling = "open";
      sendSignal({ type: "watch", transportId: transportId });
    };
    sock.onmessage = function (e) {
      if (ws !== sock || typeof e.data !== "string") {
        return;
      }
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        warn("unparsable signaling message");
        return;
      }
      onSignal(msg);
    };
    sock.onclose = function (e) {
      if (ws !== sock) {
        return;
      }
      ws = null;
      signaling = "closed";
      viewerId = null;
      if (e && e.reason) {
        warn("signaling closed (" + e.code + "): " + e.reason);
      }
      scheduleReconnect();
      changed();
    };
    sock.onerror = function () {
      // onclose follows and reconnects
    };
  }

  function scheduleReconnect() {
    if (reconnectTimer !== null) {
      return;
    }
    const wait = backoff;
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    reconnectTimer = setTimeout(connectSignaling, wait);
  }

  function sendSignal(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  function onSignal(msg) {
    switch (msg.type) {
      case "watching":
        viewerId = msg.viewerId || null;
        appliance = msg.appliance || null;
        backoff = BACKOFF_MIN_MS; // a working socket: the next outage starts from the shortest wait
        break;
      case "appliance":
        appliance = msg.state || null;
        break;
      case "offer":
        chain = chain.then(() => onOffer(msg)).catch((e) => warn("offer not taken: " + e.message));
        break;
      case "candidate":
        chain = chain
          .then(() => onRemoteCandidate(msg.candidate))
          .catch((e) => warn("candidate not taken: " + e.message));
        break;
      case "bye":
        chain = chain.then(function () {
          warn("the appliance closed the session" + (msg.reason ? ": " + msg.reason : ""));
          closePeer();
        });
        break;
      case "error":
        lastError = String(msg.reason || "error");
        warn("the console answered: " + lastError);
        break;
      default:
        // nothing else is for the viewer
        break;
    }
    changed();
  }

  // ------------------------------------------------------------------ the peer connection

  let pc = null;
  let session = null;
  let ecgChannel = null;
  let eventsChannel = null;
  let remoteSet = false;
  let pendingCandidates = [];
  let restartSent = false;

  async function iceConfig() {
    const ice = await AL.api("/api/ice-servers");
    return {
      iceServers: (ice && ice.iceServers) || [],
      iceTransportPolicy: (ice && ice.iceTransportPolicy) === "relay" ? "relay" : "all",
    };
  }

  async function onOffer(msg) {
    if (typeof msg.sdp !== "string") {
      return;
    }
    if (!pc || msg.session !== session) {
      closePeer();
      let config;
      try {
        config = await iceConfig();
      } catch (e) {
        warn("no ICE servers from the console (" + e.message + "); asking for a new offer");
        setTimeout(() => sendSignal({ type: "restart" }), 2000);
        return;
      }
      newPeer(config, msg.session);
    }
    const peer = pc;
    // same session: an ICE restart on the same connection
    await peer.setRemoteDescription({ type: "offer", sdp: msg.sdp });
    if (peer !== pc) {
      return;
    }
    remoteSet = true;
    const queued = pendingCandidates;
    pendingCandidates = [];
    for (const c of queued) {
      await addCandidate(peer, c);
    }
    const answer = await peer.createAnswer();
    await peer.setLocalDescription(answer);
    if (peer === pc) {
      sendSignal({ type: "answer", sdp: peer.localDescription.sdp });
    }
  }

  async function onRemoteCandidate(candidate) {
    if (!candidate) {
      return;
    }
    if (!pc || !remoteSet) {
      pendingCandidates.push(candidate);
      return;
    }
    await addCandidate(pc, candidate);
  }

  async function addCandidate(peer, candidate) {
    try {
      await peer.addIceCandidate(candidate);
    } catch (e) {
      warn("remote candidate refused: " + e.message);
    }
  }

  function newPeer(config, sessionId) {
    const peer = new RTCPeerConnection(config);
    pc = peer;
    session = sessionId === undefined ? null : sessionId;
    remoteSet = false;
    restartSent = false;
    // the same two channels as the appliance, pre-negotiated: nothing waits for ondatachannel
    const ecgCh = peer.createDataChannel("ecg", {
      negotiated: true,
      id: 0,
      ordered: false,
      maxRetransmits: 0,
    });
    const evCh = peer.createDataChannel("events", { negotiated: true, id: 1 });
    ecgCh.binaryType = "arraybuffer";
    evCh.binaryType = "arraybuffer";
    ecgChannel = ecgCh;
    eventsChannel = evCh;
    ecgCh.onmessage = function (e) {
      if (pc === peer && e.data instanceof ArrayBuffer) {
        onFrame(e.data, false);
      }
    };
    evCh.onmessage = function (e) {
      if (pc !== peer) {
        return;
      }
      if (e.data instanceof ArrayBuffer) {
        onFrame(e.data, true);
      } else {
        onEventText(e.data);
      }
    };
    evCh.onopen = () => changed();
    evCh.onclose = () => changed();
    peer.onicecandidate = function (e) {
      if (pc === peer && e.candidate) {
        const c = e.candidate;
        sendSignal({
          type: "candidate",
          candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex },
        });
      }
    };
    peer.ontrack = function (e) {
      if (pc === peer && e.track.kind === "video") {
        attachVideo(e.track, e.streams && e.streams[0]);
      }
    };
    peer.onconnectionstatechange = function () {
      if (pc !== peer) {
        return;
      }
      if (peer.connectionState === "failed") {
        warn("the connection failed; asking the appliance for a new one");
        askRestart();
      } else if (peer.connectionState === "connected") {
        restartSent = false;
      }
      changed();
    };
    peer.oniceconnectionstatechange = () => changed();
    changed();
  }

  /** The connection failed: ask the appliance for a fresh offer (once per failure). */
  function askRestart() {
    if (!restartSent) {
      restartSent = sendSignal({ type: "restart" });
    }
  }

  function closePeer() {
    const peer = pc;
    pc = null;
    session = null;
    ecgChannel = null;
    eventsChannel = null;
    remoteSet = false;
    pendingCandidates = [];
    // requests on the old channel will never be answered; the next hello asks again
    outstanding = [];
    if (peer) {
      try {
        peer.close();
      } catch (e) {
        // closed already
      }
    }
    detachVideo();
    changed();
  }

  function connectionState() {
    if (testConnection !== null) {
      return testConnection;
    }
    return pc ? pc.connectionState : "none";
  }

  // ------------------------------------------------------------------ video

  let videoTrack = null;
  let videoFrames = 0;
  let lastVideoFrameAt = null;
  let videoCallbackOn = false;
  let videoShown = null;

  function videoEl() {
    return document.getElementById("video");
  }

  function attachVideo(track, stream) {
    const video = videoEl();
    if (!video) {
      return;
    }
    videoTrack = track;
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.srcObject = stream || new MediaStream([track]);
    const p = video.play();
    if (p && p.catch) {
      p.catch(function () {
        // autoplay refused or interrupted: muted video plays once the page is shown
      });
    }
    track.onmute = updateVideo;
    track.onunmute = updateVideo;
    track.onended = updateVideo;
    video.onplaying = updateVideo;
    video.onresize = updateVideo;
    if (!videoCallbackOn && video.requestVideoFrameCallback) {
      videoCallbackOn = true;
      const onFrame = function () {
        videoFrames++;
        lastVideoFrameAt = performance.now();
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    updateVideo();
  }

  function detachVideo() {
    videoTrack = null;
    updateVideo();
  }

  function videoFlowing() {
    const video = videoEl();
    if (!video || !videoTrack || videoTrack.readyState !== "live" || videoTrack.muted) {
      return false;
    }
    if (connectionState() !== "connected" || video.readyState < 2) {
      return false;
    }
    if (video.requestVideoFrameCallback) {
      return lastVideoFrameAt !== null && performance.now() - lastVideoFrameAt < VIDEO_STALE_MS;
    }
    return true;
  }

  function updateVideo() {
    const overlay = AL.byTestId("video-overlay");
    const video = videoEl();
    if (!overlay || !video) {
      return;
    }
    const flowing = videoFlowing();
    if (flowing === videoShown) {
      return;
    }
    videoShown = flowing;
    overlay.classList.toggle("hidden", flowing);
    overlay.dataset.state = flowing ? "live" : "not-connected";
    // a frame that stopped must not look live: the last picture goes grey under the overlay
    video.parentElement.classList.toggle("stale", !flowing);
  }

  function videoStats() {
    const video = videoEl();
    if (!video) {
      return { width: 0, height: 0, totalFrames: 0, playing: false };
    }
    let total = videoFrames;
    if (video.getVideoPlaybackQuality) {
      total = Math.max(total, video.getVideoPlaybackQuality().totalVideoFrames || 0);
    }
    return {
      width: video.videoWidth,
      height: video.videoHeight,
      totalFrames: total,
      playing: !video.paused && video.readyState >= 2,
    };
  }

  /** The candidate types of the peer connection's selected pair ("host", "srflx", "relay"). */
  async function selectedCandidatePair() {
    if (!pc) {
      return null;
    }
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach(function (r) {
      if (r.type === "transport" && r.selectedCandidatePairId) {
        pair = stats.get(r.selectedCandidatePairId);
      }
    });
    if (!pair) {
      stats.forEach(function (r) {
        if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") {
          pair = r;
        }
      });
    }
    if (!pair) {
      return null;
    }
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return {
      local: local ? local.candidateType : null,
      remote: remote ? remote.candidateType : null,
      protocol: local ? local.protocol : null,
    };
  }

  // ------------------------------------------------------------------ sequence numbers

  // Sequence numbers are uint32 and wrap; inside they are unwrapped onto the number line around the
  // newest one seen (serial-number arithmetic), and wrapped again when sent.
  let refU = null;

  function unwrap(seq) {
    const s = Number(seq) >>> 0;
    if (refU === null) {
      refU = s;
      return s;
    }
    let d = (s - wrap(refU) + TWO32) % TWO32;
    if (d >= TWO31) {
      d -= TWO32;
    }
    const u = refU + d;
    if (u > refU) {
      refU = u;
    }
    return u;
  }

  function wrap(u) {
    return ((u % TWO32) + TWO32) % TWO32;
  }

  // ------------------------------------------------------------------ the record

  let firstU = null; // where the record starts (hello's firstSeq)
  let contigU = null; // every frame firstU..contigU is held (firstU - 1: none)
  const heldAbove = new Set(); // held frames above contigU (or all, before hello)
  const data = new Map(); // u → frame, for frames above contigU (folded into the sums on the way)
  let sums = null; // the record's checksums: {frames, startUs, lastFrame, clipped, leads: Map}
  let framesLive = 0;
  let framesBackfill = 0;
  let duplicates = 0;
  let badFrames = 0;
  const received = new Map(); // seq (uint32) → time first received
  let leadNames = null; // the leads the renderer was told
  let lastLiveAt = null; // clock() of the newest live frame
  let ecgSource = false; // this session has delivered ECG
  let ecgLiveShown = null;
  let liveTimer = null;
  const recent = new Map(); // u → frame, the last RECENT_MS of frames, for redraws
  let newestMs = null; // the newest frame's time
  let redrawTimer = null;

  function held(u) {
    if (contigU !== null && u <= contigU) {
      return true;
    }
    return heldAbove.has(u);
  }

  function normalize(f) {
    const rate = f.rateHz !== undefined ? f.rateHz : f.sampleRateHz;
    const leads = f.leads.map(function (l, i) {
      if (typeof l === "string") {
        return { leadId: l, code: f.leadCodes[i], samples: f.samples[i] };
      }
      return { leadId: l.leadId, code: l.code, samples: l.samples };
    });
    return {
      seq: f.seq,
      timeMs: f.timeMs,
      timeUs: BigInt(f.timeUs),
      rateHz: rate,
      samplesPerLead: leads[0].samples.length,
      scale: f.scale,
      backfill: !!f.backfill,
      clipped: !!f.clipped,
      leads: leads,
    };
  }

  /** One binary frame from a channel: live from `ecg`, backfill from `events`. */
  function onFrame(buffer, backfill) {
    let f;
    try {
      f = normalize(frames.decode(buffer));
    } catch (e) {
      badFrames++;
      warn("ECG frame refused: " + e.message);
      return;
    }
    acceptFrame(f, backfill);
  }

  function acceptFrame(f, backfill) {
    const u = unwrap(f.seq);
    if (firstU !== null && u < firstU) {
      return; // before the record: not asked for, not shown
    }
    if (held(u)) {
      duplicates++; // the first copy wins, live or backfilled
      return;
    }
    if (lost.delete(u)) {
      lostCount--; // given up, and yet here
    }
    heldAbove.add(u);
    if (data.size < DATA_CAP && !recordBlocked()) {
      data.set(u, f);
    }
    noteReceived(f.seq);
    if (backfill) {
      framesBackfill++;
    } else {
      framesLive++;
      lastLiveAt = clock();
      // the moment the trace stops being live, not up to a tick later
      clearTimeout(liveTimer);
      liveTimer = setTimeout(applyEcgLive, LIVE_TIMEOUT_MS + 1);
    }
    advance();
    show(u, f, backfill);
    changed();
  }

  function noteReceived(seq) {
    received.set(seq >>> 0, performance.timeOrigin + performance.now());
    if (received.size > RECEIVED_KEEP) {
      received.delete(received.keys().next().value);
    }
  }

  /** Folds frames into the record's sums while the next one is held. */
  function advance() {
    if (firstU === null) {
      return;
    }
    while (heldAbove.has(contigU + 1) && data.has(contigU + 1)) {
      const u = contigU + 1;
      fold(data.get(u));
      data.delete(u);
      heldAbove.delete(u);
      contigU = u;
    }
    advanceResolved();
  }

  function fold(f) {
    if (sums === null) {
      sums = { frames: 0, startUs: f.timeUs, lastFrame: null, clipped: false, leads: new Map() };
    }
    sums.frames++;
    sums.lastFrame = { timeUs: f.timeUs, samplesPerLead: f.samplesPerLead, rateHz: f.rateHz };
    sums.clipped = sums.clipped || f.clipped;
    for (const lead of f.leads) {
      const key = String(lead.code);
      let s = sums.leads.get(key);
      if (!s) {
        s = { count: 0, fnv: 0x811c9dc5 };
        sums.leads.set(key, s);
      }
      let h = s.fnv;
      const samples = lead.samples;
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i];
        h = Math.imul(h ^ (v & 0xff), 0x01000193) >>> 0;
        h = Math.imul(h ^ ((v >> 8) & 0xff), 0x01000193) >>> 0;
      }
      s.fnv = h;
      s.count += samples.length;
    }
  }

  function record() {
    const out = {
      firstSeq: firstU === null ? null : wrap(firstU),
      lastSeq: null,
      frames: 0,
      startUs: null,
      endUs: null,
      clipped: false,
      leads: {},
    };
    if (firstU === null || sums === null) {
      return out;
    }
    const last = sums.lastFrame;
    out.lastSeq = wrap(contigU);
    out.frames = sums.frames;
    out.startUs = String(sums.startUs);
    out.endUs = String(last.timeUs + BigInt(Math.round((last.samplesPerLead * 1e6) / last.rateHz)));
    out.clipped = sums.clipped;
    for (const [code, s] of sums.leads) {
      out.leads[code] = { count: s.count, fnv: s.fnv };
    }
    return out;
  }

  // ------------------------------------------------------------------ the trace

  function show(u, f, backfill) {
    const names = f.leads.map((l) => l.leadId);
    const ecg = window.ambulinkEcg;
    if (!ecg) {
      return;
    }
    if (!ecgSource) {
      ecgSource = true;
      applyEcgLive();
    }
    if (leadNames === null || leadNames.join() !== names.join()) {
      leadNames = names;
      ecg.setLeads(names);
    }
    if (newestMs === null || f.timeMs > newestMs) {
      newestMs = f.timeMs;
      for (const [k, r] of recent) {
        if (r.timeMs < newestMs - RECENT_MS) {
          recent.delete(k);
        }
      }
    }
    if (f.timeMs >= newestMs - RECENT_MS) {
      recent.set(u, f);
    }
    if (!backfill) {
      pushFrame(ecg, f);
      return;
    }
    // a backfill frame shows only when it falls inside the sweep; then the trace is redrawn in time
    // order, so that no line joins it to the newest samples
    const st = ecg.status();
    if (st.latestT === null) {
      return;
    }
    const end = f.timeMs + (f.samplesPerLead * 1000) / f.rateHz;
    if (end > st.latestT - st.windowMs && f.timeMs <= st.latestT) {
      scheduleRedraw();
    }
  }

  function pushFrame(ecg, f) {
    for (const lead of f.leads) {
      ecg.push(lead.leadId, f.timeMs, lead.samples, f.rateHz, f.scale);
    }
  }

  function scheduleRedraw() {
    if (redrawTimer !== null) {
      return;
    }
    redrawTimer = setTimeout(function () {
      redrawTimer = null;
      const ecg = window.ambulinkEcg;
      const st = ecg.status();
      if (st.latestT === null) {
        return;
      }
      const from = st.latestT - st.windowMs - 1000;
      const list = Array.from(recent.values())
        .filter((f) => f.timeMs + (f.samplesPerLead * 1000) / f.rateHz > from)
        .sort((a, b) => a.timeMs - b.timeMs);
      ecg.clear();
      for (const f of list) {
        pushFrame(ecg, f);
      }
      applyEcgLive();
    }, 50);
  }

  /** The ECG of this session is live: connected and a live frame within the last 2 s. */
  function ecgLive() {
    return (
      connectionState() === "connected" &&
      lastLiveAt !== null &&
      clock() - lastLiveAt < LIVE_TIMEOUT_MS
    );
  }

  function applyEcgLive() {
    const live = ecgLive();
    document.body.dataset.ecg = ecgSource ? (live ? "live" : "not-live") : "none";
    if (!ecgSource || live === ecgLiveShown) {
      return;
    }
    ecgLiveShown = live;
    if (typeof api.refresh === "function") {
      api.refresh(); // live.js combines it with the link and the event stream
    } else if (window.ambulinkEcg) {
      window.ambulinkEcg.setLive(live);
    }
  }

  // ------------------------------------------------------------------ gaps and backfill

  let nextU = null; // the highest head seen: frames below it exist
  let dueU = null; // the highest head at least HEAD_GRACE_MS old
  let resolvedU = null; // every frame firstU..resolvedU is held or given up
  const heads = []; // {u, at}
  let outstanding = []; // {from, to (unwrapped), sentAt}
  const lost = new Set();
  let lostCount = 0;
  let backfillRequests = 0;
  let backfillShown = false;

  function advanceResolved() {
    if (firstU === null) {
      return;
    }
    if (resolvedU === null || resolvedU < contigU) {
      resolvedU = contigU;
    }
    while (heldAbove.has(resolvedU + 1) || lost.has(resolvedU + 1)) {
      resolvedU++;
    }
  }

  function onEventText(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      warn("unparsable events message");
      return;
    }
    onEvent(msg);
  }

  function onEvent(msg) {
    switch (msg.type) {
      case "hello":
        onHello(msg);
        break;
      case "head":
        onHead(msg);
        break;
      case "backfilled":
        onBackfilled(msg);
        break;
      case "vitals":
        onVitals(msg);
        break;
      case "alarm":
        // the console's event stream shows alarms (with acknowledgement); nothing to add here
        break;
      case "error":
        warn("the appliance answered: " + msg.reason);
        break;
      default:
        break;
    }
    changed();
  }

  function isSeq(n) {
    return Number.isInteger(n) && n >= 0 && n < TWO32;
  }

  let epoch = null; // the appliance's numbering the record is in

  /**
   * Forgets the record: the appliance numbers its frames anew (it restarted, or renumbered after a
   * message it could not journal), so frames held under the old numbering mean something else now.
   */
  function resetRecord() {
    refU = null;
    firstU = null;
    contigU = null;
    heldAbove.clear();
    data.clear();
    sums = null;
    received.clear();
    nextU = null;
    dueU = null;
    resolvedU = null;
    heads.length = 0;
    outstanding = [];
    lost.clear();
    lostCount = 0;
  }

  function onHello(msg) {
    if (!isSeq(msg.firstSeq) || !isSeq(msg.nextSeq)) {
      warn("hello without sequence numbers");
      return;
    }
    const e = typeof msg.epoch === "string" ? msg.epoch : null;
    if (epoch !== null && e !== epoch) {
      warn("the appliance renumbered its ECG frames: the record starts again");
      resetRecord();
    }
    epoch = e;
    const first = unwrap(msg.firstSeq);
    const next = unwrap(msg.nextSeq);
    if (firstU === null) {
      firstU = first;
      contigU = firstU - 1;
      for (const u of Array.from(heldAbove)) {
        if (u < firstU) {
          heldAbove.delete(u);
          data.delete(u);
        }
      }
      advance();
    }
    noteHead(next);
    // the record from firstSeq on, now: no need to wait for the head's grace
    requestMissing(next - 1, true);
  }

  function onHead(msg) {
    if (!isSeq(msg.nextSeq)) {
      return;
    }
    noteHead(unwrap(msg.nextSeq));
  }

  function noteHead(u) {
    if (nextU === null || u > nextU) {
      nextU = u;
    }
    heads.push({ u: u, at: clock() });
  }

  function onBackfilled(msg) {
    if (!isSeq(msg.from) || !isSeq(msg.to)) {
      return;
    }
    const from = unwrap(msg.from);
    const to = from + ((wrap(msg.to) - wrap(from) + TWO32) % TWO32);
    outstanding = outstanding.filter((r) => !(r.from >= from && r.to <= to));
    if (firstU !== null) {
      for (let u = Math.max(from, firstU); u <= to; u++) {
        if (!held(u) && !lost.has(u)) {
          lost.add(u); // the journal no longer has it: it will never come
          lostCount++;
        }
      }
      advanceResolved();
      if (recordBlocked()) {
        data.clear(); // the record cannot grow past a frame that will never come
      }
    }
  }

  /**
   * The next frame of the record was given up: the record ends here, and the samples of the frames
   * after it need not be kept (if the frame turns up after all, the record grows by that frame).
   */
  function recordBlocked() {
    return firstU !== null && lost.has(contigU + 1);
  }

  /** Asks for every frame up to lastU that is missing and not asked for already. */
  function requestMissing(lastU, now) {
    if (firstU === null || lastU === null) {
      return;
    }
    const t = clock();
    outstanding = outstanding.filter((r) => t - r.sentAt < REQUEST_RETRY_MS);
    let runFrom = null;
    const flush = function (to) {
      if (runFrom !== null) {
        for (let a = runFrom; a <= to; a += CHUNK) {
          sendBackfill(a, Math.min(to, a + CHUNK - 1), t);
        }
        runFrom = null;
      }
    };
    for (let u = resolvedU + 1; u <= lastU; u++) {
      const wanted = !heldAbove.has(u) && !lost.has(u) && !covered(u);
      if (wanted && runFrom === null) {
        runFrom = u;
      } else if (!wanted) {
        flush(u - 1);
      }
    }
    flush(lastU);
    if (now) {
      updateBackfill();
    }
  }

  function covered(u) {
    for (const r of outstanding) {
      if (u >= r.from && u <= r.to) {
        return true;
      }
    }
    return false;
  }

  function sendBackfill(from, to, t) {
    // a request never crosses the wrap of the uint32 numbers
    if (wrap(from) > wrap(to)) {
      const end = from + (TWO32 - 1 - wrap(from));
      sendBackfill(from, end, t);
      sendBackfill(end + 1, to, t);
      return;
    }
    if (sendEvent({ type: "backfill", from: wrap(from), to: wrap(to) })) {
      outstanding.push({ from: from, to: to, sentAt: t });
      backfillRequests++;
    }
  }

  function sendEvent(msg) {
    if (testSent !== null) {
      testSent.push(msg);
      return true;
    }
    if (eventsChannel && eventsChannel.readyState === "open") {
      eventsChannel.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  function missingCount() {
    if (firstU === null || nextU === null || nextU <= firstU) {
      return 0;
    }
    let have = Math.min(contigU, nextU - 1) - firstU + 1;
    for (const u of heldAbove) {
      if (u < nextU) {
        have++;
      }
    }
    return nextU - firstU - have;
  }

  function backfilling() {
    return outstanding.length > 0;
  }

  function updateBackfill() {
    const on = backfilling();
    if (on !== backfillShown) {
      backfillShown = on;
      if (typeof api.refresh === "function") {
        api.refresh();
      } else {
        const b = AL.byTestId("backfill-banner");
        if (b) {
          b.classList.toggle("hidden", !on);
        }
      }
    }
  }

  function tick() {
    const t = clock();
    let due = false;
    while (heads.length && t - heads[0].at >= HEAD_GRACE_MS) {
      const h = heads.shift();
      if (dueU === null || h.u > dueU) {
        dueU = h.u;
      }
      due = true;
    }
    if (dueU !== null && (due || outstanding.some((r) => t - r.sentAt >= REQUEST_RETRY_MS))) {
      requestMissing(dueU - 1, false);
    }
    if (pc && pc.connectionState === "failed") {
      askRestart(); // again, if the signaling socket was down the first time
    }
    updateBackfill();
    applyEcgLive();
    updateVideo();
  }

  // ------------------------------------------------------------------ vitals

  const vitals = new Map(); // label → {code, label, value, unit, observedAt}

  function onVitals(msg) {
    for (const item of msg.items || []) {
      if (!item || !item.label) {
        continue;
      }
      vitals.set(item.label, {
        code: item.code,
        label: item.label,
        value: item.value,
        unit: item.unit,
        observedAt: msg.at,
      });
    }
    if (typeof api.refresh === "function") {
      api.refresh();
    }
  }

  // ------------------------------------------------------------------ state

  function changed() {
    document.body.dataset.rtc = connectionState();
  }

  function state() {
    return {
      signaling: signaling,
      viewerId: viewerId,
      appliance: appliance,
      session: session,
      connection: connectionState(),
      ice: pc ? pc.iceConnectionState : "none",
      channels: {
        ecg: ecgChannel ? ecgChannel.readyState : "none",
        events: eventsChannel ? eventsChannel.readyState : "none",
      },
      framesLive: framesLive,
      framesBackfill: framesBackfill,
      duplicates: duplicates,
      badFrames: badFrames,
      firstSeq: firstU === null ? null : wrap(firstU),
      nextSeq: nextU === null ? null : wrap(nextU),
      missing: missingCount(),
      lost: lostCount,
      backfillRequests: backfillRequests,
      outstanding: outstanding.map((r) => ({ from: wrap(r.from), to: wrap(r.to) })),
      ecgLive: ecgLive(),
      video: videoFlowing(),
      lastError: lastError,
    };
  }

  function start(id) {
    if (started || !id) {
      return;
    }
    started = true;
    transportId = id;
    connectSignaling();
  }

  setInterval(tick, TICK_MS);

  // ------------------------------------------------------------------ tests

  Object.assign(api, {
    start: start,
    state: state,
    record: record,
    receivedAt: function (seq) {
      const t = received.get(Number(seq) >>> 0);
      return t === undefined ? null : t;
    },
    videoStats: videoStats,
    selectedCandidatePair: selectedCandidatePair,
    ecgSource: () => ecgSource,
    ecgLive: ecgLive,
    backfilling: backfilling,
    vitals: () => Array.from(vitals.values()),
    _test: {
      /** Captures events messages (backfill requests) instead of sending them. */
      capture: function () {
        testSent = [];
      },
      sent: () => (testSent || []).slice(),
      clearSent: function () {
        if (testSent) {
          testSent.length = 0;
        }
      },
      /** Stands in for the peer connection's state ("connected", …; null: the real one). */
      connection: function (s) {
        testConnection = s === null || s === undefined ? null : String(s);
        changed();
        tick();
      },
      /** A binary frame as if from `ecg` (backfill false) or `events` (backfill true). */
      frame: function (buffer, backfill) {
        onFrame(buffer, !!backfill);
      },
      /** A text message as if from `events`. */
      event: function (msg) {
        onEvent(typeof msg === "string" ? JSON.parse(msg) : msg);
      },
      /** A signaling message as if from the console. */
      signal: function (msg) {
        onSignal(msg);
      },
      /** Moves the session's clock forward and runs the periodic checks. */
      advance: function (ms) {
        clockOffset += Number(ms) || 0;
        tick();
      },
      tick: tick,
    },
  });
})();
