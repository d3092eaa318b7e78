// Podium's page behaviour: htmx settings and the session's live WebSocket.
//
// A page that shows a session sets data-live="<ws path>" on <body>. Every message
// {"type": "poll.opened", ...} is dispatched on <body> as a DOM event named "podium-poll-opened"
// (dots become dashes) with the message as its detail, so fragments refresh themselves with
// hx-trigger="podium-poll-opened from:body". After the socket reconnects (or the server says it
// may have missed messages: {"type": "resync"}), "podium-resync" is dispatched so every live
// fragment catches up on what it missed. A message with a "state" is dispatched a second time
// with it in the name ({"type": "question.asked", "state": "approved"} also as
// "podium-question-asked-approved"), so a fragment can listen for one state without an
// hx-trigger filter (the pages' Content-Security-Policy allows no eval, and htmx evaluates
// filters).
// A {"type": "batch", "messages": [...]} (what the server combined for the audience into one
// frame) is taken apart: each of its messages is dispatched in turn, as if it came alone.
//
// [data-live-status] says whether the page is live: "Live", "Reconnecting…" or "Not live:
// reload the page". One with data-live-from and data-live-until (instants, ISO 8601) says
// "Live" only between them (while its session runs) and nothing otherwise while connected;
// it is checked again every 30 s.
//
// The socket reconnects by itself: after a growing, jittered delay (0.5 s doubling to 15 s), at
// once when the tab becomes visible again or the network comes back, and when nothing (not even
// the server's ping every 25 s) arrived for 60 s. A socket the server refused (4403: no access,
// 4404: no such session) is not retried. Without JavaScript none of this runs and every form
// still works as a plain POST.
//
// A link with data-back (the error page's "Go back") goes back in the tab's history instead of
// to its href (a page to go to without JavaScript, or with no history).
(function () {
  "use strict";

  var FIRST_DELAY_MS = 500;
  var MAX_DELAY_MS = 15000;
  var SILENCE_MS = 60000;
  var REFUSED = { 4403: true, 4404: true };

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // errors (4xx, 5xx) carry a message to show: swap them like successes
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "[45]..", swap: true, error: false },
      ];
    }
    var path = document.body.dataset.live;
    if (path && "WebSocket" in window) new Live(path).start();
  });

  document.addEventListener("click", function (click) {
    var link = click.target instanceof Element ? click.target.closest("a[data-back]") : null;
    if (!link || window.history.length < 2) return;
    click.preventDefault();
    window.history.back();
  });

  function dispatch(name, detail) {
    document.body.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true }));
  }

  var STATUS_RECHECK_MS = 30000;
  var liveState = null;

  function running(el, now) {
    if (!("liveFrom" in el.dataset) && !("liveUntil" in el.dataset)) return true;
    var from = Date.parse(el.dataset.liveFrom || "");
    var until = Date.parse(el.dataset.liveUntil || "");
    return from <= now && now < until; // false when either is missing (NaN)
  }

  function statusText(el, state, now) {
    if (state === "open") return running(el, now) ? "Live" : "";
    return state === "refused" ? "Not live: reload the page" : "Reconnecting…";
  }

  function setStatus(state) {
    liveState = state;
    var now = Date.now();
    document.querySelectorAll("[data-live-status]").forEach(function (el) {
      el.dataset.state = state;
      el.textContent = statusText(el, state, now);
    });
  }

  // "Live" comes and goes with the session's times, not only with the connection
  setInterval(function () { if (liveState) setStatus(liveState); }, STATUS_RECHECK_MS);

  function Live(path) {
    this.path = path;
    this.socket = null;
    this.opened = false; // a socket was open once: the next open is a reconnect
    this.delay = FIRST_DELAY_MS;
    this.timer = null;
    this.silence = null;
    this.stopped = false;
  }

  Live.prototype.start = function () {
    var live = this;
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") live.reconnectNow();
    });
    window.addEventListener("online", function () { live.reconnectNow(); });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) live.reconnectNow(); // restored from the back/forward cache
    });
    this.connect();
  };

  Live.prototype.connect = function () {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = null;
    var live = this;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + location.host + this.path);
    } catch (e) {
      this.schedule();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", function () {
      if (live.socket !== socket) return;
      setStatus("open");
      live.delay = FIRST_DELAY_MS;
      live.heard();
      if (live.opened) dispatch("podium-resync", {});
      live.opened = true;
    });
    socket.addEventListener("message", function (event) {
      if (live.socket !== socket) return;
      live.heard();
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      receive(message);
    });
    socket.addEventListener("close", function (event) {
      if (live.socket !== socket) return;
      live.socket = null;
      clearTimeout(live.silence);
      if (REFUSED[event.code]) {
        live.stopped = true;
        setStatus("refused");
        return;
      }
      setStatus("closed");
      live.schedule();
    });
  };

  // the server pings every 25 s: a socket silent for longer than that is dead (sleeping laptop,
  // lost network) even when the browser has not noticed yet
  Live.prototype.heard = function () {
    var live = this;
    clearTimeout(this.silence);
    this.silence = setTimeout(function () { live.drop(); }, SILENCE_MS);
  };

  Live.prototype.drop = function () {
    var socket = this.socket;
    this.socket = null;
    if (socket) {
      try { socket.close(); } catch (e) { /* already closing */ }
    }
    setStatus("closed");
    this.schedule();
  };

  Live.prototype.schedule = function () {
    if (this.stopped || this.timer) return;
    var live = this;
    var wait = this.delay * (0.5 + Math.random()); // jitter: a restarted server is not stampeded
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    this.timer = setTimeout(function () { live.timer = null; live.connect(); }, wait);
  };

  Live.prototype.reconnectNow = function () {
    if (this.stopped) return;
    var socket = this.socket;
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return;
    this.delay = FIRST_DELAY_MS;
    this.connect();
  };

  // One message from the server; a "batch" holds several, each received in turn.
  function receive(message) {
    if (!message || typeof message.type !== "string" || message.type === "ping") return;
    if (message.type === "batch") {
      if (Array.isArray(message.messages)) message.messages.forEach(receive);
      return;
    }
    if (message.type === "poll.tally") applyTally(message);
    var name = "podium-" + message.type.replace(/\./g, "-");
    dispatch(name, message);
    if (typeof message.state === "string") dispatch(name + "-" + message.state, message);
  }

  // A tally updates the numbers and bars of a poll's results in place:
  // [data-tally-poll=ID] holds [data-tally-total] and, per choice index i,
  // [data-tally-count=i] (a number), [data-tally-share=i] ("NN%") and [data-tally-bar=i]
  // (a <meter> from 0 to 100 whose value is its share).
  function applyTally(message) {
    var boxes = document.querySelectorAll('[data-tally-poll="' + cssEscape(String(message.poll)) + '"]');
    boxes.forEach(function (box) {
      var total = message.votes || 0;
      box.querySelectorAll("[data-tally-total]").forEach(function (el) { el.textContent = String(total); });
      (message.counts || []).forEach(function (count, index) {
        var share = total ? Math.round((count * 100) / total) : 0;
        box.querySelectorAll('[data-tally-count="' + index + '"]').forEach(function (el) { el.textContent = String(count); });
        box.querySelectorAll('[data-tally-bar="' + index + '"]').forEach(function (el) { el.value = share; });
        box.querySelectorAll('[data-tally-share="' + index + '"]').forEach(function (el) { el.textContent = share + "%"; });
      });
    });
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
  }
})();
