// The moderator page: the live check-in count. The hub sends
// {"type": "attendance.count", "checked_in": n}; podium.js dispatches it on <body> as
// "podium-attendance-count", and every [data-checkin-count] shows the number.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("podium-attendance-count", function (event) {
      var count = event.detail && event.detail.checked_in;
      if (typeof count !== "number") return;
      document.querySelectorAll("[data-checkin-count]").forEach(function (element) {
        element.textContent = String(count);
      });
    });
  });
})();
