/* Runs inside an embedded widget: tells the embedding page how tall the widget is, whenever
   that changes and whenever the page asks, so its iframe can fit the content (embed-parent.js). */
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var reported = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== reported) {
      reported = height;
      window.parent.postMessage({ type: "ladderdocs:height", height: height }, "*");
    }
  }
  // The embedding page's script may start after this widget reported: it then asks again.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "ladderdocs:measure") {
      reported = 0;
      report();
    }
  });
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(report).observe(document.documentElement);
  }
  window.addEventListener("load", report);
  report();
})();
