// The desk's service worker: the check-in page and the files it uses come from the network
// when it answers, and from this cache when it does not, so the page opens offline too.
// It keeps no attendee data (that is in IndexedDB, see desk-offline.js); signing out clears
// both (Clear-Site-Data).
"use strict";
const CACHE = "desk-offline-v1";
const CHECK_IN_PAGE = /^\/staff\/desk\/[^/]+\/check-in$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const page = CHECK_IN_PAGE.test(url.pathname);
  if (!page && !url.pathname.startsWith("/static/")) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    // Offline: the page as last seen (whichever list it scanned), or the file.
    return caches.match(request, {ignoreSearch: page}).then(function (cached) {
      return cached || Response.error();
    });
  }));
});
