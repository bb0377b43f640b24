/* effdiff-catalog site script: copy-BibTeX buttons, a name for the search dialog, and the
 * Explore table.
 *
 * Plain JavaScript, no library, nothing from a CDN. Record content is untrusted: it only
 * ever reaches the page through textContent, and links only if they are http(s). Explore's
 * text filter is the header search's matcher (match.js, loaded before this file).
 */
(function () {
  "use strict";

  var PAGE_SIZE = 100;
  var TYPING_MS = 600;   /* a pause in typing makes one history entry, not every keystroke */
  var Match = window.EffdiffMatch;

  function isHttp(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) && !/\s/.test(url);
  }

  /* ---- Copy BibTeX ------------------------------------------------------------------ */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.effdiff-copy") : null;
    if (!button) { return; }
    var code = document.getElementById(button.getAttribute("data-copy"));
    if (!code) { return; }
    var label = button.textContent;
    copyText(code.textContent).then(function () {
      button.setAttribute("data-copied", "");
      button.textContent = "Copied";
      setTimeout(function () {
        button.removeAttribute("data-copied");
        button.textContent = label;
      }, 1500);
    }, function () {
      button.textContent = "Copy failed: select the text";
    });
  });

  /* What the theme leaves out (axe-core): a name for its search dialog; unique names for
   * its menus (a section whose heading is a link names its sub-menu by an empty label; the
   * phone menu repeats the table of contents; each code block has its buttons' menu);
   * and a table that scrolls sideways can be reached by the keyboard. Run again when the
   * theme adds elements (its code buttons come after the page loads). */
  function sectionName(nav) {
    var label = document.getElementById(nav.getAttribute("aria-labelledby"));
    if (label && label.textContent.trim()) { return null; }
    var item = nav.parentElement;
    var heading = item && item.querySelector(":scope > .md-nav__container > a, :scope > a, " +
                                             ":scope > .md-nav__link");
    return heading ? heading.textContent.trim() : null;
  }

  function fixTheme(root) {
    var dialog = root.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) { dialog.setAttribute("aria-label", "Search"); }
    root.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var name = sectionName(nav);
      if (name) {
        nav.removeAttribute("aria-labelledby");
        nav.setAttribute("aria-label", name);
      }
    });
    root.querySelectorAll(".md-nav--primary .md-nav--secondary").forEach(function (nav) {
      nav.setAttribute("aria-label", "Table of contents (menu)");
    });
    root.querySelectorAll("nav.md-code__nav").forEach(function (nav, i) {
      nav.setAttribute("aria-label", "Code block " + (i + 1));
    });
    root.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (!wrap.hasAttribute("tabindex")) { wrap.setAttribute("tabindex", "0"); }
    });
  }

  fixTheme(document);
  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      if (records[i].addedNodes.length) { fixTheme(document); return; }
    }
  }).observe(document.body, { childList: true, subtree: true });

  /* The paper search loads its index when the search box is first focused: tell its worker
   * (on the channel the page configured it with, main.html). */
  function onFirstSearch(start) {
    var box = document.querySelector("input.md-search__input");
    var toggle = document.querySelector("label[for=__search]");
    var done = false;
    function once() {
      if (!done) { done = true; start(); }
    }
    if (box) { box.addEventListener("focus", once); }
    if (toggle) { toggle.addEventListener("click", once); }
  }

  if (window.effdiffSearchChannel && typeof BroadcastChannel === "function") {
    onFirstSearch(function () {
      new BroadcastChannel(window.effdiffSearchChannel).postMessage("load");
    });
  }

  /* ---- Explore: data ---------------------------------------------------------------- */

  var FILTERS = ["text", "section", "venue", "year", "from", "to", "author", "code"];
  var SORTS = { title: 1, authors: 1, venue: 1, year: 1 };

  /* A name as a menu or the address gives it: case, accents and punctuation folded. */
  function nameKey(text) {
    return Match.words(text).join(" ");
  }

  function Explore(root) {
    this.root = root;
    this.form = root.querySelector("form");
    this.tbody = root.querySelector("tbody");
    this.count = root.querySelector("[data-role=count]");
    this.hint = root.querySelector("[data-role=hint]");
    this.empty = root.querySelector("[data-role=empty]");
    this.more = root.querySelector("[data-action=more]");
    this.downloadButton = root.querySelector("[data-action=download]");
    this.base = new URL(root.getAttribute("data-root"), document.baseURI);
    this.bibUrl = new URL(root.getAttribute("data-bib"), document.baseURI);
    this.papers = [];
    this.rows = [];
    this.shown = 0;
    this.bib = null;
    this.sort = { key: "", dir: "asc" };
    this.typingTimer = null;
    this.typing = false;
  }

  Explore.prototype.load = function () {
    var self = this;
    var src = new URL(this.root.getAttribute("data-src"), document.baseURI);
    return fetch(src).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      self.init(data);
    }).catch(function (error) {
      self.count.textContent = "Could not load the catalog (" + error.message + ").";
    });
  };

  /* Every section a paper is under: its own and their ancestors. */
  function under(paths) {
    var all = new Set();
    paths.forEach(function (path) {
      var parts = path.split("/");
      for (var i = 1; i <= parts.length; i++) { all.add(parts.slice(0, i).join("/")); }
    });
    return all;
  }

  Explore.prototype.init = function (data) {
    this.sections = data.sections;
    this.venues = data.venues;
    this.sectionTitles = {};
    this.venueNames = {};
    var self = this;
    this.sections.forEach(function (s) { self.sectionTitles[s.path] = s.title; });
    this.venues.forEach(function (v) { self.venueNames[v.key] = v.names.join(" "); });
    this.papers = data.papers.map(function (paper, index) {
      paper.order = index;
      paper.authorKeys = paper.authors.map(nameKey);
      paper.under = under(paper.sections);
      return paper;
    });
    this.index = new Match.Index(this.papers.map(this.document, this));
    this.names = this.nameTables();
    this.bind();
    this.readUrl();
    this.root.setAttribute("data-ready", "");
  };

  /* A paper as the matcher sees it: the same fields the header search indexes. */
  Explore.prototype.document = function (paper) {
    var titles = this.sectionTitles;
    return {
      title: paper.title, alias: paper.aliases || [], authors: paper.authors,
      venue: paper.venueShort + " " + (this.venueNames[paper.venue] || paper.venue),
      year: paper.when || String(paper.year), ids: [paper.arxiv || "", paper.doi || ""],
      topics: paper.sections.map(function (p) { return titles[p] || ""; })
        .concat(paper.tags || [])
    };
  };

  /* Every name a section or a venue is known by (keys, titles, short names, aliases),
   * folded, to read the address's values by. */
  Explore.prototype.nameTables = function () {
    var sections = {}, venues = {};
    this.sections.forEach(function (s) {
      sections[nameKey(s.path)] = s.path;
      sections[nameKey(s.title)] = sections[nameKey(s.title)] || s.path;
    });
    this.venues.forEach(function (v) {
      [v.key, v.short].concat(v.names).forEach(function (name) {
        venues[nameKey(name)] = venues[nameKey(name)] || v.key;
      });
    });
    return { section: sections, venue: venues };
  };

  Explore.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("input", function (event) {
      var typing = event.target.type === "search" || event.target.type === "number";
      self.update(typing ? "typing" : "push");
    });
    this.form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT" || event.target.type === "checkbox") { return; }
      self.update("push");
    });
    this.root.querySelectorAll("th[data-sort] button").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.parentNode.getAttribute("data-sort");
        var dir = self.sort.key === key && self.sort.dir === "asc" ? "desc" : "asc";
        self.sort = { key: key, dir: dir };
        self.update("push");
      });
    });
    this.root.querySelectorAll("[data-action=reset]").forEach(function (button) {
      button.addEventListener("click", function () { self.reset(); });
    });
    this.more.addEventListener("click", function () { self.renderMore(); });
    this.downloadButton.addEventListener("click", function () { self.download(); });
    window.addEventListener("popstate", function () { self.readUrl(); });
  };

  Explore.prototype.reset = function () {
    this.form.reset();
    this.sort = { key: "", dir: "asc" };
    this.update("push");
  };

  /* ---- Explore: the address --------------------------------------------------------- */

  /* Filter state <-> URL query, so that a view can be shared and Back steps through it. */
  Explore.prototype.readUrl = function () {
    var params = new URLSearchParams(window.location.search);
    var e = this.form.elements;
    e.text.value = params.get("text") || "";
    e.author.value = params.get("author") || "";
    e.from.value = params.get("from") || "";
    e.to.value = params.get("to") || "";
    e.code.checked = params.get("code") === "1";
    this.wanted = {
      section: this.names.section[nameKey(params.get("section") || "")] || "",
      venue: this.names.venue[nameKey(params.get("venue") || "")] || "",
      year: /^\d{4}$/.test(params.get("year") || "") ? params.get("year") : ""
    };
    var sort = params.get("sort") || "";
    this.sort = { key: SORTS[sort] ? sort : "", dir: params.get("dir") === "desc" ? "desc" : "asc" };
    this.update("none");
  };

  Explore.prototype.state = function () {
    var e = this.form.elements;
    var wanted = this.wanted || {};
    this.wanted = null;
    return {
      text: e.text.value.trim(),
      section: wanted.section !== undefined ? wanted.section : e.section.value,
      venue: wanted.venue !== undefined ? wanted.venue : e.venue.value,
      year: wanted.year !== undefined ? wanted.year : e.year.value,
      from: e.from.value, to: e.to.value, author: e.author.value.trim(),
      code: e.code.checked ? "1" : ""
    };
  };

  Explore.prototype.writeUrl = function (state, how) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      if (state[name]) { params.set(name, state[name]); }
    });
    if (this.sort.key) {
      params.set("sort", this.sort.key);
      params.set("dir", this.sort.dir);
    }
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url === window.location.pathname + window.location.search + window.location.hash) {
      return;
    }
    if (how === "push") { window.history.pushState(null, "", url); }
    else { window.history.replaceState(null, "", url); }
  };

  /* ---- Explore: filters ------------------------------------------------------------- */

  function inSection(paper, section) {
    return paper.under.has(section);
  }

  /* Every word of the filter starts a word of one of the paper's authors. */
  function byAuthor(paper, wanted) {
    if (!wanted.length) { return true; }
    return paper.authorKeys.some(function (key) {
      var words = key.split(" ");
      return wanted.every(function (w) {
        return words.some(function (word) { return word.indexOf(w) === 0; });
      });
    });
  }

  /* The tests of the state, by filter: a facet's menu counts with all tests but its own. */
  Explore.prototype.tests = function (state) {
    var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
    var author = Match.words(state.author);
    var found = state.text ? this.index.search(state.text) : null;
    var score = null;
    if (found) {
      score = new Map();
      found.results.forEach(function (hit, rank) { score.set(hit.doc, rank); });
    }
    return {
      score: score,
      text: function (p) { return !score || score.has(p.order); },
      section: function (p) { return !state.section || inSection(p, state.section); },
      venue: function (p) { return !state.venue || p.venue === state.venue; },
      year: function (p) { return !state.year || String(p.year) === state.year; },
      range: function (p) {
        return (isNaN(from) || p.year >= from) && (isNaN(to) || p.year <= to);
      },
      author: function (p) { return byAuthor(p, author); },
      code: function (p) { return !state.code || isHttp(p.links.code); }
    };
  };

  var TESTS = ["text", "section", "venue", "year", "range", "author", "code"];

  function passes(tests, paper, except) {
    for (var i = 0; i < TESTS.length; i++) {
      if (TESTS[i] !== except && !tests[TESTS[i]](paper)) { return false; }
    }
    return true;
  }

  /* The menus, with how many papers each choice would leave with the other filters. */
  Explore.prototype.fillMenus = function (state, tests) {
    var counts = { section: {}, venue: {}, year: {} };
    this.papers.forEach(function (p) {
      if (passes(tests, p, "section")) {
        p.under.forEach(function (path) {
          counts.section[path] = (counts.section[path] || 0) + 1;
        });
      }
      if (passes(tests, p, "venue")) { counts.venue[p.venue] = (counts.venue[p.venue] || 0) + 1; }
      if (passes(tests, p, "year")) { counts.year[p.year] = (counts.year[p.year] || 0) + 1; }
    });
    var years = Array.from(new Set(this.papers.map(function (p) { return p.year; })))
      .sort(function (a, b) { return b - a; });
    fill(this.form.elements.section, this.sections.map(function (s) {
      return [s.path, "\u2003".repeat(s.depth) + s.title, counts.section[s.path] || 0];
    }), state.section);
    fill(this.form.elements.venue, this.venues.map(function (v) {
      return [v.key, v.short, counts.venue[v.key] || 0];
    }), state.venue);
    fill(this.form.elements.year, years.map(function (y) {
      return [String(y), String(y), counts.year[y] || 0];
    }), state.year);
  };

  /* A menu's options after its first ("All ..."), each "label (count)". */
  function fill(select, options, value) {
    while (select.options.length > 1) { select.remove(1); }
    options.forEach(function (o) {
      var option = document.createElement("option");
      option.value = o[0];
      option.textContent = o[1] + " (" + o[2] + ")";
      select.appendChild(option);
    });
    select.value = value;
  }

  /* ---- Explore: the table ----------------------------------------------------------- */

  function compare(key) {
    var collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
    if (key === "year") {
      return function (a, b) {
        return (a.year - b.year) || ((a.month || 0) - (b.month || 0)) || (a.order - b.order);
      };
    }
    var field = {
      title: function (p) { return p.title; },
      authors: function (p) { return p.authors[0] || ""; },
      venue: function (p) { return p.venueShort; }
    }[key];
    return function (a, b) { return collator.compare(field(a), field(b)) || (a.order - b.order); };
  }

  /* how: "push" (a history entry), "typing" (one entry per pause), "none" (from the URL). */
  Explore.prototype.update = function (how) {
    var started = performance.now();
    var state = this.state();
    var tests = this.tests(state);
    this.fillMenus(state, tests);
    var rows = this.papers.filter(function (p) { return passes(tests, p); });
    if (this.sort.key) {
      rows.sort(compare(this.sort.key));
      if (this.sort.dir === "desc") { rows.reverse(); }
    } else if (tests.score) {
      rows.sort(function (a, b) { return tests.score.get(a.order) - tests.score.get(b.order); });
    }
    this.rows = rows;
    this.showSort();
    this.tbody.textContent = "";
    this.shown = 0;
    this.renderMore();
    this.showStatus(state, rows);
    this.history(state, how);
    this.root.setAttribute("data-update-ms", String(performance.now() - started));
    this.root.setAttribute("data-rows", String(rows.length));
  };

  /* A change is a history entry; a burst of typing is one (its first keystroke pushes,
   * the others replace it), so Back returns to the view before the burst. */
  Explore.prototype.history = function (state, how) {
    var self = this;
    clearTimeout(this.typingTimer);
    if (how === "push") {
      this.typing = false;
      this.writeUrl(state, "push");
    } else if (how === "typing") {
      this.writeUrl(state, this.typing ? "replace" : "push");
      this.typing = true;
      this.typingTimer = setTimeout(function () { self.typing = false; }, TYPING_MS);
    }
  };

  Explore.prototype.showSort = function () {
    var sort = this.sort;
    this.root.querySelectorAll("th[data-sort]").forEach(function (th) {
      var key = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", sort.key === key
        ? (sort.dir === "asc" ? "ascending" : "descending") : "none");
    });
  };

  Explore.prototype.showStatus = function (state, rows) {
    var n = rows.length;
    this.count.textContent = n + " of " + this.papers.length + " papers";
    var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
    var backwards = !isNaN(from) && !isNaN(to) && from > to;
    this.hint.hidden = !backwards;
    this.hint.textContent = backwards
      ? "From (" + from + ") is after To (" + to + "): no year is in between." : "";
    this.empty.hidden = n > 0;
    this.downloadButton.disabled = n === 0;
    this.downloadButton.textContent = n === 0 ? "Download BibTeX (no paper matches)"
      : "Download BibTeX of the " + (n === 1 ? "matching paper" : n + " matching papers");
  };

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  Explore.prototype.renderMore = function () {
    var end = Math.min(this.rows.length, this.shown + PAGE_SIZE);
    var fragment = document.createDocumentFragment();
    for (var i = this.shown; i < end; i++) {
      fragment.appendChild(this.row(this.rows[i]));
    }
    this.tbody.appendChild(fragment);
    this.shown = end;
    var left = this.rows.length - this.shown;
    this.more.hidden = left <= 0;
    this.more.textContent = "Show more (" + left + " left)";
  };

  function cell(label, content) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (typeof content === "string") { td.textContent = content; } else { td.appendChild(content); }
    return td;
  }

  Explore.prototype.row = function (paper) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-id", paper.id);
    var title = cell("Title", link(new URL(paper.url, this.base).href, paper.title));
    title.className = "effdiff-explore__title";
    var authors = cell("Authors", paper.authors.length > 4
      ? paper.authors.slice(0, 3).join(", ") + ", et al." : paper.authors.join(", "));
    authors.title = paper.authors.join(", ");
    tr.append(title, authors, cell("Venue", paper.venueShort),
              cell("Year", String(paper.year)), cell("Links", this.links(paper)));
    return tr;
  };

  Explore.prototype.links = function (paper) {
    var span = document.createElement("span");
    [["paper", "Paper"], ["code", "Code"], ["code_unofficial", "Code (unofficial)"],
     ["project", "Project"]].forEach(function (pair) {
      var href = paper.links[pair[0]];
      if (isHttp(href)) {
        var a = link(href, pair[1]);
        a.rel = "noopener";
        span.appendChild(a);
      }
    });
    if (paper.arxiv) {
      var arxiv = link("https://arxiv.org/abs/" + encodeURIComponent(paper.arxiv), "arXiv");
      arxiv.rel = "noopener";
      span.appendChild(arxiv);
    }
    return span;
  };

  /* The BibTeX of every matching paper (not only those shown), as the button says. */
  Explore.prototype.download = function () {
    var self = this;
    var ready = this.bib ? Promise.resolve(this.bib) : fetch(this.bibUrl).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
    return ready.then(function (bib) {
      self.bib = bib;
      var text = self.rows.map(function (paper) { return bib[paper.id]; })
        .filter(Boolean).join("\n\n") + "\n";
      var blob = new Blob([text], { type: "application/x-bibtex;charset=utf-8" });
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = "efficient-diffusion-papers.bib";
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }).catch(function (error) {
      self.count.textContent = "Could not load the BibTeX (" + error.message + ").";
    });
  };

  var root = document.getElementById("effdiff-explore");
  if (root) {
    var explore = new Explore(root);
    window.effdiffExplore = explore;
    explore.load();
  }
})();
