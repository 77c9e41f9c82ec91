/* The book's "Design review" page: tick features, get the checklist.
 *
 * A line-by-line port of socioaffective/review.py (checklist_from_data,
 * to_markdown) running on the framework's json export (networkx node-link
 * data), which the build writes to _static/socioaffective/review-data.js as
 * window.SOCIOAFFECTIVE_FRAMEWORK. Keep the two in step: tests/test_review.py
 * compares this page's result with `socioaffective review` for several sets.
 * No network, no server: works from file://.
 */
(function () {
  "use strict";
  var PREDICATE_ORDER = ["exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"];
  var SKOS = { exact_match: "exactMatch", close_match: "closeMatch", related_match: "relatedMatch", broad_match: "broadMatch", narrow_match: "narrowMatch" };
  var INVERSE = { exactMatch: "exactMatch", closeMatch: "closeMatch", relatedMatch: "relatedMatch", broadMatch: "narrowMatch", narrowMatch: "broadMatch" };
  var MATCH_LABEL = { exactMatch: "exact match", closeMatch: "close match", relatedMatch: "related", broadMatch: "broader", narrowMatch: "narrower" };
  var BADGE_NOTE = "Everything about design features is editorial (our application of the framework), never the paper's claim. Grades:";
  var PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function cmpTuple(a, b) {
    for (var i = 0; i < a.length; i++) { var c = cmp(a[i], b[i]); if (c) return c; }
    return 0;
  }
  function str(v) { return v === undefined || v === null ? "" : String(v); }

  /* socioaffective.render.myst.text: one line, every ASCII punctuation character escaped */
  function escapeMd(value) {
    var s = str(value);
    s = s.replace(/[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+/g, " ").replace(/[\x00-\x08\x0e-\x1f\x7f]/g, " ");
    s = s.replace(/[ \t]+/g, " ").trim();
    var out = "";
    for (var i = 0; i < s.length; i++) { var ch = s.charAt(i); out += PUNCT.indexOf(ch) >= 0 ? "\\" + ch : ch; }
    return out;
  }

  function checklistFromData(data, featureIds) {
    var nodes = {}, order = {};
    data.nodes.forEach(function (n, i) { nodes[n.id] = n; order[n.id] = i; });
    var grades = data.socioaffective.grades;
    var outLinks = {}, inLinks = {};
    data.links.forEach(function (lk) {
      (outLinks[lk.source] = outLinks[lk.source] || []).push(lk);
      (inLinks[lk.target] = inLinks[lk.target] || []).push(lk);
    });
    function byOrder(ids) {
      var seen = {}, u = [];
      ids.forEach(function (i) { if (!seen[i]) { seen[i] = true; u.push(i); } });
      return u.sort(function (a, b) { return order[a] - order[b]; });
    }
    function grade(g) {
      g = str(g);
      var known = Object.prototype.hasOwnProperty.call(grades, g);
      return { grade: g, badge: known ? grades[g].badge : "?", paper_claim: known ? !!grades[g].paper_claim : false };
    }
    function entryGrade(node) { return grade(node.provenance_grade); }
    function out(id, relation) { return (outLinks[id] || []).filter(function (lk) { return lk.relation === relation; }); }
    function inc(id, relation) { return (inLinks[id] || []).filter(function (lk) { return lk.relation === relation; }); }
    function assign(a, b) { for (var k in b) a[k] = b[k]; return a; }
    function byTarget(links) { return links.slice().sort(function (a, b) { return order[a.target] - order[b.target]; }); }
    function taxonomyOf(extId) { var l = out(extId, "in_scheme"); return l.length ? nodes[l[0].target] : null; }

    function crosswalk(riskId) {
      var rows = [];
      (inLinks[riskId] || []).forEach(function (lk) {
        var pred = SKOS[lk.relation], src = nodes[lk.source];
        if (!pred || src.kind !== "external") return;
        pred = INVERSE[pred];
        var tax = taxonomyOf(src.id);
        rows.push(assign({
          match: pred, match_label: MATCH_LABEL[pred], notation: str(src.notation !== undefined ? src.notation : src.id),
          title: src.title, url: str(src.url), entry: src.id, taxonomy: tax ? tax.title : "", note: str(lk.note)
        }, grade(lk.provenance_grade)));
      });
      rows.sort(function (a, b) { return cmpTuple([PREDICATE_ORDER.indexOf(a.match), a.taxonomy, a.title], [PREDICATE_ORDER.indexOf(b.match), b.taxonomy, b.title]); });
      var gaps = inc(riskId, "no_match").map(function (lk) {
        var tax = nodes[lk.source];
        return assign({ taxonomy: tax.title, entry: tax.id, note: str(lk.note) }, grade(lk.provenance_grade));
      });
      gaps.sort(function (a, b) { return cmp(a.taxonomy, b.taxonomy); });
      return [rows, gaps];
    }

    var result = byOrder(featureIds).map(function (fid) {
      var f = nodes[fid];
      var dilemmas = byTarget(out(fid, "brings_up")).map(function (lk) {
        var d = nodes[lk.target];
        return assign(assign({ id: d.id, title: d.title, summary: str(d.summary), poles: (d.poles || []).slice() }, entryGrade(d)), { link: grade(lk.provenance_grade) });
      });
      var risks = byTarget(out(fid, "poses")).map(function (lk) {
        var r = nodes[lk.target], cw = crosswalk(r.id);
        return assign(assign({ id: r.id, title: r.title, summary: str(r.summary) }, entryGrade(r)), { link: grade(lk.provenance_grade), crosswalk: cw[0], gaps: cw[1] });
      });
      var principles = byTarget(out(fid, "calls_for")).map(function (lk) {
        var p = nodes[lk.target];
        return assign(assign({ id: p.id, title: p.title, summary: str(p.summary) }, entryGrade(p)), { questions: lk.note ? [lk.note] : [], link: grade(lk.provenance_grade) });
      });
      var needs = {}, needIds = [];
      function addNeed(target, v) { if (!needs[target]) { needs[target] = []; needIds.push(target); } needs[target].push(v); }
      dilemmas.forEach(function (d) {
        out(d.id, "engages").forEach(function (lk) { addNeed(lk.target, assign({ id: d.id, title: d.title, relation: "engages" }, grade(lk.provenance_grade))); });
      });
      risks.forEach(function (r) {
        out(r.id, "frustrates").forEach(function (lk) { addNeed(lk.target, assign({ id: r.id, title: r.title, relation: "frustrates" }, grade(lk.provenance_grade))); });
      });
      var needItems = byOrder(needIds).map(function (nid) {
        var n = nodes[nid];
        var via = needs[nid].slice().sort(function (a, b) { return cmpTuple([order[a.id], a.relation], [order[b.id], b.relation]); });
        return assign(assign({ id: nid, title: n.title }, entryGrade(n)), { via: via });
      });
      var evidence = {}, keys = [];
      [fid].concat(risks.map(function (r) { return r.id; }), principles.map(function (p) { return p.id; })).forEach(function (owner) {
        out(owner, "cites").forEach(function (lk) {
          var key = lk.target, ref = nodes[key] || {};
          if (!evidence[key]) { evidence[key] = { key: key, citation: ref.summary !== undefined ? ref.summary : key, doi: str(ref.doi), "for": [], locators: [] }; keys.push(key); }
          evidence[key]["for"].push(assign({ id: owner, title: nodes[owner].title }, grade(lk.provenance_grade)));
          var loc = str(lk.locator);
          if (loc && evidence[key].locators.indexOf(loc) < 0) evidence[key].locators.push(loc);
        });
      });
      var evidenceItems = keys.sort(cmp).map(function (k) {
        var item = evidence[k];
        item["for"] = item["for"].slice().sort(function (a, b) { return order[a.id] - order[b.id]; });
        return item;
      });
      return assign(assign({ id: fid, title: f.title, summary: str(f.summary), description: str(f.description) }, entryGrade(f)), {
        prompts: (f.prompts || []).slice(), dilemmas: dilemmas, needs: needItems, risks: risks, principles: principles, evidence: evidenceItems
      });
    });
    var g = {};
    Object.keys(grades).forEach(function (k) { g[k] = { badge: grades[k].badge, label: grades[k].label, paper_claim: grades[k].paper_claim }; });
    return { format: "socioaffective-design-review", format_version: 1, socioaffective_version: str(data.socioaffective.socioaffective_version), features: result, grades: g };
  }

  function b(item) { return "[" + item.badge + "]"; }
  function code(s) { s = str(s); return s && !/[`\r\n]/.test(s) ? "`" + s + "`" : escapeMd(s); }

  function toMarkdown(review) {
    var t = escapeMd, L = ["# Design review", ""];
    L.push("Features reviewed: " + review.features.map(function (f) { return t(f.title); }).join("; ") + ".");
    L.push("");
    L.push(BADGE_NOTE + " " + Object.keys(review.grades).map(function (k) { var g = review.grades[k]; return g.badge + " " + t(g.label); }).join("; ") + ".");
    L.push("");
    review.features.forEach(function (f) {
      L.push("## " + t(f.title) + " " + b(f), "", t(f.summary), "");
      if (f.prompts.length) { L.push("Questions about this feature:", ""); f.prompts.forEach(function (q) { L.push("- [ ] " + t(q)); }); L.push(""); }
      L.push("### Dilemmas it brings up", "");
      f.dilemmas.forEach(function (d) {
        var poles = d.poles.length ? " (poles: " + d.poles.map(t).join(" / ") + ")" : "";
        L.push("- [ ] **" + t(d.title) + "** " + b(d) + ": " + t(d.summary) + poles);
      });
      if (!f.dilemmas.length) L.push("- none recorded");
      L.push("", "### Needs at stake", "");
      f.needs.forEach(function (n) {
        L.push("- **" + t(n.title) + "** " + b(n) + ": via " + n.via.map(function (v) { return t(v.title) + " (" + t(v.relation) + ", " + v.badge + ")"; }).join("; "));
      });
      if (!f.needs.length) L.push("- none recorded");
      L.push("", "### Risks it poses", "");
      f.risks.forEach(function (r) {
        L.push("- [ ] **" + t(r.title) + "** " + b(r) + ": " + t(r.summary));
        r.crosswalk.forEach(function (x) {
          L.push("  - Also filed as " + code(x.notation) + " " + t(x.title) + " (" + t(x.taxonomy) + "; " + x.match_label + " " + b(x) + ")" + (x.note ? ": " + t(x.note) : ""));
        });
        r.gaps.forEach(function (g) { L.push("  - No identifier fits in " + t(g.taxonomy) + " " + b(g) + (g.note ? ": " + t(g.note) : "")); });
      });
      if (!f.risks.length) L.push("- none recorded");
      L.push("", "### Principles and questions to ask of the design", "");
      f.principles.forEach(function (p) {
        L.push("- **" + t(p.title) + "** " + b(p) + ": " + t(p.summary));
        p.questions.forEach(function (q) { L.push("  - [ ] " + t(q) + " " + b(p.link)); });
      });
      if (!f.principles.length) L.push("- none recorded");
      L.push("", "### Evidence and citations", "");
      f.evidence.forEach(function (e) {
        var who = e["for"].map(function (v) { return t(v.title) + " " + b(v); }).join(", ");
        var loc = e.locators.length ? " (" + e.locators.map(t).join("; ") + ")" : "";
        L.push("- " + t(e.citation) + loc + " — cited for " + who);
      });
      if (!f.evidence.length) L.push("- none recorded");
      L.push("");
    });
    return L.join("\n").replace(/\n+$/, "") + "\n";
  }

  /* ---- the page ---- */
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }

  function renderHtml(review, into) {
    into.textContent = "";
    review.features.forEach(function (f) {
      var sec = el("section", "sa-review-feature");
      sec.appendChild(el("h2", "", f.title + " " + b(f)));
      sec.appendChild(el("p", "", f.summary));
      function list(title, items, line) {
        sec.appendChild(el("h3", "", title));
        var ul = el("ul");
        if (!items.length) ul.appendChild(el("li", "", "none recorded"));
        items.forEach(function (it) { ul.appendChild(line(it)); });
        sec.appendChild(ul);
      }
      function tick(text) { var li = el("li"), l = el("label"), c = el("input"); c.type = "checkbox"; l.appendChild(c); l.appendChild(document.createTextNode(" " + text)); li.appendChild(l); return li; }
      if (f.prompts.length) list("Questions about this feature", f.prompts, function (q) { return tick(q); });
      list("Dilemmas it brings up", f.dilemmas, function (d) { return tick(d.title + " " + b(d) + ": " + d.summary); });
      list("Needs at stake", f.needs, function (n) { return el("li", "", n.title + " " + b(n) + ": via " + n.via.map(function (v) { return v.title + " (" + v.relation + ", " + v.badge + ")"; }).join("; ")); });
      list("Risks it poses", f.risks, function (r) {
        var li = tick(r.title + " " + b(r) + ": " + r.summary), ul = el("ul");
        r.crosswalk.forEach(function (x) {
          var item = el("li"); item.appendChild(document.createTextNode("Also filed as "));
          var c = el("code", "", x.notation);
          if (/^https?:\/\//.test(x.url)) { var a = el("a"); a.href = x.url; a.appendChild(c); item.appendChild(a); } else item.appendChild(c);
          item.appendChild(document.createTextNode(" " + x.title + " (" + x.taxonomy + "; " + x.match_label + " " + b(x) + ")" + (x.note ? ": " + x.note : "")));
          ul.appendChild(item);
        });
        r.gaps.forEach(function (g) { ul.appendChild(el("li", "sa-review-gap", "No identifier fits in " + g.taxonomy + " " + b(g) + (g.note ? ": " + g.note : ""))); });
        if (ul.childNodes.length) li.appendChild(ul);
        return li;
      });
      list("Principles and questions to ask of the design", f.principles, function (p) {
        var li = el("li", "", p.title + " " + b(p) + ": " + p.summary), ul = el("ul");
        p.questions.forEach(function (q) { ul.appendChild(tick(q + " " + b(p.link))); });
        if (ul.childNodes.length) li.appendChild(ul);
        return li;
      });
      list("Evidence and citations", f.evidence, function (e) {
        return el("li", "", e.citation + (e.locators.length ? " (" + e.locators.join("; ") + ")" : "") + " — cited for " + e["for"].map(function (v) { return v.title + " " + b(v); }).join(", "));
      });
      into.appendChild(sec);
    });
  }

  function setup(root) {
    var data = window.SOCIOAFFECTIVE_FRAMEWORK;
    if (!data) { root.appendChild(el("p", "sa-review-error", "The framework data did not load (review-data.js).")); return; }
    var form = root.querySelector(".sa-review-features"), result = root.querySelector(".sa-review-result");
    var md = root.querySelector(".sa-review-markdown"), status = root.querySelector(".sa-review-status");
    var copy = root.querySelector(".sa-review-copy"), download = root.querySelector(".sa-review-download");
    data.nodes.forEach(function (n) {
      if (n.kind !== "feature") return;
      var label = el("label", "sa-review-option"), box = el("input");
      box.type = "checkbox"; box.value = n.id; box.name = "feature";
      label.appendChild(box); label.appendChild(document.createTextNode(" " + n.title));
      label.title = str(n.summary);
      form.appendChild(label);
    });
    var url = null;
    function update() {
      var ids = Array.prototype.map.call(form.querySelectorAll("input:checked"), function (c) { return c.value; });
      if (url) { URL.revokeObjectURL(url); url = null; }
      if (!ids.length) {
        result.textContent = ""; md.value = ""; status.textContent = "Tick one or more features to see the checklist.";
        copy.disabled = true; download.removeAttribute("href"); return;
      }
      var review = checklistFromData(data, ids), text = toMarkdown(review);
      renderHtml(review, result);
      md.value = text;
      status.textContent = review.features.length + " feature(s) reviewed.";
      copy.disabled = false;
      url = URL.createObjectURL(new Blob([text], { type: "text/markdown" }));
      download.href = url;
    }
    form.addEventListener("change", update);
    copy.addEventListener("click", function () {
      function fallback() { md.select(); try { document.execCommand("copy"); status.textContent = "Copied."; } catch (e) { status.textContent = "Select the Markdown below and copy it."; } }
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(md.value).then(function () { status.textContent = "Copied."; }, fallback);
      else fallback();
    });
    update();
  }

  window.socioaffectiveReview = { checklistFromData: checklistFromData, toMarkdown: toMarkdown, escapeMd: escapeMd };
  function init() { Array.prototype.forEach.call(document.querySelectorAll(".sa-review"), setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
