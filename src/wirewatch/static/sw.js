// wirewatch service worker: shows pushed breaking stories and opens them when clicked.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: event.data && event.data.text() }; }
  var title = data.title || "wirewatch: breaking story";
  var body = data.body || "";
  // Open the story on this server (``link``), never an address taken from the payload's ``url``.
  var url = data.link || "/";
  event.waitUntil(self.registration.showNotification(title, {
    body: body, tag: data.story_id || undefined, data: { url: url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  // Only ever open pages of this server.
  var target = new URL(url, self.location.origin);
  if (target.origin !== self.location.origin) { target = new URL("/", self.location.origin); }
  event.waitUntil(self.clients.openWindow(target.href));
});
