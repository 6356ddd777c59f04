// The quota grid: as numbers are typed, recompute each organisation's total over the programme
// and, per year and kind, the federations' sum against the province's quota. No inline script,
// so that a strict content security policy can forbid them.
const grid = document.getElementById("quota-grid");
const inputs = grid ? Array.from(grid.querySelectorAll("input.quota-input")) : [];

if (inputs.length) {
  const format = new Intl.NumberFormat(document.documentElement.lang || "vi");
  const show = (n) => (Number.isNaN(n) ? "?" : format.format(n));
  const signed = (n) => (n > 0 ? "+" : n < 0 ? "\u2212" : "") + format.format(Math.abs(n));
  // Empty means 0; numbers are read as the grid shows them and people type them (9500, 9.500,
  // 9 500; 9,500 on English pages), as unionportal.lib.formatting.parse_whole reads them. Anything
  // else cannot be added up (the server will say why).
  const read = (input) => {
    const text = input.value.trim();
    if (text === "") return 0;
    return /^(\d+|\d{1,3}([., \u00a0\u202f])\d{3}(\2\d{3})*)$/.test(text) ? Number(text.replace(/\D/g, "")) : NaN;
  };
  const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value);

  const refresh = () => {
    const rowTotals = new Map();
    const sums = new Map();
    const targets = new Map();
    for (const input of inputs) {
      const { org, year, kind, role } = input.dataset;
      const value = read(input);
      add(rowTotals, `${org}:${kind}`, value);
      const into = role === "province" ? targets : sums;
      add(into, `${year}:${kind}`, value);
      add(into, `all:${kind}`, value);
    }
    grid.querySelectorAll("[data-row-total]").forEach((cell) => {
      const { org, kind } = cell.dataset;
      cell.textContent = show(rowTotals.get(`${org}:${kind}`) ?? 0);
    });
    grid.querySelectorAll("[data-sum]").forEach((cell) => {
      const key = `${cell.dataset.year}:${cell.dataset.kind}`;
      const total = sums.get(key) ?? 0;
      const target = targets.get(key) ?? 0;
      const check = cell.querySelector("[data-check]");
      const matches = total === target;
      cell.querySelector("[data-total]").textContent = show(total);
      check.textContent = matches ? "\u2713" : Number.isNaN(total - target) ? "?" : `/ ${show(target)} (${signed(total - target)})`;
      check.classList.toggle("text-success", matches);
      check.classList.toggle("text-warning-emphasis", !matches);
      cell.classList.toggle("table-warning", !matches);
    });
  };

  let dirty = false;
  grid.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.classList.contains("quota-input")) return;
    dirty = true;
    input.classList.toggle("is-invalid", Number.isNaN(read(input)));
    input.classList.toggle("border-primary", input.value !== input.defaultValue);
    refresh();
  });
  // Leaving the page with unsaved numbers asks first; saving does not.
  document.getElementById("quota-form").addEventListener("submit", () => {
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  refresh();
}
