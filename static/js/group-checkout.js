// One card payment for a delegation: Stripe.js makes a card token, the server confirms the
// payment, and the page waits for the webhook to record it.
(function () {
  const form = document.getElementById("payment-form");
  if (!form) return;
  const data = form.dataset;
  const message = document.getElementById("message");
  const button = document.getElementById("pay");
  const stripe = Stripe(data.key);
  const card = stripe.elements().create("card");
  card.mount("#card");
  button.disabled = false;

  function say(text, isError) {
    message.textContent = text;
    message.className = isError ? "error" : "";
  }

  async function api(url, options) {
    const response = await fetch(url, options);
    const body = await response.json().catch(() => ({}));
    return {ok: response.ok, body: body};
  }

  async function waitUntilPaid() {
    say(data.confirming, false);
    const headers = {"Authorization": "Bearer " + data.token};
    for (let i = 0; i < 60; i++) {
      const answer = await api(data.poll, {headers: headers});
      if (answer.ok && answer.body.status === "paid") {
        form.remove();
        say(data.paid, false);
        message.dataset.status = "paid";
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    say(data.waiting, false);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    say("", false);
    try {
      const made = await stripe.createToken(card);
      if (made.error) { say(made.error.message, true); return; }
      const answer = await api("/api/payments/" + data.payment + "/card", {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({client_secret: data.secret, token: made.token.id}),
      });
      if (!answer.ok) { say(answer.body.error || data.failed, true); return; }
      if (answer.body.status === "requires_action") {
        const result = await stripe.confirmCardPayment(answer.body.client_secret);
        if (result.error) { say(result.error.message, true); return; }
      }
      await waitUntilPaid();
    } finally {
      button.disabled = false;
    }
  });
})();
