// The job page's progress bar: asks the job's status every second and moves the bar; when the
// job has finished, the page is loaded again to show the result. (Without script the page
// refreshes itself every 5 seconds.)
(function () {
  "use strict";
  var page = document.querySelector(".job[data-status-url]");
  if (!page) return;
  var status = page.getAttribute("data-status");
  if (status === "done" || status === "failed") return;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var text = document.getElementById("job-status-text");
  var rows = document.getElementById("job-rows");
  var url = page.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "X-Sammachip-Poll": "1" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        if (data.finished) { window.location.reload(); return; }
        bar.max = Math.max(data.rows_total, 1);
        bar.value = data.rows_done;
        bar.textContent = data.percent + "%";
        percent.textContent = data.percent + "%";
        text.textContent = data.text;
        rows.textContent = data.rows_text;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
