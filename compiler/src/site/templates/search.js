// Client-side search over window.CHARTER_SEARCH (search-index.js): names and descriptions of
// services, operations, models, enums, unions and interfaces. No network; works from file://.
// Results are built with textContent, so no indexed text is ever parsed as HTML.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  var index = window.CHARTER_SEARCH || [];
  if (!input || !list) return;
  var LIMIT = 30;

  function score(entry, terms) {
    var name = entry.n.toLowerCase();
    var text = name + " " + entry.s.toLowerCase() + " " + entry.d.toLowerCase();
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (text.indexOf(t) < 0) return 0;
      // An exact name wins; a service named so comes first.
      if (name === t) total += entry.k === "service" ? 110 : 100;
      else if (name.indexOf(t) === 0) total += 50;
      else if (name.indexOf(t) >= 0) total += 20;
      else total += 1;
    }
    return total;
  }

  function show(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    if (terms.length === 0) { list.hidden = true; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], terms);
      if (s > 0) hits.push([s, i]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    if (hits.length === 0) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "Nothing matches “" + query + "”.";
      list.appendChild(none);
    }
    for (var j = 0; j < hits.length && j < LIMIT; j++) {
      var e = index[hits[j][1]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.u;
      var name = document.createElement("span");
      name.className = "r-name";
      name.textContent = e.n;
      var meta = document.createElement("span");
      meta.className = "r-meta";
      meta.textContent = e.k + " · " + e.s;
      a.appendChild(name);
      a.appendChild(meta);
      if (e.d) {
        var d = document.createElement("span");
        d.className = "r-desc";
        d.textContent = e.d;
        a.appendChild(d);
      }
      li.appendChild(a);
      list.appendChild(li);
    }
    list.hidden = false;
  }

  input.addEventListener("input", function () { show(input.value); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { input.value = ""; show(""); }
    if (ev.key === "Enter") {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== input) { ev.preventDefault(); input.focus(); }
  });
  document.addEventListener("click", function (ev) {
    if (!list.contains(ev.target) && ev.target !== input) list.hidden = true;
  });
})();
