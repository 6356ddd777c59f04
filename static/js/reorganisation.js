// Reorganisation plans: a question before a button that changes the tree (apply, undo, delete),
// a form sent once (a second click while the first is on its way does nothing; the server locks
// the plan too), and on the lines' table a box that ticks every row. Without scripts the pages
// work the same, without the question and the box.
(function () {
  "use strict";

  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.classList.add("disabled");
        button.setAttribute("aria-disabled", "true");
      });
    });
  });

  const all = document.getElementById("pick-all");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll("#plan-lines input[name$='-pick']").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
