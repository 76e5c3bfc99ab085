// The desk's attendee search: results follow the typing (the form still works without it).
(function () {
  const form = document.querySelector("[data-search]");
  if (!form) return;
  const input = form.querySelector("#q");
  let timer = null, asked = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const params = new URLSearchParams(new FormData(form));
      const mine = ++asked;
      history.replaceState(null, "", "?" + params);
      params.set("partial", "1");
      const response = await fetch("?" + params, {headers: {"Accept": "text/html"}});
      if (!response.ok || mine !== asked) return;
      document.getElementById("results").outerHTML = await response.text();
    }, 150);
  });
})();
