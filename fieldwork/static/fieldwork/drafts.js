// Drafts kept on the phone when the connection drops, submitted later without duplicates.
//
// A stage form (form[data-draft]) is saved in localStorage under the inspection, the stage and
// the form's idempotency key *before* it is sent, and removed once the server has answered.
// If the network fails the draft stays, a notice says so, and it is sent again when the phone
// is back online (the `online` event, the next page load, or every 30 seconds). The server
// returns the record an earlier submission with the same key made, so a draft that did reach
// the server before the connection dropped is recorded once. Without JavaScript, or without
// localStorage, the form posts as usual.
(function () {
  "use strict";
  var PREFIX = "fieldwork-draft:";
  var storage = null;
  try {
    window.localStorage.setItem(PREFIX + "probe", "1");
    window.localStorage.removeItem(PREFIX + "probe");
    storage = window.localStorage;
  } catch (e) {
    storage = null;
  }
  if (!storage || !window.fetch || !window.FormData || !window.URLSearchParams) return;

  // Drafts are kept per login: a phone shared by two officers never sends one's draft as the
  // other's.
  var owner = document.querySelector("[data-draft-user]");
  if (!owner) return;
  var MINE = PREFIX + owner.dataset.draftUser + ":";
  var sending = {};

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(MINE) === 0) keys.push(key);
    }
    return keys;
  }

  function showNotice() {
    var count = draftKeys().length;
    document.querySelectorAll("[data-draft-notice]").forEach(function (notice) {
      notice.hidden = count === 0;
      var n = notice.querySelector("[data-draft-count]");
      if (n) n.textContent = String(count);
    });
  }

  function release(form) {
    if (!form) return;
    form.dataset.submitted = "";
    form.dataset.sending = "";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  }

  function isLogin(response) {
    return response.redirected && response.url.indexOf("/accounts/login/") !== -1;
  }

  function send(key, draft) {
    var body = new URLSearchParams();
    draft.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(draft.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Fieldwork-Draft": "1" },
    });
  }

  // Returns a promise of "sent", "kept" (no connection, or a server error) or "shown" (the
  // server refused the content: its page with the reasons replaces this one).
  function attempt(key, draft, form) {
    if (sending[key]) return Promise.resolve("kept");
    sending[key] = true;
    return send(key, draft).then(
      function (response) {
        sending[key] = false;
        if (isLogin(response) || response.status >= 500) {
          release(form);
          showNotice();
          return "kept";
        }
        storage.removeItem(key);
        showNotice();
        if (response.status === 204) {
          // Where the page goes next: scrolled to the stage still to do (the server knows).
          draft.landing = response.headers.get("X-Fieldwork-Next") || "";
          return "sent";
        }
        return response.text().then(function (html) {
          document.open();
          document.write(html);
          document.close();
          return "shown";
        });
      },
      function () {
        sending[key] = false;
        // No connection: note when it happened, keep it, and say so.
        var saved = JSON.parse(storage.getItem(key) || "null");
        if (saved && !saved.noted) {
          saved.fields = saved.fields.filter(function (p) { return p[0] !== "occurred_at"; });
          saved.fields.push(["occurred_at", saved.saved]);
          saved.noted = true;
          storage.setItem(key, JSON.stringify(saved));
        }
        if (form) {
          release(form);
          var note = form.querySelector("[data-draft-saved]");
          if (note) note.hidden = false;
        }
        showNotice();
        return "kept";
      }
    );
  }

  function replay() {
    var keys = draftKeys();
    if (!keys.length) return;
    var chain = Promise.resolve([]);
    keys.forEach(function (key) {
      chain = chain.then(function (results) {
        var draft = JSON.parse(storage.getItem(key) || "null");
        if (!draft) return results;
        return attempt(key, draft, null).then(function (r) { return results.concat([r]); });
      });
    });
    chain.then(function (results) {
      if (results.indexOf("shown") === -1 && results.indexOf("sent") !== -1) {
        window.location.reload();
      }
    });
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-draft]")) return;
      // A step that cannot be undone (data-confirm) asks before it is sent or kept as a draft:
      // this listener runs first, so the page's own question (app.js) would come too late.
      var button = event.submitter;
      var question = (button && button.dataset.confirm) || form.dataset.confirm;
      if (question && form.dataset.sending !== "1" && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      event.preventDefault();
      if (form.dataset.sending === "1") return;
      form.dataset.sending = "1";
      var keyInput = form.querySelector("input[name=idempotency_key]");
      var key = MINE + form.dataset.draft + ":" + (keyInput ? keyInput.value : "");
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") fields.push([name, value]);
      });
      var draft = {
        action: form.action,
        next: form.dataset.next || window.location.pathname,
        fields: fields,
        saved: new Date().toISOString(),
      };
      var earlier = JSON.parse(storage.getItem(key) || "null");
      if (earlier && earlier.noted) {
        // Pressed again while still offline: it happened when first pressed.
        draft.fields = draft.fields.filter(function (p) { return p[0] !== "occurred_at"; });
        draft.fields.push(["occurred_at", earlier.saved]);
        draft.saved = earlier.saved;
        draft.noted = true;
      }
      storage.setItem(key, JSON.stringify(draft));
      attempt(key, draft, form).then(function (result) {
        if (result === "sent") window.location.assign(draft.landing || draft.next);
      });
    },
    true
  );

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-locate]") : null;
    if (!button || !navigator.geolocation) return;
    var form = button.form;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(6);
        button.disabled = false;
      },
      function () {
        button.disabled = false;
        button.textContent = "无法获取位置，请手工填写地点";
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });

  window.addEventListener("online", replay);
  if (window.__fieldworkDraftTimer) window.clearInterval(window.__fieldworkDraftTimer);
  window.__fieldworkDraftTimer = window.setInterval(function () {
    if (navigator.onLine !== false) replay();
  }, 30000);
  showNotice();
  if (navigator.onLine !== false) replay();
})();
