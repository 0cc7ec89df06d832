/* Behaviour every page shares; no inline scripts anywhere (the Content Security Policy
 * allows scripts from this site only).
 *
 * - A <select data-autosubmit> submits its form when it changes (the language switch).
 * - An element with data-poll-seconds is refreshed by htmx every so many seconds with the
 *   "poll" event (hx-trigger="poll"), skipped while the tab is hidden or while the page's
 *   own guard, window.gridlinePollIdle(element), says the user is busy there.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });

  function startPolling(element) {
    var seconds = parseInt(element.dataset.pollSeconds, 10);
    if (!seconds || element.dataset.polling) { return; }
    element.dataset.polling = "1";
    window.setInterval(function () {
      if (!document.body.contains(element) || document.visibilityState !== "visible") { return; }
      var idle = window.gridlinePollIdle;
      if (typeof idle === "function" && !idle(element)) { return; }
      if (window.htmx) { window.htmx.trigger(element, "poll"); }
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll-seconds]").forEach(startPolling);
  });
})();
