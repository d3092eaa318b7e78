// An attendee's session page: upvote counts change in place when a question.upvoted message
// arrives (podium.js dispatches it on <body> as "podium-question-upvoted"); the question list
// itself refreshes on the other question events.
(function () {
  "use strict";

  document.addEventListener("podium-question-upvoted", function (event) {
    var detail = event.detail || {};
    if (typeof detail.question !== "string") return;
    var selector = '[data-upvotes-for="' + CSS.escape(detail.question) + '"]';
    document.querySelectorAll(selector).forEach(function (el) {
      el.textContent = String(detail.upvotes);
    });
  });
})();
