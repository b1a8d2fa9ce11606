// In-place editing of the steps table (W9). Each row is its own form; with script it is saved
// with fetch and the row is replaced by the server's answer (the saved row, or the refusal with
// what was typed, focused). The delivery date is asked for only when the status is COMPLETADO.
// Without script the forms post normally and the page comes back to the row.
(function () {
  "use strict";
  var COMPLETED = "3";

  function toggleDelivery(row) {
    var status = row.querySelector("[data-step-status]");
    var delivery = row.querySelector("[data-delivery]");
    if (!status || !delivery) { return; }
    var show = status.value === COMPLETED;
    delivery.hidden = !show;
    delivery.disabled = !show;
  }

  function wire(row) {
    var status = row.querySelector("[data-step-status]");
    if (status) { status.addEventListener("change", function () { toggleDelivery(row); }); }
    toggleDelivery(row);
  }

  var table = document.getElementById("pasos");
  if (!table) { return; }
  table.querySelectorAll("tbody tr").forEach(wire);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("step-row-form")) { return; }
    var row = form.closest("tr");
    if (!row || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.disabled = true; button.textContent = "Guardando…"; }
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "X-Faena-Fragment": "paso" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("template");
      holder.innerHTML = html.trim();
      var fresh = holder.content.querySelector("tr[id^='paso-']");
      if (!fresh) { form.submit(); return; }
      row.replaceWith(fresh);
      wire(fresh);
      var error = fresh.querySelector(".error");
      if (error) { error.focus(); } else { fresh.classList.add("saved"); }
    }).catch(function () {
      form.submit();
    });
  });
})();
