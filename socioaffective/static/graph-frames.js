/* socioaffective: the book page's side of its graph frames.
 *
 * On a phone a small graph lays itself out at a readable size (labels of at
 * least 12 CSS px) as tall as its labels need, and tells this page the height
 * it wants (a message {saGraphHeight: px} from the frame's window); the frame
 * is given that height. Only messages from this page's own graph frames are
 * read, and only a number is taken from them. */
(function () {
  "use strict";
  var PHONE = 560, MIN = 200, MAX = 3000;
  function frames() { return Array.prototype.slice.call(document.querySelectorAll("iframe.sa-graph-frame")); }
  window.addEventListener("message", function (ev) {
    var h = ev.data && ev.data.saGraphHeight;
    if (typeof h !== "number" || !isFinite(h)) { return; }
    frames().forEach(function (f) {
      if (f.contentWindow === ev.source && f.clientWidth < PHONE) {
        var px = Math.round(Math.max(MIN, Math.min(MAX, h))) + "px";
        if (f.style.height !== px) { f.style.height = px; }
      }
    });
  });
  // a frame that drew before this script ran: ask it again
  frames().forEach(function (f) {
    try { if (f.contentWindow) { f.contentWindow.postMessage({saGraphAsk: 1}, "*"); } } catch (err) { /* not loaded */ }
  });
})();
