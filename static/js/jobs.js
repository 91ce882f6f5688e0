// Progress of a background job (我的任务): poll its status and reload the page when it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.getAttribute("data-job-finished")) { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("[data-job-progress]");
  var count = box.querySelector("[data-job-count]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        if (bar && job.percent !== null) { bar.value = job.percent; }
        if (count && job.total) { count.textContent = job.done + " / " + job.total; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
