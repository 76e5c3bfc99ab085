// Small behaviours any page asks for with data- attributes. The pages have no inline script
// and no on…= attribute: the Content-Security-Policy runs scripts from these files only.
(function () {
  "use strict";
  // <input data-select-on-click>: one click selects the whole value (a link to copy).
  document.querySelectorAll("[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
  // <form data-confirm="Question?">: asks before sending.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
