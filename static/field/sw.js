/* The field app's service worker, served from /field/sw.js (scope /field/): keeps the app
   shell, the Sarabun font and the officer's worklist and visit pages for use without signal.
   Pages: network first, the cached copy when offline; a page never kept (a search, a household
   not on the list) gets an offline notice, never another page in its place. Static files: cache
   first. The sync endpoint is never cached. Signing out deletes the cache (field.js). docs/field.md */
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

const OFFLINE = {
  page: "ออฟไลน์: หน้านี้ยังไม่ได้เก็บไว้ในเครื่อง จะเปิดได้เมื่อมีสัญญาณ",
  search: "ออฟไลน์: ยังค้นหาไม่ได้ จะค้นหาได้เมื่อมีสัญญาณ",
  home: "ดูรายชื่อที่เก็บไว้ในเครื่อง",
  title: "ออฟไลน์ · ติดตามผลภาคสนาม",
};

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/* The notice for a page not kept on the phone, styled by the kept style sheets (their names
   carry a hash), with the way to the kept worklist. */
function offlinePage(url) {
  return caches.open(CACHE).then((cache) => cache.keys()).then((keys) => {
    const sheets = keys.map((r) => new URL(r.url).pathname).filter((p) => p.startsWith("/static/") && p.endsWith(".css"));
    const said = url.pathname === HOME && url.searchParams.has("q") ? OFFLINE.search : OFFLINE.page;
    const html = '<!doctype html><html lang="th"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1"><title>' + OFFLINE.title + "</title>" +
      sheets.map((p) => '<link rel="stylesheet" href="' + escape(p) + '">').join("") +
      '</head><body id="field"><main class="field-main"><p class="alert alert-warning" role="alert" id="offline-notice">' +
      said + '</p><p><a class="btn btn-primary btn-lg w-100" href="' + HOME + '">' + OFFLINE.home +
      "</a></p></main></body></html>";
    return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

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
          caches.match(request, { ignoreVary: true }).then((hit) => hit || offlinePage(url))
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
