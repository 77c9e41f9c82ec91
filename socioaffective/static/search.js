/* socioaffective: the book's search page. MiniSearch (vendored) indexes the
 * records of search-index.js (window.saSearchData, one per entry and chapter)
 * in the browser, so search works from file:// as over HTTP. Ranking: title and
 * other names first, then the id, the summary and the description; typos are
 * forgiven (fuzzy), words are completed (prefix). Facets narrow the results by
 * kind and grade. Every text from the framework is set with textContent. */
(function () {
  "use strict";
  var data = window.saSearchData;
  var input = document.getElementById("sa-search-input");
  var status = document.getElementById("sa-search-status");
  var list = document.getElementById("sa-search-results");
  var facetsBox = document.getElementById("sa-search-facets");
  if (!data || !window.MiniSearch || !input || !list) { return; }

  var kinds = {}, grades = {};
  data.kinds.forEach(function (k) { kinds[k.name] = k; });
  kinds.chapter = {name: "chapter", label: "Chapter", plural: "Chapters", css: "chapter"};
  data.grades.forEach(function (g) { grades[g.name] = g; });

  var index = new window.MiniSearch({
    idField: "id",
    fields: ["title", "aliases", "idwords", "summary", "description"],
    storeFields: ["id", "title", "aliases", "summary", "description", "kind", "grade", "url"],
    extractField: function (doc, field) {
      return field === "idwords" ? (doc.kind === "chapter" ? "" : doc.id.replace(/-/g, " ")) : doc[field];
    },
    searchOptions: {
      boost: {title: 6, aliases: 4, idwords: 2, summary: 1.5, description: 1},
      prefix: function (term) { return term.length > 2; },
      fuzzy: function (term) { return term.length > 3 ? 0.25 : false; },
      boostDocument: function (id, term, stored) { return stored && stored.kind === "chapter" ? 0.5 : 1; }
    }
  });
  index.addAll(data.docs);

  var chosen = {kind: {}, grade: {}};  // facet values ticked (none ticked: all shown)

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function matcher(terms) {
    var words = terms.filter(function (t) { return t.length > 1; }).map(escapeRegExp);
    if (!words.length) { return null; }
    words.sort(function (a, b) { return b.length - a.length; });
    return new RegExp("(" + words.join("|") + ")", "gi");
  }

  // the text around the first match (or the summary), cut at word boundaries
  function snippet(doc, re) {
    var texts = [doc.summary || "", doc.description || "", doc.aliases || ""];
    for (var i = 0; i < texts.length; i++) {
      var t = texts[i];
      if (!t || !re) { continue; }
      re.lastIndex = 0;
      var m = re.exec(t);
      if (!m) { continue; }
      if (i === 0 || t.length <= 220) { return t; }
      var start = Math.max(0, m.index - 90), end = Math.min(t.length, m.index + 130);
      if (start > 0) { start = t.indexOf(" ", start) + 1 || start; }
      if (end < t.length) { var sp = t.lastIndexOf(" ", end); end = sp > m.index ? sp : end; }
      return (start > 0 ? "…" : "") + t.slice(start, end) + (end < t.length ? "…" : "");
    }
    return doc.summary || doc.description.slice(0, 200);
  }

  function highlighted(text, re) {
    var p = el("p", {"class": "sa-search-snippet"});
    if (!re) { p.textContent = text; return p; }
    var last = 0, m;
    re.lastIndex = 0;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) { p.appendChild(document.createTextNode(text.slice(last, m.index))); }
      p.appendChild(el("mark", {}, m[0]));
      last = m.index + m[0].length;
      if (m[0].length === 0) { re.lastIndex++; }
    }
    if (last < text.length) { p.appendChild(document.createTextNode(text.slice(last))); }
    return p;
  }

  function kindBadge(name) {
    var k = kinds[name] || {label: name, css: "unknown"};
    return el("span", {"class": "sa-badge sa-kind sa-kind-" + k.css}, k.label);
  }

  function gradeBadge(name) {
    var g = grades[name];
    if (!g) { return null; }
    return el("abbr", {"class": "sa-badge sa-grade sa-grade-" + g.css + " " + (g.claim ? "sa-claim" : "sa-noclaim"), title: g.label}, g.badge);
  }

  function queryTerms(q) {
    return q.toLowerCase().split(/[\s\-.,;:!?'"()]+/).filter(Boolean);
  }

  function run(q, results) {
    if (!results) {
      results = q ? index.search(q, {combineWith: "AND"}) : [];
      if (q && !results.length) { results = index.search(q); }  // no entry has every word: any word
    }
    // facets: counts over the results before narrowing
    var counts = {kind: {}, grade: {}};
    results.forEach(function (r) {
      counts.kind[r.kind] = (counts.kind[r.kind] || 0) + 1;
      if (r.grade) { counts.grade[r.grade] = (counts.grade[r.grade] || 0) + 1; }
    });
    renderFacets(q, results, counts);
    var shown = results.filter(function (r) {
      var ks = Object.keys(chosen.kind), gs = Object.keys(chosen.grade);
      return (!ks.length || chosen.kind[r.kind]) && (!gs.length || chosen.grade[r.grade]);
    });
    list.textContent = "";
    shown.forEach(function (r) {
      var re = matcher(r.terms.concat(queryTerms(q)));
      var li = el("li", {"class": "sa-search-result sa-search-" + (r.kind === "chapter" ? "chapter" : "entry")});
      var head = el("div", {"class": "sa-search-head"});
      head.appendChild(el("a", {href: r.url, "class": "sa-search-title"}, r.title));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(kindBadge(r.kind));
      var gb = gradeBadge(r.grade);
      if (gb) { head.appendChild(document.createTextNode(" ")); head.appendChild(gb); }
      li.appendChild(head);
      if (r.aliases) { li.appendChild(el("p", {"class": "sa-search-aliases"}, "Also called: " + r.aliases)); }
      li.appendChild(highlighted(snippet(r, re), re));
      list.appendChild(li);
    });
    if (!q) {
      status.textContent = "Type a word to search " + data.docs.length + " entries and chapters.";
    } else if (!results.length) {
      status.textContent = "Nothing found for “" + q + "”.";
    } else {
      status.textContent = shown.length + (shown.length === 1 ? " result" : " results") + " for “" + q + "”" +
        (shown.length < results.length ? " (" + results.length + " before narrowing)" : "") + ".";
    }
  }

  function renderFacets(q, results, counts) {
    facetsBox.textContent = "";
    if (!results.length) { return; }
    [["kind", "Kind", kinds, function (k) { return k.label; }], ["grade", "Grade", grades, function (g) { return g.badge + " · " + g.label; }]].forEach(function (spec) {
      var field = spec[0], names = Object.keys(counts[field]);
      if (!names.length) { return; }
      var order = Object.keys(spec[2]);
      names.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
      var fs = el("fieldset", {"class": "sa-search-facet"});
      fs.appendChild(el("legend", {}, spec[1]));
      names.forEach(function (name) {
        var id = "sa-facet-" + field + "-" + name.replace(/[^a-z0-9_-]/gi, "-");
        var box = el("input", {type: "checkbox", id: id, value: name});
        box.checked = !!chosen[field][name];
        box.addEventListener("change", function () {
          if (box.checked) { chosen[field][name] = true; } else { delete chosen[field][name]; }
          run(q, results);
        });
        var label = el("label", {"for": id});
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + spec[3](spec[2][name] || {label: name, badge: name}) + " (" + counts[field][name] + ")"));
        fs.appendChild(label);
      });
      facetsBox.appendChild(fs);
    });
  }

  function update() {
    var q = input.value.trim();
    run(q);
    try {
      var url = new URL(window.location.href);
      if (q) { url.searchParams.set("q", q); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.toString());
    } catch (e) { /* file:// may refuse; the results are shown all the same */ }
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  input.addEventListener("input", function () { chosen = {kind: {}, grade: {}}; update(); });
  input.form.addEventListener("submit", function (ev) { ev.preventDefault(); update(); });
  run(input.value.trim());
  input.focus();
})();
