// The dashboard: sortable tables, the print button, and the charts drawn from the json_script
// blocks the page carries (chart-<key>-data for the canvas chart-<key>). No inline script.
(() => {
  const lang = document.documentElement.lang || "vi";
  const count = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const percent = (value) => (value === null || value === undefined ? "–" : `${decimal.format(value)} %`);

  // --- sorting: click a column's header; numbers by data-value, empty cells always last. The
  // first click puts the largest number first (the smallest with data-sort-first=ascending, as
  // for the rank), text from A; the next click turns the order round. ---
  function sortBy(table, th) {
    const index = Array.from(th.parentElement.children).indexOf(th);
    const numeric = th.dataset.sort === "number";
    const current = th.getAttribute("aria-sort");
    const ascending = current ? current !== "ascending" : !numeric || th.dataset.sortFirst === "ascending";
    th.parentElement.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).filter((row) => row.cells.length > index);
    const key = (row) => row.cells[index].dataset.value ?? row.cells[index].textContent.trim();
    rows.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === "" || y === "") return (x === "") - (y === "");
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, lang);
      return ascending ? order : -order;
    });
    rows.forEach((row) => body.appendChild(row));
  }

  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th[data-sort]").forEach((th) => {
      th.querySelector("button")?.addEventListener("click", () => sortBy(table, th));
    });
  });

  // --- printing: the numbers under each chart are printed too ---
  document.querySelectorAll("[data-action=print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  const closed = [];
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.chart-data:not([open])").forEach((details) => {
      details.open = true;
      closed.push(details);
    });
  });
  window.addEventListener("afterprint", () => {
    closed.splice(0).forEach((details) => {
      details.open = false;
    });
  });

  // --- cards loaded apart: a card with data-src (the officers of a whole country, counted one CĐCS
  // at a time) is fetched once the page is shown and put in the place of its placeholder. ---
  document.querySelectorAll("section[data-src]").forEach((placeholder) => {
    fetch(placeholder.dataset.src, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.statusText))))
      .then((html) => {
        const card = new DOMParser().parseFromString(html, "text/html").getElementById(placeholder.id);
        if (card) placeholder.replaceWith(document.importNode(card, true));
        else placeholder.remove();
      })
      .catch(() => {
        placeholder.removeAttribute("aria-busy");
        const loading = placeholder.querySelector("[data-loading]");
        if (loading) loading.firstChild.textContent = `${placeholder.dataset.failed} `;
      });
  });

  // --- charts ---
  if (!window.Chart) return;
  const GREEN = "#198754";
  const RED = "#dc3545";
  const BLUE = "#0b4f8a";
  const GREY = "#6c757d";
  const PALETTE = ["#0b4f8a", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#ffc107"];
  const countAxis = { beginAtZero: true, ticks: { callback: (value) => count.format(value) } };
  const countTooltip = {
    callbacks: { label: (item) => `${item.dataset.label}: ${count.format(item.parsed.y ?? item.parsed)}` },
  };
  const base = { maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } };
  // Long category names (the sectors) broken into lines, shorter on a phone, so that the axis
  // leaves the bars room and no name is cut.
  const wrapped = (labels, canvas) => {
    const width = canvas.parentElement.clientWidth;
    const most = width < 576 ? 14 : 26;
    return labels.map((label) => {
      const lines = [];
      label.split(" ").forEach((word) => {
        const last = lines.length - 1;
        if (last >= 0 && `${lines[last]} ${word}`.length <= most) lines[last] = `${lines[last]} ${word}`;
        else lines.push(word);
      });
      return lines.length > 1 ? lines : label;
    });
  };

  const builders = {
    cumulative: (data) => ({
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.series_admitted, data: data.admitted, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 0 },
          ...(data.quota
            ? [{ label: data.series_quota, data: data.quota, borderColor: RED, borderDash: [6, 4], pointRadius: 0 }]
            : []),
        ],
      },
      options: { ...base, scales: { y: countAxis }, plugins: { ...base.plugins, tooltip: countTooltip } },
    }),
    monthly: (data) => ({
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.series_admitted, data: data.admitted, backgroundColor: GREEN },
          { label: data.series_decrease, data: data.decrease, backgroundColor: RED },
        ],
      },
      options: { ...base, scales: { y: countAxis }, plugins: { ...base.plugins, tooltip: countTooltip } },
    }),
    reasons: (data) => ({
      type: "doughnut",
      data: { labels: data.labels, datasets: [{ label: data.series, data: data.values, backgroundColor: PALETTE }] },
      options: {
        ...base,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (item) => `${item.label}: ${count.format(item.parsed)}` } },
        },
      },
    }),
    sectors: (data, canvas) => ({
      type: "bar",
      data: {
        labels: wrapped(data.labels, canvas),
        datasets: data.datasets.map((set, index) => ({
          label: set.label,
          data: set.shares,
          counts: set.counts,
          backgroundColor: index === 0 ? BLUE : "#fd7e14",
        })),
      },
      options: {
        ...base,
        indexAxis: "y",
        scales: {
          x: { stacked: true, max: 100, ticks: { callback: (value) => `${value} %` } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
        plugins: {
          ...base.plugins,
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label}: ${count.format(item.dataset.counts[item.dataIndex])} (${percent(item.parsed.x)})`,
            },
          },
        },
      },
    }),
    density: (data, canvas) => ({
      type: "bar",
      data: { labels: wrapped(data.labels, canvas), datasets: [{ label: data.series, data: data.values, backgroundColor: BLUE }] },
      options: {
        ...base,
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, ticks: { callback: (value) => `${value} %` } },
          y: { ticks: { autoSkip: false } }, // every sector named, however narrow the screen
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => percent(item.parsed.x) } },
        },
      },
    }),
    projection: (data) => ({
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.series_actual, data: data.actual, borderColor: BLUE, backgroundColor: BLUE },
          { label: data.series_projected, data: data.projected, borderColor: GREY, borderDash: [6, 4] },
          ...(data.quota
            ? [{ label: data.series_quota, data: data.labels.map(() => data.quota), borderColor: RED, pointRadius: 0 }]
            : []),
        ],
      },
      options: { ...base, spanGaps: false, scales: { y: countAxis }, plugins: { ...base.plugins, tooltip: countTooltip } },
    }),
  };

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(`${canvas.id}-data`);
    const build = builders[canvas.dataset.chart];
    if (!source || !build) return;
    const chart = new Chart(canvas, build(JSON.parse(source.textContent), canvas));
    // Printed pages are narrower than the screen: redraw to fit them, then back.
    window.addEventListener("beforeprint", () => chart.resize());
    window.addEventListener("afterprint", () => chart.resize());
  });
})();
