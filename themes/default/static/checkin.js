/* ladderdocs check-in: the track-preference form of check-in/, kept in this browser only.
 *
 * The page is the form (built by ladderdocs, readable and printable without this script).
 * This adds: answers kept as they are typed (localStorage, under the handbook's prefix), a
 * dated history of saved check-ins on this device (view, delete), export as Markdown and JSON,
 * and import of a JSON export. Nothing is sent anywhere.
 */
(function (doc, tools) {
  "use strict";
  var _ = tools._;
  var FORMAT = "ladderdocs-check-in";
  var form = doc.getElementById("check-in");
  if (!form || !tools) { return; }
  var store = tools.store(form.getAttribute("data-store"));
  var title = form.getAttribute("data-title");
  var history = doc.querySelector("[data-history]");
  var list = doc.querySelector("[data-history-list]");
  var view = doc.querySelector("[data-history-view]");

  function questions() {
    return Array.prototype.map.call(form.querySelectorAll("[data-question]"), function (block) {
      return { id: block.getAttribute("data-question"), label: block.getAttribute("data-label") };
    });
  }
  // The answers as words: a level's title, an option's label (the stored value is the id).
  function shownAnswers() {
    var found = {};
    questions().forEach(function (q) { found[q.id] = tools.shown(form, q.id); });
    return found;
  }

  function keep() {
    if (!store.set("check-in", { answers: tools.values(form), shown: shownAnswers() })) {
      tools.status(form, tools.storageOff());
    }
    tools.mirror(form);
  }

  function markdown(entry) {
    var lines = ["# " + _("Track check-in") + " · " + entry.saved, "", title, "",
                 "_" + _("Separate from performance review: this says which track you want, not how you are doing.") + "_", ""];
    questions().forEach(function (q) {
      lines.push("## " + q.label, "", (entry.shown && entry.shown[q.id]) || _("(no answer)"), "");
    });
    return lines.join("\n");
  }

  function current() {
    return { saved: tools.today(), answers: tools.values(form), shown: shownAnswers() };
  }

  function exported(entry) {
    var labels = {};
    questions().forEach(function (q) { labels[q.id] = q.label; });
    return JSON.stringify({ format: FORMAT, version: 1, handbook: title, saved: entry.saved,
                            questions: labels, answers: entry.answers, shown: entry.shown }, null, 2) + "\n";
  }

  function fileName(entry, ext) {
    return "check-in-" + tools.slug(title) + "-" + entry.saved + "." + ext;
  }

  function showHistory() {
    var entries = store.get("check-in-history", []);
    list.textContent = "";
    doc.querySelector("[data-history-empty]").hidden = entries.length > 0;
    entries.forEach(function (entry, i) {
      var item = doc.createElement("li");
      var when = doc.createElement("span");
      when.className = "history-date";
      when.textContent = entry.saved;
      item.appendChild(when);
      [["view", _("View")], ["delete", _("Delete")]].forEach(function (action) {
        var button = doc.createElement("button");
        button.type = "button";
        button.className = "tool-button";
        button.textContent = action[1];
        button.setAttribute("aria-label", action[1] + " " + _("check-in of %(date)s", { date: entry.saved }));
        button.addEventListener("click", function () {
          if (action[0] === "view") { showEntry(entry); } else { remove(i); }
        });
        item.appendChild(button);
      });
      list.appendChild(item);
    });
    history.hidden = false;
  }

  function showEntry(entry) {
    view.textContent = "";
    var heading = doc.createElement("h3");
    heading.textContent = _("Check-in of %(date)s", { date: entry.saved });
    heading.tabIndex = -1;
    var answers = doc.createElement("dl");
    answers.className = "history-answers";
    questions().forEach(function (q) {
      var term = doc.createElement("dt");
      term.textContent = q.label;
      var value = doc.createElement("dd");
      value.textContent = (entry.shown && entry.shown[q.id]) || _("(no answer)");
      answers.appendChild(term);
      answers.appendChild(value);
    });
    view.appendChild(heading);
    view.appendChild(answers);
    heading.focus();
  }

  function remove(i) {
    var entries = store.get("check-in-history", []);
    var gone = entries.splice(i, 1)[0];
    store.set("check-in-history", entries);
    view.textContent = "";
    showHistory();
    if (gone) { tools.status(form, _("Deleted the check-in of %(date)s.", { date: gone.saved })); }
  }

  var actions = {
    save: function () {
      var entries = store.get("check-in-history", []);
      var entry = current();
      entries.unshift(entry);  // the newest first
      if (store.set("check-in-history", entries)) {
        showHistory();
        tools.status(form, _("Saved to the history on this device."));
      } else {
        tools.status(form, tools.storageOff());
      }
    },
    markdown: function () {
      var entry = current();
      tools.download(doc, fileName(entry, "md"), markdown(entry), "text/markdown");
    },
    json: function () {
      var entry = current();
      tools.download(doc, fileName(entry, "json"), exported(entry), "application/json");
    },
    clear: function () {
      tools.setValues(form, {});
      store.remove("check-in");
      tools.mirror(form);
      tools.status(form, _("Cleared the form. The history is kept."));
    }
  };

  Array.prototype.forEach.call(form.querySelectorAll("[data-action]"), function (button) {
    button.addEventListener("click", function () { actions[button.getAttribute("data-action")](); });
  });
  var picker = form.querySelector("[data-import]");
  picker.addEventListener("change", function () {
    if (!picker.files.length) { return; }
    tools.readJson(picker.files[0], function (data) {
      if (!data || data.format !== FORMAT || typeof data.answers !== "object") {
        tools.status(form, _("That file is no check-in export; expected the JSON file this page exports."));
        return;
      }
      tools.setValues(form, data.answers);
      keep();
      tools.status(form, _("Imported the check-in of %(date)s.", { date: String(data.saved || "") }));
      picker.value = "";
    }, function () {
      tools.status(form, _("That file could not be read as JSON; expected the JSON file this page exports."));
    });
  });

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  tools.setValues(form, (store.get("check-in", {}) || {}).answers || {});
  tools.mirror(form);
  tools.live(doc, form);
  showHistory();
}(document, window.ladderdocsTools));
