"""A local stand-in for the arXiv, Semantic Scholar, OpenAlex, Crossref and dblp APIs.

A real HTTP server on 127.0.0.1, shaped like the real services (see tests/fixtures/api/
for recorded bodies): arXiv's Atom feed for `id_list` (unknown ids dropped silently,
`max_results` defaulting to 10, an error feed with HTTP 400 for a malformed id); Semantic
Scholar's `POST /paper/batch` (an array in id order with nulls, at most 500 ids, `ARXIV:`
or `DOI:` ids); OpenAlex's `/works` list (`filter=doi:A|B` with at most 50 values,
`filter=title.search:...`, `per-page` at most 200, `meta.count`); Crossref's `/works`
(`filter=doi:A,doi:B`, `rows`); dblp's search JSON (numbers as strings) for word queries
and for whole volumes (`q=toc:<key>:`, `h` at most 1,000, paged by `f`). For `effdiff
discover`: arXiv's `search_query` over categories and a `submittedDate` window (sorted by
submission, paged by `start`, `max_results` at most 2,000; or recorded pages served as they
are), and Semantic Scholar's `GET /paper/{id}/citations` (`offset`, `limit` at most 1,000,
`next` absent on the last page, offset + limit below 10,000, 404 for an unknown paper).

The base URLs it hands out (`urls`) are API roots, as the checker's settings expect.
Knobs: `latency` (seconds added to every request) and per-source fault queues, each
fault consumed by one request: "429", "429:<retry-after>", "503", "timeout:<seconds>",
"reset", "truncate", "malformed", "error-feed", and "pass" (answered normally, so that
the faults after it hit later requests). Every request is logged with its time
and headers, so tests can check batching, rate limits and the User-Agent.
Used by the integration tests and by benchmarks/bench_checker.py.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")

FEED_HEAD = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" \
xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/stub</id>
  <title>arXiv Query: {query}</title>
  <updated>2026-04-12T22:09:36Z</updated>
  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
"""

# The body arXiv sends (with HTTP 400) for a malformed id, as recorded in
# tests/fixtures/api/arxiv/error_400_incorrect_id_format.atom.xml.
ERROR_FEED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" \
xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>2026-04-12T22:59:06Z</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id>
    <title>Error</title>
    <updated>2026-04-12T22:59:06Z</updated>
    <link href="https://arxiv.org/api/errors#incorrect_id_format_for_{bad}" rel="alternate" \
type="text/html"/>
    <summary>incorrect id format for {bad}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
"""


@dataclass
class Logged:
    source: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    time: float


@dataclass
class StubData:
    """What the fake services know. Values use each API's own field names."""

    arxiv: dict[str, dict[str, Any]] = field(default_factory=dict)
    s2: dict[str, dict[str, Any]] = field(default_factory=dict)  # by arXiv id
    dblp: list[dict[str, Any]] = field(default_factory=list)  # dblp `info` objects
    dblp_volumes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by toc key
    openalex: list[dict[str, Any]] = field(default_factory=list)  # OpenAlex work objects
    crossref: dict[str, dict[str, Any]] = field(default_factory=dict)  # items by lower DOI
    # Recorded arXiv search pages by `start`, served verbatim for any search_query.
    arxiv_search_pages: dict[int, str] = field(default_factory=dict)
    # Citing papers (`citingPaper` objects) by cited paper id ("ARXIV:2502.06805").
    s2_citations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def arxiv_entry_xml(arxiv_id: str, data: dict[str, Any]) -> str:
    authors = "".join(
        f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n"
        for a in data.get("authors", [])
    )
    extra = ""
    for tag in ("comment", "journal_ref", "doi"):
        if data.get(tag):
            extra += f"    <arxiv:{tag}>{escape(data[tag])}</arxiv:{tag}>\n"
    published = data.get("published", "2023-01-01T00:00:00Z")
    categories = data.get("categories", ["cs.CV"])
    listed = "".join(f"    <category term={quoteattr(c)} scheme=\"http://arxiv.org/schemas/atom\"/>\n"
                     for c in categories)
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{arxiv_id}v{data.get('version', 1)}</id>\n"
        f"    <title>{escape(data.get('title', ''))}</title>\n"
        f"    <updated>{published}</updated>\n"
        f"    <link href={quoteattr('https://arxiv.org/abs/' + arxiv_id)} rel=\"alternate\" "
        "type=\"text/html\"/>\n"
        f"    <summary>{escape(data.get('summary', ''))}</summary>\n"
        f"{listed}"
        f"    <published>{published}</published>\n"
        f"{extra}"
        f"    <arxiv:primary_category term={quoteattr(categories[0])}/>\n"
        f"{authors}"
        "  </entry>\n"
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _bare_doi(doi: str) -> str:
    return re.sub(r"^https?://(dx\.)?doi\.org/", "", doi.strip()).lower()


