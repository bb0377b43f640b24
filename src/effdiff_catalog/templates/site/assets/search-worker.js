/* effdiff-catalog search worker: the papers' search engine behind Material's search box.
 *
 * It speaks the protocol of Material for MkDocs' own search worker (messages SETUP 0,
 * READY 1, QUERY 2, RESULT 3; see docs/site.md), so the header search box, `?q=`, keyboard
 * navigation and highlighting on the target page stay Material's. Only the engine changes:
 *
 * - papers come from a compact index (search-papers.json next to this file), fetched as
 *   soon as the worker starts, tokenized once, and matched by word prefix: every query
 *   word must start a word of the title, an author's name, the venue (short name, key or
 *   alias), the year or the arXiv id. One paper is one result, linking to its entry.
 * - the hand-written pages come from Material's own (now small) index in the SETUP message.
 *
 * Plain JavaScript, no library, nothing from a CDN. Record text is untrusted: Material
 * inserts titles and texts as HTML, so everything from the paper index is escaped here.
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var INDEX_URL = new URL("search-papers.json", self.location.href);
var INDEX_VERSION = 1;

/* Weights of a query word found in each field: a whole word, or the start of one. */
var WEIGHT = {
  title: [10, 6], authors: [8, 5], meta: [6, 3], pageTitle: [10, 6], pageText: [2, 1]
};

var papers = null;      /* [{location, title, authors, meta, hay, fields}] */
var pages = null;       /* [{location, docs: [{location, title, text, hay, titleHay}]}] */
var setupSeen = false;
var indexDone = false;
var announced = false;

var WORD = /[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)*/gu;
var NON_ASCII = /[^\x00-\x7f]/;
var MARKS = /[\u0300-\u036f]/g;

/* Lower case, accents folded ("Müller" is found by "muller"). */
function fold(text) {
  text = text.toLowerCase();
  return NON_ASCII.test(text) ? text.normalize("NFKD").replace(MARKS, "") : text;
}

function words(text) {
  return fold(text).match(WORD) || [];
}

/* " word word word ": a query word w starts a word iff hay.indexOf(" " + w) >= 0.
 * (A single replace of the characters between words measured no faster in Chromium.) */
function hay(text) {
  return " " + words(text).join(" ") + " ";
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
  });
}

/* ---- Loading ------------------------------------------------------------------------ */

function loadPapers(data) {
  if (!data || data.version !== INDEX_VERSION) {
    throw new Error("unexpected search index version " + (data && data.version));
  }
  var venues = data.venues.map(function (v) {
    return { short: String(v[0]), words: v[0] + " " + v[1] };
  });
  papers = data.papers.map(function (row) {
    var id = String(row[0]), title = String(row[1]);
    var authors = Array.isArray(row[2]) ? row[2].map(String) : [];
    var venue = venues[row[3]] || { short: "", words: "" };
    var when = String(row[4]), arxiv = String(row[5] || "");
    var page = String(data.pages[row[6]] || "");
    var fields = {
      title: hay(title),
      authors: hay(authors.join(" ")),
      meta: hay(venue.words + " " + when + " " + arxiv)
    };
    return {
      location: page + "#" + encodeURIComponent(id),
      title: title,
      authors: authors.join(", "),
      meta: venue.short + " " + when + (arxiv ? " · arXiv " + arxiv : ""),
      hay: fields.title + fields.authors + fields.meta,
      fields: fields
    };
  });
}

function stripTags(html) {
  return String(html).replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " ");
}

function loadPages(docs) {
  var byPage = new Map();
  (docs || []).forEach(function (doc) {
    var location = String(doc.location || "");
    var page = location.split("#")[0];
    if (!byPage.has(page)) { byPage.set(page, { location: page, docs: [] }); }
    var title = String(doc.title || ""), text = String(doc.text || "");
    var entry = {
      location: location, title: title, text: text,
      titleHay: hay(stripTags(title)), textHay: hay(stripTags(text))
    };
    var group = byPage.get(page);
    if (location === page) { group.docs.unshift(entry); } else { group.docs.push(entry); }
  });
  pages = Array.from(byPage.values()).filter(function (group) {
    return group.docs.length && group.docs[0].location === group.location;
  });
}

var indexReady = fetch(INDEX_URL).then(function (response) {
  if (!response.ok) { throw new Error("HTTP " + response.status + " for " + INDEX_URL); }
  return response.json();
}).then(loadPapers).catch(function (error) {
  papers = [];
  console.warn("effdiff search: papers index not loaded:", error);
}).then(function () {
  indexDone = true;
  announce();
});

function announce() {
  if (!announced && setupSeen && indexDone) {
    announced = true;
    postMessage({ type: READY });
  }
}

/* ---- Matching ----------------------------------------------------------------------- */

