// Live price quote on the registration form: asks the API as the type, code or add-ons change.
// Without JavaScript the form still works: the server quotes again when it is sent.
(function () {
  "use strict";
  var form = document.getElementById("registration-form");
  var labels = document.getElementById("quote-labels");
  if (!form || !labels || !window.fetch) { return; }
  var box = form.querySelector("[data-quote-box]");
  var codeError = form.querySelector("[data-code-error]");
  var d = labels.dataset;
  var taxes = JSON.parse(d.taxes || "{}");
  var refusals = JSON.parse(d.refusals || "{}");
  var extraNames = JSON.parse(d.extras || "{}");
  var pending = 0;

  function money(amount, currency) {
    return new Intl.NumberFormat(d.locale, { style: "currency", currency: currency })
      .format(Number(amount));
  }

  function row(label, amount, currency, cls, minus) {
    var tr = document.createElement("tr");
    if (cls) { tr.className = cls; }
    var a = document.createElement("td");
    var b = document.createElement("td");
    a.textContent = label;
    b.textContent = (minus ? "\u2212" : "") + money(amount, currency);
    tr.appendChild(a); tr.appendChild(b);
    return tr;
  }

  function show(q) {
    var table = document.createElement("table");
    table.className = "quote";
    table.setAttribute("data-quote", "");
    var body = document.createElement("tbody");
    body.appendChild(row(d.list, q.list_price, q.currency));
    if (q.early_bird_applied) { body.appendChild(row(d.early, q.early_bird_discount, q.currency, "discount", true)); }
    if (q.discount_code) { body.appendChild(row(d.code.replace("{code}", q.discount_code), q.code_discount, q.currency, "discount", true)); }
    (q.extras || []).forEach(function (e) {
      body.appendChild(row((extraNames[e.code] || e.name) + " \u00d7 " + e.quantity, e.amount, q.currency, "extra"));
    });
    body.appendChild(row(d.subtotal, q.before_tax, q.currency));
    q.taxes.forEach(function (t) {
      var rate = new Intl.NumberFormat(d.locale, { maximumFractionDigits: 3 }).format(Number(t.rate));
      body.appendChild(row((taxes[t.code] || t.code) + " (" + rate + "\u00a0%)", t.amount, q.currency, "tax"));
    });
    body.appendChild(row(d.total, q.total, q.currency, "total"));
    table.appendChild(body);
    box.replaceChildren(table);
  }

  // A refused quote empties the panel and says why: a stale price must not stay on show.
  function refused(body) {
    var code = body && body.details && body.details.code;
    return refusals[code] || d.refused;
  }

  function empty(why) {
    var p = document.createElement("p");
    p.className = "notice bad";
    p.setAttribute("data-quote-refused", "");
    p.textContent = why;
    box.replaceChildren(p);
  }

  // The add-ons asked for, among those offered with the type chosen (the others are hidden).
  function extras() {
    var chosen = {};
    form.querySelectorAll("input[name^='extra-']").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (n > 0 && !input.closest("[hidden]")) { chosen[input.name.slice(6)] = n; }
    });
    return chosen;
  }

  function update() {
    var type = form.querySelector("input[name=registration_type]:checked");
    var code = form.querySelector("input[name=discount_code]").value.trim();
    var access = form.querySelector("input[name=access_code]");
    if (!type) { return; }
    var mine = ++pending;
    fetch(form.dataset.quoteUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ registration_type: type.value, discount_code: code || null,
                             access_code: access ? access.value : null, extras: extras() })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (mine !== pending) { return; }
      var why = result.ok ? "" : refused(result.body);
      codeError.hidden = result.ok || !code;
      codeError.textContent = result.ok || !code ? "" : why;
      if (result.ok) { show(result.body); } else { empty(why); }
    }).catch(function () { empty(d.unavailable); });
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name === "registration_type" || name === "discount_code" || name.indexOf("extra-") === 0) {
      // after questions.js has shown the add-ons offered with a newly chosen type
      setTimeout(update, 0);
    }
  });
  var timer;
  form.addEventListener("input", function (event) {
    var name = event.target.name || "";
    if (name !== "discount_code" && name.indexOf("extra-") !== 0) { return; }
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
})();
