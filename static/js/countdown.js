/* Counts down every [data-deadline] element once a second.
 *
 * The server renders the first text, so the page reads right without JavaScript.
 * Elements swapped in later (the queue's refresh) are picked up on the next tick.
 * data-left-text / data-overdue-text are the translated sentences, with
 * "%(time)s" where the duration goes; past a day, data-days-text says how days read
 * ("%(days)sd %(time)s"). Crossing the deadline marks the nearest
 * [data-countdown-scope] (a row, a card) overdue and shows its overdue marker.
 */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The same format as config.formatting.duration_text: "5:09", "1:05:09", "7d 10:51:11".
  function duration(seconds, daysText) {
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    if (!hours && !days) {
      return minutes + ":" + pad(rest);
    }
    var clock = hours + ":" + pad(minutes) + ":" + pad(rest);
    if (!days) {
      return clock;
    }
    return (daysText || "%(days)sd %(time)s").replace("%(days)s", days).replace("%(time)s", clock);
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
      el.textContent = sentence.replace(
        "%(time)s",
        duration(Math.abs(seconds), el.dataset.daysText)
      );
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
