// The list's selection (W12): counts the ticked rows and enables "Imprimir marcadas", CSV and
// Excel only when at least one is ticked. Without script the server refuses an empty selection.
(function () {
  "use strict";
  var form = document.getElementById("seleccion");
  if (!form) { return; }
  var count = document.getElementById("seleccion-cuenta");
  var boxes = document.querySelectorAll("input.row-check[form='seleccion']");
  function refresh() {
    var ticked = 0;
    boxes.forEach(function (b) { if (b.checked) { ticked += 1; } });
    if (count) { count.textContent = String(ticked); }
    form.querySelectorAll("button").forEach(function (b) { b.disabled = ticked === 0; });
  }
  boxes.forEach(function (b) { b.addEventListener("change", refresh); });
  refresh();
})();
