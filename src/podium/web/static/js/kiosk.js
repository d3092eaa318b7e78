// The kiosk runs all day on its own: messages go away by themselves, a lost connection says so
// (and the next tap simply tries again), and a search or a walk-in's details left on screen are
// cleared after a minute so the next person does not see the previous one's name.
(function () {
  "use strict";

  var ALERT_SECONDS = 10;
  var IDLE_SECONDS = 60;
  var idleTimer = null;
  var alertTimer = null;

  function dismissLater(root) {
    root.querySelectorAll("[data-dismiss-after]:not([data-dismiss-scheduled])").forEach(function (element) {
      element.dataset.dismissScheduled = "true";
      var seconds = parseInt(element.dataset.dismissAfter, 10) || ALERT_SECONDS;
      setTimeout(function () { element.remove(); }, seconds * 1000);
    });
  }

  function clearAlertsLater() {
    clearTimeout(alertTimer);
    alertTimer = setTimeout(function () {
      var alerts = document.getElementById("alerts");
      if (alerts) alerts.replaceChildren();
    }, ALERT_SECONDS * 1000);
  }

  function showAlert(text) {
    var alerts = document.getElementById("alerts");
    if (!alerts) return;
    var message = document.createElement("p");
    message.className = "alert alert-error";
    message.setAttribute("role", "alert");
    message.textContent = text;
    alerts.replaceChildren(message);
    clearAlertsLater();
  }

  function resetWhenIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      var search = document.getElementById("q");
      var results = document.getElementById("results");
      if (search && search.value) {
        search.value = "";
        if (results) results.replaceChildren();
      }
      document.querySelectorAll(".walk-in input:not([type=hidden])").forEach(function (input) {
        input.value = "";
      });
    }, IDLE_SECONDS * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    dismissLater(document);
    resetWhenIdle();
    ["input", "pointerdown", "keydown"].forEach(function (type) {
      document.addEventListener(type, resetWhenIdle, { passive: true });
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail && event.detail.target;
      if (target && target.id === "alerts") clearAlertsLater();
      dismissLater(document);
    });
    document.body.addEventListener("htmx:sendError", function () {
      showAlert("The kiosk cannot reach the server right now. Check the network, then tap again.");
    });
    document.body.addEventListener("htmx:timeout", function () {
      showAlert("The server is taking too long to answer. Tap again in a moment.");
    });
  });
})();
