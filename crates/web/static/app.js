// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, move focus to the error summary so screen-reader and keyboard
  // users learn at once what to fix.
  var summary = document.getElementById("form-errors") || document.getElementById("transition-error");
  if (summary) {
    summary.focus();
  }

  // A remaining-characters hint under long text fields.
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var hint = document.createElement("p");
    hint.className = "hint counter";
    hint.setAttribute("aria-live", "polite");
    var template = document.documentElement.lang === "ro" ? "{n} caractere rămase" : "{n} characters left";
    var update = function () {
      hint.textContent = template.replace("{n}", String(max - area.value.length));
    };
    area.insertAdjacentElement("afterend", hint);
    area.addEventListener("input", update);
    update();
  });

  // Prevent double submission of a form (a second click while the first request is on its way).
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
      });
      if (form.dataset.sent === "1") {
        return false;
      }
      form.dataset.sent = "1";
      return true;
    });
  });
});
