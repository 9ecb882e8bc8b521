/* news-search: progressive enhancement only. Every feature here also works as a plain GET form or link.
   - "/" focuses the search box;
   - the "Filter people..." boxes search facet values as you type, through /api/facets/<name>;
   - on phones the "Refine results" panel starts folded. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* The facets are the page's: each facet's filter box names its parameter in data-facet. */
  function facetNames() {
    return Array.prototype.map.call(document.querySelectorAll("input[data-facet]"), function (input) {
      return input.getAttribute("data-facet");
    });
  }

  function focusSearchOnSlash(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var box = document.getElementById("q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  }

  /* The search the page shows, as query arguments (without page and the facet filter boxes). */
  function currentArgs() {
    var args = new URLSearchParams(window.location.search);
    args.delete("page");
    facetNames().forEach(function (name) { args.delete(name + "_prefix"); });
    return args;
  }

  function toggleHref(name, value, selected) {
    var args = currentArgs();
    if (selected) {
      var kept = args.getAll(name).filter(function (v) { return v !== value; });
      args.delete(name);
      kept.forEach(function (v) { args.append(name, v); });
    } else {
      args.append(name, value);
    }
    var query = args.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  /* Built with DOM calls and textContent only: facet values are data, never markup. */
  function renderValues(list, name, values, prefix) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!values.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = prefix ? "No match for \u201c" + prefix + "\u201d" : "None in these results";
      list.appendChild(empty);
      return;
    }
    values.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = toggleHref(name, item.value, item.selected);
      if (item.selected) { a.className = "selected"; a.setAttribute("aria-current", "true"); }
      var value = document.createElement("span");
      value.className = "value";
      value.textContent = item.value;
      var count = document.createElement("span");
      count.className = "count";
      var shown = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = item.count.toLocaleString("en");
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = ", " + item.count.toLocaleString("en") + (item.count === 1 ? " article" : " articles") +
        (item.selected ? ", selected: follow to remove" : "");
      count.appendChild(shown);
      count.appendChild(hidden);
      a.appendChild(value);
      a.appendChild(count);
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function enhanceFacetFilter(input) {
    var name = input.getAttribute("data-facet");
    var api = input.getAttribute("data-api");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!name || !api || !list) return;
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        var args = currentArgs();
        args.set("prefix", input.value.trim());
        fetch(api + "?" + args.toString(), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (body) {
            if (body && ticket === latest) renderValues(list, name, body.values, input.value.trim());
          })
          .catch(function () { /* the Filter button (a GET form) still works */ });
      }, 150);
    });
  }

  function foldRefineOnPhones() {
    var panel = document.querySelector("details.refine");
    if (panel && window.matchMedia("(max-width: 760px)").matches && !window.location.search.match(/_prefix=/)) {
      panel.removeAttribute("open");
    }
  }

  document.addEventListener("keydown", focusSearchOnSlash);
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-facet]"), enhanceFacetFilter);
    foldRefineOnPhones();
  });
})();
