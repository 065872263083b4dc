/* orgpath: make a big export as a job (POST /api/v1/exports), show its progress, then the
   download link. Loaded by the org page only when the org is over the job_budget setting. */
(function () {
  "use strict";
  var form = document.getElementById("export-job");
  if (!form || !window.fetch) { return; }
  var bar = document.getElementById("export-job-progress");
  var out = document.getElementById("export-job-status");
  var button = form.querySelector("button");

  function say(text) { out.textContent = text; }

  function finish(job) {
    bar.hidden = true;
    button.disabled = false;
    if (job.state === "succeeded") {
      var a = document.createElement("a");
      a.href = job.download;
      a.setAttribute("download", "");
      a.textContent = "Download (" + Math.max(1, Math.round(job.size / 1024)) + " KB)";
      out.textContent = "";
      out.appendChild(a);
    } else {
      say("Failed: " + (job.error || "unknown error"));
    }
  }

  function follow(url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.value = job.progress || 0;
        if (job.state === "succeeded" || job.state === "failed") { finish(job); return; }
        say(job.state + (job.stage && job.stage !== job.state ? " · " + job.stage : "")
            + (job.note ? " · " + job.note : ""));
        window.setTimeout(function () { follow(url); }, 1000);
      })
      .catch(function () { window.setTimeout(function () { follow(url); }, 3000); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var kind = form.elements.kind.value;
    var body = { org: form.dataset.org, lang: form.dataset.lang,
                 format: kind === "pdf-pages" ? "pdf" : kind,
                 view: { pages: kind === "pdf-pages" } };
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    say("queued");
    fetch(form.action, { method: "POST", credentials: "same-origin",
                         headers: { "Content-Type": "application/json" },
                         body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
      .then(function (rj) {
        if (rj[0].status !== 202) { finish({ state: "failed", error: rj[1].detail }); return; }
        follow(rj[1].url);
      })
      .catch(function (e) { finish({ state: "failed", error: String(e) }); });
  });
}());
