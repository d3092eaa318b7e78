// Live fragments, refreshed at most once a second (or once per data-refresh-interval).
//
// An element with an id, hx-get, hx-trigger="podium-refresh, podium-resync from:body" and
// data-refresh-on="podium-poll-opened podium-question-upvoted …" is sent "podium-refresh" when
// one of those events reaches <body> (podium.js dispatches them from the session's WebSocket).
// A burst of events (a hundred upvotes) gives one refresh at once and one an interval later
// with the final state, never more than one an interval (data-refresh-interval, in ms; 1000 by
// default). With data-refresh-jitter="<ms>" the refresh after a quiet spell waits a random part
// of that long: thousands of phones in one room that hear the same message then do not all
// fetch in the same instant. With data-refresh-poll="<poll id>", only events about that poll
// count.
(function () {
  "use strict";

  var EVENTS = [
    "poll-created", "poll-opened", "poll-closed", "poll-results", "poll-reordered", "poll-tally",
    "question-asked", "question-asked-approved", "question-approved", "question-dismissed",
    "question-answered", "question-pinned", "question-upvoted", "codeword-announced",
    "session-updated",
  ];
  var INTERVAL = 1000;
  var timers = {};
  var last = {};

  function schedule(element) {
    var id = element.id;
    if (timers[id]) return;
    var interval = Number(element.dataset.refreshInterval) || INTERVAL;
    var wait = Math.max(0, (last[id] || 0) + interval - Date.now());
    var jitter = Number(element.dataset.refreshJitter) || 0;
    if (wait === 0 && jitter > 0) wait = Math.random() * jitter;
    timers[id] = setTimeout(function () {
      timers[id] = null;
      last[id] = Date.now();
      var current = document.getElementById(id);  // the element may have been swapped since
      if (current && window.htmx) htmx.trigger(current, "podium-refresh");
    }, wait);
  }

  function onEvent(event) {
    var name = event.type;
    var poll = event.detail && event.detail.poll;
    document.querySelectorAll("[data-refresh-on]").forEach(function (element) {
      if (!element.id) return;
      if ((" " + element.dataset.refreshOn + " ").indexOf(" " + name + " ") < 0) return;
      if (element.dataset.refreshPoll && element.dataset.refreshPoll !== poll) return;
      schedule(element);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    EVENTS.forEach(function (type) {
      document.body.addEventListener("podium-" + type, onEvent);
    });
  });
})();
