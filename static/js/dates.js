// A calendar on every day input (data-date-input, 03/12/2026) and month input (data-month-input,
// 03/2021) of unionportal.lib.forms, through the vendored vanillajs-datepicker. The inputs are
// plain text, read by the server day (or month) first whatever the browser's language; the
// calendar only helps to pick, so it reads what was typed by the server's own rules, rewrites it
// as dd/mm/yyyy when it is a day, and leaves anything else as typed for the server to explain.
(() => {
  if (typeof Datepicker === "undefined") return;

  const pad = (n) => String(n).padStart(2, "0");
  // A day of the calendar, or NaN (31/02 is not one).
  const day = (year, month, date) => {
    const value = new Date(+year, +month - 1, +date);
    value.setFullYear(+year); // years below 100 stay themselves
    return value.getFullYear() === +year && value.getMonth() === +month - 1 && value.getDate() === +date
      ? value
      : NaN;
  };
  // The rules of unionportal/lib/dates.py parse_day and unionportal/lib/months.py Month.parse.
  const readDay = (text) => {
    text = String(text).trim();
    let m = /^(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4})$/.exec(text);
    if (m) return day(m[4], m[3], m[1]);
    m = /^(\d{2})(\d{2})(\d{4})$/.exec(text);
    if (m) return day(m[3], m[2], m[1]);
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    return m ? day(m[1], m[2], m[3]) : NaN;
  };
  const readMonth = (text) => {
    text = String(text).trim();
    let m = /^(\d{1,2})\/(\d{4})$/.exec(text);
    if (m) return day(m[2], m[1], 1);
    m = /^(\d{4})-(\d{1,2})$/.exec(text);
    return m ? day(m[1], m[2], 1) : NaN;
  };
  const showDay = (d) => `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${String(d.getFullYear()).padStart(4, "0")}`;
  const showMonth = (d) => `${pad(d.getMonth() + 1)}/${String(d.getFullYear()).padStart(4, "0")}`;
  // data-earliest / data-latest: ISO days the server accepts (unionportal.lib.forms).
  const iso = (text) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? day(m[1], m[2], m[3]) : undefined;
  };

  const language = document.documentElement.lang === "en" ? "en" : "vi";
  const attach = (input, format, pickLevel) => {
    const earliest = iso(input.dataset.earliest);
    const latest = iso(input.dataset.latest);
    // On start and on leaving the input the calendar rewrites it from the day it holds: text it
    // could not read (31/02/2025, a day out of range, refused by the server and shown again) would
    // vanish, and the server would then say "required" instead of what is wrong. Put it back
    // (focusout comes after the calendar's blur).
    let typed = input.value;
    input.addEventListener("input", () => {
      typed = input.value;
    });
    input.addEventListener("focusout", () => {
      if (input.value === "" && typed.trim() !== "") input.value = typed;
    });
    const picker = new Datepicker(input, {
      language,
      format,
      pickLevel,
      weekStart: 1,
      autohide: true,
      todayHighlight: true,
      // Typing stays typing: the calendar opens on a click, not when Tab brings the cursor in.
      showOnFocus: false,
      minDate: earliest instanceof Date ? earliest : undefined,
      maxDate: latest instanceof Date ? latest : undefined,
      buttonClass: "btn",
    });
    if (input.value === "" && typed.trim() !== "") input.value = typed;
    // Opened after typing, the calendar shows the day typed (and writes it as dd/mm/yyyy).
    input.addEventListener("show", () => picker.update({ autohide: false }));
  };
  document.querySelectorAll("input[data-date-input]").forEach((input) => {
    attach(input, { toValue: readDay, toDisplay: showDay }, 0);
  });
  document.querySelectorAll("input[data-month-input]").forEach((input) => {
    attach(input, { toValue: readMonth, toDisplay: showMonth }, 1);
  });
})();
