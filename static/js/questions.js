// A form shows only the questions asked of the registration type chosen, and the add-ons
// offered with it: the registration form (its type's radio buttons) and each person of the
// group form (their type's select) are each a `[data-type-scope]`. Without JavaScript every
// one shows, with the types it is for; the server counts only those of the type chosen.
(function () {
  "use strict";
  var TYPE = "[name$=registration_type]";
  document.querySelectorAll("[data-type-scope]").forEach(function (scope) {
    function chosen() {
      var picked = scope.querySelector("select" + TYPE + ", input" + TYPE + ":checked");
      return picked && picked.value ? picked.value : null;
    }
    function update() {
      var type = chosen();
      scope.querySelectorAll("[data-asked-of]").forEach(function (question) {
        var asked = question.dataset.askedOf.split(" ");
        question.hidden = type !== null && asked.indexOf(type) < 0;
      });
    }
    scope.addEventListener("change", function (event) {
      if (/registration_type$/.test(event.target.name)) { update(); }
    });
    update();
  });
})();
