// A job's page (templates/jobs/job_detail.html): the progress bar follows the job by asking its
// small JSON status (jobs.views.job_status) every second, then every few, and the page reloads
// once the job has ended, to show what it did. No inline script or style: the bar's width is set
// here, through the CSS object model, which the content security policy allows.
(function () {
  const box = document.getElementById("job-progress");
  if (!box) return;
  const bar = document.getElementById("job-bar");
  const step = document.getElementById("job-step");
  const count = document.getElementById("job-count");
  const meter = box.querySelector("[role=progressbar]");
  const number = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en" : "vi");
  let delay = 1000;

  function show(status) {
    if (status.percent === null || status.percent === undefined || status.percent === "") {
      bar.classList.add("progress-bar-striped", "progress-bar-animated", "w-100");
      meter.removeAttribute("aria-valuenow");
      count.textContent = "";
    } else {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated", "w-100");
      bar.style.width = status.percent + "%";
      meter.setAttribute("aria-valuenow", status.percent);
      if (status.total) {
        count.textContent = number.format(status.done) + " / " + number.format(status.total) + " · " + status.percent + " %";
      }
    }
    if (status.step) step.textContent = status.step;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        if (status.ended || status.state === "done" || status.state === "failed") {
          window.location.reload();
          return;
        }
        show(status);
        delay = Math.min(delay + 500, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(() => window.setTimeout(poll, 5000)); // the server or the network is away: keep trying, slower
  }

  const initial = box.dataset.percent;
  show({ percent: initial === "" ? null : Number(initial) });
  window.setTimeout(poll, delay);
})();
