// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts: a <select data-autosubmit> submits its form when changed, a link
// with data-back goes back one page, and a <button data-busy="…"> is disabled with that text
// once its form is sent (a long move or dissolution is not sent twice). A full ID number typed
// in a search box marked data-id-lookup is sent by POST through the page's look-up form
// (form[data-id-lookup-form]) instead of into the address bar, where it would be logged.
// On a page shown again after a post (a form with errors), the language switcher
// (select[data-carry-input]) posts that form again with `_language`: the page comes back in
// the new language with what was typed, and nothing is saved.
// The 待办 badge (span[data-inbox-count]) rendered without a fresh count asks for it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      var carrier = target.matches("[data-carry-input]") && document.querySelector("main form[data-keeps-input]");
      if (carrier) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "_language";
        field.value = target.value;
        carrier.appendChild(field);
        carrier.submit();
        return;
      }
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
  var badge = document.querySelector("[data-inbox-count]");
  if (badge && window.fetch) {
    fetch(badge.getAttribute("data-inbox-count"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.count) {
          badge.textContent = data.count;
          badge.hidden = false;
        }
      })
      .catch(function () {});
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
