/* ladderdocs promotion case: the self-assessment form of case/<level>/, kept in this browser.
 *
 * The page is the form (built by ladderdocs, readable and printable without this script):
 * per expectation of the level, a state and evidence from the engineer and from the manager.
 * This keeps the answers as they are typed (localStorage, under the handbook's prefix and the
 * level's id), exports a Markdown document that cites every expectation by its link and JSON
 * to import again, here or in the other person's browser. Nothing is sent anywhere.
 */
(function (doc, tools) {
  "use strict";
  var _ = tools._;
  var FORMAT = "ladderdocs-case";
  var SIDES = ["self", "manager"];
  var form = doc.getElementById("case");
  if (!form || !tools) { return; }
  var level = form.getAttribute("data-level");
  var store = tools.store(form.getAttribute("data-store"));
  var name = "case|" + level;

  // Each expectation's fieldset: its key, its citation, and per side its two fields.
  function items() {
    return Array.prototype.map.call(form.querySelectorAll("[data-key]"), function (block) {
      var fields = {};
      SIDES.forEach(function (side) {
        var column = block.querySelector("[data-side='" + side + "']");
        fields[side] = { state: column.querySelector("select"), evidence: column.querySelector("textarea") };
      });
      return { key: block.getAttribute("data-key"), cite: block.getAttribute("data-cite"), fields: fields,
               text: block.querySelector(".case-text").textContent.trim(),
               competency: block.closest("[data-competency]").getAttribute("data-competency") };
    });
  }

  // The form's values as a case: {engineer, manager, items: {key: {self: {state, evidence}, manager}}}.
  function read() {
    var found = { engineer: form.elements.engineer.value, manager: form.elements.manager.value, items: {} };
    items().forEach(function (item) {
      var entry = {};
      SIDES.forEach(function (side) {
        entry[side] = { state: item.fields[side].state.value, evidence: item.fields[side].evidence.value };
      });
      found.items[item.key] = entry;
    });
    return found;
  }
  function text(value) { return typeof value === "string" ? value : ""; }
  function write(kept, take) {
    if (take !== "manager") { form.elements.engineer.value = text(kept.engineer); }
    if (take !== "self") { form.elements.manager.value = text(kept.manager); }
    items().forEach(function (item) {
      var entry = (kept.items || {})[item.key] || {};
      SIDES.forEach(function (side) {
        if (take !== "both" && take !== side) { return; }
        var answer = entry[side] || {}, state = item.fields[side].state;
        state.value = text(answer.state);
        if (state.value !== text(answer.state)) { state.value = ""; }  // a state this version does not know
        item.fields[side].evidence.value = text(answer.evidence);
      });
    });
    tools.mirror(form);
  }

  function keep() {
    if (!store.set(name, read())) { tools.status(form, tools.storageOff()); }
    tools.mirror(form);
  }

  function stateWord(state) {
    var option = form.querySelector("[data-side] select option[value='" + (state || "") + "']");
    return option ? option.text : state;
  }

  function markdown(kept, date) {
    var people = [];
    if (kept.engineer) { people.push(_("Engineer") + ": " + kept.engineer); }
    if (kept.manager) { people.push(_("Manager") + ": " + kept.manager); }
    var lines = [
      "# " + _("Promotion case: %(level)s", { level: form.getAttribute("data-level-title") }), "",
      form.getAttribute("data-title") + " · " + form.getAttribute("data-track") + " · " +
        _("grade %(grade)s", { grade: form.getAttribute("data-grade") }), "",
      _("Target level") + ": <" + form.getAttribute("data-level-cite") + ">  ",
      _("Exported") + ": " + date + (people.length ? "  \n" + people.join("  \n") : ""), ""];
    var competency = null;
    var n = 0;
    items().forEach(function (item) {
      if (item.competency !== competency) {
        competency = item.competency;
        n = 0;
        lines.push("## " + competency, "");
      }
      n += 1;
      var entry = kept.items[item.key];
      lines.push(n + ". " + item.text + " (<" + item.cite + ">)");
      [["self", _("Engineer")], ["manager", _("Manager")]].forEach(function (side) {
        var answer = entry[side[0]];
        var said = "   - " + side[1] + ": " + stateWord(answer.state);
        if (answer.evidence.trim()) { said += ". " + tools.indent(answer.evidence, "     "); }
        lines.push(said);
      });
      lines.push("");
    });
    return lines.join("\n");
  }

  function fileName(date, ext) {
    return "promotion-case-" + level + "-" + date + "." + ext;
  }

  var actions = {
    markdown: function () {
      var date = tools.today();
      tools.download(doc, fileName(date, "md"), markdown(read(), date), "text/markdown");
    },
    json: function () {
      var date = tools.today();
      var kept = read();
      var data = { format: FORMAT, version: 1, handbook: form.getAttribute("data-title"), level: level,
                   exported: date, engineer: kept.engineer, manager: kept.manager, items: kept.items };
      tools.download(doc, fileName(date, "json"), JSON.stringify(data, null, 2) + "\n", "application/json");
    },
    clear: function () {
      write({ items: {} }, "both");
      store.remove(name);
      tools.status(form, _("Cleared the form."));
    }
  };

  Array.prototype.forEach.call(form.querySelectorAll("[data-action]"), function (button) {
    button.addEventListener("click", function () { actions[button.getAttribute("data-action")](); });
  });
  var picker = form.querySelector("[data-import]");
  var take = form.querySelector("[data-import-take]");
  picker.addEventListener("change", function () {
    if (!picker.files.length) { return; }
    tools.readJson(picker.files[0], function (data) {
      if (!data || data.format !== FORMAT || typeof data.items !== "object") {
        tools.status(form, _("That file is no promotion case export; expected the JSON file this page exports."));
      } else if (data.level !== level) {
        tools.status(form, _("That file is the case for another level (%(level)s); open that level's case to import it.",
                             { level: String(data.level) }));
      } else {
        write(data, take.value);
        keep();
        tools.status(form, _("Imported the case exported on %(date)s.", { date: String(data.exported || "") }));
      }
      picker.value = "";
    }, function () {
      tools.status(form, _("That file could not be read as JSON; expected the JSON file this page exports."));
    });
  });

  form.addEventListener("input", keep);
  form.addEventListener("change", function (event) {
    if (event.target !== picker && event.target !== take) { keep(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  write(store.get(name, { items: {} }), "both");
  tools.live(doc, form);
}(document, window.ladderdocsTools));
