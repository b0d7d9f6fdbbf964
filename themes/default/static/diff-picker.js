/* ladderdocs level picker: compare any two levels in the browser.
 *
 * Uses the data of diff/levels.js (window.ladderdocsDiffData) and the same steps as
 * ladderdocs/model/diff.py: on a cumulative track, what applies at a level is what the levels
 * up to it state (by lineage); two levels are matched by key, identical text, then the best
 * assignment by word likeness; matched pairs get word-level <del>/<ins> marks. A pair with a page of its own is opened; any other is shown in place
 * and kept in the address (#from=a&to=b). No request, no inline script: CSP- and file://-safe.
 * Under Node (tests) the functions are exported instead of started.
 */
(function (root, factory) {
  "use strict";
  var api = factory(root.LADDERDOCS_MESSAGES || {});
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else if (root.document) {
    api.start(root.document, root.ladderdocsDiffData, root);
  }
}(this, function (MESSAGES) {
  "use strict";

  // The theme's words in the handbook's language, from static/messages.js (as search.js).
  function fill(text, values) {
    return text.replace(/%%|%\((\w+)\)s/g, function (all, name) {
      return all === "%%" ? "%" : values && name in values ? String(values[name]) : all;
    });
  }
  function _(message, values) {
    return fill(typeof MESSAGES[message] === "string" ? MESSAGES[message] : message, values);
  }
  function ngettext(one, many, n, values) {
    var forms = Array.isArray(MESSAGES[one]) ? MESSAGES[one] : [one, many];
    return fill(forms[n === 1 ? 0 : 1], Object.assign({ num: n }, values));
  }

  var SIMILAR = 0.6;  // as model/diff.py
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

  // -- model/diff.py: likeness, best_assignment, diff_expectations, applying, diff_levels ------
  var NEAR = 0.4, CONTAINS = 0.8, ADDS = 3, LONG = 5;
  var WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;

  function words(text) { return text.toLowerCase().match(WORD) || []; }

  function likeness(before, after) {
    var a = words(before), b = words(after);
    var shared = matchingBlocks(a, b).reduce(function (sum, blk) { return sum + blk[2]; }, 0);
    var total = a.length + b.length, added = b.length - shared;
    var like = { ratio: total ? 2.0 * shared / total : 1.0, contained: a.length ? shared / a.length : 0.0,
                 long: a.length >= LONG, adds: added >= ADDS && added * 4 >= a.length };
    like.score = like.long ? Math.max(like.ratio, like.contained * 0.95) : like.ratio;
    like.grows = like.long && like.adds && like.contained >= CONTAINS;
    return like;
  }

  // The Hungarian method, step for step as best_assignment in model/diff.py.
  function bestAssignment(scores) {
    var rows = scores.length, cols = rows ? scores[0].length : 0;
    if (!rows || !cols) { return []; }
    var transposed = rows > cols;
    if (transposed) {
      scores = scores[0].map(function (_, j) { return scores.map(function (row) { return row[j]; }); });
      var swap = rows; rows = cols; cols = swap;
    }
    var big = Math.max.apply(null, scores.map(function (row) { return Math.max.apply(null, row); }));
    var cost = scores.map(function (row) { return row.map(function (s) { return big - s; }); });
    var u = new Array(rows + 1).fill(0), v = new Array(cols + 1).fill(0);
    var owner = new Array(cols + 1).fill(0), way = new Array(cols + 1).fill(0);
    for (var i = 1; i <= rows; i++) {
      owner[0] = i;
      var j0 = 0, least = new Array(cols + 1).fill(Infinity), used = new Array(cols + 1).fill(false);
      for (;;) {
        used[j0] = true;
        var i0 = owner[j0], delta = Infinity, j1 = 0;
        for (var j = 1; j <= cols; j++) {
          if (!used[j]) {
            var reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
            if (reduced < least[j]) { least[j] = reduced; way[j] = j0; }
            if (least[j] < delta) { delta = least[j]; j1 = j; }
          }
        }
        for (j = 0; j <= cols; j++) {
          if (used[j]) { u[owner[j]] += delta; v[j] -= delta; } else { least[j] -= delta; }
        }
        j0 = j1;
        if (owner[j0] === 0) { break; }
      }
      while (j0) { j1 = way[j0]; owner[j0] = owner[j1]; j0 = j1; }
    }
    var pairs = [];
    for (j = 1; j <= cols; j++) {
      if (owner[j] && scores[owner[j] - 1][j - 1] > 0) {
        pairs.push(transposed ? [j - 1, owner[j] - 1] : [owner[j] - 1, j - 1]);
      }
    }
    return pairs.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
  }

  function emptyDiff(competencyId) {
    return { competency: competencyId, added: [], grown: [], reworded: [], maybe: [], notRestated: [], kept: [] };
  }

  function diffExpectations(competencyId, before, after) {
    var result = emptyDiff(competencyId), left = before.slice(), right = after.slice(), pairs = [];
    function take(old, now) {
      pairs.push([old, now, likeness(old.text, now.text)]);
      left.splice(left.indexOf(old), 1);
      right.splice(right.indexOf(now), 1);
    }
    right.slice().forEach(function (now) {
      var old = left.find(function (o) { return now.key && o.key === now.key; });
      if (old) { take(old, now); }
    });
    right.slice().forEach(function (now) {
      var old = left.find(function (o) { return o.text === now.text; });
      if (old) { take(old, now); }
    });
    var table = left.map(function (o) { return right.map(function (n) { return likeness(o.text, n.text); }); });
    bestAssignment(table.map(function (row) {
      return row.map(function (cell) { return cell.score >= NEAR ? cell.score : 0.0; });
    })).forEach(function (ij) { pairs.push([left[ij[0]], right[ij[1]], table[ij[0]][ij[1]]]); });
    pairs.sort(function (x, y) { return after.indexOf(x[1]) - after.indexOf(y[1]); });
    pairs.forEach(function (p) {
      var old = p[0], now = p[1], like = p[2];
      if (old.text === now.text) { result.kept.push(now); }
      else if (like.grows) { result.grown.push([old, now]); }
      else if (like.score >= SIMILAR || (old.key && old.key === now.key)) { result.reworded.push([old, now]); }
      else { result.maybe.push([old, now]); }
    });
    var inLeft = pairs.map(function (p) { return p[0]; }), inRight = pairs.map(function (p) { return p[1]; });
    result.added = after.filter(function (n) { return inRight.indexOf(n) < 0; });
    result.notRestated = before.filter(function (o) { return inLeft.indexOf(o) < 0; });
    return result;
  }

  // What applies at a level: on a cumulative track, what the levels up to it stated, each
  // expectation in the place of the one it grew (the same lineage).
  function applying(data, level) {
    var track = data.tracks[level.trackId], running = {};
    var levels = track.cumulative ? track.levels.slice(0, track.levels.indexOf(level.id) + 1) : [level.id];
    levels.forEach(function (id) {
      var stated = data.byId[id].expectations;
      Object.keys(stated).forEach(function (cid) {
        var list = running[cid] || (running[cid] = []);
        stated[cid].forEach(function (e) {
          var at = list.findIndex(function (x) { return x.lineage === e.lineage; });
          if (at >= 0) { list[at] = e; } else { list.push(e); }
        });
      });
    });
    return running;
  }

  function diffLevels(data, lower, upper) {
    if (!data.byId) {
      data.byId = {};
      data.levels.forEach(function (level) { data.byId[level.id] = level; });
    }
    var low = applying(data, lower), high = applying(data, upper), track = data.tracks[lower.trackId];
    var byLineage = lower.trackId === upper.trackId && track.cumulative &&
      track.levels.indexOf(lower.id) < track.levels.indexOf(upper.id);
    var diffs = data.competencies.filter(function (c) { return c.id in low || c.id in high; }).map(function (c) {
      var before = low[c.id] || [], after = high[c.id] || [];
      if (!byLineage) { return diffExpectations(c.id, before, after); }
      var result = emptyDiff(c.id), earlier = {};
      before.forEach(function (e) { earlier[e.lineage] = e; });
      after.forEach(function (e) {
        var old = earlier[e.lineage];
        if (!old) { result.added.push(e); } else if (old === e) { result.kept.push(e); } else { result.grown.push([old, e]); }
      });
      return result;
    });
    diffs.cumulative = byLineage;
    return diffs;
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
    var diffs = diffLevels(data, lower, upper), cumulative = diffs.cumulative;
    var sameTrack = lower.trackId === upper.trackId;
    var missingLabel = sameTrack ? _("Not restated") : _("Not stated for %(level)s", { level: upper.title });
    // each kind: its key and its words for a count n (as diff.html); `shown` stands in for n
    function num(n, shown) { return { num: shown === undefined ? n : shown, level: upper.title }; }
    var keptWords = cumulative
      ? function (n, shown) { return ngettext("%(num)s still applies", "%(num)s still apply", n, num(n, shown)); }
      : function (n, shown) { return ngettext("%(num)s unchanged", "%(num)s unchanged", n, num(n, shown)); };
    var kinds = [
      ["added", function (n, shown) { return ngettext("%(num)s added", "%(num)s added", n, num(n, shown)); }],
      ["grown", function (n, shown) { return ngettext("%(num)s grown", "%(num)s grown", n, num(n, shown)); }]];
    if (!cumulative) {
      kinds.push(
        ["reworded", function (n, shown) { return ngettext("%(num)s reworded", "%(num)s reworded", n, num(n, shown)); }],
        ["maybe", function (n, shown) { return ngettext("%(num)s reworded?", "%(num)s reworded?", n, num(n, shown)); }],
        ["notRestated", sameTrack
          ? function (n, shown) { return ngettext("%(num)s not restated", "%(num)s not restated", n, num(n, shown)); }
          : function (n, shown) {
            return ngettext("%(num)s not stated for %(level)s", "%(num)s not stated for %(level)s", n, num(n, shown));
          }]);
    }
    kinds.push(["kept", keptWords]);
    var total = {};
    kinds.forEach(function (k) { total[k[0]] = 0; });
    diffs.forEach(function (d) { kinds.forEach(function (k) { total[k[0]] += d[k[0]].length; }); });
    target.textContent = "";
    var heading = el(doc, "h2", "", _("What changes from %(lower)s to %(upper)s", { lower: lower.title, upper: upper.title }));
    heading.id = "diff-result-heading";
    heading.tabIndex = -1;
    target.appendChild(heading);
    var kicker = el(doc, "p", "kicker");  // each level linked, with its track unless they share a title
    [lower, upper].forEach(function (level, i) {
      var words = level.title === level.track
        ? _("%(level)s (grade %(grade)s)", { grade: level.grade })
        : _("%(level)s (%(track)s, grade %(grade)s)", { track: level.track, grade: level.grade });
      if (i) { kicker.appendChild(doc.createTextNode(" → ")); }
      words.split("%(level)s").forEach(function (part, j) {
        if (j) { kicker.appendChild(link(doc, level.url, level.title)); }
        kicker.appendChild(doc.createTextNode(part));
      });
    });
    target.appendChild(kicker);
    var counts = el(doc, "ul", "diff-counts");
    counts.setAttribute("aria-label", _("Changes in all competencies"));
    kinds.forEach(function (k) {
      if (k[0] === "maybe" && !total.maybe) { return; }
      var li = el(doc, "li"), n = total[k[0]];  // the number in bold, where the words put it
      k[1](n, "\u0000").split("\u0000").forEach(function (part, i) {
        if (i) { li.appendChild(el(doc, "strong", "", String(n))); }
        li.appendChild(doc.createTextNode(part));
      });
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
      section.appendChild(el(doc, "p", "diff-tally", kinds.filter(function (k) {
        return k[0] !== "maybe" || d.maybe.length;
      }).map(function (k) { return k[1](d[k[0]].length); }).join(" · ")));
      var list = el(doc, "ul", "diff-list");
      function item(kind, label, e) {
        var li = el(doc, "li", "diff-" + kind);
        li.appendChild(badge(doc, kind, label));
        if (e.internal) { li.appendChild(badge(doc, "internal", _("Internal"))); }
        li.insertAdjacentHTML("beforeend", e.html);
        list.appendChild(li);
      }
      function pair(kind, label, p) {
        var li = el(doc, "li", "diff-" + kind), sides = wordDiff(p[0].html, p[1].html);
        li.appendChild(badge(doc, kind, label));
        if (p[1].internal) { li.appendChild(badge(doc, "internal", _("Internal"))); }
        [["diff-before", _("Before:"), sides[0]], ["diff-after", _("After:"), sides[1]]].forEach(function (side) {
          var para = fragment(doc, "p", side[0], " " + side[2]);
          para.insertBefore(el(doc, "span", "diff-side", side[1]), para.firstChild);
          li.appendChild(para);
        });
        list.appendChild(li);
      }
      d.added.forEach(function (e) { item("added", _("Added"), e); });
      d.grown.forEach(function (p) { pair("grown", _("Grown"), p); });
      d.reworded.forEach(function (p) { pair("reworded", _("Reworded"), p); });
      d.maybe.forEach(function (p) { pair("maybe", _("Reworded?"), p); });
      d.notRestated.forEach(function (e) { item("not-restated", missingLabel, e); });
      if (list.children.length) { section.appendChild(list); }
      if (d.kept.length) {
        var details = el(doc, "details", "diff-kept"), kept = el(doc, "ul");
        details.appendChild(el(doc, "summary", "", keptWords(d.kept.length)));
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
        var note = el(doc, "p", "diff-note", _("Pick two different levels."));
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

  return { ratio: ratio, opcodes: opcodes, likeness: likeness, bestAssignment: bestAssignment,
           diffLevels: diffLevels, wordDiff: wordDiff, start: start };
}));
