// The registration form shows only the questions asked of the registration type chosen, and
// the add-ons offered with it. Without JavaScript every one shows, with the types it is for;
// the server counts only those of the type chosen.
(function () {
  var form = document.getElementById("registration-form");
  if (!form) return;
  function chosen() {
    var checked = form.querySelector("input[name=registration_type]:checked");
    return checked ? checked.value : null;
  }
  function update() {
    var type = chosen();
    form.querySelectorAll("[data-asked-of]").forEach(function (question) {
      var asked = question.dataset.askedOf.split(" ");
      question.hidden = type !== null && asked.indexOf(type) < 0;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "registration_type") update();
  });
  update();
})();
