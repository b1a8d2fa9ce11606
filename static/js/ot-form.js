// Progressive enhancement of the work-order form (W6): show the site fields that fit the chosen
// front, the yard-phase fields when the checkbox is ticked, and the PTE or parent by kind.
// Without JavaScript every field shows and the server discards what does not apply.
(function () {
  "use strict";
  var form = document.getElementById("ot-form");
  if (!form) { return; }
  var frontSelect = document.getElementById("f-id_frente");
  var kindSelect = document.getElementById("f-id_tipo");
  var kindHidden = form.querySelector('input[type="hidden"][name="id_tipo"]');
  var phaseCheck = document.getElementById("f-check_fase_patio");
  var phaseFields = document.getElementById("campos-fase-patio");
  var hint = form.querySelector(".no-js-hint");
  // After a refused save, the summary of errors takes the focus (screen readers read it first).
  var summary = document.getElementById("resumen-errores");
  if (summary) { summary.focus(); }
  if (hint) { hint.hidden = true; }

  function show(el, visible) {
    el.hidden = !visible;
    el.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.disabled = !visible;
    });
  }

  function refresh() {
    var front = frontSelect ? frontSelect.value : "";
    form.querySelectorAll("[data-fronts]").forEach(function (el) {
      show(el, front !== "" && el.getAttribute("data-fronts").split(" ").indexOf(front) >= 0);
    });
    var phaseBox = document.getElementById("fase-patio");
    if (phaseFields && phaseCheck && phaseBox && !phaseBox.hidden) {
      show(phaseFields, phaseCheck.checked);
    }
    var kind = kindSelect ? kindSelect.value : (kindHidden ? kindHidden.value : "4");
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      show(el, el.getAttribute("data-kinds").split(" ").indexOf(kind) >= 0);
    });
  }

  [frontSelect, kindSelect, phaseCheck].forEach(function (el) {
    if (el) { el.addEventListener("change", refresh); }
  });
  refresh();
})();
