/* ladderdocs search: runs in the browser over search-index.js (written by ladderdocs/outputs/search_index.py).
 *
 * No library and no request beyond the site's own files, so it works offline, from file://
 * and under a strict Content-Security-Policy. The index is loaded on first use with a
 * <script> tag (fetch() of local files is blocked). The word rules (fold, stem, stop words,
 * term order) mirror ladderdocs/outputs/search_index.py: change them together.
 *
 * Header box: the WAI-ARIA APG combobox with a grouped listbox popup. Focus stays in the
 * box; arrows move aria-activedescendant; Enter opens the active result (or, with none,
 * submits to the search page); Escape closes, then clears. "/" focuses the box.
 * Search page (search/?q=...): the same engine, results as plain lists of links.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !("normalize" in String.prototype)) return;

  var GLOBAL = "LADDERDOCS_SEARCH_INDEX";
  var EXCERPTS_GLOBAL = "LADDERDOCS_SEARCH_EXCERPTS";
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var BOX_LIMIT = 8;
  var PAGE_LIMIT = 100;
  var MAX_WORDS = 10;
  // Ranking: an exact word in an entry's title, then in a page heading, then in a level's
  // expectations, then elsewhere (each group of results says what a word in its text is
  // worth: a level's more than a page's); a prefix counts half. Words found only in the title
  // of the level or competency a doc belongs to count a little, once the doc matched itself.
  var W_TITLE = 10, W_HEADING = 8, W_EXPECTATION = 5, W_CONTEXT = 2;
  var PREFIX = 0.5;

  // The theme's words in the handbook's language: static/messages.js, written by the build
  // from the catalogue, holds the translations; without it the English here is shown.
  var MESSAGES = window.LADDERDOCS_MESSAGES || {};
  function fill(text, values) {
    return text.replace(/%%|%\((\w+)\)s/g, function (all, name) {
      return all === "%%" ? "%" : values && name in values ? String(values[name]) : all;
    });
  }
  function _(message, values) {
    return fill(typeof MESSAGES[message] === "string" ? MESSAGES[message] : message, values);
  }
  function ngettext(one, many, n, values) {  // languages whose plural rule is n == 1, as English
    var forms = Array.isArray(MESSAGES[one]) ? MESSAGES[one] : [one, many];
    return fill(forms[n === 1 ? 0 : 1], Object.assign({ num: n }, values));
  }
  var PROMPT = _("Type a word or two: a skill, a level, a question.");

  // Links in the index are relative to the site root. The root link of this page tells how
  // deep it sits and, ending in index.html, that this is a --file-mode build.
  var rootLink = script.getAttribute("data-root") || "./";
  var fileMode = /(^|\/)index\.html$/.test(rootLink);
  var root = rootLink === "./" ? "" : rootLink.replace(/index\.html$/, "");
  var indexSrc = script.getAttribute("data-index");
  var excerptsSrc = script.getAttribute("data-excerpts");

  function siteLink(url, anchor) {
    if (fileMode && (url === "" || url.charAt(url.length - 1) === "/")) url += "index.html";
    var href = root + url;
    return (href === "" ? "./" : href) + (anchor ? "#" + anchor : "");
  }

  // -- words (as in search_index.py) -------------------------------------------------------------
  var NON_WORD = /[^\p{L}\p{N}]+/u;
  var WORD = /[\p{L}\p{N}]+/gu;
  var MARKS = /\p{M}/gu;
  var ENDS_IN_WORD = /[\p{L}\p{N}]$/u;

  function fold(text) {
    return text.normalize("NFKD").replace(MARKS, "").toLowerCase();
  }

  function stem(word) {
    var n = word.length;
    if (n > 4 && word.slice(-3) === "ies") return word.slice(0, -3) + "y";
    if (n > 5 && word.slice(-3) === "ing") return word.slice(0, -3);
    if (n > 4 && word.slice(-2) === "ed") return word.slice(0, -2);
    if (n > 3 && word.charAt(n - 1) === "s" && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  // -- the index -----------------------------------------------------------------------------
  var loading = null;
  var excerptsLoading = null;

  // A data script of the site (no fetch(): it is refused for file:// pages), resolved with
  // the global it assigns.
  function loadData(src, name) {
    return new Promise(function (resolve, reject) {
      if (window[name] !== undefined) { resolve(window[name]); return; }
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = function () {
        if (window[name] !== undefined) resolve(window[name]);
        else reject(new Error(_("the search index is empty")));
      };
      tag.onerror = function () { reject(new Error(_("the search index could not be loaded"))); };
      document.head.appendChild(tag);
    });
  }

  // The index, and after it the excerpts of prose sections (results show without them).
  function loadIndex() {
    if (!loading) {
      loading = loadData(indexSrc, GLOBAL).then(prepare);
      // asked for only once the index is in, so the two never compete for the first results
      excerptsLoading = loading.then(function (index) {
        return loadData(excerptsSrc, EXCERPTS_GLOBAL).then(function (excerpts) {
          index.excerpts = excerpts.split("\n");
          return index;
        });
      });
      excerptsLoading.catch(function () {});  // a missing excerpt file leaves results without them
    }
    return loading;
  }

  function prepare(raw) {
    var digit = new Int8Array(128).fill(0);
    for (var i = 0; i < ALPHABET.length; i++) digit[ALPHABET.charCodeAt(i)] = i;
    var counts = decodeNumbers(digit, raw.docCounts);
    var contexts = decodeNumbers(digit, raw.contexts).map(function (n) { return n - 1; });
    var docEntry = new Int32Array(contexts.length), main = new Int32Array(counts.length);
    for (var e = 0, d = 0; e < counts.length; e++) {
      main[e] = d;
      for (var k = 0; k < counts[e]; k++) docEntry[d++] = e;
    }
    var textWeights = new Float32Array(contexts.length);
    for (d = 0; d < contexts.length; d++) {
      textWeights[d] = contexts[d] >= 0 ? W_EXPECTATION : raw.groups[raw.entries[docEntry[d]][0]][1];
    }
    return {
      english: raw.english,
      stop: new Set(raw.stopWords ? raw.stopWords.split(" ") : []),
      groups: raw.groups.map(function (group) { return group[0]; }),  // labels results are listed under
      entries: raw.entries,
      docEntry: docEntry,    // doc -> the entry (page) it belongs to
      main: main,            // entry -> its first doc, the one its title belongs to
      contexts: contexts,    // doc -> competency entry of an expectation, else -1
      textWeights: textWeights,  // doc -> what a word in its text is worth
      anchors: raw.anchors.split("\n"),
      headings: raw.headings.split("\n"),
      texts: raw.texts.split("\n"),
      excerpts: null,
      terms: raw.terms ? raw.terms.split(" ") : [],
      postings: raw.postings,
      digit: digit,
      decoded: new Map()
    };
  }

  function decodeNumbers(digit, text) {
    var numbers = [], value = 0;
    for (var i = 0; i < text.length; i++) {
      var d = digit[text.charCodeAt(i)];
      value = value * 32 + (d & 31);
      if (d < 32) { numbers.push(value); value = 0; }
    }
    return numbers;
  }

  // Gaps between ascending ids, or after "~" a bitmap of six ids a character.
  function decodeIds(digit, text) {
    var ids, i, previous = -1;
    if (text.charAt(0) === "~") {
      ids = [];
      for (i = 1; i < text.length; i++) {
        for (var bits = digit[text.charCodeAt(i)], bit = 0; bits; bits >>= 1, bit++) {
          if (bits & 1) ids.push(6 * (i - 1) + bit);
        }
      }
      return ids;
    }
    ids = decodeNumbers(digit, text);
    for (i = 0; i < ids.length; i++) previous = ids[i] += previous + 1;
    return ids;
  }

  // "^" in the anchors column: the heading's slug, as the anchors plugin makes it (ASCII only).
  function anchorOf(index, d) {
    var anchor = index.anchors[d];
    return anchor !== "^" ? anchor : index.headings[d].toLowerCase().replace(/ /g, "-").replace(/[^\w\- ]/g, "");
  }

  // [docs whose text holds the term, docs whose heading does, entries whose title does]
  function postingsOf(index, term) {
    var found = index.decoded.get(term);
    if (!found) {
      var parts = index.postings[term].split(".");
      found = [0, 1, 2].map(function (i) { return decodeIds(index.digit, parts[i] || ""); });
      index.decoded.set(term, found);
    }
    return found;
  }

  function lowerBound(terms, key) {
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (terms[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // -- searching -----------------------------------------------------------------------------
  function parseQuery(index, query) {
    var folded = fold(query);
    var parts = folded.split(NON_WORD).filter(Boolean);
    var typing = ENDS_IN_WORD.test(folded);  // the last word may still be growing
    var words = [], seen = new Set();
    parts.forEach(function (word, i) {
      var prefix = typing && i === parts.length - 1;
      if (word.length < 2 || (index.english && index.stop.has(word) && !prefix)) return;
      var term = index.english ? stem(word) : word;
      if (seen.has(term) || words.length >= MAX_WORDS) return;
      seen.add(term);
      words.push({ word: word, term: term, prefix: prefix, english: index.english });
    });
    return words;
  }

  // Term ids a query word matches, each with its quality: 1 exact, PREFIX otherwise.
  function candidates(index, w) {
    var terms = index.terms, found = new Map();
    var at = lowerBound(terms, w.term);
    if (terms[at] === w.term) found.set(at, 1);
    if (!w.prefix) return found;
    [w.term, w.word].forEach(function (start) {
      for (var i = lowerBound(terms, start); i < terms.length && terms[i].lastIndexOf(start, 0) === 0; i++) {
        if (!found.has(i)) found.set(i, PREFIX);
      }
    });
    // a stem is shorter than the word typed so far: "mentori" on its way to "mentoring"
    for (var n = Math.max(3, w.word.length - 3); n < w.word.length; n++) {
      var shorter = w.word.slice(0, n), j = lowerBound(terms, shorter);
      if (terms[j] === shorter && !found.has(j)) found.set(j, PREFIX);
    }
    return found;
  }

  function bits(n) {
    var count = 0;
    for (; n; n &= n - 1) count++;
    return count;
  }

  // The best `limit` hits for `query`, best first, and how many docs matched in all.
  // Ranked by how many query words a doc answers, then by score, then in site order.
  function search(index, query, limit) {
    var words = parseQuery(index, query);
    var n = index.docEntry.length, weights = index.textWeights;
    // per doc: which words it answers itself, its score, and its best match for the word at hand
    var own = new Uint16Array(n), score = new Float64Array(n), best = new Float32Array(n);
    var touched = new Int32Array(n), matched = [], titleHits = [];
    words.forEach(function (w, i) {
      var count = 0, inTitle = new Float32Array(index.entries.length);
      candidates(index, w).forEach(function (quality, term) {
        var p = postingsOf(index, term), ids = p[0], j, d, value;
        for (j = 0; j < ids.length; j++) {
          d = ids[j];
          value = weights[d] * quality;
          if (best[d] === 0) touched[count++] = d;
          if (value > best[d]) best[d] = value;
        }
        for (ids = p[1], value = W_HEADING * quality, j = 0; j < ids.length; j++) {
          d = ids[j];
          if (best[d] === 0) touched[count++] = d;
          if (value > best[d]) best[d] = value;
        }
        for (ids = p[2], value = W_TITLE * quality, j = 0; j < ids.length; j++) {
          if (quality > inTitle[ids[j]]) inTitle[ids[j]] = quality;
          d = index.main[ids[j]];
          if (best[d] === 0) touched[count++] = d;
          if (value > best[d]) best[d] = value;
        }
      });
      for (var j = 0; j < count; j++) {
        var d = touched[j];
        if (own[d] === 0) matched.push(d);
        own[d] |= 1 << i;
        score[d] += best[d];
        best[d] = 0;
      }
      titleHits.push(inTitle);
    });
    var all = (1 << words.length) - 1, top = [];
    for (var m = 0; m < matched.length; m++) {
      var d = matched[m], covered = own[d], total = score[d];
      if (covered !== all) {  // words found only in the title of the level or competency around it
        var entry = index.docEntry[d], competency = index.contexts[d];
        for (var i = 0; i < words.length; i++) {
          if (covered & (1 << i)) continue;
          var context = Math.max(titleHits[i][entry], competency >= 0 ? titleHits[i][competency] : 0);
          if (context > 0) { covered |= 1 << i; total += W_CONTEXT * context; }
        }
      }
      var rank = bits(covered) * 1000 + total;
      // Most docs do not make the first `limit` and are turned away by one comparison, so
      // there is no sort of every match; the few that do are inserted in place.
      if (top.length === limit && !better(rank, d, top[limit - 1])) continue;
      var at = top.length;
      while (at > 0 && better(rank, d, top[at - 1])) at--;
      top.splice(at, 0, { doc: d, own: own[d], rank: rank });
      if (top.length > limit) top.pop();
    }
    return { words: words, total: matched.length, hits: top };
  }

  function better(rank, doc, hit) { return rank > hit.rank || (rank === hit.rank && doc < hit.doc); }

  // What a hit shows: its entry's title, the heading (or competency) and the words.
  function describe(index, hit) {
    var d = hit.doc, entry = index.entries[index.docEntry[d]], competency = index.contexts[d];
    return {
      kind: entry[0], title: entry[2], meta: entry[3], found: hit.own,
      heading: competency >= 0 ? index.entries[competency][2] : index.headings[d],
      text: index.texts[d] || (index.excerpts ? index.excerpts[d] : ""),
      href: siteLink(entry[1], anchorOf(index, d))
    };
  }

  // Hits in groups by kind, the groups in the order their best hit ranks.
  function grouped(index, hits) {
    var groups = [], byKind = {};
    hits.forEach(function (hit) {
      var result = describe(index, hit);
      if (!byKind[result.kind]) groups.push(byKind[result.kind] = { kind: result.kind, results: [] });
      byKind[result.kind].results.push(result);
    });
    return groups;
  }

  // -- showing -------------------------------------------------------------------------------
  // The index of the query word `word` (from the text shown) answers to, or -1.
  function matchOf(words, word) {
    var folded = fold(word);
    for (var i = 0; i < words.length; i++) {
      var w = words[i], term = w.english ? stem(folded) : folded;
      if (term === w.term || folded === w.word) return i;
      if (w.prefix && (term.lastIndexOf(w.term, 0) === 0 || folded.lastIndexOf(w.word, 0) === 0 ||
          (w.word.lastIndexOf(term, 0) === 0 && term.length >= Math.max(3, w.word.length - 3)))) return i;
    }
    return -1;
  }

  // Text with the matching words wrapped in <mark>, built as nodes: never parsed as HTML.
  // `shown` collects the indexes of the query words marked.
  function highlighted(parent, text, words, shown) {
    var last = 0, m, i;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      if ((i = matchOf(words, m[0])) < 0) continue;
      shown.add(i);
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      parent.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  // A result's title (a link on the search page; in the box the whole option is the target),
  // the words around the match and where it sits. Sections keep only their opening words in
  // the index, so a word matched further on is named rather than left unexplained.
  function fillResult(target, result, words, linked) {
    var shown = new Set();
    var title = highlighted(element("span", "search-result-title"), result.title, words, shown);
    if (result.heading) {
      title.appendChild(document.createTextNode(" › "));
      highlighted(title.appendChild(element("span", "search-result-heading")), result.heading, words, shown);
    }
    if (linked) {
      var link = target.appendChild(element("a"));
      link.href = result.href;
      link.appendChild(title);
    } else {
      target.appendChild(title);
    }
    if (result.text) target.appendChild(highlighted(element("span", "search-result-text"), result.text, words, shown));
    var unseen = words.filter(function (w, i) { return (result.found & (1 << i)) && !shown.has(i); });
    if (unseen.length) {
      var also = target.appendChild(element("span", "search-result-also", _("Also mentions:") + " "));
      unseen.forEach(function (w, i) {
        if (i) also.appendChild(document.createTextNode(", "));
        also.appendChild(element("mark", "", w.word));
      });
    }
    if (result.meta) target.appendChild(element("span", "search-result-meta", result.meta));
    return target;
  }

  function plural(n) { return ngettext("%(num)s result", "%(num)s results", n); }

  function searchPageLink(query) {
    return siteLink("search/") + "?q=" + encodeURIComponent(query.trim());
  }

  function isTyping(target) {
    return target && target.closest &&
      (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]") !== null);
  }

  // -- the header box: combobox + listbox ------------------------------------------------------
  function Combobox(input) {
    var form = input.form;
    var popup = element("div", "search-popup");
    var listbox = element("div", "search-listbox");
    var note = element("p", "search-popup-note");
    var status = element("div", "visually-hidden");
    var options = [], active = -1, generation = 0, announceTimer = 0;

    listbox.id = input.id + "-results";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", _("Search results"));
    status.setAttribute("role", "status");
    popup.hidden = true;
    note.hidden = true;
    popup.appendChild(note);
    popup.appendChild(listbox);
    form.appendChild(popup);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function announce(text) {
      clearTimeout(announceTimer);  // one announcement when typing pauses, not one per key
      announceTimer = setTimeout(function () { status.textContent = text; }, 400);
    }

    function open(isOpen) {
      popup.hidden = !isOpen;
      input.setAttribute("aria-expanded", isOpen && options.length ? "true" : "false");
      if (!isOpen) setActive(-1);
    }

    function setActive(i) {
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function option(href, className) {
      var el = element("div", className);
      el.id = input.id + "-option-" + options.length;
      el.setAttribute("role", "option");
      el.setAttribute("aria-selected", "false");
      el.setAttribute("data-href", href);
      options.push(el);
      return el;
    }

    // `again`: the same query once the excerpts arrived; the reader's place is kept.
    function render(index, query, again) {
      var found = search(index, query, BOX_LIMIT), place = again ? active : -1;
      listbox.textContent = "";
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!found.words.length) { open(false); status.textContent = ""; return; }
      var total = found.total;
      grouped(index, found.hits).forEach(function (group, g) {
        var box = element("div", "search-group");
        var label = element("div", "search-group-label", index.groups[group.kind]);
        label.id = input.id + "-group-" + g;
        label.setAttribute("role", "presentation");
        box.setAttribute("role", "group");
        box.setAttribute("aria-labelledby", label.id);
        box.appendChild(label);
        group.results.forEach(function (result) {
          box.appendChild(fillResult(option(result.href, "search-option"), result, found.words, false));
        });
        listbox.appendChild(box);
      });
      if (total > BOX_LIMIT) {
        listbox.appendChild(option(searchPageLink(query), "search-option search-all"))
          .textContent = ngettext("Show all %(num)s result", "Show all %(num)s results", total);
      }
      note.textContent = total ? "" : _("No results for “%(query)s”.", { query: query.trim() });
      note.hidden = total > 0;
      open(true);
      if (place >= 0 && place < options.length) setActive(place);
      announce(total === 0 ? _("No results") : total > BOX_LIMIT
        ? _("%(results)s, %(shown)s shown", { results: plural(total), shown: BOX_LIMIT }) : plural(total));
    }

    function update() {
      var query = input.value, mine = ++generation;
      if (!query.trim()) { open(false); listbox.textContent = ""; options = []; return; }
      loadIndex().then(function (index) {
        if (mine !== generation) return;
        render(index, query, false);
        if (!index.excerpts) {
          excerptsLoading.then(function () {
            if (mine === generation && !popup.hidden) render(index, query, true);
          }, function () {});
        }
      }, function (error) {
        note.textContent = _("Search is unavailable: %(reason)s.", { reason: error.message });
        note.hidden = false;
        open(true);
      });
    }

    function go(el) {
      window.location.href = el.getAttribute("data-href");
    }

    function preload() { loadIndex().catch(function () {}); }  // a head start on the first query
    form.addEventListener("pointerenter", preload);
    input.addEventListener("input", update);
    input.addEventListener("focus", function () {
      preload();
      if (input.value.trim()) update();
    });
    input.addEventListener("blur", function () { open(false); });
    input.addEventListener("keydown", function (event) {
      var count = options.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (popup.hidden) open(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
      } else if (event.key === "Enter") {
        if (active >= 0 && !popup.hidden) { event.preventDefault(); go(options[active]); }
      } else if (event.key === "Escape") {
        if (!popup.hidden) { event.preventDefault(); open(false); }
        else if (input.value) { event.preventDefault(); input.value = ""; update(); }
      }
    });
    // A click must not take focus from the box first, or the popup would close under it.
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var el = event.target.closest("[role=option]");
      if (el) go(el);
    });
  }

  // -- the search page -----------------------------------------------------------------------
  function SearchPage(input) {
    var status = document.querySelector("[data-search-status]");
    var results = document.querySelector("[data-search-results]");
    var timer = 0, generation = 0;
    var title = document.title, site = title.indexOf(" · ") >= 0 ? title.slice(title.indexOf(" · ")) : "";

    function render(index, query) {
      var found = search(index, query, PAGE_LIMIT);
      results.textContent = "";
      if (!found.words.length) {
        status.textContent = PROMPT;
        document.title = title;
        return;
      }
      var total = found.total;
      var said = { results: plural(total), query: query.trim(), shown: PAGE_LIMIT };
      status.textContent = !total ? _("No results for “%(query)s”.", said) : total > PAGE_LIMIT
        ? _("%(results)s for “%(query)s”; the first %(shown)s are shown.", said) : _("%(results)s for “%(query)s”.", said);
      document.title = _("Search: %(query)s", said) + site;
      grouped(index, found.hits).forEach(function (group, g) {
        var section = element("section", "search-page-group");
        var heading = element("h2", "", index.groups[group.kind]);
        heading.id = "results-" + g;
        section.setAttribute("aria-labelledby", heading.id);
        section.appendChild(heading);
        var list = section.appendChild(element("ol", "search-page-list"));
        group.results.forEach(function (result) {
          fillResult(list.appendChild(element("li")), result, found.words, true);
        });
        results.appendChild(section);
      });
    }

    function update() {
      var query = input.value, mine = ++generation;
      loadIndex().then(function (index) {
        if (mine !== generation) return;
        render(index, query);
        if (!index.excerpts) {
          excerptsLoading.then(function () {  // not under a reader who already moved into the results
            if (mine === generation && !results.contains(document.activeElement)) render(index, query);
          }, function () {});
        }
      }, function (error) {
        status.textContent = _("Search is unavailable: %(reason)s.", { reason: error.message });
      });
      try {  // keep the address shareable; some browsers refuse this on file:// pages
        history.replaceState(null, "", query.trim() ? "?q=" + encodeURIComponent(query.trim()) : location.pathname);
      } catch (e) { /* the results are shown all the same */ }
    }

    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    });
    input.form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    if (input.value) {
      update();
    } else {
      status.textContent = PROMPT;
      loadIndex().catch(function () {});
    }
  }

  // -- start ---------------------------------------------------------------------------------
  function start() {
    var pageInput = document.querySelector("[data-search-page]");
    var boxInput = document.querySelector("[data-search-box]");
    if (pageInput) SearchPage(pageInput);
    if (boxInput) Combobox(boxInput);
    var target = pageInput || boxInput;
    if (!target) return;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      target.focus();
      target.select();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
