// The kiosk: the badge opens in its own tab for the printer; this screen goes back to the
// start, ready for the next person.
(function () {
  "use strict";
  const form = document.querySelector("form[data-print]");
  if (!form) return;
  form.addEventListener("submit", function () {
    window.setTimeout(function () { window.location.assign(form.dataset.doneUrl); }, 0);
  });
})();
