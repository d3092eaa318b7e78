// Live fragments of the moderator and screen pages, refreshed at most once a second.
//
// An element with an id, hx-get, hx-trigger="podium-refresh, podium-resync from:body" and
// data-refresh-on="podium-poll-opened podium-question-upvoted …" is sent "podium-refresh" when
// one of those events reaches <body> (podium.js dispatches them from the session's WebSocket).
// A burst of events (a hundred upvotes) gives one refresh at once and one a second later with
// the final state, never more than one a second. With data-refresh-poll="<poll id>", only
// events about that poll count.
(function () {
  "use strict";

  var EVENTS = [
    "poll-created", "poll-opened", "poll-closed", "poll-results", "poll-reordered", "poll-tally",
    "question-asked", "question-approved", "question-dismissed", "question-answered",
    "question-pinned", "question-upvoted", "codeword-announced", "session-updated",
  ];
  var INTERVAL = 1000;
  var timers = {};
  var last = {};

  function schedule(id) {
    if (timers[id]) return;
    var wait = Math.max(0, (last[id] || 0) + INTERVAL - Date.now());
    timers[id] = setTimeout(function () {
      timers[id] = null;
      last[id] = Date.now();
      var element = document.getElementById(id);
      if (element && window.htmx) htmx.trigger(element, "podium-refresh");
    }, wait);
  }

  function onEvent(event) {
    var name = event.type;
    var poll = event.detail && event.detail.poll;
    document.querySelectorAll("[data-refresh-on]").forEach(function (element) {
      if (!element.id) return;
      if ((" " + element.dataset.refreshOn + " ").indexOf(" " + name + " ") < 0) return;
      if (element.dataset.refreshPoll && element.dataset.refreshPoll !== poll) return;
      schedule(element.id);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    EVENTS.forEach(function (type) {
      document.body.addEventListener("podium-" + type, onEvent);
    });
  });
})();
