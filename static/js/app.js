// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts: a <select data-autosubmit> submits its form when changed, a link
// with data-back goes back one page, and a <button data-busy="…"> is disabled with that text
// once its form is sent (a long move or dissolution is not sent twice). A full ID number typed
// in a search box marked data-id-lookup is sent by POST through the page's look-up form
// (form[data-id-lookup-form]) instead of into the address bar, where it would be logged.
// A link or submit button marked data-download="…" (a PDF takes a few seconds to make) fetches
// its file while it shows a spinner with that text and cannot be clicked again; the file is
// then saved under the server's name.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  var FULL_ID = /^(\d{17}[\dXx]|\d{15})$/;
  document.addEventListener("submit", function (event) {
    var search = event.target.querySelector && event.target.querySelector("input[data-id-lookup]");
    var lookup = document.querySelector("form[data-id-lookup-form]");
    if (search && lookup && FULL_ID.test(search.value.replace(/\s+/g, ""))) {
      event.preventDefault();
      lookup.querySelector("input[name=id_number]").value = search.value.replace(/\s+/g, "");
      search.value = "";
      lookup.submit();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector && event.target.querySelector("button[data-busy]");
    if (button && !event.defaultPrevented) {
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
      if (button.getAttribute("data-busy")) { button.textContent = button.getAttribute("data-busy"); }
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
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
