/* ladderdocs serve: reload this page when the site changes, and show content problems over it.
   `ladderdocs serve` adds this file to the pages it serves; a built site never contains it.
   Problems are shown with textContent only: nothing from the handbook becomes markup. */
(function () {
  "use strict";

  var EVENTS = "/__ladderdocs__/events";
  var script = document.currentScript;
  var loadedBuild = script ? script.getAttribute("data-build") : "";
  var source = null;
  var panel = null;

  function connect() {
    if (source || document.hidden) return;
    source = new EventSource(EVENTS);
    source.addEventListener("status", function (event) {
      apply(JSON.parse(event.data));
    });
  }

  /* A hidden tab lets go of its connection (browsers allow few per server); it catches up
     when it is shown again, since the first message tells which build is current. */
  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }

  function apply(status) {
    if (status.build && status.build !== loadedBuild) {
      disconnect();
      window.location.reload();
      return;
    }
    if (status.problems.length) {
      show(status.problems);
    } else if (panel) {
      panel.hidden = true;
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function makePanel() {
    var link = element("link");
    link.rel = "stylesheet";
    link.href = "/__ladderdocs__/overlay.css";
    document.head.appendChild(link);

    var box = element("section", "ladderdocs-problems");
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "ladderdocs-problems-title");
    var header = element("div", "ladderdocs-problems-header");
    var title = element("h2", "ladderdocs-problems-title");
    title.id = "ladderdocs-problems-title";
    var toggle = element("button", "ladderdocs-problems-toggle", "Hide details");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "true");
    toggle.setAttribute("aria-controls", "ladderdocs-problems-list");
    var list = element("ol", "ladderdocs-problems-list");
    list.id = "ladderdocs-problems-list";
    toggle.addEventListener("click", function () {
      var open = list.hidden;
      list.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Hide details" : "Show details";
    });
    header.appendChild(title);
    header.appendChild(toggle);
    box.appendChild(header);
    box.appendChild(list);
    document.body.appendChild(box);
    return box;
  }

  function show(problems) {
    if (!panel) panel = makePanel();
    var count = problems.length === 1 ? "1 problem" : problems.length + " problems";
    panel.querySelector(".ladderdocs-problems-title").textContent = count + " in the handbook: " +
      (loadedBuild ? "this preview shows the last good build" : "nothing to show until they are fixed");
    var list = panel.querySelector(".ladderdocs-problems-list");
    while (list.firstChild) list.removeChild(list.firstChild);
    problems.forEach(function (problem) {
      var item = element("li");
      var where = /^(.*?:\d+:\d+): (.*)$/s.exec(problem);  // "file:line:col: error: what"
      if (where) {
        item.appendChild(element("code", "ladderdocs-problems-where", where[1]));
        item.appendChild(document.createTextNode(" " + where[2]));
      } else {
        item.textContent = problem;
      }
      list.appendChild(item);
    });
    panel.hidden = false;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect(); else connect();
  });
  window.addEventListener("pageshow", connect);
  window.addEventListener("pagehide", disconnect);
  connect();
})();
