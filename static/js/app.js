// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts: a <select data-autosubmit> submits its form when changed, a link
// with data-back goes back one page, and a <button data-busy="…"> is disabled with that text
// once its form is sent (a long move or dissolution is not sent twice). A full ID number typed
// in a search box marked data-id-lookup is sent by POST through the page's look-up form
// (form[data-id-lookup-form]) instead of into the address bar, where it would be logged.
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
})();
