/* The agent console: keyboard moves through the search results and the kind tabs, and
 * the call clock ticks. What the agent types is kept as a draft (form[data-draft],
 * gridline.js): a trip to the triage wizard or a ticket page and back loses nothing.
 *
 * Everything works without it: results are buttons, tabs degrade to panels the
 * server opens, forms post normally.
 */
(function () {
  "use strict";

  // --- Search results: ↓ from the box into the list, ↑/↓ inside it, Esc back. ---------
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var results = Array.prototype.slice.call(document.querySelectorAll("#results [data-result]"));
    if (target.id === "caller-q" && event.key === "ArrowDown" && results.length) {
      event.preventDefault();
      results[0].focus();
      return;
    }
    var index = results.indexOf(target);
    if (index === -1) {
      return;
    }
    if (event.key === "ArrowDown" && index < results.length - 1) {
      event.preventDefault();
      results[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? results[index - 1] : document.getElementById("caller-q")).focus();
    } else if (event.key === "Escape") {
      document.getElementById("caller-q").focus();
    }
  });

  // A search box inside a form (the knowledge base in the consultation form) must not
  // submit the form on Enter: it searches.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-no-submit]")) {
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(event.target, "search");
      }
    }
  });

  // Picking a knowledge-base article puts its answer into the reply, for the agent to
  // read out or edit; what the agent wrote is never overwritten, only an answer the
  // picker put there itself.
  document.addEventListener("change", function (event) {
    var choice = event.target;
    if (!choice.matches || !choice.matches("input[data-answer]") || !choice.form) {
      return;
    }
    var answer = choice.form.querySelector("textarea[name$='-answer']");
    if (!answer) {
      return;
    }
    var filled = choice.form.dataset.filledAnswer || "";
    if (answer.value.trim() === "" || answer.value === filled) {
      answer.value = choice.dataset.answer;
      choice.form.dataset.filledAnswer = choice.dataset.answer;
      answer.dispatchEvent(new Event("input", { bubbles: true })); // kept in the draft
    }
  });

  // --- Kind tabs ------------------------------------------------------------------------
  function showTab(tab, focusPanel) {
    var list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) {
        panel.hidden = !selected;
      }
    });
    var hint = list.parentElement.querySelector(".kinds-hint");
    if (hint) {
      hint.hidden = true;
    }
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    panel.dispatchEvent(new CustomEvent("gridline:reveal"));
    if (focusPanel) {
      var field = panel.querySelector("input:not([type=hidden]), select, textarea, button");
      if (field) {
        field.focus();
      }
    }
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab]");
    if (tab) {
      showTab(tab, event.detail === 0); // detail 0: Enter or Space, not a pointer
      return;
    }
    var opener = event.target.closest("[data-show-tab]");
    if (opener) {
      var wanted = document.getElementById("tab-" + opener.dataset.showTab);
      if (wanted) {
        showTab(wanted, false);
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) {
      return;
    }
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var step = event.key === "ArrowRight" ? 1 : -1;
    var next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
    event.preventDefault();
    next.focus();
    showTab(next, false);
  });

  // A panel the server opened (a form re-shown with its errors) loads what it needs.
  function revealSelected() {
    document.querySelectorAll("[role=tab][aria-selected=true]").forEach(function (tab) {
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) {
        panel.dispatchEvent(new CustomEvent("gridline:reveal"));
      }
    });
  }

  // --- The call clock -------------------------------------------------------------------
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // Counted from the seconds the server saw at render, so a skewed desk clock cannot show
  // a call as shorter or longer than it is.
  var loadedAt = window.performance.now();

  function tickClock() {
    document.querySelectorAll("[data-elapsed]").forEach(function (el) {
      var since = Math.floor((window.performance.now() - loadedAt) / 1000);
      var seconds = Math.max(0, Number(el.dataset.elapsed) + since);
      var hours = Math.floor(seconds / 3600);
      var minutes = Math.floor((seconds % 3600) / 60);
      el.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(seconds % 60);
    });
  }

  function start() {
    revealSelected();
    tickClock();
    window.setInterval(tickClock, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
