/* Field evidence (DESIGN §3.14): photos from the phone's camera and files for a complaint.
 *
 * - A file input with data-evidence-file, in a form with data-evidence-form: the file is
 *   checked against the form's data-max-bytes before anything is sent (the server checks
 *   again, and checks the content), its time goes into the form's taken_at (the file's
 *   lastModified: when the camera took it), and a form with data-autosubmit-file is sent at
 *   once. Its plain send button is for browsers without this script.
 * - The button with data-position-button asks the phone for its position, only when tapped,
 *   and puts it into every evidence form's lat and lon. Nothing is asked otherwise.
 */
(function () {
  "use strict";

  function errorOf(form) {
    return form.querySelector("[data-evidence-error]");
  }

  function showError(form, text) {
    var error = errorOf(form);
    if (!error) { return; }
    error.textContent = text;
    error.hidden = !text;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-evidence-file]")) { return; }
    var form = input.form;
    var file = input.files && input.files[0];
    if (!form || !file) { return; }
    var limit = parseInt(form.dataset.maxBytes, 10);
    if (limit && file.size > limit) {
      showError(form, form.dataset.tooLarge || "");
      input.value = "";
      return;
    }
    showError(form, "");
    var taken = form.querySelector("input[name=taken_at]");
    if (taken) { taken.value = new Date(file.lastModified || Date.now()).toISOString(); }
    if (form.hasAttribute("data-autosubmit-file")) {
      form.setAttribute("aria-busy", "true");
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });

  function setPosition(latitude, longitude) {
    document.querySelectorAll("form[data-evidence-form]").forEach(function (form) {
      var lat = form.querySelector("input[name=lat]");
      var lon = form.querySelector("input[name=lon]");
      if (lat && lon) {
        lat.value = latitude.toFixed(6);
        lon.value = longitude.toFixed(6);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-position-button]");
    if (!button) { return; }
    var status = button.parentElement.querySelector("[data-position-status]");
    var say = function (text) { if (status) { status.textContent = text; } };
    if (!navigator.geolocation) { say(button.dataset.positionFailed); return; }
    say(button.dataset.positionAsking);
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var coords = position.coords;
        setPosition(coords.latitude, coords.longitude);
        say((button.dataset.positionDone || "") + " " + coords.latitude.toFixed(5) + ", " +
            coords.longitude.toFixed(5) + " (± " + Math.round(coords.accuracy) + " m)");
        button.disabled = false;
        button.setAttribute("aria-pressed", "true");
      },
      function () {
        say(button.dataset.positionFailed);
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosubmit-file] [data-evidence-send]").forEach(
      function (button) { button.hidden = true; }
    );
  });
})();
