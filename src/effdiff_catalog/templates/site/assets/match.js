/* effdiff-catalog matcher: the one tokenizer and matcher of the header search (the paper
 * search worker) and of Explore's text filter, so that both find the same papers.
 *
 * A query word matches a token of a field by quality, best first: the whole token (exact),
 * the token's start (prefix: "quantiz" finds "Quantizing"), the start of the word's light
 * stem (cache, caching, cached and caches all find each other), and, only for a word of
 * five letters or more that matches nothing else, a token (or its start) one edit away:
 * a letter added, dropped, changed or two swapped ("deepcahce"). Case and accents are
 * folded ("schonfeld" finds Schönfeld); a compound is found by its parts (DeepCache by
 * "cache"). Title initials ("ddim") and a record's aliases count as whole tokens only.
 *
 * Every query word must match (AND). A paper scores, per word, its best match: quality
 * first (exact > prefix > stem > typo), then the field (alias > title > initials > authors
 * > venue > year, ids > sections and tags), so a title match ranks first among equals and
 * a typo never ranks above an exact match. Ties keep the documents' order (newest first).
 *
 * Plain JavaScript for a page and a worker alike (self.EffdiffMatch); no library.
 */
(function (root) {
  "use strict";

  var WORD = /[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)*/gu;
  var DOI = /^10\.\d{4,9}\/\S+$/;  /* a DOI is one word: 10.1109/cvpr52733.2024.01492 */
  var CAMEL = /(?<=\p{Ll})(?=\p{Lu}\p{Ll}{2,})/u;
  var MARKS = /[\u0300-\u036f]/g;
  var NON_ASCII = /[^\x00-\x7f]/;
  var LETTERS = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i" };
  var UNFOLDED = /[ßæœøłđı]/g;
  var STOPWORDS = new Set(("a an and as at by for from in into is of on or the to via with " +
    "without").split(" "));
  var EXACT = 4, PREFIX = 3, STEM = 2, TYPO = 1;
  var TYPO_MIN = 5;

  /* Fields, by the number a posting carries, with their weights. */
  var FIELDS = ["alias", "title", "initials", "authors", "venue", "year", "ids", "topics"];
  var WEIGHT = { alias: 7, title: 6, initials: 5, authors: 4, venue: 3, year: 2, ids: 2,
                 topics: 1 };
  var FIELD_BITS = 3;
  var INITIALS = FIELDS.indexOf("initials"), ALIAS = FIELDS.indexOf("alias");
  var TITLE = FIELDS.indexOf("title");

  function fold(text) {
    text = String(text).toLowerCase();
    if (!NON_ASCII.test(text)) { return text; }
    return text.normalize("NFKD").replace(MARKS, "").replace(UNFOLDED, function (ch) {
      return LETTERS[ch];
    });
  }

  /* The words of a text, folded: what a query is made of. */
  function words(text) {
    var folded = fold(text);
    /* WORD never spans a space: without a DOI, the whole text is matched at once. */
    if (folded.indexOf("10.") === -1) { return folded.match(WORD) || []; }
    var out = [];
    folded.split(/\s+/).forEach(function (chunk) {
      if (DOI.test(chunk)) { out.push(chunk); } else { out.push.apply(out, chunk.match(WORD) || []); }
    });
    return out;
  }

  /* The tokens a field is found by: its words, and the parts of its compounds. */
  var LOWER_UPPER = /\p{Ll}\p{Lu}/u;
  function tokens(text) {
    var out = words(text);
    if (!LOWER_UPPER.test(text)) { return out; }  /* no compound to split */
    var raw = String(text).match(WORD) || [];
    for (var i = 0; i < raw.length; i++) {
      var parts = raw[i].split(CAMEL);
      if (parts.length > 1) {
        for (var j = 0; j < parts.length; j++) { out.push(fold(parts[j])); }
      }
    }
    return out;
  }

  /* A light English stem: enough for cache/caching/cached, model/models/modeling. */
  var SUFFIXES = ["ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "e"];
  function stem(word) {
    if (word.length <= 4 || /\d/.test(word)) { return word; }
    for (var i = 0; i < SUFFIXES.length; i++) {
      var suffix = SUFFIXES[i];
      if (word.slice(-suffix.length) === suffix && word.length - suffix.length >= 4) {
        if (suffix === "s" && /[sui]s$/.test(word)) { continue; }
        return word.slice(0, -suffix.length) + (suffix === "ies" ? "y" : "");
      }
    }
    return word;
  }

  /* A title's initials, three letters or more: of all its words and of those that are not
   * function words, for the whole title and for the part after its colon ("DDIM"). */
  function initials(title) {
    var parts = [String(title)];
    var colon = parts[0].indexOf(":");
    if (colon > 0) { parts.push(parts[0].slice(colon + 1)); }
    var out = [];
    parts.forEach(function (part) {
      var all = words(part).filter(function (w) { return /^\p{L}/u.test(w); });
      var content = all.filter(function (w) { return !STOPWORDS.has(w); });
      [all, content].forEach(function (list) {
        var letters = list.map(function (w) { return w[0]; }).join("");
        if (letters.length >= 3 && out.indexOf(letters) === -1) { out.push(letters); }
      });
    });
    return out;
  }

  /* At most one edit apart: a letter added, dropped or changed, or two neighbours swapped. */
  function oneEdit(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) { return false; }
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) { i++; }
    if (i === la || i === lb) { return true; }
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) { return true; }
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* The word is one edit from the token, or from the token's start (a word being typed). */
  function nearly(word, token) {
    if (token.length <= word.length + 1) { return oneEdit(word, token); }
    return oneEdit(word, token.slice(0, word.length)) ||
      oneEdit(word, token.slice(0, word.length + 1)) ||
      oneEdit(word, token.slice(0, word.length - 1));
  }

  /* ---- The index ----------------------------------------------------------------------- */

  /* docs: [{title, alias: [...], authors: [...], venue, year, ids, topics: [...]}], each
   * field a string or a list of strings; initials come from the title. */
  function Index(docs) {
    this.size = docs.length;
    this.postings = new Map();
    this.cache = new Map();  /* a field's text -> its tokens: venues, sections, names repeat */
    for (var d = 0; d < docs.length; d++) { this.add(d, docs[d]); }
    this.cache = null;
    this.vocab = Array.from(this.postings.keys()).sort();
  }

  Index.prototype.add = function (d, doc) {
    for (var f = 0; f < FIELDS.length; f++) {
      var value = f === INITIALS ? initials(doc.title || "") : doc[FIELDS[f]];
      if (value === undefined || value === null) { continue; }
      var list = Array.isArray(value) ? value : [value];
      for (var i = 0; i < list.length; i++) {
        var found = this.tokensOf(f, String(list[i]));
        for (var j = 0; j < found.length; j++) {
          if (found[j]) { this.post(found[j], (d << FIELD_BITS) | f, d); }
        }
      }
    }
  };

  /* The tokens a field's text is found by: initials and aliases as whole words (an alias
   * also without its punctuation), other fields by words and compound parts. */
  Index.prototype.tokensOf = function (f, text) {
    if (f === INITIALS) { return words(text); }
    if (f === ALIAS) { return words(text).concat([fold(text).replace(/[^\p{L}\p{N}]+/gu, "")]); }
    if (f === TITLE) { return tokens(text); }
    var known = this.cache.get(text);
    if (known === undefined) { this.cache.set(text, known = tokens(text)); }
    return known;
  };

  /* One posting a token, field and document: a document's postings are the list's last. */
  Index.prototype.post = function (token, code, d) {
    var list = this.postings.get(token);
    if (!list) { this.postings.set(token, [code]); return; }
    for (var i = list.length - 1; i >= 0 && (list[i] >>> FIELD_BITS) === d; i--) {
      if (list[i] === code) { return; }
    }
    list.push(code);
  };

  function lowerBound(sorted, word) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (sorted[mid] < word) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /* The vocabulary's tokens a query word matches, with their quality. */
  Index.prototype.match = function (word) {
    var found = new Map();
    var vocab = this.vocab;
    if (this.postings.has(word)) { found.set(word, EXACT); }
    for (var i = lowerBound(vocab, word); i < vocab.length && vocab[i].startsWith(word); i++) {
      if (!found.has(vocab[i])) { found.set(vocab[i], PREFIX); }
    }
    var root2 = stem(word);
    if (root2 !== word && root2.length >= 3) {
      for (i = lowerBound(vocab, root2); i < vocab.length && vocab[i].startsWith(root2); i++) {
        if (!found.has(vocab[i])) { found.set(vocab[i], STEM); }
      }
    }
    if (!found.size && word.length >= TYPO_MIN) {
      for (i = 0; i < vocab.length; i++) {
        if (nearly(word, vocab[i])) { found.set(vocab[i], TYPO); }
      }
    }
    return found;
  };

  /* The documents matching every word of the query, best first: [{doc, score}], with the
   * tokens matched (for highlighting); null for a query without words. */
  Index.prototype.search = function (query) {
    var qwords = Array.from(new Set(words(query))).sort(function (a, b) {
      return b.length - a.length;
    });
    if (!qwords.length) { return null; }
    var n = this.size, total = new Int32Array(n), hits = new Uint8Array(n);
    var best = new Int32Array(n), matched = new Set();
    for (var k = 0; k < qwords.length; k++) {
      var touched = this.score(qwords[k], best, matched);
      for (var t = 0; t < touched.length; t++) {
        var d = touched[t];
        if (hits[d] === k) { hits[d] = k + 1; total[d] += best[d]; }
        best[d] = 0;
      }
    }
    var results = [];
    for (var i = 0; i < n; i++) {
      if (hits[i] === qwords.length) { results.push({ doc: i, score: total[i] }); }
    }
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return { results: results, words: qwords, matched: matched };
  };

  /* One query word: each document's best score in `best`; the documents it touched. */
  Index.prototype.score = function (word, best, matched) {
    var touched = [];
    var self = this;
    this.match(word).forEach(function (quality, token) {
      var list = self.postings.get(token);
      var used = false;
      for (var p = 0; p < list.length; p++) {
        var f = list[p] & ((1 << FIELD_BITS) - 1);
        if ((f === INITIALS || f === ALIAS) && quality !== EXACT) { continue; }
        var d = list[p] >>> FIELD_BITS;
        var s = quality * 10 + WEIGHT[FIELDS[f]];
        if (!best[d]) { touched.push(d); }
        if (s > best[d]) { best[d] = s; }
        used = true;
      }
      if (used) { matched.add(token); }
    });
    return touched;
  };

  /* The words of a text that a search matched, for <mark>: [start, end] ranges. */
  function highlights(text, matched) {
    var ranges = [];
    var re = new RegExp(WORD.source, "gu");
    var m;
    while ((m = re.exec(String(text))) !== null) {
      var own = tokens(m[0]);
      for (var i = 0; i < own.length; i++) {
        if (matched.has(own[i])) { ranges.push([m.index, m.index + m[0].length]); break; }
      }
    }
    return ranges;
  }

  root.EffdiffMatch = {
    Index: Index, fold: fold, words: words, tokens: tokens, stem: stem,
    initials: initials, oneEdit: oneEdit, highlights: highlights
  };
})(typeof self !== "undefined" ? self : this);
