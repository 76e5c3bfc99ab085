// A badge batch's page: follows the render worker's progress, then offers the PDF.
// Without the script the page still works: its "Refresh" link reloads it.
(function () {
  const job = document.querySelector("[data-batch-job]");
  if (!job || (job.dataset.state !== "queued" && job.dataset.state !== "rendering")) return;
  const bar = job.querySelector("[data-progress]");
  const label = job.querySelector("[data-label]");
  let failures = 0;

  async function poll() {
    let batch = null;
    try {
      const response = await fetch(job.dataset.statusUrl, {headers: {"Accept": "application/json"}});
      if (response.ok) batch = await response.json();
    } catch (error) { /* the network blinked: try again below */ }
    if (batch === null) {
      if (++failures < 30) setTimeout(poll, 2000);
      return;
    }
    failures = 0;
    bar.max = Math.max(batch.total, 1);
    bar.value = batch.status === "done" ? batch.total : batch.done;
    label.textContent = batch.label;
    if (batch.running) {
      setTimeout(poll, 1000);
    } else {
      window.location.reload();  // done, failed or cancelled: the page says what next
    }
  }
  setTimeout(poll, 500);
})();
