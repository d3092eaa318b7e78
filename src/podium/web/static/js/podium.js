// Podium's page behaviour: htmx settings and the session's live WebSocket.
//
// A page that shows a session sets data-live="<ws path>" on <body>. Every message
// {"type": "poll.opened", ...} is dispatched on <body> as a DOM event named "podium-poll-opened"
// (dots become dashes) with the message as its detail, so fragments refresh themselves with
// hx-trigger="podium-poll-opened from:body". After the socket reconnects, "podium-resync" is
// dispatched so every live fragment catches up on what it missed.
(function () {
  "use strict";

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
    if (path) connect(path, false);
  });

  function dispatch(name, detail) {
    document.body.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true }));
  }

  function setStatus(state) {
    var el = document.querySelector("[data-live-status]");
    if (!el) return;
    el.dataset.state = state;
    el.textContent = state === "open" ? "Live" : "Reconnecting…";
  }

  function connect(path, isReconnect) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + path);
    var delay = 500;
    socket.addEventListener("open", function () {
      setStatus("open");
      delay = 500;
      if (isReconnect) dispatch("podium-resync", {});
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (!message || typeof message.type !== "string") return;
      if (message.type === "poll.tally") applyTally(message);
      dispatch("podium-" + message.type.replace(/\./g, "-"), message);
    });
    socket.addEventListener("close", function () {
      setStatus("closed");
      var wait = Math.min(delay * 2, 10000) * (0.75 + Math.random() / 2);
      setTimeout(function () { connect(path, true); }, wait);
    });
  }

  // A tally updates the numbers and bars of a poll's results in place:
  // [data-tally-poll=ID] holds [data-tally-total] and, per choice index i,
  // [data-tally-count=i] (a number) and [data-tally-bar=i] (a bar whose width is its share).
  function applyTally(message) {
    var boxes = document.querySelectorAll('[data-tally-poll="' + message.poll + '"]');
    boxes.forEach(function (box) {
      var total = message.votes || 0;
      box.querySelectorAll("[data-tally-total]").forEach(function (el) { el.textContent = String(total); });
      (message.counts || []).forEach(function (count, index) {
        box.querySelectorAll('[data-tally-count="' + index + '"]').forEach(function (el) { el.textContent = String(count); });
        var share = total ? Math.round((count * 100) / total) : 0;
        box.querySelectorAll('[data-tally-bar="' + index + '"]').forEach(function (el) { el.style.width = share + "%"; });
        box.querySelectorAll('[data-tally-share="' + index + '"]').forEach(function (el) { el.textContent = share + "%"; });
      });
    });
  }
})();
