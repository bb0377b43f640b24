/* effdiff-catalog search worker: the papers' search engine behind Material's search box.
 *
 * It speaks the protocol of Material for MkDocs' own search worker (messages SETUP 0,
 * READY 1, QUERY 2, RESULT 3; see docs/site.md), so the header search box, `?q=`, keyboard
 * navigation and highlighting on the target page stay Material's. Only the engine changes:
 * the matcher of match.js, which Explore's text filter uses too.
 *
 * Nothing is fetched on a page view: the worker says it is ready at once, and fetches its
 * two indexes when the search box is first focused (site.js says so on the broadcast
 * channel named in the worker's URL) or, failing that, with the first query: the papers
 * and sections (search-papers.json) and the hand-written pages (search-pages.json, moved
 * there from Material's own index by the effdiff plugin). One paper is one result, linking
 * to its page.
 *
 * Plain JavaScript, no library, nothing from a CDN. Record text is untrusted: Material
 * inserts titles and texts as HTML, so everything from the indexes is escaped here.
 */
"use strict";

importScripts("match.js");

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var PAPERS_URL = new URL("search-papers.json", self.location.href);
var PAGES_URL = new URL("search-pages.json", self.location.href);
var INDEX_VERSION = 2;
var Match = self.EffdiffMatch;

var papers = null;      /* {index, rows: [{location, title, authors, meta}]} */
var pages = null;       /* {index, docs: [{location, title, text, page}]} */
var loading = null;     /* the promise of both indexes, once the first query came */
var latest = null;      /* the query to answer once they are loaded */

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
  });
}

function stripTags(html) {
  return String(html).replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " ");
}

/* ---- Loading ------------------------------------------------------------------------ */

function fetchJson(url) {
  return fetch(url).then(function (response) {
    if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
    return response.json();
  });
}

/* The papers as match.js documents, and what a result shows of each. */
function loadPapers(data) {
  if (!data || data.version !== INDEX_VERSION) {
    throw new Error("unexpected search index version " + (data && data.version));
  }
  var sections = data.sections || [];
  var docs = [], rows = [];
  data.papers.forEach(function (row) {
    var id = String(row[0]), title = String(row[1]);
    var authors = Array.isArray(row[2]) ? row[2].map(String) : [];
    var venue = data.venues[row[3]] || ["", ""];
    var when = String(row[4]), arxiv = String(row[5] || ""), doi = String(row[6] || "");
    var topics = (row[8] || []).map(function (i) { return String((sections[i] || [])[0] || ""); });
    docs.push({ title: title, alias: row[7] || [], authors: authors,
                venue: venue[0] + " " + venue[1], year: when, ids: [arxiv, doi],
                topics: topics.concat(row[9] || []) });
    rows.push({ location: "paper/" + encodeURIComponent(id) + "/", title: title,
                authors: authors.join(", "),
                meta: venue[0] + " " + when + (arxiv ? " · arXiv " + arxiv : "") });
  });
  papers = { index: new Match.Index(docs), rows: rows };
  return sections;
}

/* Sections and hand-written pages: found by their title and text, one result per page. */
function loadPages(sections, docs) {
  var list = sections.map(function (s) {
    return { location: String(s[2]), title: escapeHtml(s[0]), text: escapeHtml(s[1] || ""),
             page: String(s[2]).split("#")[0] };
  });
  (docs || []).forEach(function (doc) {
    var location = String(doc.location || "");
    list.push({ location: location, title: String(doc.title || ""),
                text: String(doc.text || ""), page: location.split("#")[0] });
  });
  var heads = new Map();
  list.forEach(function (doc) { if (doc.location === doc.page) { heads.set(doc.page, doc); } });
  pages = {
    docs: list, heads: heads,
    index: new Match.Index(list.map(function (doc) {
      return { title: stripTags(doc.title), topics: stripTags(doc.text) };
    }))
  };
}

function load() {
  if (loading) { return loading; }
  var sectionsOf = fetchJson(PAPERS_URL).then(loadPapers).catch(function (error) {
    papers = { index: new Match.Index([]), rows: [] };
    console.warn("effdiff search: papers index not loaded:", error);
    return [];
  });
  var docsOf = fetchJson(PAGES_URL).then(function (data) { return data.docs; })
    .catch(function (error) {
      console.warn("effdiff search: pages index not loaded:", error);
      return [];
    });
  loading = Promise.all([sectionsOf, docsOf]).then(function (both) {
    loadPages(both[0], both[1]);
  });
  return loading;
}

