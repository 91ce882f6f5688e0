// PDF downloads (a PDF takes a few seconds to make): a link or submit button marked
// data-download="…" fetches its file while it shows a spinner with that text and takes no
// second click; the file is then saved under the server's name. Loaded by the pages that have
// such a control.
(function () {
  "use strict";
  function savedName(response) {
    var match = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get("Content-Disposition") || "");
    return match ? decodeURIComponent(match[1]) : "";
  }
  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }
  // `otherwise` goes the ordinary way when the answer is not a file (a form sent back with its
  // errors, a server error page), so the person sees what the server said.
  function download(control, url, init, otherwise) {
    if (control.getAttribute("aria-busy") === "true") { return; }
    var label = Array.prototype.slice.call(control.childNodes);
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    control.setAttribute("aria-busy", "true");
    if ("disabled" in control) { control.disabled = true; }
    control.replaceChildren(spinner, document.createTextNode(control.getAttribute("data-download")));
    function done() {
      control.replaceChildren.apply(control, label);
      control.removeAttribute("aria-busy");
      if ("disabled" in control) { control.disabled = false; }
    }
    fetch(url, init).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("text/html") === 0) { throw new Error(type); }
      return response.blob().then(function (blob) { save(blob, savedName(response)); });
    }).then(done, function () { done(); otherwise(); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    download(link, link.href, { credentials: "same-origin" }, function () {
      window.location.href = link.href;
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-download") || form.hasAttribute("data-plain")) {
      return;
    }
    event.preventDefault();
    var init = { method: "POST", credentials: "same-origin", body: new FormData(form, button) };
    var url = button.hasAttribute("formaction") ? button.formAction : form.action;
    download(button, url, init, function () {
      form.setAttribute("data-plain", "");
      form.requestSubmit(button);
      form.removeAttribute("data-plain");
    });
  });
})();
