// A shared invitation link carries its access code after "#code=": the fragment never
// reaches the server (no log, no Referer). The page takes it out of the address bar and
// posts it with the unlock form, which keeps it in the session: it never goes in a URL.
(function () {
  "use strict";
  var match = /(?:^#|&)code=([^&]+)/.exec(window.location.hash);
  var form = document.querySelector("[data-access-form]");
  if (!match || !form) { return; }
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  var code;
  try { code = decodeURIComponent(match[1].replace(/\+/g, " ")); } catch (e) { return; }
  form.querySelector("input[name=access_code]").value = code;
  form.querySelector("button[name=unlock]").click();
})();