MAX_OPENALEX_OR = 50
MAX_OPENALEX_PAGE = 200
MAX_DBLP_HITS = 1000
MAX_ARXIV_PAGE = 2000
MAX_S2_CITATIONS_PAGE = 1000
S2_CITATIONS_DEPTH = 10_000
_ARXIV_SEARCH = re.compile(
    r"^\((?P<cats>[^)]*)\) AND submittedDate:\[(?P<lo>\d{12}) TO (?P<hi>\d{12})\]$")
_S2_CITATIONS = re.compile(r"^/s2/graph/v1/paper/(?P<paper>[^/]+)/citations$")


class StubServer:
    """Start with `with StubServer(data) as stub:`; base URLs are in `stub.urls`."""

    def __init__(self, data: StubData | None = None, *, latency: float = 0.0) -> None:
        self.data = data or StubData()
        self.latency = latency
        self.faults: dict[str, deque[str]] = {
            name: deque() for name in ("arxiv", "s2", "dblp", "openalex", "crossref")}
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                stub._handle(self, "GET")

            def do_POST(self) -> None:
                stub._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    @property
    def urls(self) -> dict[str, str]:
        return {
            "EFFDIFF_ARXIV_URL": f"{self.url}/arxiv/api",
            "EFFDIFF_S2_URL": f"{self.url}/s2/graph/v1",
            "EFFDIFF_OPENALEX_URL": f"{self.url}/openalex",
            "EFFDIFF_CROSSREF_URL": f"{self.url}/crossref",
            "EFFDIFF_DBLP_URL": f"{self.url}/dblp",
        }

    def requests(self, source: str) -> list[Logged]:
        with self._lock:
            return [entry for entry in self.log if entry.source == source]

    def add_fault(self, source: str, *faults: str) -> None:
        self.faults[source].extend(faults)

    # --- dispatch -------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        source = parts.path.split("/")[1] if parts.path.count("/") >= 1 else ""
        with self._lock:
            self.log.append(Logged(source, method, parts.path, parse_qs(parts.query),
                                   {k.lower(): v for k, v in handler.headers.items()}, body,
                                   time.monotonic()))
            fault = self.faults[source].popleft() if self.faults.get(source) else None
        if self.latency:
            time.sleep(self.latency)
        if fault and self._fault(handler, source, fault):
            return
        query = parse_qs(parts.query)
        if source == "arxiv" and parts.path == "/arxiv/api/query":
            status, ctype, text = self._arxiv(query)
        elif source == "s2" and parts.path == "/s2/graph/v1/paper/batch" and method == "POST":
            status, ctype, text = self._s2(body)
        elif source == "s2" and (cited := _S2_CITATIONS.match(parts.path)):
            status, ctype, text = self._s2_citations(unquote(cited.group("paper")), query)
        elif source == "dblp" and parts.path == "/dblp/search/publ/api":
            status, ctype, text = self._dblp(query)
        elif source == "openalex" and parts.path == "/openalex/works":
            status, ctype, text = self._openalex(query)
        elif source == "crossref" and parts.path == "/crossref/works":
            status, ctype, text = self._crossref(query)
        else:
            status, ctype, text = 404, "text/plain", "not found"
        self._send(handler, status, ctype, text.encode("utf-8"))

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes,
              headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()

    def _fault(self, handler: BaseHTTPRequestHandler, source: str, fault: str) -> bool:
        """Act out one fault; True when the request is finished."""
        name, _, arg = fault.partition(":")
        if name == "pass":  # this request is answered normally; the next faults follow
            return False
        if name in ("429", "503", "500", "502"):
            headers = {"Retry-After": arg} if arg else {}
            self._send(handler, int(name), "text/plain", b"Too Many Requests", headers)
            return True
        if name == "timeout":
            time.sleep(float(arg or 5))
            return False  # then answer normally, too late for the client
        if name == "reset":
            sock = handler.connection
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            sock.close()
            return True
        if name == "truncate":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "5000")
            handler.end_headers()
            handler.wfile.write(b'[{"paperId": "abc", "title": "Cut sh')
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return True
        if name == "malformed":
            self._send(handler, 200, "application/json",
                       b"<html><body>502 Bad Gateway</body></html>")
            return True
        if name == "error-feed":
            self._send(handler, 400, "application/atom+xml",
                       ERROR_FEED.format(bad="abc").encode("utf-8"))
            return True
        raise ValueError(f"unknown fault {fault!r}")

    # --- the APIs -------------------------------------------------------------------
    def _arxiv(self, query: dict[str, list[str]]) -> tuple[int, str, str]:
        if query.get("search_query"):
            return self._arxiv_search(query)
        ids = [i for i in ",".join(query.get("id_list", [""])).split(",") if i]
        bad = [i for i in ids if not ARXIV_ID.match(i)]
        if bad:
            return 400, "application/atom+xml", ERROR_FEED.format(bad=escape(bad[0]))
        max_results = int(query.get("max_results", ["10"])[0])
        known = [re.sub(r"v\d+$", "", i) for i in ids]
        known = [i for i in known if i in self.data.arxiv]
        shown = known[:max_results]
        text = FEED_HEAD.format(query=escape("id_list=" + ",".join(ids)), per_page=max_results,
                                total=len(known))
        text += "".join(arxiv_entry_xml(i, self.data.arxiv[i]) for i in shown) + "</feed>\n"
        return 200, "application/atom+xml; charset=utf-8", text

    def _arxiv_search(self, query: dict[str, list[str]]) -> tuple[int, str, str]:
        """Submissions in the categories and window, oldest first, one page."""
        start = int(query.get("start", ["0"])[0])
        size = int(query.get("max_results", ["10"])[0])
        if start in self.data.arxiv_search_pages:
            return 200, "application/atom+xml; charset=utf-8", self.data.arxiv_search_pages[start]
        found = _ARXIV_SEARCH.match(query["search_query"][0])
        if found is None or size > MAX_ARXIV_PAGE:
            return 400, "application/atom+xml", ERROR_FEED.format(bad="search_query")
        cats = {c.strip().removeprefix("cat:") for c in found.group("cats").split(" OR ")}
        low, high = found.group("lo"), found.group("hi")
        hits = sorted(
            (entry.get("published", ""), arxiv_id) for arxiv_id, entry in self.data.arxiv.items()
            if cats & set(entry.get("categories", ["cs.CV"]))
            and low <= re.sub(r"\D", "", entry.get("published", ""))[:12] <= high)
        shown = [arxiv_id for _, arxiv_id in hits[start:start + size]]
        text = FEED_HEAD.format(query=escape(query["search_query"][0]), per_page=size,
                                total=len(hits))
        text += "".join(arxiv_entry_xml(i, self.data.arxiv[i]) for i in shown) + "</feed>\n"
        return 200, "application/atom+xml; charset=utf-8", text

    def _s2_citations(self, paper: str, query: dict[str, list[str]]) -> tuple[int, str, str]:
        offset = int(query.get("offset", ["0"])[0])
        limit = int(query.get("limit", ["100"])[0])
        if limit > MAX_S2_CITATIONS_PAGE or offset + limit >= S2_CITATIONS_DEPTH:
            return 400, "application/json", json.dumps(
                {"error": "offset + limit must be < 10000 and limit <= 1000"})
        if paper not in self.data.s2_citations:
            return 404, "application/json", json.dumps(
                {"error": f"Paper with id {paper} not found"})
        citing = self.data.s2_citations[paper]
        body: dict[str, Any] = {"offset": offset,
                                "data": [{"citingPaper": p} for p in citing[offset:offset + limit]]}
        if offset + limit < len(citing):
            body["next"] = offset + limit
        return 200, "application/json", json.dumps(body)

    def _s2(self, body: bytes) -> tuple[int, str, str]:
        try:
            ids = json.loads(body)["ids"]
        except (ValueError, KeyError, TypeError):
            return 400, "application/json", json.dumps({"error": "Unacceptable JSON body"})
        if len(ids) > 500:
            return 400, "application/json", json.dumps(
                {"error": "Cannot process more than 500 paper ids at once"})
        by_doi = {_bare_doi(p["externalIds"]["DOI"]): p for p in self.data.s2.values()
                  if (p.get("externalIds") or {}).get("DOI")}
        out = []
        for raw in ids:
            kind, _, key = raw.partition(":")
            if kind.upper() == "DOI":
                out.append(by_doi.get(_bare_doi(key)))
            else:
                out.append(self.data.s2.get(key))
        return 200, "application/json", json.dumps(out)

    def _dblp(self, query: dict[str, list[str]]) -> tuple[int, str, str]:
        q = query.get("q", [""])[0]
        limit = min(MAX_DBLP_HITS, int(query.get("h", ["30"])[0]))
        first = int(query.get("f", ["0"])[0])
        if q.startswith("toc:") and q.endswith(":"):
            hits = self.data.dblp_volumes.get(q[4:-1], [])
        else:
            words = _words(q)  # dblp matches each word as a prefix: "attention*"
            hits = [info for info in self._all_dblp() if words and all(
                any(t.startswith(w) for t in _words(info.get("title", ""))) for w in words)]
        page = hits[first:first + limit]
        result: dict[str, Any] = {"result": {
            "query": q,
            "status": {"@code": "200", "text": "OK"},
            "hits": {"@total": str(len(hits)), "@computed": str(len(hits)),
                     "@sent": str(len(page)), "@first": str(first)},
        }}
        if page:
            result["result"]["hits"]["hit"] = [
                {"@score": "9", "@id": str(first + n), "info": info, "url": f"URL#{first + n}"}
                for n, info in enumerate(page)
            ]
        return 200, "application/json", json.dumps(result)

    def _all_dblp(self) -> list[dict[str, Any]]:
        return self.data.dblp + [i for hits in self.data.dblp_volumes.values() for i in hits]

    def _openalex(self, query: dict[str, list[str]]) -> tuple[int, str, str]:
        kind, _, value = query.get("filter", [""])[0].partition(":")
        per_page = int(query.get("per-page", ["25"])[0])
        if per_page > MAX_OPENALEX_PAGE:
            return 400, "application/json", json.dumps({"error": "per-page is too big"})
        if kind == "doi":
            wanted = [_bare_doi(v) for v in value.split("|")]
            if len(wanted) > MAX_OPENALEX_OR:
                return 400, "application/json", json.dumps(
                    {"error": f"Maximum number of values exceeded for doi ({MAX_OPENALEX_OR})"})
            works = [w for w in self.data.openalex if _bare_doi(w.get("doi") or "") in wanted]
        elif kind == "title.search":
            words = set(_words(value))
            shared = [(len(words & set(_words(w.get("display_name", "")))), n, w)
                      for n, w in enumerate(self.data.openalex)]
            works = [w for count, _, w in sorted(shared, key=lambda t: (-t[0], t[1]))
                     if words and count >= len(words) / 2]
        else:
            return 400, "application/json", json.dumps({"error": f"unknown filter {kind!r}"})
        body = {"meta": {"count": len(works), "per_page": per_page, "page": 1},
                "results": works[:per_page], "group_by": []}
        return 200, "application/json", json.dumps(body)

    def _crossref(self, query: dict[str, list[str]]) -> tuple[int, str, str]:
        filters = query.get("filter", [""])[0].split(",")
        dois = [f[4:].lower() for f in filters if f.startswith("doi:")]
        rows = int(query.get("rows", ["20"])[0])
        items = [self.data.crossref[d] for d in dois if d in self.data.crossref]
        body = {"status": "ok", "message-type": "work-list", "message": {
            "facets": {}, "total-results": len(items), "items": items[:rows],
            "items-per-page": rows, "query": {"start-index": 0, "search-terms": None}}}
        return 200, "application/json", json.dumps(body)