function queryWords(query) {
  var seen = new Set();
  return words(String(query || "")).filter(function (w) {
    if (seen.has(w)) { return false; }
    seen.add(w);
    return true;
  }).sort(function (a, b) { return b.length - a.length; });  /* most selective first */
}

function fieldScore(fieldHay, word, weights) {
  if (fieldHay.indexOf(" " + word + " ") !== -1) { return weights[0]; }
  if (fieldHay.indexOf(" " + word) !== -1) { return weights[1]; }
  return 0;
}

/* Query words wrapped in <mark> where they start a word; everything else escaped. */
function highlighter(qwords) {
  var alternatives = qwords.map(function (w) {
    return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + alternatives.join("|") + ")", "giu");
  return function (text) {
    var out = "", last = 0, match;
    pattern.lastIndex = 0;
    while ((match = pattern.exec(text)) !== null) {
      var start = match.index + match[1].length;
      out += escapeHtml(text.slice(last, start)) + "<mark>" + escapeHtml(match[2]) + "</mark>";
      last = start + match[2].length;
      if (match[0].length === 0) { pattern.lastIndex++; }
    }
    return out + escapeHtml(text.slice(last));
  };
}

/* Highlight inside Material's (already HTML) page texts: text between tags only. */
function highlightHtml(html, mark) {
  return String(html).split(/(<[^>]*>)/).map(function (part, i) {
    if (i % 2 === 1) { return part; }
    /* Unescape what Material escaped, so that mark() escapes it exactly once. */
    var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    return mark(text);
  }).join("");
}

function searchPapers(qwords, terms, mark, results) {
  var i, j, paper, ok, score;
  for (i = 0; i < papers.length; i++) {
    paper = papers[i];
    ok = true;
    for (j = 0; j < qwords.length; j++) {
      if (paper.hay.indexOf(" " + qwords[j]) === -1) { ok = false; break; }
    }
    if (!ok) { continue; }
    score = 0;
    for (j = 0; j < qwords.length; j++) {
      score += Math.max(fieldScore(paper.fields.title, qwords[j], WEIGHT.title),
                        fieldScore(paper.fields.authors, qwords[j], WEIGHT.authors),
                        fieldScore(paper.fields.meta, qwords[j], WEIGHT.meta));
    }
    results.push({ score: score, order: results.length, paper: paper });
  }
}

function searchPages(qwords, terms, mark, results) {
  pages.forEach(function (group) {
    var matched = [], best = 0;
    group.docs.forEach(function (doc) {
      var score = 0;
      for (var j = 0; j < qwords.length; j++) {
        var s = Math.max(fieldScore(doc.titleHay, qwords[j], WEIGHT.pageTitle),
                         fieldScore(doc.textHay, qwords[j], WEIGHT.pageText));
        if (!s) { return; }
        score += s;
      }
      matched.push({ doc: doc, score: score });
      best = Math.max(best, score);
    });
    if (!matched.length) { return; }
    var head = group.docs[0];
    var items = [{
      location: head.location, title: highlightHtml(head.title, mark),
      text: highlightHtml(head.text, mark), score: best, terms: terms
    }];
    matched.forEach(function (m) {
      if (m.doc === head) { return; }
      items.push({
        location: m.doc.location, title: highlightHtml(m.doc.title, mark),
        text: highlightHtml(m.doc.text, mark), score: m.score, terms: terms
      });
    });
    results.push({ score: best, order: results.length, items: items });
  });
}

/* One paper is one result. Material renders a result's first document without "#" in
 * its location as the heading; a paper's location has one, and then Material takes the
 * result's last document as the heading. So: [venue/authors line, paper title]. */
function paperResult(paper, score, terms, mark) {
  return [
    { location: paper.location, title: escapeHtml(paper.meta),
      text: "<p>" + mark(paper.authors) + "</p>", score: score, terms: terms },
    { location: paper.location, title: mark(paper.title), text: "", score: score,
      terms: terms }
  ];
}

function search(query) {
  var qwords = queryWords(query);
  if (!qwords.length) { return { items: [] }; }
  var terms = {};
  qwords.forEach(function (w) { terms[w] = true; });
  var mark = highlighter(qwords);
  var pageHits = [], paperHits = [];
  searchPages(qwords, terms, mark, pageHits);
  searchPapers(qwords, terms, mark, paperHits);
  var all = pageHits.concat(paperHits);
  all.forEach(function (hit, index) { hit.order = index; });
  all.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
  return {
    items: all.map(function (hit) {
      return hit.items || paperResult(hit.paper, hit.score, terms, mark);
    })
  };
}

/* ---- Protocol ----------------------------------------------------------------------- */

addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === SETUP) {
    loadPages(message.data && message.data.docs);
    setupSeen = true;
    announce();
  } else if (message.type === QUERY) {
    var data;
    try {
      data = search(message.data);
    } catch (error) {
      console.warn("effdiff search: query failed:", error);
      data = { items: [] };
    }
    postMessage({ type: RESULT, data: data });
  }
});
