/* The dispatcher's station queue: the refresh must not replace a row the dispatcher is
 * working in, and a refresh redirected to the sign-in page must not land in the table. */
(function () {
  "use strict";

  // Skip the refresh while focus is in the table or a crew select holds an unsent choice.
  function gridlineQueueIdle() {
    var queue = document.getElementById("queue");
    if (!queue) { return true; }
    if (queue.contains(document.activeElement)) { return false; }
    return !Array.prototype.some.call(
      queue.querySelectorAll("select[data-current]"),
      function (select) { return select.value !== select.dataset.current; }
    );
  }
  window.gridlineQueueIdle = gridlineQueueIdle;
  window.gridlinePollIdle = function (element) {
    return element.id !== "queue-rows" || gridlineQueueIdle();
  };

  // The session ended: follow the redirect with the whole window instead of swapping it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var asked = new URL(event.detail.requestConfig.path, window.location.href);
    if (xhr.responseURL && new URL(xhr.responseURL).pathname !== asked.pathname) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL);
    }
  });
})();