/* ---- Results ------------------------------------------------------------------------- */

/* The text with the matched words in <mark>, everything escaped. */
function marked(text, matched) {
  var out = "", last = 0;
  Match.highlights(text, matched).forEach(function (range) {
    out += escapeHtml(text.slice(last, range[0])) + "<mark>" +
      escapeHtml(text.slice(range[0], range[1])) + "</mark>";
    last = range[1];
  });
  return out + escapeHtml(text.slice(last));
}

/* Highlight inside Material's (already HTML) page texts: text between tags only. */
function markedHtml(html, matched) {
  return String(html).split(/(<[^>]*>)/).map(function (part, i) {
    if (i % 2 === 1) { return part; }
    var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    return marked(text, matched);
  }).join("");
}

/* One paper is one result. Material renders a result's first document without "#" in
 * its location as the heading; a paper's location has none, so its first document is the
 * title, and the second the venue and authors line. */
function paperResult(row, score, terms, matched) {
  return [
    { location: row.location, title: marked(row.title, matched),
      text: "<p>" + escapeHtml(row.meta) + " — " + marked(row.authors, matched) + "</p>",
      score: score, terms: terms }
  ];
}

/* Each page once, headed by the page itself, with its sections that match folded under it
 * (Material's layout: the first document of a result is its heading). */
function pageResults(found, terms, matched) {
  var byPage = new Map(), order = [];
  found.results.forEach(function (hit) {
    var doc = pages.docs[hit.doc];
    if (!byPage.has(doc.page)) { byPage.set(doc.page, []); order.push(doc.page); }
    byPage.get(doc.page).push({ doc: doc, score: hit.score });
  });
  return order.map(function (page) {
    var hits = byPage.get(page);
    var head = pages.heads.get(page);
    var items = hits.filter(function (hit) { return hit.doc !== head; });
    if (head) { items.unshift({ doc: head, score: hits[0].score }); }
    return { score: hits[0].score, items: items.map(function (hit) {
      return { location: hit.doc.location, title: markedHtml(hit.doc.title, matched),
               text: markedHtml(hit.doc.text, matched), score: hit.score, terms: terms };
    }) };
  });
}

function search(query) {
  var foundPapers = papers.index.search(query);
  var foundPages = pages.index.search(query);
  if (!foundPapers) { return { items: [] }; }
  var terms = {};
  foundPapers.words.forEach(function (w) { terms[w] = true; });
  var matched = new Set([...foundPapers.matched, ...foundPages.matched]);
  var groups = pageResults(foundPages, terms, matched);
  foundPapers.results.forEach(function (hit) {
    groups.push({ score: hit.score, paper: papers.rows[hit.doc] });
  });
  /* Stable: pages before papers on a tie, papers in the site's order (newest first). */
  var ordered = groups.map(function (group, i) { return [group, i]; });
  ordered.sort(function (a, b) { return b[0].score - a[0].score || a[1] - b[1]; });
  return {
    items: ordered.map(function (pair) {
      var group = pair[0];
      return group.items || paperResult(group.paper, group.score, terms, matched);
    })
  };
}

function answer(query) {
  var data;
  try {
    data = search(query);
  } catch (error) {
    console.warn("effdiff search: query failed:", error);
    data = { items: [] };
  }
  postMessage({ type: RESULT, data: data });
}

/* ---- Protocol ----------------------------------------------------------------------- */

var channel = new URL(self.location.href).searchParams.get("channel");
if (channel && typeof BroadcastChannel === "function") {
  new BroadcastChannel("effdiff-search-" + channel).onmessage = function () { load(); };
}

addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === SETUP) {
    postMessage({ type: READY });  /* the indexes load when the search box is focused */
  } else if (message.type === QUERY) {
    var query = String(message.data || "");
    if (pages) { answer(query); return; }
    if (!Match.words(query).length) { postMessage({ type: RESULT, data: { items: [] } }); return; }
    latest = query;
    load().then(function () {
      if (latest !== null) { var q = latest; latest = null; answer(q); }
    });
  }
});
