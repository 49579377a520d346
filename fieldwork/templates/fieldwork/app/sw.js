{% autoescape off %}
// The inspector's app (/field/) offline: every page of the inspector's own inspections that
// was opened online is kept on the phone and opens without a connection; the drafts script
// (fieldwork/drafts.js) sends what was recorded meanwhile once the phone is back online.
//
// Network first: online, every page and file comes from the server as before and the kept
// copy is refreshed; offline, the kept copy answers. Only GET pages of the inspector's list
// and inspections are kept (never a form post, never another role's page), in this phone's
// Cache Storage, and dropped at logout or when another officer logs in on the same phone.
"use strict";
var VERSION = {{ version }};
var PAGES = "fieldwork-pages";
var FILES = "fieldwork-files-" + VERSION;
var PRECACHE = {{ assets }};
var SCOPE = new URL(self.registration.scope).pathname;
var KEPT = [
  new RegExp("^" + SCOPE + "$"),
  new RegExp("^" + SCOPE + "inspections/\\d+/$"),
  new RegExp("^" + SCOPE + "inspections/\\d+/(notice|code)/$"),
];
var LOGOUT = {{ logout }};
var OFFLINE_PAGE =
  '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1"><title>无网络连接</title></head>' +
  '<body><h1>无网络连接</h1><p>此页面尚未在本机保存：联网时打开过的检查页面，断网后仍可打开。</p>' +
  '<p><a href="' + SCOPE + '">返回我的今日检查</a></p></body></html>';

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(FILES).then(function (cache) { return cache.addAll(PRECACHE); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("fieldwork-files-") === 0 && name !== FILES;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Whose pages are kept: a phone shared by two officers never opens one's pages for the other.
var OWNER = new Request(SCOPE + "__owner__");
self.addEventListener("message", function (event) {
  var owner = event.data && event.data.owner;
  if (!owner) return;
  event.waitUntil(
    caches.open(PAGES).then(function (cache) {
      return cache.match(OWNER).then(function (kept) {
        return kept ? kept.text() : "";
      }).then(function (previous) {
        if (previous === String(owner)) return null;
        return caches.delete(PAGES).then(function () { return caches.open(PAGES); }).then(function (fresh) {
          return fresh.put(OWNER, new Response(String(owner)));
        });
      });
    })
  );
});

function pageKey(url) {
  return new Request(url.origin + url.pathname);
}

function keptPage(url) {
  return url.origin === self.location.origin && KEPT.some(function (re) { return re.test(url.pathname); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (!keptPage(url)) {
      event.respondWith(fetch(request).catch(function () { return offline(); }));
      return;
    }
    event.respondWith(
      fetch(request).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && !response.redirected && type.indexOf("text/html") === 0) {
          var copy = response.clone();
          event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(pageKey(url), copy); }));
        }
        return response;
      }).catch(function () {
        return caches.open(PAGES).then(function (cache) {
          return cache.match(pageKey(url), { ignoreVary: true });
        }).then(function (kept) { return kept || offline(); });
      })
    );
    return;
  }
  if (url.pathname.indexOf({{ static_url }}) === 0) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          event.waitUntil(caches.open(FILES).then(function (cache) { return cache.put(request, copy); }));
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreVary: true, ignoreSearch: true }).then(function (kept) {
          return kept || Response.error();
        });
      })
    );
  }
});

function offline() {
  return new Response(OFFLINE_PAGE, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}
{% endautoescape %}
