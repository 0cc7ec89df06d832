/* Behaviour every page shares; no inline scripts anywhere (the Content Security Policy
 * allows scripts from this site only).
 *
 * - A <select data-autosubmit> submits its form when it changes (the language switch).
 * - An element with data-poll-seconds is refreshed by htmx every so many seconds with the
 *   "poll" event (hx-trigger="poll"), skipped while the tab is hidden or while the page's
 *   own guard, window.gridlinePollIdle(element), says the user is busy there.
 * - In a form that records a ticket (form[data-no-enter-submit]), Enter in a one-line field
 *   does not send the form: the agent is still asking questions.
 * - A form's one-time token (input[data-submission], tickets/templatetags/submission.py)
 *   comes back with the Back button: the browser fetches the form page again (a new
 *   token) and restores what was typed into it, so the page keeps the token it sent in
 *   sessionStorage and puts it back when the page is reached with Back or Forward.
 * - What is typed into a form[data-keep-draft] survives the page being loaded again (a crew
 *   who writes what was done, then sends a photo, which reloads the page): each text field
 *   is kept in sessionStorage as it is typed, put back into an empty field on load, and
 *   forgotten once the page no longer shows the form (its step is done).
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

  function submissionKey(input) {
    return "gridline-submission:" + location.pathname + "#" + (input.form.id || input.form.action);
  }

  function restoreSubmissionTokens() {
    var navigation = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (!navigation || navigation.type !== "back_forward") { return; }
    document.querySelectorAll("input[data-submission]").forEach(function (input) {
      var sent = null;
      try { sent = window.sessionStorage.getItem(submissionKey(input)); } catch (e) { /* no storage */ }
      if (sent) { input.value = sent; }
    });
  }

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field.matches || !field.matches("input") || !field.form) { return; }
    if (field.form.matches("[data-no-enter-submit]") && !field.matches("[type=submit], [type=button]")) {
      event.preventDefault();
    }
  });

  function draftKey(field) {
    // By the form's action, not the page: a refused step answers at the action's own address.
    return "gridline-draft:" + field.form.action + "#" + field.name;
  }

  function draftFields(form) {
    return form.querySelectorAll("textarea[name], input[type=text][name], select[name]");
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.form || !field.form.matches("[data-keep-draft]") || !field.name) { return; }
    try { window.sessionStorage.setItem(draftKey(field), field.value); } catch (e) { /* no storage */ }
  });

  function restoreDrafts() {
    var present = {};
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      draftFields(form).forEach(function (field) {
        var key = draftKey(field);
        present[key] = true;
        try {
          if (field.value) {
            window.sessionStorage.setItem(key, field.value);  // sent back by the server
          } else if (window.sessionStorage.getItem(key)) {
            field.value = window.sessionStorage.getItem(key);
          }
        } catch (e) { /* no storage */ }
      });
    });
    // The draft of a form this page no longer shows (its step is done) is forgotten.
    try {
      var prefix = "gridline-draft:" + location.origin + location.pathname;
      for (var i = window.sessionStorage.length - 1; i >= 0; i--) {
        var key = window.sessionStorage.key(i);
        if (key && key.indexOf(prefix) === 0 && !present[key]) { window.sessionStorage.removeItem(key); }
      }
    } catch (e) { /* no storage */ }
  }

  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector && event.target.querySelector("input[data-submission]");
    if (!input) { return; }
    try {
      window.sessionStorage.setItem(submissionKey(input), input.value);
    } catch (e) {
      // No storage (a private window's quota): a double click is still caught on the server.
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll-seconds]").forEach(startPolling);
    restoreSubmissionTokens();
    restoreDrafts();
  });
})();
