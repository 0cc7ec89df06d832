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
 * - What is typed into a form[data-draft] is kept in the tab's sessionStorage under the
 *   form's data-draft and id, and put back when the page is loaded again (an agent's trip
 *   to a ticket page and back, a crew's photo that reloads the order), until the form says
 *   it is recorded (data-recorded). A form the server re-showed with what was posted
 *   (data-bound) keeps that: it is the latest.
 * - Keyboard first: an element with data-shortcut="k" is reached with the key k when the
 *   user is not typing in a field (focused; a tab or a link also opened, a button waits for
 *   Enter); Esc leaves the field being typed in; ? opens the help, which lists the
 *   page's shortcuts by their names. Focus lands on the first field with an error after a
 *   page load or a swap that shows one ([autofocus] is htmx's and the browser's own).
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

  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector && event.target.querySelector("input[data-submission]");
    if (!input) { return; }
    try {
      window.sessionStorage.setItem(submissionKey(input), input.value);
    } catch (e) {
      // No storage (a private window's quota): a double click is still caught on the server.
    }
  });

  // A draft is kept under the form's data-draft (a call's number, an order's) and its id.
  function draftKey(form) {
    return "gridline-draft:" + form.dataset.draft + ":" + form.id;
  }

  function draftFields(form) {
    return form.querySelectorAll("textarea, select, input[type=text], input[type=tel], input[type=search]");
  }

  function saveDraft(form) {
    var values = {};
    draftFields(form).forEach(function (field) {
      if (field.name) {
        values[field.name] = field.value;
      }
    });
    try {
      window.sessionStorage.setItem(draftKey(form), JSON.stringify(values));
    } catch (error) {
      // Storage full or disabled: the page still works, drafts are a convenience.
    }
  }

  function restoreDrafts(root) {
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = draftKey(form);
      if (form.hasAttribute("data-recorded")) {
        window.sessionStorage.removeItem(key); // recorded: the draft is done with
        return;
      }
      if (form.hasAttribute("data-bound")) {
        return; // the server re-showed what was posted: that is the latest
      }
      var values;
      try {
        values = JSON.parse(window.sessionStorage.getItem(key) || "null");
      } catch (error) {
        values = null;
      }
      if (!values) {
        return;
      }
      draftFields(form).forEach(function (field) {
        if (field.name in values && values[field.name] !== "" && !field.value) {
          field.value = values[field.name];
        } else if (field.tagName === "SELECT" && field.name in values && values[field.name] !== "") {
          field.value = values[field.name];
        }
      });
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-draft")) {
      saveDraft(form);
    }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-draft")) {
      saveDraft(form);
    }
  });

  document.addEventListener("htmx:load", function (event) {
    restoreDrafts(event.detail.elt.parentElement || document);
  });


  // --- Keyboard ---------------------------------------------------------------------------
  function typingIn(element) {
    return element.matches && element.matches(
      "textarea, select, [contenteditable], input:not([type=button]):not([type=submit])" +
      ":not([type=checkbox]):not([type=radio]):not([type=reset])"
    );
  }

  function shown(element) {
    return element.getClientRects().length > 0;
  }

  function shortcutFor(key) {
    var all = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].dataset.shortcut === key && shown(all[i])) { return all[i]; }
    }
    return null;
  }

  function shortcutName(element) {
    if (element.dataset.shortcutName) { return element.dataset.shortcutName; }
    if (element.labels && element.labels.length) { return element.labels[0].textContent.trim(); }
    if (element.getAttribute("aria-label")) { return element.getAttribute("aria-label"); }
    var copy = element.cloneNode(true);  // the name without the key shown in it
    copy.querySelectorAll("kbd").forEach(function (key) { key.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function openHelp() {
    var help = document.getElementById("shortcut-help");
    if (!help || help.open) { return; }
    var list = help.querySelector("[data-shortcut-list]");
    list.textContent = "";
    document.querySelectorAll("[data-shortcut]").forEach(function (element) {
      if (!shown(element)) { return; }
      var term = document.createElement("dt");
      var key = document.createElement("kbd");
      key.textContent = element.dataset.shortcut;
      term.appendChild(key);
      var name = document.createElement("dd");
      name.textContent = shortcutName(element);
      list.appendChild(term);
      list.appendChild(name);
    });
    help.showModal();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-shortcut-help]")) { openHelp(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (typingIn(target)) {
      if (event.key === "Escape" && !target.closest("dialog")) {
        target.blur();
        document.getElementById("main").focus({ preventScroll: true });
      }
      return;
    }
    if (target.closest && target.closest("dialog[open]")) { return; }
    if (event.key === "?") {
      event.preventDefault();
      openHelp();
      return;
    }
    var element = shortcutFor(event.key);
    if (!element) { return; }
    event.preventDefault();
    element.focus();
    // A tab or a link opens; a button only takes focus: a key never sends a form by itself.
    if (element.matches("a, [role=tab]")) { element.click(); }
  });

  function focusFirstError(root) {
    var field = root.querySelector("[aria-invalid=true]");
    if (field) { field.focus(); }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    focusFirstError(event.detail.elt);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll-seconds]").forEach(startPolling);
    restoreSubmissionTokens();
    restoreDrafts(document);
    focusFirstError(document.getElementById("main") || document);
  });
})();
