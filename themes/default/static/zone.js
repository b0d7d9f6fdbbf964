/* ladderdocs zone memory: a level page's summary shows the band of the reader's pay zone.
 *
 * The page renders every zone's band line, all but the handbook's first zone `hidden`, and a
 * `hidden` zone picker; this script shows the picker and the zone chosen last, on any page,
 * kept in localStorage, and marks that zone's rows in the full band table. Without it (or without storage) the first zone shows. No request, no
 * inline script: CSP- and file://-safe.
 */
(function (doc) {
  "use strict";
  var KEY = "ladderdocs.zone";

  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }  // storage off: no memory
  }
  function remember(zone) {
    try { window.localStorage.setItem(KEY, zone); } catch (e) { /* the choice lasts this page */ }
  }
  function show(lines, zone) {
    lines.forEach(function (line) {
      var id = line.getAttribute("data-zone");
      var group = doc.getElementById("band-" + id);  // the zone's rows in the full band table
      line.hidden = id !== zone;
      if (group) {
        group.classList.toggle("reader-zone", id === zone);
      }
    });
  }

  var picker = doc.querySelector("[data-zone-pick]");
  var select = picker && picker.querySelector("select");
  var lines = Array.prototype.slice.call(doc.querySelectorAll("[data-zone]"));
  if (!select || !lines.length) {
    return;
  }
  var zone = remembered();
  if (!(zone && lines.some(function (line) { return line.getAttribute("data-zone") === zone; }))) {
    zone = select.value;  // nothing remembered (or a zone this handbook no longer has)
  }
  select.value = zone;
  show(lines, zone);
  picker.hidden = false;
  select.addEventListener("change", function () {
    remember(select.value);
    show(lines, select.value);
  });
}(document));
