/* The field app's service worker, served from /field/sw.js (scope /field/): keeps the app
   shell, the Sarabun font and the officer's worklist and visit pages for use without signal.
   Pages: network first, the cached copy when offline. Static files: cache first. The sync
   endpoint is never cached. Signing out deletes the cache (field.js). docs/field.md */
"use strict";

const CACHE = "sammachip-field-v1";
const HOME = new URL("./", self.registration.scope).pathname; // "/field/"

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      fetch(HOME, { credentials: "same-origin" })
        .then((response) => (response.ok && !response.redirected ? cache.put(HOME, response) : null))
        .catch(() => null)
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(HOME + "api/") || url.pathname === HOME + "sw.js") return;
  if (url.pathname.startsWith(HOME)) {
    event.respondWith(
      fetch(request)
        .then((response) => keep(request, response))
        .catch(() =>
          caches.match(request, { ignoreVary: true }).then(
            (hit) => hit || caches.match(HOME, { ignoreVary: true }).then((home) => home || Response.error())
          )
        )
    );
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request).then((response) => keep(request, response)))
    );
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "cache" && Array.isArray(data.urls)) {
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        Promise.all(
          data.urls.map((url) =>
            cache.match(url, { ignoreVary: true }).then((hit) =>
              hit && !data.refresh ? null : fetch(url, { credentials: "same-origin" })
                .then((response) => (response.ok && !response.redirected ? cache.put(url, response) : null))
                .catch(() => null)
            )
          )
        )
      )
    );
  } else if (data.type === "clear") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))));
  }
});
