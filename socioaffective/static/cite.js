/* socioaffective: "Cite this entry" gets the reader's access date and, when the
 * book does not know its own address (no html_baseurl), the page's address. */
(function () {
  "use strict";
  function fill() {
    var today = new Date().toISOString().slice(0, 10);
    document.querySelectorAll("[data-sa-accessed]").forEach(function (el) { el.textContent = today; });
    var here = window.location.href.split("#")[0];
    document.querySelectorAll("[data-sa-url]").forEach(function (el) {
      if (!el.getAttribute("data-sa-url")) { el.textContent = here; }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fill); } else { fill(); }
})();
