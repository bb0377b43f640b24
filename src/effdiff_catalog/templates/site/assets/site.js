/* effdiff-catalog site script: copy-BibTeX buttons and the Explore table.
 *
 * Plain JavaScript, no library, nothing from a CDN. Record content is untrusted: it only
 * ever reaches the page through textContent, and links only if they are http(s).
 */
(function () {
  "use strict";

  var PAGE_SIZE = 100;
  var URL_DELAY_MS = 150;  /* history.replaceState is slow in Chromium: keep it off the update */

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

  /* ---- Explore ---------------------------------------------------------------------- */

  var FILTERS = ["text", "section", "venue", "from", "to", "code"];
  var SORTS = { title: 1, authors: 1, venue: 1, year: 1 };

  function Explore(root) {
    this.root = root;
    this.form = root.querySelector("form");
    this.tbody = root.querySelector("tbody");
    this.count = root.querySelector("[data-role=count]");
    this.more = root.querySelector("[data-action=more]");
    this.base = new URL(root.getAttribute("data-root"), document.baseURI);
    this.bibUrl = new URL(root.getAttribute("data-bib"), document.baseURI);
    this.papers = [];
    this.rows = [];
    this.shown = 0;
    this.bib = null;
    this.sort = { key: "", dir: "asc" };
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

  Explore.prototype.init = function (data) {
    var self = this;
    this.papers = data.papers.map(function (paper, index) {
      paper.order = index;
      paper.haystack = [paper.title].concat(paper.authors, paper.tags).join("\n").toLowerCase();
      return paper;
    });
    var sectionSelect = this.form.elements.section;
    data.sections.forEach(function (section) {
      var option = document.createElement("option");
      option.value = section.path;
      option.textContent = "\u2003".repeat(section.depth) + section.title;
      sectionSelect.appendChild(option);
    });
    var venueSelect = this.form.elements.venue;
    data.venues.forEach(function (venue) {
      var option = document.createElement("option");
      option.value = venue.key;
      option.textContent = venue.short;
      venueSelect.appendChild(option);
    });
    this.readUrl();
    this.form.addEventListener("input", function () { self.update(true); });
    this.form.addEventListener("change", function () { self.update(true); });
    this.root.querySelectorAll("th[data-sort] button").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.parentNode.getAttribute("data-sort");
        var dir = self.sort.key === key && self.sort.dir === "asc" ? "desc" : "asc";
        self.sort = { key: key, dir: dir };
        self.update(true);
      });
    });
    this.root.querySelector("[data-action=reset]").addEventListener("click", function () {
      self.form.reset();
      self.sort = { key: "", dir: "asc" };
      self.update(true);
    });
    this.more.addEventListener("click", function () { self.renderMore(); });
    this.root.querySelector("[data-action=download]").addEventListener("click", function () {
      self.download();
    });
    window.addEventListener("popstate", function () { self.readUrl(); });
    this.root.setAttribute("data-ready", "");
  };

  /* Filter state <-> URL query, so that a filtered view can be shared. */
  Explore.prototype.readUrl = function () {
    var params = new URLSearchParams(window.location.search);
    var elements = this.form.elements;
    elements.text.value = params.get("text") || "";
    elements.section.value = params.get("section") || "";
    elements.venue.value = params.get("venue") || "";
    elements.from.value = params.get("from") || "";
    elements.to.value = params.get("to") || "";
    elements.code.checked = params.get("code") === "1";
    var sort = params.get("sort") || "";
    this.sort = {
      key: SORTS[sort] ? sort : "",
      dir: params.get("dir") === "desc" ? "desc" : "asc"
    };
    this.update(false);
  };

  Explore.prototype.state = function () {
    var elements = this.form.elements;
    return {
      text: elements.text.value.trim(),
      section: elements.section.value,
      venue: elements.venue.value,
      from: elements.from.value,
      to: elements.to.value,
      code: elements.code.checked ? "1" : ""
    };
  };

  Explore.prototype.writeUrl = function (state) {
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
    window.history.replaceState(null, "", url);
  };

  Explore.prototype.filter = function (state) {
    var words = state.text.toLowerCase().split(/\s+/).filter(Boolean);
    var from = state.from ? parseInt(state.from, 10) : null;
    var to = state.to ? parseInt(state.to, 10) : null;
    var section = state.section;
    return this.papers.filter(function (paper) {
      if (state.venue && paper.venue !== state.venue) { return false; }
      if (from !== null && !isNaN(from) && paper.year < from) { return false; }
      if (to !== null && !isNaN(to) && paper.year > to) { return false; }
      if (state.code && !isHttp(paper.links.code)) { return false; }
      if (section && !paper.sections.some(function (path) {
        return path === section || path.indexOf(section + "/") === 0;
      })) { return false; }
      for (var i = 0; i < words.length; i++) {
        if (paper.haystack.indexOf(words[i]) === -1) { return false; }
      }
      return true;
    });
  };

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

  Explore.prototype.update = function (pushState) {
    var started = performance.now();
    var state = this.state();
    var rows = this.filter(state);
    if (this.sort.key) {
      rows.sort(compare(this.sort.key));
      if (this.sort.dir === "desc") { rows.reverse(); }
    }
    this.rows = rows;
    var self = this;
    this.root.querySelectorAll("th[data-sort]").forEach(function (th) {
      var key = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", self.sort.key === key
        ? (self.sort.dir === "asc" ? "ascending" : "descending") : "none");
    });
    this.tbody.textContent = "";
    this.shown = 0;
    this.renderMore();
    this.count.textContent = rows.length + " of " + this.papers.length + " papers";
    if (pushState) {
      clearTimeout(this.urlTimer);
      this.urlTimer = setTimeout(function () { self.writeUrl(state); }, URL_DELAY_MS);
    }
    this.root.setAttribute("data-update-ms", String(performance.now() - started));
    this.root.setAttribute("data-rows", String(rows.length));
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
    this.more.hidden = this.shown >= this.rows.length;
    this.more.textContent = "Show more (" + (this.rows.length - this.shown) + " left)";
  };

  Explore.prototype.row = function (paper) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-id", paper.id);
    var title = document.createElement("td");
    title.appendChild(link(new URL(paper.url, this.base).href, paper.title));
    var authors = document.createElement("td");
    authors.textContent = paper.authors.length > 4
      ? paper.authors.slice(0, 3).join(", ") + ", et al."
      : paper.authors.join(", ");
    authors.title = paper.authors.join(", ");
    var venue = document.createElement("td");
    venue.textContent = paper.venueShort;
    var year = document.createElement("td");
    year.textContent = String(paper.year);
    var links = document.createElement("td");
    [["paper", "Paper"], ["code", "Code"], ["project", "Project"]].forEach(function (pair) {
      var href = paper.links[pair[0]];
      if (isHttp(href)) {
        var a = link(href, pair[1]);
        a.rel = "noopener";
        links.appendChild(a);
      }
    });
    if (paper.arxiv) {
      var arxiv = link("https://arxiv.org/abs/" + encodeURIComponent(paper.arxiv), "arXiv");
      arxiv.rel = "noopener";
      links.appendChild(arxiv);
    }
    tr.append(title, authors, venue, year, links);
    return tr;
  };

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
