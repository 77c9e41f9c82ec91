/* Filters for the Evidence chapter's table (progressive enhancement: without
 * JavaScript the whole table shows). For every kind that appears among the
 * linked entries (risk, need, principle ...), a menu; picking an entry shows
 * only the rows that link to it. Text is read with textContent and written
 * with textContent: nothing from the page is ever parsed as HTML. */
(function () {
  "use strict";
  function setup(box) {
    var table = box.querySelector("table");
    if (!table) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var byKind = {};   // kind label -> {entry title: true}
    var rowInfo = rows.map(function (tr) {
      var cell = tr.cells[2];
      var badge = cell ? cell.querySelector(".sa-kind") : null;
      var kind = badge ? badge.textContent.trim() : "";
      var link = cell ? cell.querySelector("a") : null;
      var title = (link ? link.textContent : (cell ? cell.textContent : "")).trim();
      if (kind) { (byKind[kind] = byKind[kind] || {})[title] = true; }
      return { tr: tr, kind: kind, title: title };
    });
    var form = document.createElement("form");
    form.className = "sa-evidence-filters";
    form.setAttribute("role", "search");
    var status = document.createElement("p");
    status.className = "sa-evidence-status";
    status.setAttribute("aria-live", "polite");
    var selects = [];
    Object.keys(byKind).sort().forEach(function (kind) {
      var label = document.createElement("label");
      label.textContent = kind + " ";
      var sel = document.createElement("select");
      sel.setAttribute("data-kind", kind);
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "any";
      sel.appendChild(all);
      Object.keys(byKind[kind]).sort().forEach(function (t) {
        var o = document.createElement("option");
        o.value = t;
        o.textContent = t;
        sel.appendChild(o);
      });
      label.appendChild(sel);
      form.appendChild(label);
      selects.push(sel);
    });
    function apply(changed) {
      selects.forEach(function (s) { if (s !== changed && changed && changed.value) s.value = ""; });
      var shown = 0;
      rowInfo.forEach(function (r) {
        var ok = selects.every(function (s) {
          return !s.value || (r.kind === s.getAttribute("data-kind") && r.title === s.value);
        });
        r.tr.hidden = !ok;
        if (ok) shown += 1;
      });
      status.textContent = shown + " of " + rowInfo.length + " links shown";
    }
    selects.forEach(function (s) { s.addEventListener("change", function () { apply(s); }); });
    box.insertBefore(status, box.firstChild);
    box.insertBefore(form, box.firstChild);
    apply(null);
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".sa-evidence-table"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
