// The report page: the print button and the attainment chart. No inline script, so that a
// strict content security policy can forbid them.
document.querySelectorAll("[data-action=print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

const source = document.getElementById("attainment-data");
const canvas = document.getElementById("attainment-chart");
if (source && canvas && window.Chart) {
  const data = JSON.parse(source.textContent);
  const colours = data.percent.map((p) => (p >= data.expected ? "#198754" : "#e0a800"));
  const chart = new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: data.label_percent, data: data.percent, backgroundColor: colours, order: 2 },
        {
          type: "line", label: data.label_expected, data: data.labels.map(() => data.expected),
          borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, order: 1,
        },
      ],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { beginAtZero: true, ticks: { callback: (v) => v + " %" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  // Printed pages are narrower than the screen: redraw to fit them, then back.
  window.addEventListener("beforeprint", () => chart.resize());
  window.addEventListener("afterprint", () => chart.resize());
}
