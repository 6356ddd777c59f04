// The drill-down pages: the print button, and the loss columns by reason shown on demand.
document.querySelectorAll("[data-action=print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

document.querySelectorAll("[data-action=toggle-reasons]").forEach((button) => {
  button.addEventListener("click", () => {
    const table = document.getElementById(button.getAttribute("aria-controls"));
    const show = button.getAttribute("aria-expanded") !== "true";
    table.querySelectorAll(".reason-col").forEach((cell) => cell.classList.toggle("d-none", !show));
    button.setAttribute("aria-expanded", String(show));
    button.classList.toggle("active", show);
  });
});
