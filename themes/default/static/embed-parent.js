/* Load once on a page that embeds ladderdocs widgets: each <iframe data-ladderdocs> takes the
   height its widget reports (see embed.js), so it shows the whole widget without scrolling. */
(function () {
  "use strict";
  var MAX_HEIGHT = 20000;
  function frames() {
    return document.querySelectorAll("iframe[data-ladderdocs]");
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "ladderdocs:height" || typeof data.height !== "number") {
      return;
    }
    var all = frames();
    for (var i = 0; i < all.length; i++) {
      if (all[i].contentWindow === event.source) {
        all[i].style.height = Math.max(0, Math.min(data.height, MAX_HEIGHT)) + "px";
      }
    }
  });
  // Widgets that loaded before this script ran have reported to nobody: ask them again.
  function askAll() {
    var all = frames();
    for (var i = 0; i < all.length; i++) {
      if (all[i].contentWindow) {
        all[i].contentWindow.postMessage({ type: "ladderdocs:measure" }, "*");
      }
    }
  }
  askAll();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", askAll);
  }
})();
