// Administration: the audit log (newest first, paged, chain verification, CSV export), staff
// accounts and appliances.
(function () {
  "use strict";

  const AL = window.AmbuLink;
  const $ = (id) => AL.byTestId(id);
  const PAGE = 50;
  const BAD_ACTIONS = new Set(["LOGIN_FAILED", "LOGIN_LOCKED", "ACCESS_DENIED", "DEVICE_REFUSED"]);

  let pageBefore = null; // null: newest page
  const pageStack = [];
  let oldestShown = null;

  function message(testId, kind, text) {
    const el = $(testId);
    el.className = "msg msg-" + kind;
    el.textContent = text;
  }

  // ------------------------------------------------------------------ audit

  async function loadAudit() {
    const q = "?limit=" + PAGE + (pageBefore !== null ? "&before=" + pageBefore : "");
    const rows = await AL.api("/api/admin/audit" + q);
    const body = $("audit-rows");
    body.replaceChildren(
      ...rows.map((e) =>
        AL.el(
          "tr",
          { "data-testid": "audit-row", "data-action": e.action, "data-id": e.id },
          AL.el("td", { class: "num", text: e.id }),
          AL.el("td", { class: "num mono", text: AL.dateTime(e.at) }),
          AL.el("td", { "data-testid": "audit-actor", text: e.actor }),
          AL.el(
            "td",
            {},
            AL.el("span", {
              class: "action-tag" + (BAD_ACTIONS.has(e.action) ? " bad" : ""),
              "data-testid": "audit-action",
              text: e.action,
            })
          ),
          AL.el("td", { "data-testid": "audit-target", text: e.target }),
          AL.el("td", { class: "mono", "data-testid": "audit-address", text: e.address }),
          AL.el("td", { "data-testid": "audit-details", text: e.details })
        )
      )
    );
    oldestShown = rows.length ? rows[rows.length - 1].id : null;
    AL.setText(
      $("audit-range"),
      rows.length ? "entries " + rows[rows.length - 1].id + "–" + rows[0].id : "no entries"
    );
    $("audit-older").disabled = rows.length < PAGE || oldestShown === 1;
    $("audit-newest").disabled = pageBefore === null;
  }

  async function verify() {
    const btn = $("audit-verify");
    btn.disabled = true;
    message("verify-result", "info", "Verifying the whole chain…");
    try {
      const r = await AL.api("/api/admin/audit/verify");
      const el = $("verify-result");
      el.dataset.intact = r.intact ? "true" : "false";
      if (r.intact) {
        message("verify-result", "ok", "Audit chain intact: every entry matches its hash and none is missing.");
      } else {
        message("verify-result", "error", "Audit chain BROKEN at " + r.breaks.length + " place(s):");
        el.append(
          AL.el(
            "ul",
            { "data-testid": "verify-breaks" },
            ...r.breaks.map((b) => AL.el("li", { text: "entry " + b.id + ": " + b.reason }))
          )
        );
      }
    } catch (e) {
      message("verify-result", "error", "Could not verify: " + e.message);
    } finally {
      btn.disabled = false;
    }
  }

  // ------------------------------------------------------------------ users

  async function loadUsers() {
    const users = await AL.api("/api/admin/users");
    $("user-rows").replaceChildren(
      ...users.map((u) => {
        const disable = AL.el("button", {
          class: "btn btn-danger",
          type: "button",
          "data-testid": "user-disable",
          text: "Disable",
        });
        disable.addEventListener("click", () => confirmThen(disable, "Confirm disable", () => disableUser(u.username)));
        return AL.el(
          "tr",
          { "data-testid": "user-row", "data-username": u.username },
          AL.el("td", { text: u.username }),
          AL.el("td", { text: String(u.role).toLowerCase() }),
          AL.el("td", { text: u.edId }),
          AL.el("td", { class: u.enabled ? "yes" : "no", text: u.enabled ? "yes" : "disabled" }),
          AL.el("td", {}, u.enabled && u.username !== (AL.me && AL.me.username) ? disable : "")
        );
      })
    );
  }

  async function disableUser(username) {
    try {
      await AL.api("/api/admin/users/" + encodeURIComponent(username) + "/disable", { method: "POST" });
      message("user-result", "ok", "Account " + username + " disabled.");
    } catch (e) {
      message("user-result", "error", e.message);
    }
    await Promise.all([loadUsers(), loadAudit()]);
  }

  async function createUser(ev) {
    ev.preventDefault();
    const form = ev.target;
    const body = {
      username: $("user-username").value.trim(),
      password: $("user-password").value,
      role: $("user-role-select").value,
      edId: $("user-ed").value.trim() || null,
    };
    try {
      const u = await AL.api("/api/admin/users", { method: "POST", body: body });
      message("user-result", "ok", "Account " + u.username + " created (" + String(u.role).toLowerCase() + ", " + u.edId + ").");
      form.reset();
    } catch (e) {
      message("user-result", "error", e.message);
    }
    await Promise.all([loadUsers(), loadAudit()]);
  }

  // ------------------------------------------------------------------ devices

  async function loadDevices() {
    const devices = await AL.api("/api/admin/devices");
    $("device-rows").replaceChildren(
      ...devices.map((d) => {
        const revoked = !!d.revokedAt;
        const revoke = AL.el("button", {
          class: "btn btn-danger",
          type: "button",
          "data-testid": "device-revoke",
          text: "Revoke",
        });
        revoke.addEventListener("click", () => confirmThen(revoke, "Confirm revoke", () => revokeDevice(d.id)));
        return AL.el(
          "tr",
          { "data-testid": "device-row", "data-device-id": d.id },
          AL.el("td", { class: "mono", text: d.id }),
          AL.el("td", { text: d.description || "" }),
          AL.el("td", {
            class: "num",
            "data-testid": "device-last-seen",
            text: d.lastSeenAt ? AL.dateTime(d.lastSeenAt) + " (" + AL.ago(d.lastSeenAt) + ")" : "never",
          }),
          AL.el("td", { class: "num", "data-testid": "device-backlog", text: d.backlog == null ? "" : d.backlog }),
          AL.el("td", {
            class: revoked ? "no" : "yes",
            "data-testid": "device-status",
            text: revoked ? "revoked " + AL.dateTime(d.revokedAt) : "active",
          }),
          AL.el("td", {}, revoked ? "" : revoke)
        );
      })
    );
  }

  async function revokeDevice(id) {
    try {
      await AL.api("/api/admin/devices/" + encodeURIComponent(id) + "/revoke", { method: "POST" });
      message("device-result", "ok", "Appliance " + id + " revoked: it is refused from now on.");
    } catch (e) {
      message("device-result", "error", e.message);
    }
    await Promise.all([loadDevices(), loadAudit()]);
  }

  async function registerDevice(ev) {
    ev.preventDefault();
    const form = ev.target;
    const body = { id: $("device-id").value.trim(), description: $("device-description").value.trim() };
    $("device-token-box").classList.add("hidden");
    try {
      const r = await AL.api("/api/admin/devices", { method: "POST", body: body });
      $("device-result").classList.add("hidden");
      $("device-token-id").textContent = r.id;
      $("device-token").textContent = r.token;
      $("device-token-box").classList.remove("hidden");
      form.reset();
    } catch (e) {
      message("device-result", "error", e.message);
    }
    await Promise.all([loadDevices(), loadAudit()]);
  }

  /** A dangerous button asks once more (no window.confirm: it blocks the wall screen). */
  function confirmThen(btn, question, action) {
    if (btn.dataset.confirming === "true") {
      btn.disabled = true;
      action();
      return;
    }
    btn.dataset.confirming = "true";
    const was = btn.textContent;
    btn.textContent = question;
    setTimeout(function () {
      if (btn.isConnected && !btn.disabled) {
        btn.dataset.confirming = "false";
        btn.textContent = was;
      }
    }, 5000);
  }

  // ------------------------------------------------------------------ start

  async function start() {
    try {
      await AL.loadMe();
    } catch (e) {
      return;
    }
    $("audit-newest").addEventListener("click", function () {
      pageBefore = null;
      pageStack.length = 0;
      loadAudit();
    });
    $("audit-older").addEventListener("click", function () {
      if (oldestShown !== null) {
        pageStack.push(pageBefore);
        pageBefore = oldestShown;
        loadAudit();
      }
    });
    $("audit-verify").addEventListener("click", verify);
    $("user-form").addEventListener("submit", createUser);
    $("device-form").addEventListener("submit", registerDevice);
    const results = await Promise.allSettled([loadAudit(), loadUsers(), loadDevices()]);
    document.body.dataset.loaded = "true";
    for (const r of results) {
      if (r.status === "rejected") {
        message("verify-result", "error", "Could not load: " + r.reason.message);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
