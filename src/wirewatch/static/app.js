// wirewatch web app: the push opt-in prompt and subscribe buttons.
// No inline script anywhere (the Content-Security-Policy forbids it); text is set with
// textContent only, never innerHTML.
"use strict";

(function () {
  var DISMISS_DAYS = 30;
  var DAY_MS = 24 * 60 * 60 * 1000;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function key(situation) {
    return "wirewatch.optin.dismissed." + String(situation || "").toLowerCase();
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // A dismissed prompt stays hidden for 30 days (stored in this browser only).
  function dismissedRecently(situation) {
    var s = storage();
    if (!s) { return false; }
    var at = parseInt(s.getItem(key(situation)) || "0", 10);
    return at > 0 && Date.now() - at < DISMISS_DAYS * DAY_MS;
  }

  function dismiss(situation) {
    var s = storage();
    if (s) { s.setItem(key(situation), String(Date.now())); }
  }

  function say(text) {
    var el = document.getElementById("optin-status");
    if (el) { el.textContent = text; }
  }

  function pushSupported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function b64ToBytes(b64) {
    var pad = "=".repeat((4 - (b64.length % 4)) % 4);
    var raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error || ("HTTP " + r.status)); }
        return data;
      });
    });
  }

  // Ask the browser for permission, subscribe with the server's VAPID key, register with the watch.
  function subscribe(watchId, situation) {
    if (!pushSupported()) {
      say("This browser cannot receive push notifications.");
      return Promise.resolve(null);
    }
    return Notification.requestPermission().then(function (perm) {
      if (perm !== "granted") { throw new Error("notifications were not allowed"); }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      return fetch("/api/push/key", { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (k) {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(k.key) });
        });
    }).then(function (sub) {
      return postJSON("/api/watches/" + encodeURIComponent(watchId) + "/subscribe", sub.toJSON());
    }).then(function (res) {
      var s = storage();
      if (s && res && res.token) { s.setItem("wirewatch.sub." + watchId, res.token); }
      say("Subscribed: you will be told about new stories on " + situation + ".");
      return res;
    }).catch(function (err) {
      say("Not subscribed: " + err.message);
      return null;
    });
  }

  function setupPrompt() {
    var box = document.getElementById("optin");
    if (!box) { return; }
    var situation = box.getAttribute("data-situation");
    var watchId = box.getAttribute("data-watch");
    if (dismissedRecently(situation)) { return; }
    box.hidden = false;
    document.getElementById("optin-dismiss").addEventListener("click", function () {
      dismiss(situation);
      box.hidden = true;
    });
    document.getElementById("optin-enable").addEventListener("click", function () {
      subscribe(watchId, situation).then(function (res) { if (res) { box.hidden = true; } });
    });
  }

  function setupButtons() {
    var buttons = document.querySelectorAll("button.subscribe[data-watch]");
    Array.prototype.forEach.call(buttons, function (btn) {
      btn.addEventListener("click", function () {
        subscribe(btn.getAttribute("data-watch"), btn.getAttribute("data-situation"));
      });
    });
  }

  function setupTimelineFilter() {
    // The situation page's timeline: show only the entries whose text holds the typed words.
    var box = document.getElementById("timeline-filter");
    if (!box) { return; }
    box.addEventListener("input", function () {
      var q = box.value.toLowerCase();
      var items = document.querySelectorAll("#timeline li.item");
      var shown = 0;
      Array.prototype.forEach.call(items, function (li) {
        var hit = !q || li.textContent.toLowerCase().indexOf(q) >= 0;
        li.hidden = !hit;
        if (hit) { shown++; }
      });
      document.getElementById("timeline-shown").textContent = String(shown);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupPrompt();
    setupButtons();
    setupTimelineFilter();
  });
})();
