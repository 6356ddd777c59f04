// The organising funnel's bar chart, drawn from the json_script block chart-funnel-data, and
// the print button. No inline script.
(() => {
  document.querySelectorAll("[data-action=print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  const canvas = document.getElementById("chart-funnel");
  const source = document.getElementById("chart-funnel-data");
  if (!window.Chart || !canvas || !source) return;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang || "vi";
  const count = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.series,
          data: data.values,
          backgroundColor: ["#6c757d", "#0b4f8a", "#6f42c1", "#198754", "#dc3545"],
        },
      ],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0, callback: (value) => count.format(value) } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${count.format(item.parsed.x)}` } },
      },
    },
  });
  window.addEventListener("beforeprint", () => chart.resize());
  window.addEventListener("afterprint", () => chart.resize());
})();
