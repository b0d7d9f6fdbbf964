/* ladderdocs track-switch planner: the dates the waiting rules fall due on.
 *
 * Each `[data-clock]` part of the page has a month field (`hidden` until this script runs) and
 * `<span data-due="N">` slots: from the month entered, each shows the month N months later, in
 * the page's language, and the rule said in words ("24 months after the start") gives way to
 * it. Nothing is stored or sent; no inline script: CSP- and file://-safe.
 */
(function (doc) {
  "use strict";
  var lang = doc.documentElement.lang || "en";
  var format;
  try {
    format = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", timeZone: "UTC" });
  } catch (e) {
    format = new Intl.DateTimeFormat("en", { year: "numeric", month: "long", timeZone: "UTC" });
  }

  /* "2026-03" and 24 -> the first of March 2028 (UTC), or null for a value that is no month. */
  function later(value, months) {
    var match = /^(\d{4})-(\d{2})$/.exec(value || "");
    if (!match) { return null; }
    return new Date(Date.UTC(+match[1], +match[2] - 1 + months, 1));
  }

  function iso(date) {
    var month = date.getUTCMonth() + 1;
    return date.getUTCFullYear() + "-" + (month < 10 ? "0" : "") + month;
  }

  function update(part, input) {
    part.querySelectorAll(".due").forEach(function (due) {
      var slot = due.querySelector("[data-due]");
      var date = later(input.value, +slot.getAttribute("data-due"));
      if (date) {
        slot.setAttribute("data-date", iso(date));
        slot.textContent = format.format(date);
      }
      due.querySelector("[data-due-words]").hidden = !!date;
      due.querySelector("[data-due-date]").hidden = !date;
    });
  }

  doc.querySelectorAll("[data-clock]").forEach(function (part) {
    var field = part.querySelector("[data-start]");
    var input = field && field.querySelector("input");
    if (!input) { return; }
    field.hidden = false;
    input.addEventListener("input", function () { update(part, input); });
    input.addEventListener("change", function () { update(part, input); });
    update(part, input);
  });
}(document));
