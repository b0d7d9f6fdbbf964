/* ladderdocs tools: what the check-in (checkin.js) and the promotion case (case.js) share.
 *
 * Answers kept in localStorage under the handbook's own prefix (the form's data-store), files
 * made in the browser and saved through a download link (Blob), files read back through a
 * file input, and the form's values as plain text for print. Nothing is ever sent anywhere:
 * no request, no inline script, so it works under the strict CSP and from file://.
 */
(function (root) {
  "use strict";
  var MESSAGES = root.LADDERDOCS_MESSAGES || {};

  // The theme's words in the handbook's language, from static/messages.js (as search.js).
  function fill(text, values) {
    return text.replace(/%%|%\((\w+)\)s/g, function (all, name) {
      return all === "%%" ? "%" : values && name in values ? String(values[name]) : all;
    });
  }
  function _(message, values) {
    return fill(typeof MESSAGES[message] === "string" ? MESSAGES[message] : message, values);
  }

  // One handbook's keys: "<prefix>|<name>". Storage may be off (a private window, a policy):
  // then nothing is kept and the caller says so.
  function store(prefix) {
    function key(name) { return prefix + "|" + name; }
    return {
      get: function (name, fallback) {
        try {
          var text = root.localStorage.getItem(key(name));
          return text === null ? fallback : JSON.parse(text);
        } catch (e) { return fallback; }
      },
      set: function (name, value) {
        try { root.localStorage.setItem(key(name), JSON.stringify(value)); return true; } catch (e) { return false; }
      },
      remove: function (name) {
        try { root.localStorage.removeItem(key(name)); } catch (e) { /* nothing was kept */ }
      }
    };
  }

  function download(doc, name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = doc.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    doc.body.appendChild(link);
    link.click();
    doc.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function readJson(file, done, fail) {
    var reader = new FileReader();
    reader.onload = function () {
      var data;
      try { data = JSON.parse(String(reader.result)); } catch (e) { fail(); return; }
      done(data);
    };
    reader.onerror = fail;
    reader.readAsText(file);
  }

  // The named fields of a form (radio groups by their checked value), and back.
  function values(form) {
    var found = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.type === "button") { return; }
      if (field.type === "radio") {
        if (!(field.name in found)) { found[field.name] = ""; }
        if (field.checked) { found[field.name] = field.value; }
      } else {
        found[field.name] = field.value;
      }
    });
    return found;
  }
  function setValues(form, answers) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.type === "button") { return; }
      var value = answers && typeof answers[field.name] === "string" ? answers[field.name] : "";
      if (field.type === "radio") {
        field.checked = field.value === value;
      } else if (field.tagName === "SELECT") {
        field.value = value;
        if (field.value !== value) { field.value = ""; }  // a level or option this handbook no longer has
      } else {
        field.value = value;
      }
    });
  }

  // What a field shows, as words: a select's option, a radio group's checked label.
  function shown(form, name) {
    var field = form.elements[name];
    if (!field) { return ""; }
    if (field.tagName === "SELECT") {
      return field.value && field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : "";
    }
    if (field.length !== undefined && field.tagName === undefined) {  // a radio group
      var checked = Array.prototype.filter.call(field, function (r) { return r.checked; })[0];
      return checked ? checked.parentNode.textContent.trim() : "";
    }
    return field.value;
  }

  // Print shows each answer as text (the form's controls are hidden in print).
  function mirror(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-print-for]"), function (out) {
      out.textContent = shown(form, out.getAttribute("data-print-for"));
    });
  }

  function today() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate());
  }

  function slug(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "handbook";
  }

  // Markdown of the reader's own words: every line indented under its list item.
  function indent(text, by) {
    return String(text).trim().split(/\r?\n/).join("\n" + by);
  }

  function status(form, message) {
    var out = form.querySelector("[data-status]");
    if (out) { out.textContent = message; }
  }

  // The script runs: show its buttons, hide the words for a reader without it.
  function live(doc, form) {
    form.classList.add("is-live");
    Array.prototype.forEach.call(doc.querySelectorAll("[data-tool-only]"), function (el) { el.hidden = false; });
    Array.prototype.forEach.call(doc.querySelectorAll("[data-tool-fallback]"), function (el) { el.hidden = true; });
  }

  root.ladderdocsTools = {
    live: live,
    _: _, store: store, download: download, readJson: readJson, values: values, setValues: setValues,
    shown: shown, mirror: mirror, today: today, slug: slug, indent: indent, status: status,
    storageOff: function () { return _("This browser keeps nothing: export your answers before you leave the page."); }
  };
}(this));
