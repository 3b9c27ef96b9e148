// Login page: fills the CSRF field from the cookie the page load set, and shows why we are here.
(function () {
  "use strict";

  function cookie(name) {
    const parts = document.cookie ? document.cookie.split("; ") : [];
    for (const p of parts) {
      const i = p.indexOf("=");
      if (p.substring(0, i) === name) {
        return decodeURIComponent(p.substring(i + 1));
      }
    }
    return "";
  }

  function show(testId, text) {
    const el = document.querySelector('[data-testid="' + testId + '"]');
    if (text !== undefined) {
      el.textContent = text;
    }
    el.classList.remove("hidden");
  }

  function init() {
    const csrf = document.getElementById("csrf");
    csrf.value = cookie("XSRF-TOKEN");
    const form = document.getElementById("login-form");
    // The cookie may change (e.g. after a logout in another tab): read it again when submitting.
    form.addEventListener("submit", function () {
      csrf.value = cookie("XSRF-TOKEN");
    });
    const params = new URLSearchParams(location.search);
    if (params.has("error")) {
      show("login-error");
    }
    if (params.has("locked")) {
      const n = parseInt(params.get("locked"), 10);
      const minutes = Number.isFinite(n) && n > 0 ? n : 15;
      show(
        "login-locked",
        "Too many failed attempts; try again in " + minutes + (minutes === 1 ? " minute" : " minutes")
      );
    }
    if (params.has("logout")) {
      show("login-logout");
    }
    if (params.has("error") || params.has("locked")) {
      document.getElementById("password").focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
