/* news-search: progressive enhancement only. Every feature here also works as a plain GET form or link.
   - "/" focuses the search box;
   - the "Filter people..." boxes search facet values as you type, through /api/facets/<name>, and keep
     the "Show all N" link in step;
   - the "Only stories about them" switch applies at once (no Apply button);
   - on phones the "Refine results" panel starts folded;
   - dragging across the bars of a timeline chooses its dates (each bar stays a link, and the From/To form
     stays in the side panel). */
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

  /* args without name=value, and with it once at the end when add is true. */
  function setValue(args, name, value, add) {
    var kept = args.getAll(name).filter(function (v) { return v !== value; });
    args.delete(name);
    kept.forEach(function (v) { args.append(name, v); });
    if (add) args.append(name, value);
  }

  function searchHref(args) {
    var query = args.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  /* The same links as web/links.py: a value selects it, a selected one is dropped, an excluded one is
     included again; its exclude link excludes it (and drops it from the selection). */
  function toggleHref(name, exclude, item) {
    var args = currentArgs();
    if (item.selected) setValue(args, name, item.value, false);
    else if (item.excluded) setValue(args, exclude, item.value, false);
    else args.append(name, item.value);
    return searchHref(args);
  }

  function excludeHref(name, exclude, item) {
    var args = currentArgs();
    setValue(args, name, item.value, false);
    setValue(args, exclude, item.value, true);
    return searchHref(args);
  }

  function articles(count) {
    return count.toLocaleString("en") + (count === 1 ? " article" : " articles");
  }

  function span(className, text) {
    var element = document.createElement("span");
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  /* One row as _macros.html's facet_value prints it, built with DOM calls and textContent only: facet
     values are data, never markup. */
  function valueRow(name, exclude, item) {
    var excluded = item.excluded && !item.selected;
    var li = document.createElement("li");
    li.className = "facet-value" + (item.selected ? " selected" : excluded ? " excluded" : "");
    var a = document.createElement("a");
    a.className = "toggle";
    a.href = toggleHref(name, exclude, { value: item.value, selected: item.selected, excluded: excluded });
    if (item.selected) a.setAttribute("aria-current", "true");
    var count = span("count");
    if (!excluded) {
      var shown = span("", item.count.toLocaleString("en"));
      shown.setAttribute("aria-hidden", "true");
      count.appendChild(shown);
    }
    count.appendChild(span("visually-hidden", excluded ? ", excluded: follow to include again" :
      ", " + articles(item.count) + (item.selected ? ", selected: follow to remove" : "")));
    a.appendChild(span("value", item.value));
    a.appendChild(count);
    li.appendChild(a);
    if (!excluded) {
      var out = document.createElement("a");
      out.className = "exclude";
      out.href = excludeHref(name, exclude, item);
      out.setAttribute("aria-label", "Exclude " + item.value);
      out.title = "Exclude " + item.value + ": hide the stories naming it";
      var icon = span("", "\u2212");
      icon.setAttribute("aria-hidden", "true");
      out.appendChild(icon);
      li.appendChild(out);
    }
    return li;
  }

  function renderValues(list, name, exclude, values, prefix, label) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!values.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = prefix ? "No " + label + " match \u201c" + prefix + "\u201d" : "None in these results";
      list.appendChild(empty);
      return;
    }
    values.forEach(function (item) { list.appendChild(valueRow(name, exclude, item)); });
  }

  /* "Show all N people (matching ...)": the full list for what the box holds. */
  function updateShowAll(input, total, shown, prefix) {
    var box = document.getElementById("facet-" + input.getAttribute("data-facet") + "-all");
    var link = box && box.querySelector("a");
    if (!link) return;
    var url = new URL(input.getAttribute("data-all"), window.location.href);
    if (prefix) url.searchParams.set("prefix", prefix);
    link.href = url.pathname + url.search;
    link.textContent = "Show all " + total.toLocaleString("en") + " " + input.getAttribute("data-label") +
      (prefix ? " matching \u201c" + prefix + "\u201d" : "");
    box.hidden = total <= shown;
  }

  /* The list and "Show all" link as the server printed them, to come back to when the box is emptied. */
  function snapshot(list, input) {
    var box = document.getElementById("facet-" + input.getAttribute("data-facet") + "-all");
    var link = box && box.querySelector("a");
    var rows = Array.prototype.slice.call(list.childNodes);
    var shown = link ? { hidden: box.hidden, href: link.getAttribute("href"), text: link.textContent } : null;
    return function restore() {
      while (list.firstChild) list.removeChild(list.firstChild);
      rows.forEach(function (node) { list.appendChild(node); });
      if (shown) {
        box.hidden = shown.hidden;
        link.setAttribute("href", shown.href);
        link.textContent = shown.text;
      }
    };
  }

  function enhanceFacetFilter(input) {
    var name = input.getAttribute("data-facet");
    var exclude = input.getAttribute("data-exclude");
    var api = input.getAttribute("data-api");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!name || !exclude || !api || !list) return;
    var restore = input.value.trim() ? null : snapshot(list, input);
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var prefix = input.value.trim();
      if (!prefix && restore) {
        latest++;  /* an answer still on its way is out of date */
        restore();
        return;
      }
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        var args = currentArgs();
        args.set("prefix", prefix);
        fetch(api + "?" + args.toString(), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (body) {
            if (!body || ticket !== latest) return;
            renderValues(list, name, exclude, body.values, prefix, input.getAttribute("data-label"));
            updateShowAll(input, body.total, body.values.length, prefix);
          })
          .catch(function () { /* the Filter button (a GET form) still works */ });
      }, 150);
    });
  }

  /* "Only stories about them" applies as soon as it is switched (without JavaScript: its Apply button). */
  function autoSubmitSwitch(input) {
    input.addEventListener("change", function () {
      if (input.form) input.form.submit();
    });
  }

  function foldRefineOnPhones() {
    var panel = document.querySelector("details.refine");
    if (panel && window.matchMedia("(max-width: 760px)").matches && !window.location.search.match(/_prefix=/)) {
      panel.removeAttribute("open");
    }
  }

  /* Press on a bar, drag across others, let go: the search narrows to the dates from the first bar's start
     to the last one's end (data-range-url is the search without dates). A press without a drag is a click. */
  function enhanceRangeSelect(svg) {
    var base = svg.getAttribute("data-range-url");
    var bars = Array.prototype.slice.call(svg.querySelectorAll("a.bar-link"));
    if (!base || bars.length < 2) return;
    var first = null;
    var last = null;
    var dragged = false;
    var swallowClick = false;

    function barAt(event) {
      var element = document.elementFromPoint(event.clientX, event.clientY);
      return element && element.closest ? element.closest("a.bar-link") : null;
    }

    function range() {
      var a = bars.indexOf(first);
      var b = bars.indexOf(last);
      return [Math.min(a, b), Math.max(a, b)];
    }

    function mark() {
      var bounds = range();
      bars.forEach(function (bar, i) {
        bar.classList.toggle("in-range", dragged && i >= bounds[0] && i <= bounds[1]);
      });
    }

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      var bar = barAt(event);
      if (!bar) return;
      first = last = bar;
      dragged = false;
      event.preventDefault();  /* no native link drag */
    });
    svg.addEventListener("pointermove", function (event) {
      if (!first) return;
      var bar = barAt(event);
      if (bar && bar !== last) {
        last = bar;
        dragged = true;
        mark();
      }
    });
    document.addEventListener("pointerup", function () {
      if (!first) return;
      if (dragged) {
        var bounds = range();
        var target = new URL(base, window.location.href);
        target.searchParams.delete("page");
        target.searchParams.set("from", bars[bounds[0]].getAttribute("data-start"));
        target.searchParams.set("to", bars[bounds[1]].getAttribute("data-end"));
        swallowClick = true;
        window.location.assign(target.pathname + target.search);
      }
      first = last = null;
    });
    svg.addEventListener("click", function (event) {
      if (swallowClick) {
        event.preventDefault();
        swallowClick = false;
      }
    }, true);
  }

  document.addEventListener("keydown", focusSearchOnSlash);
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-facet]"), enhanceFacetFilter);
    Array.prototype.forEach.call(document.querySelectorAll(".mentions-switch input[type=checkbox]"), autoSubmitSwitch);
    Array.prototype.forEach.call(document.querySelectorAll("svg.bar-chart[data-range-url]"), enhanceRangeSelect);
    foldRefineOnPhones();
  });
})();
