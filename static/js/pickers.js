// Server-searched pickers: every <select data-autocomplete="<url>"> becomes a Tom Select that
// asks <url>?q=<typed> (JSON {"results": [{value, text, hint}]}, at most 20 rows, scoped to the
// user on the server). data-depends-on="<field>" sends that field's value along (the member
// groups of the chosen association) and clears this picker when it changes.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") { return; }

  function fieldOf(form, name) {
    if (!form || !name) { return null; }
    var field = form.elements.namedItem(name);
    return field && field.length && !field.tagName ? field[0] : field;
  }

  function setup(select) {
    var url = select.getAttribute("data-autocomplete");
    var dependsOn = select.getAttribute("data-depends-on");
    var valueField = select.getAttribute("data-value-field") || "value";
    var lang = document.documentElement.lang || "";
    var english = lang.indexOf("en") === 0;
    var plugins = select.multiple ? ["remove_button"] : [];
    if (!select.multiple && !select.required) { plugins.push("clear_button"); }

    var picker = new TomSelect(select, {
      valueField: valueField,
      labelField: "text",
      searchField: [],
      // The server has filtered already: keep its order, show every row it sent.
      score: function () { return function () { return 1; }; },
      maxOptions: 50,
      loadThrottle: 250,
      preload: "focus",
      closeAfterSelect: true,
      onItemAdd: function () { this.setTextboxValue(""); },
      placeholder: select.getAttribute("data-placeholder") || "",
      plugins: plugins,
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var params = new URLSearchParams();
        params.set("q", query);
        var other = fieldOf(select.form, dependsOn);
        if (other) {
          if (!other.value) { callback(); return; }
          params.set(dependsOn, other.value);
        }
        var self = this;
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + params.toString(), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            self.clearOptions();  // the chosen ones stay; stale matches go
            callback(data.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          var hint = item.hint ? " <small class=\"picker-hint\">" + escape(item.hint) + "</small>" : "";
          return "<div>" + escape(item.text) + hint + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () {
          return "<div class=\"no-results\">" + (english ? "No match in your scope" : "您的管辖范围内没有匹配项") + "</div>";
        },
        loading: function () {
          return "<div class=\"loading\">" + (english ? "Searching…" : "正在查找…") + "</div>";
        }
      }
    });
    select.tomselect = picker;

    var other = fieldOf(select.form, dependsOn);
    if (other) {
      other.addEventListener("change", function () {
        picker.clear();
        picker.clearOptions();
        picker.loadedSearches = {};
        picker.settings.preload = "focus";
        picker.wrapper.classList.remove("preloaded");
      });
    }
  }

  function init() {
    var selects = document.querySelectorAll("select[data-autocomplete]");
    for (var i = 0; i < selects.length; i++) {
      if (!selects[i].tomselect) { setup(selects[i]); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
