// Paying by card (one registration or a delegation): Stripe.js turns the card into a token, the
// server confirms the payment, and the page polls until Stripe's webhook has recorded it.
// The form's data- attributes carry the payment (or the URL that opens one), the polling link,
// and the page's own messages, already translated; a decline is said in the page's language
// from Stripe's decline code (data-declines), never with Stripe's English text.
(function () {
  const form = document.getElementById("payment-form");
  if (!form) return;
  const data = form.dataset;
  const message = document.getElementById("message");
  const button = document.getElementById("pay");
  // The page's session opens the registration (its manage link was exchanged for it): the
  // script sends only the page's CSRF token, never a manage token.
  const declines = JSON.parse(data.declines || "{}");
  function declined(reason, fallback) {
    return declines[reason] || fallback || declines[""] || data.failed;
  }
  const auth = data.csrf ? {"X-CSRF-Token": data.csrf} : {};
  const stripe = Stripe(data.key);
  const card = stripe.elements({locale: document.documentElement.lang}).create("card");
  card.mount("#card");
  let payment = data.payment ? {payment: data.payment, client_secret: data.secret} : null;

  function say(text, isError) {
    message.textContent = text;
    message.className = isError ? "error" : "";
  }

  async function api(url, options) {
    const response = await fetch(url, options);
    const body = await response.json().catch(() => ({}));
    return {ok: response.ok, status: response.status, body: body};
  }

  // Open the payment when the page did not (and again after a decline closed it).
  async function open() {
    if (data.open) {
      const answer = await api(data.open, {method: "POST", headers: auth});
      payment = answer.ok ? answer.body : null;
      if (!payment) { say(data.unopened, true); return; }
    }
    button.disabled = false;
  }

  function showPaid() {
    form.remove();
    say(data.paid, false);
    message.dataset.status = "paid";
    for (const element of document.querySelectorAll("[data-paid-text]")) {
      element.textContent = element.dataset.paidText;
      if (element.dataset.paidClass) element.className = element.dataset.paidClass;
      if (element.dataset.status) element.dataset.status = "paid";
    }
  }

  async function waitUntilPaid() {
    say(data.confirming, false);
    for (let i = 0; i < 60; i++) {
      const answer = await api(data.poll, {headers: auth});
      if (answer.ok && answer.body.status === "paid") { showPaid(); return; }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    say(data.waiting, false);
  }

  async function pay() {
    const made = await stripe.createToken(card);
    if (made.error) { say(declined(made.error.decline_code || made.error.code, made.error.message), true); return; }
    const answer = await api("/api/payments/" + payment.payment + "/card", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({client_secret: payment.client_secret, token: made.token.id}),
    });
    if (!answer.ok) {
      const details = answer.body.details || {};
      say(answer.status === 402 ? declined(details.reason) : data.failed, true);
      if (answer.status === 402) await open();
      return;
    }
    if (answer.body.status === "requires_action") {
      const result = await stripe.confirmCardPayment(answer.body.client_secret);
      if (result.error) { say(declined(result.error.decline_code || result.error.code, result.error.message), true); return; }
    }
    await waitUntilPaid();
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!payment) return;
    button.disabled = true;
    say(data.paying, false);
    try {
      await pay();
    } finally {
      button.disabled = !payment;
    }
  });

  open();
})();
