// The entry grid: live totals and month-end stock, Enter to go down a column, each cell's content
// selected when it gets the focus (so typing replaces it), a choice of value in a cell that two
// people changed, a warning before leaving with unsaved figures. Works on the column and row of
// the cell typed in, so a grid of a thousand CĐCS stays instant. A large federation's grid shows
// a page of its rows (members.figures.grid_paging): the totals are the federation's (each total
// cell's data-rest is what the other pages add), a save posts only the rows changed here, and
// going to another page with figures typed saves them first. The table's data-ready says the
// script has run (what bench/grid_speed.py and the tests wait for).
(function () {
  "use strict";

  const table = document.getElementById("grid");
  const form = document.getElementById("grid-form");
  const grouping = new Intl.NumberFormat(document.documentElement.lang || "vi");

  // A count as people type it: "1.234" (Vietnamese grouping), " 12 ". Not a count: NaN.
  function parse(text) {
    text = (text || "").replace(/\s/g, "");
    if (text === "") return 0;
    if (!/^\d{1,3}(\.\d{3})+$|^\d+$/.test(text)) return NaN;
    return parseInt(text.replace(/\./g, ""), 10);
  }

  function format(value) {
    return Number.isNaN(value) ? "?" : grouping.format(value);
  }

  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  if (table && !table.classList.contains("is-writable")) table.dataset.ready = "";
  if (!table || !table.classList.contains("is-writable")) return;

  const flows = ["admitted", "transferred_in"];
  const losses = ["lost_job", "lost_retired", "lost_enterprise_closed", "lost_left", "lost_died",
                  "lost_transferred_out", "lost_cdcs_dissolved"];
  const rows = Array.from(table.tBodies[0].querySelectorAll("tr[id^='row-']"));
  // Touch keyboards show digits; set on focus, not on 13,000 inputs at load. The cell's content
  // is selected, by mouse as by keyboard, so that typing 12 in a cell showing 0 gives 12, not 120:
  // the click's own mouseup would put the caret back where the pointer is, so that one is skipped.
  let justFocused = null;
  table.addEventListener("focusin", function (event) {
    const input = event.target;
    if (!input.classList.contains("g")) return;
    input.inputMode = "numeric";
    input.select();
    justFocused = input;
  });
  table.addEventListener("mouseup", function (event) {
    if (event.target === justFocused) event.preventDefault();
    justFocused = null;
  });

  // A cell two people changed shows both values: a button puts the chosen one in the cell.
  table.addEventListener("click", function (event) {
    const button = event.target.closest("button.pick");
    if (!button) return;
    const input = button.closest("td").querySelector("input.g");
    input.value = button.dataset.value;
    button.parentElement.querySelectorAll("button.pick").forEach(function (other) {
      other.classList.toggle("active", other === button);
    });
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.focus();
  });

  // Each row's inputs by column, read once: looking them up on every keystroke is what is slow.
  const cells = new Map(rows.map(function (row) {
    const byColumn = {};
    row.querySelectorAll("input.g").forEach(function (input) { byColumn[columnOf(input)] = input; });
    return [row, byColumn];
  }));

  function columnOf(input) {
    return input.name.replace(/^r\d+-/, "");
  }

  function cell(row, column) {
    return cells.get(row)[column];
  }

  function rowEnd(row) {
    const opening = cell(row, "members_start");
    let stock = opening ? parse(opening.value) : parse(row.dataset.start);
    flows.forEach(function (column) { stock += parse(cell(row, column).value); });
    losses.forEach(function (column) { stock -= parse(cell(row, column).value); });
    return stock;
  }

  function showEnd(row) {
    const end = rowEnd(row);
    const input = cell(row, "members_end");
    input.placeholder = Number.isNaN(end) ? "" : String(end);
    const typed = input.value.trim();
    const mismatch = typed !== "" && parse(typed) !== end;
    input.classList.toggle("is-invalid", mismatch || end < 0);
    input.title = mismatch ? "≠ " + format(end) : "";
    return end;
  }

  // What the rows of the other pages add to a total (0 on a grid of one page).
  function rest(column) {
    const target = table.querySelector('[data-total="' + column + '"]');
    return target && target.dataset.rest ? parseInt(target.dataset.rest, 10) : 0;
  }

  function total(column) {
    let sum = rest(column);
    rows.forEach(function (row) {
      const input = cell(row, column);
      sum += parse(input ? input.value : "");
    });
    return sum;
  }

  function showTotal(column) {
    const target = table.querySelector('[data-total="' + column + '"]');
    if (target) target.textContent = format(total(column));
  }

  // Month-end stock of each row, kept so that typing in one row updates the total by its change.
  const ends = new Map(rows.map(function (row) { return [row, rowEnd(row)]; }));
  const endRest = rest("members_end");
  let endTotal = endRest;
  ends.forEach(function (end) { endTotal += end; });

  function showEndTotal(row) {
    const end = rowEnd(row);
    const before = ends.get(row);
    ends.set(row, end);
    if (Number.isNaN(end) || Number.isNaN(before) || Number.isNaN(endTotal)) {
      endTotal = endRest;  // a cell that is not a count: add everything up again once it is fixed
      ends.forEach(function (value) { endTotal += value; });
    } else {
      endTotal += end - before;
    }
    table.querySelector('[data-total="members_end"]').textContent = format(endTotal);
  }

  // A page that came back refused shows figures that are not saved yet.
  let dirty = form.hasAttribute("data-unsaved");
  table.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.classList.contains("g")) return;
    const row = input.closest("tr");
    input.classList.toggle("is-invalid", Number.isNaN(parse(input.value)));
    const column = columnOf(input);
    if (column !== "members_end" && column !== "members_start") showTotal(column);
    showEnd(row);
    showEndTotal(row);
    if (!dirty) {
      dirty = true;
      const note = document.getElementById("dirty-note");
      if (note) note.hidden = false;
    }
  });

  // Enter goes down the column (Shift+Enter up), as in a spreadsheet; Tab stays the browser's.
  table.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.key !== "Enter" || !input.classList.contains("g")) return;
    event.preventDefault();
    const name = columnOf(input);
    let row = input.closest("tr");
    do {
      row = event.shiftKey ? row.previousElementSibling : row.nextElementSibling;
    } while (row && !row.querySelector('input[name$="-' + name + '"]'));
    if (row) row.querySelector('input[name$="-' + name + '"]').focus();  // focusin selects it
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  form.addEventListener("submit", function () { dirty = false; });

  // A save posts the rows changed on this page, and those that show what is not saved yet
  // (data-post: typed before a refused save, filled from the register, or with nothing saved, which
  // the save makes a row of): the others would only be read and found unchanged, hundreds of them
  // on a large federation's page.
  function changed(row) {
    return Array.prototype.some.call(row.querySelectorAll("input[name]"), function (input) {
      return input.type === "checkbox" ? input.checked !== input.defaultChecked : input.value !== input.defaultValue;
    });
  }
  form.addEventListener("formdata", function (event) {
    rows.forEach(function (row) {
      if (row.hasAttribute("data-post") || changed(row)) return;
      row.querySelectorAll("input[name]").forEach(function (input) { event.formData.delete(input.name); });
    });
  });

  // Another page of the grid, with figures typed on this one: save them, then go there (the
  // server redirects to `goto` once the save went through, and shows this page again if not).
  function leaveFor(query, event) {
    if (!dirty) return;
    event.preventDefault();
    if (!window.confirm(form.dataset.saveFirst)) return;
    let goto = form.querySelector('input[name="goto"]');
    if (!goto) {
      goto = document.createElement("input");
      goto.type = "hidden";
      goto.name = "goto";
      form.appendChild(goto);
    }
    goto.value = query;
    form.requestSubmit(document.getElementById("save"));
  }
  document.querySelectorAll("a[data-grid-page]").forEach(function (link) {
    link.addEventListener("click", function (event) { leaveFor(link.search || "?", event); });
  });
  const filter = document.getElementById("grid-filter");
  if (filter) {
    filter.addEventListener("submit", function (event) {
      leaveFor("?" + new URLSearchParams(new FormData(filter)).toString(), event);
    });
  }
  table.dataset.ready = "";
})();
