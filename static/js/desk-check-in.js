// The desk's check-in page: keep the cursor in the code field, so the next scan lands there.
(function () {
  "use strict";
  const code = document.getElementById("code");
  if (!code) return;
  document.addEventListener("click", function (e) {
    if (document.querySelector("[data-camera]:not([hidden])")) return;  // scanning by camera
    if (!e.target.closest("a, button, input, select, video")) code.focus();
  });
})();

// Choosing another list or direction applies it at once (the button is there without script).
(function () {
  "use strict";
  const station = document.querySelector("[data-station]");
  if (!station) return;
  station.addEventListener("change", function () { station.requestSubmit(); });
})();
