// Beside the date of a member register event, "tính vào số liệu tháng MM/YYYY": the month whose
// figures it counts in, updated as the date is typed or picked. The server says it again when the
// form is sent (members.register.event_months), and refuses what its register cannot count. No
// inline script, so that a strict content security policy can forbid them.
const pad = (n) => String(n).padStart(2, "0");

// "2021-03-08" (pasted ISO), "2021-03", "08/03/2021", "8-3-2021", "08 03 2021" or "08032021" (typed
// as unionportal/lib/dates.py parse_day reads them), "03/2021"
const monthOf = (value) => {
  const text = (value || "").trim();
  let match = text.match(/^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/);
  let month, year;
  if (match) [, year, month] = match;
  else if ((match = text.match(/^(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4})$/))) [, , , month, year] = match;
  else if ((match = text.match(/^\d{2}(\d{2})(\d{4})$/))) [, month, year] = match;
  else if ((match = text.match(/^(\d{1,2})[/.-](\d{4})$/))) [, month, year] = match;
  else return "";
  const number = Number(month);
  return number >= 1 && number <= 12 ? `${pad(number)}/${year}` : "";
};

const hints = Array.from(document.querySelectorAll("[data-counts-in]"));
const modes = Array.from(document.querySelectorAll("input[name=mode]"));

const refresh = () => {
  const mode = modes.find((input) => input.checked)?.value;
  for (const hint of hints) {
    const input = document.getElementById(hint.dataset.countsIn);
    const month = input ? monthOf(input.value) : "";
    hint.textContent = month ? hint.dataset.text.replace("%(month)s", month) : "";
    // On the admit form, only the date that decides the month for the way chosen.
    hint.hidden = Boolean(hint.dataset.mode && mode && hint.dataset.mode !== mode);
  }
};

// A day picked in the calendar (static/js/dates.js) sends no "input" nor "change", only its
// "changeDate".
for (const hint of hints) {
  const input = document.getElementById(hint.dataset.countsIn);
  for (const type of ["input", "change", "changeDate"]) input?.addEventListener(type, refresh);
}
modes.forEach((input) => input.addEventListener("change", refresh));
refresh();
