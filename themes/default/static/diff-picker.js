/* ladderdocs level picker: compare any two levels in the browser.
 *
 * Uses the data of diff/levels.js (window.ladderdocsDiffData) and the same steps as
 * ladderdocs/diff.py: expectations are matched by key, then identical text, then similar
 * wording (difflib's ratio on lower-cased words, at least 0.6); changed ones get word-level
 * <del>/<ins> marks. A pair with a page of its own is opened; any other is shown in place
 * and kept in the address (#from=a&to=b). No request, no inline script: CSP- and file://-safe.
 * Under Node (tests) the functions are exported instead of started.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else if (root.document) {
    api.start(root.document, root.ladderdocsDiffData, root);
  }
}(this, function () {
  "use strict";

  var SIMILAR = 0.6;
  var TOKEN = /<[^>]*>|[^\s<]+\s*|\s+/g;

  // -- difflib.SequenceMatcher without junk (autojunk=False), as far as we use it --------
  function matchingBlocks(a, b) {
    var b2j = new Map();
    b.forEach(function (item, j) {
      if (!b2j.has(item)) { b2j.set(item, []); }
      b2j.get(item).push(j);
    });
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map(), js = b2j.get(a[i]) || [];
        for (var n = 0; n < js.length; n++) {
          var j = js[n];
          if (j < blo) { continue; }
          if (j >= bhi) { break; }
          var k = (j2len.get(j - 1) || 0) + 1;
          next.set(j, k);
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      return [besti, bestj, bestsize];
    }
    var queue = [[0, a.length, 0, b.length]], blocks = [];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        blocks.push(m);
        if (q[0] < m[0] && q[2] < m[1]) { queue.push([q[0], m[0], q[2], m[1]]); }
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) { queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]); }
      }
    }
    blocks.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    var merged = [], i1 = 0, j1 = 0, k1 = 0;
    blocks.forEach(function (blk) {
      if (i1 + k1 === blk[0] && j1 + k1 === blk[1]) { k1 += blk[2]; } else {
        if (k1) { merged.push([i1, j1, k1]); }
        i1 = blk[0]; j1 = blk[1]; k1 = blk[2];
      }
    });
    if (k1) { merged.push([i1, j1, k1]); }
    merged.push([a.length, b.length, 0]);
    return merged;
  }

  function ratio(a, b) {
    var total = a.length + b.length;
    if (!total) { return 1.0; }
    var matches = matchingBlocks(a, b).reduce(function (sum, blk) { return sum + blk[2]; }, 0);
    return 2.0 * matches / total;
  }

  function opcodes(a, b) {
    var i = 0, j = 0, codes = [];
    matchingBlocks(a, b).forEach(function (blk) {
      var tag = i < blk[0] && j < blk[1] ? "replace" : i < blk[0] ? "delete" : j < blk[1] ? "insert" : "";
      if (tag) { codes.push([tag, i, blk[0], j, blk[1]]); }
      i = blk[0] + blk[2]; j = blk[1] + blk[2];
      if (blk[2]) { codes.push(["equal", blk[0], i, blk[1], j]); }
    });
    return codes;
  }

  // -- diff.py: diff_expectations and diff_levels ------------------------------------------
  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }

  function diffExpectations(competencyId, before, after) {
    var result = { competency: competencyId, added: [], changed: [], dropped: [], kept: [] };
    var left = before.slice(), right = after.slice();
    function take(old, now) { left.splice(left.indexOf(old), 1); right.splice(right.indexOf(now), 1); }
    right.slice().forEach(function (now) {
      var old = left.find(function (o) { return now.key && o.key === now.key; });
      if (old) {
        if (old.text === now.text) { result.kept.push(now); } else { result.changed.push([old, now]); }
        take(old, now);
      }
    });
    right.slice().forEach(function (now) {
      var old = left.find(function (o) { return o.text === now.text; });
      if (old) { result.kept.push(now); take(old, now); }
    });
    var scored = [];
    left.forEach(function (o, i) {
      right.forEach(function (n, j) { scored.push([ratio(words(o.text), words(n.text)), i, j]); });
    });
    scored.sort(function (x, y) { return y[0] - x[0] || x[1] - y[1] || x[2] - y[2]; });
    var matched = new Map(), used = new Set();
    scored.forEach(function (s) {
      if (s[0] >= SIMILAR && !matched.has(s[1]) && !used.has(s[2])) { matched.set(s[1], s[2]); used.add(s[2]); }
    });
    matched.forEach(function (j, i) { result.changed.push([left[i], right[j]]); });
    result.added = result.added.concat(right.filter(function (n, j) { return !used.has(j); }));
    result.dropped = result.dropped.concat(left.filter(function (o, i) { return !matched.has(i); }));
    result.changed.sort(function (x, y) { return after.indexOf(x[1]) - after.indexOf(y[1]); });
    return result;
  }

  function diffLevels(data, lower, upper) {
    return data.competencies.filter(function (c) {
      return c.id in lower.expectations || c.id in upper.expectations;
    }).map(function (c) {
      return diffExpectations(c.id, lower.expectations[c.id] || [], upper.expectations[c.id] || []);
    });
  }

  // -- diff.py: word_diff ------------------------------------------------------------------
  function wrap(tokens, tag) {
    var out = "", run = "";
    function flush() {
      var core = run.trim(), lead = run.slice(0, run.length - run.replace(/^\s+/, "").length);
      out += core ? lead + "<" + tag + ">" + core + "</" + tag + ">" + run.slice(lead.length + core.length) : run;
      run = "";
    }
    tokens.forEach(function (t) {
      if (t.charAt(0) === "<") { flush(); out += t; } else { run += t; }
    });
    flush();
    return out;
  }

  function wordDiff(beforeHtml, afterHtml) {
    var a = beforeHtml.match(TOKEN) || [], b = afterHtml.match(TOKEN) || [];
    var strip = function (t) { return t.trim(); };
    var before = "", after = "";
    opcodes(a.map(strip), b.map(strip)).forEach(function (op) {
      var left = a.slice(op[1], op[2]), right = b.slice(op[3], op[4]);
      if (op[0] === "equal") { before += left.join(""); after += right.join(""); } else {
        before += wrap(left, "del"); after += wrap(right, "ins");
      }
    });
    return [before, after];
  }

  // -- the page ----------------------------------------------------------------------------
  function el(doc, tag, className, text) {
    var node = doc.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function link(doc, href, text) {
    var a = el(doc, "a", "", text);
    a.href = href;
    return a;
  }

  function badge(doc, kind, text) { return el(doc, "span", "badge badge-" + kind, text); }

  function fragment(doc, tag, className, html) {
    var node = el(doc, tag, className);
    node.innerHTML = html;  // built by ladderdocs from the handbook's own Markdown, escaped there
    return node;
  }

  function render(doc, data, lower, upper, target) {
    var diffs = diffLevels(data, lower, upper);
    var total = { added: 0, changed: 0, dropped: 0, kept: 0 };
    diffs.forEach(function (d) { Object.keys(total).forEach(function (k) { total[k] += d[k].length; }); });
    target.textContent = "";
    var heading = el(doc, "h2", "", "What changes from " + lower.title + " to " + upper.title);
    heading.id = "diff-result-heading";
    heading.tabIndex = -1;
    target.appendChild(heading);
    var kicker = el(doc, "p", "kicker");
    kicker.appendChild(link(doc, lower.url, lower.title));
    kicker.appendChild(doc.createTextNode(" (" + lower.track + ", grade " + lower.grade + ") → "));
    kicker.appendChild(link(doc, upper.url, upper.title));
    kicker.appendChild(doc.createTextNode(" (" + upper.track + ", grade " + upper.grade + ")"));
    target.appendChild(kicker);
    var counts = el(doc, "ul", "diff-counts");
    counts.setAttribute("aria-label", "Changes in all competencies");
    [["added", "added"], ["changed", "changed"], ["dropped", "dropped"], ["kept", "unchanged"]].forEach(function (k) {
      var li = el(doc, "li");
      li.appendChild(el(doc, "strong", "", String(total[k[0]])));
      li.appendChild(doc.createTextNode(" " + k[1]));
      counts.appendChild(li);
    });
    target.appendChild(counts);
    var titles = {};
    data.competencies.forEach(function (c) { titles[c.id] = c; });
    diffs.forEach(function (d) {
      var section = el(doc, "section", "diff-competency"), competency = titles[d.competency];
      var h = el(doc, "h3");
      h.appendChild(link(doc, competency.url, competency.title));
      section.appendChild(h);
      section.appendChild(el(doc, "p", "diff-tally", d.added.length + " added · " + d.changed.length + " changed · " +
        d.dropped.length + " dropped · " + d.kept.length + " unchanged"));
      var list = el(doc, "ul", "diff-list");
      function item(kind, label, e) {
        var li = el(doc, "li", "diff-" + kind);
        li.appendChild(badge(doc, kind, label));
        if (e.internal) { li.appendChild(badge(doc, "internal", "Internal")); }
        li.insertAdjacentHTML("beforeend", e.html);
        list.appendChild(li);
      }
      d.added.forEach(function (e) { item("added", "Added", e); });
      d.changed.forEach(function (pair) {
        var li = el(doc, "li", "diff-changed"), sides = wordDiff(pair[0].html, pair[1].html);
        li.appendChild(badge(doc, "changed", "Changed"));
        if (pair[1].internal) { li.appendChild(badge(doc, "internal", "Internal")); }
        [["diff-before", "Before:", sides[0]], ["diff-after", "After:", sides[1]]].forEach(function (side) {
          var p = fragment(doc, "p", side[0], " " + side[2]);
          p.insertBefore(el(doc, "span", "diff-side", side[1]), p.firstChild);
          li.appendChild(p);
        });
        list.appendChild(li);
      });
      d.dropped.forEach(function (e) { item("dropped", "Dropped", e); });
      if (list.children.length) { section.appendChild(list); }
      if (d.kept.length) {
        var details = el(doc, "details", "diff-kept"), kept = el(doc, "ul");
        details.appendChild(el(doc, "summary", "", d.kept.length + " unchanged"));
        d.kept.forEach(function (e) { kept.appendChild(fragment(doc, "li", "", e.html)); });
        details.appendChild(kept);
        section.appendChild(details);
      }
      target.appendChild(section);
    });
    heading.focus();
  }

  function start(doc, data, win) {
    var form = doc.getElementById("diff-picker");
    var from = doc.getElementById("diff-from"), to = doc.getElementById("diff-to");
    var target = doc.getElementById("diff-result");
    if (!form || !from || !to || !target || !data) { return; }
    var levels = {};
    data.levels.forEach(function (level) { levels[level.id] = level; });
    if (to.options.length > 1) { to.selectedIndex = 1; }
    form.hidden = false;

    function showFromAddress() {
      var params = new URLSearchParams(win.location.hash.slice(1));
      var a = levels[params.get("from")], b = levels[params.get("to")];
      if (a && b && a !== b) {
        from.value = a.id;
        to.value = b.id;
        render(doc, data, a, b, target);
      }
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (from.value === to.value) {
        target.textContent = "";
        var note = el(doc, "p", "diff-note", "Pick two different levels.");
        note.setAttribute("role", "status");
        target.appendChild(note);
        return;
      }
      var page = data.pages[from.value + "--" + to.value];
      if (page) {
        win.location.href = page;
      } else {
        var hash = "#from=" + encodeURIComponent(from.value) + "&to=" + encodeURIComponent(to.value);
        if (win.location.hash === hash) { showFromAddress(); } else { win.location.hash = hash; }
      }
    });
    win.addEventListener("hashchange", showFromAddress);
    showFromAddress();
  }

  return { ratio: ratio, opcodes: opcodes, diffLevels: diffLevels, wordDiff: wordDiff, start: start };
}));
