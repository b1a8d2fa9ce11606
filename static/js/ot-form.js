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

// Dates are typed day first (dd/mm/aaaa) whatever the browser's language; beside each field the
// date is spelled out ("3 de abril de 2025") so 03/04 cannot be misread. The server decides.
(function () {
  "use strict";
  var MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre"];

  function parse(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text) || null;
    var d, mo, y;
    if (m) { d = +m[1]; mo = +m[2]; y = +m[3]; } else {
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) { return null; }
      y = +m[1]; mo = +m[2]; d = +m[3];
    }
    var date = new Date(y, mo - 1, d);
    if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) { return null; }
    return d + " de " + MONTHS[mo - 1] + " de " + y;
  }

  function refresh(input, spelled) {
    var text = input.value.trim();
    // Eight digits typed without separators become dd/mm/aaaa.
    if (/^\d{8}$/.test(text)) {
      text = text.slice(0, 2) + "/" + text.slice(2, 4) + "/" + text.slice(4);
      input.value = text;
    }
    if (text === "") { spelled.textContent = ""; return; }
    var words = parse(text);
    spelled.textContent = words || "Escriba la fecha como dd/mm/aaaa";
  }

  document.querySelectorAll("input[data-date]").forEach(function (input) {
    var spelled = input.parentNode.querySelector(".date-spelled");
    if (!spelled) { return; }
    input.addEventListener("input", function () { refresh(input, spelled); });
    input.addEventListener("change", function () { refresh(input, spelled); });
    refresh(input, spelled);
  });
})();

// W1: with planned start and duration and no planned end, the server sets
// end = start + duration − 1; the form says which day that will be, as the user types.
(function () {
  "use strict";
  var start = document.getElementById("f-fecha_inicio_programado");
  var days = document.getElementById("f-plazo_dias");
  var end = document.getElementById("f-fecha_termino_programado");
  if (!start || !days || !end) { return; }
  var spelled = end.parentNode.querySelector(".date-spelled");
  if (!spelled) { return; }
  function parse(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
    if (m) { return new Date(+m[3], +m[2] - 1, +m[1]); }
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
    return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function refresh() {
    if (end.value.trim() !== "") { return; }
    var from = parse(start.value);
    var n = parseInt(days.value, 10);
    if (!from || isNaN(n) || n < 1) { spelled.textContent = ""; return; }
    var to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + n - 1);
    spelled.textContent = "Se calculará: " + two(to.getDate()) + "/" + two(to.getMonth() + 1) +
      "/" + to.getFullYear() + " (inicio + plazo − 1)";
  }
  [start, days, end].forEach(function (el) { el.addEventListener("input", refresh); });
  refresh();
})();

// The PTE and parent pickers (issue 12 §8): as the user types, suggestions come from the field's
// `data-picker` route (the 20 newest matches of folio, oficio or description) into its datalist;
// choosing one pre-fills the form's fields that are still empty, as "Reprogramar" does. The field
// posts the folio, so without script the typed folio is enough.
(function () {
  "use strict";
  var form = document.getElementById("ot-form");
  if (!form) { return; }

  function fillEmpty(fill) {
    Object.keys(fill).forEach(function (name) {
      var value = fill[name];
      var field = form.querySelector('[name="' + name + '"]:not([type="hidden"])');
      if (!field || value === "" || field.disabled) { return; }
      if (field.type === "checkbox") {
        if (!field.checked && value) { field.checked = true; field.dispatchEvent(new Event("change")); }
        return;
      }
      if (field.value.trim() !== "") { return; }
      field.value = value;
      field.dispatchEvent(new Event("change"));
    });
  }

  form.querySelectorAll("input[data-picker]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var source = input.getAttribute("data-picker");
    var choices = [];
    var timer = null;
    var asked = null;

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      fetch(source + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (input.value.trim() !== q) { return; }
          choices = found;
          list.textContent = "";
          found.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.folio;
            option.label = c.label;
            list.appendChild(option);
          });
        })
        .catch(function () { /* the typed folio still works */ });
    }

    function chosen() {
      var folio = input.value.trim();
      for (var i = 0; i < choices.length; i++) {
        if (choices[i].folio === folio) { fillEmpty(choices[i].fill); return; }
      }
    }

    input.addEventListener("focus", ask);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
      chosen();
    });
    input.addEventListener("change", chosen);
  });
})();
