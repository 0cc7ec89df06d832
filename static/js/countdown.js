/* Counts down every [data-deadline] element once a second.
 *
 * The server renders the first text, so the page reads right without JavaScript.
 * Elements swapped in later (the queue's refresh) are picked up on the next tick.
 * data-left-text / data-overdue-text are the translated sentences, with
 * "%(time)s" where the duration goes. Crossing the deadline marks the nearest
 * [data-countdown-scope] (a row, a card) overdue and shows its overdue marker.
 */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The same format as dispatch.views.duration_text: "1:05:09" or "5:09".
  function duration(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.dataset.deadline);
      if (isNaN(deadline)) {
        return;
      }
      var seconds = Math.trunc((deadline - now) / 1000);
      var overdue = seconds < 0;
      var sentence = overdue ? el.dataset.overdueText : el.dataset.leftText;
      el.textContent = sentence.replace("%(time)s", duration(Math.abs(seconds)));
      el.classList.toggle("is-overdue", overdue);
      var scope = el.closest("[data-countdown-scope]");
      if (scope) {
        scope.classList.toggle("is-overdue", overdue);
        scope.querySelectorAll("[data-overdue-marker]").forEach(function (marker) {
          marker.hidden = !overdue;
        });
      }
    });
  }

  tick();
  window.setInterval(tick, 1000);
})();
