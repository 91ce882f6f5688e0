// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts: a <select data-autosubmit> submits its form when changed, and a link
// with data-back goes back one page.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
