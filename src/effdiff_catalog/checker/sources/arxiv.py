"""arXiv API (export.arxiv.org/api/query): batched `id_list` lookups of the Atom feed, and
`search_query` pages of new submissions (for `effdiff discover`).

Both serializations are read: the legacy one (`xmlns:arxiv` on each element) and the
2025/26 one (namespaces on `<feed>`). Unknown ids are dropped from the feed silently, so an
id missing from a complete feed means "arXiv has no such id". An error entry (the feed's
way to report a bad request, with HTTP 400 today and 200 in the past) fails the batch.

As evidence: the `journal_ref` is the authors' own statement of where the paper appeared;
an "accepted at ..." comment is weaker. The entry also gives the preprint's own date,
title and authors, which the other sources are matched against.

A search (`search_query`, `start`, `max_results` up to 2,000) is read page by page, sorted
by submission date, oldest first, so that a submission arriving during the walk never
shifts a page already read; each page is one cached item keyed by its query string.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from effdiff_catalog.checker.evidence import Evidence, Finding, PaperContext
from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.match import YEAR_WINDOW_ID, clean_doi, first_year, judge_venue
from effdiff_catalog.checker.sources import (
    BatchResult,
    EndpointSpec,
    MalformedResponse,
    each_key,
)
from effdiff_catalog.identity import parse_arxiv

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ENDPOINT_PATH = "/query"
TRUST = {"journal_ref": 0.8, "comment": 0.5}
SEARCH_PAGE_MAX = 2000  # arXiv's cap on `max_results` for one request

_ACCEPTED_RE = re.compile(
    r"\b(accepted|to appear|appears? in|published|camera[- ]ready|oral|spotlight)\b", re.I
)
_NOT_ACCEPTED_RE = re.compile(r"\b(submitted|under review|in submission|preprint)\b", re.I)


class ArxivApiError(MalformedResponse):
    """The feed carried an error entry instead of results."""


@dataclass
class ArxivEntry:
    arxiv_id: str
    title: str
    authors: list[str] = field(default_factory=list)
    summary: str = ""
    published: str = ""  # ISO date-time of v1
    updated: str = ""
    version: int | None = None
    journal_ref: str | None = None
    doi: str | None = None
    comment: str | None = None
    primary_category: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published[:4].isdigit() else None

    @property
    def month(self) -> int | None:
        part = self.published[5:7]
        return int(part) if part.isdigit() else None


@dataclass
class ArxivFeed:
    entries: list[ArxivEntry]
    total_results: int | None


def _text(node: ET.Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    return " ".join(node.text.split()) or None


def parse_feed(text: str | bytes) -> ArxivFeed:
    """Parse an id_list feed. Raises ArxivApiError for an error entry, MalformedResponse else."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise MalformedResponse(f"arXiv feed is not valid XML ({exc})") from exc
    if root.tag != f"{ATOM}feed":
        raise MalformedResponse(f"arXiv answer is not an Atom feed (root {root.tag!r})")
    total_text = _text(root.find(f"{OPENSEARCH}totalResults"))
    total = int(total_text) if total_text and total_text.isdigit() else None
    entries: list[ArxivEntry] = []
    for node in root.findall(f"{ATOM}entry"):
        entry_id = _text(node.find(f"{ATOM}id")) or ""
        if "/api/errors" in entry_id:
            summary = _text(node.find(f"{ATOM}summary")) or entry_id
            raise ArxivApiError(f"arXiv API error: {summary}")
        ref = parse_arxiv(entry_id)
        if ref is None:
            raise MalformedResponse(f"arXiv entry with an unexpected id {entry_id!r}")
        entries.append(ArxivEntry(
            arxiv_id=ref.id,
            version=ref.version,
            title=_text(node.find(f"{ATOM}title")) or "",
            authors=[
                name for a in node.findall(f"{ATOM}author")
                if (name := _text(a.find(f"{ATOM}name")))
            ],
            summary=_text(node.find(f"{ATOM}summary")) or "",
            published=_text(node.find(f"{ATOM}published")) or "",
            updated=_text(node.find(f"{ATOM}updated")) or "",
            journal_ref=_text(node.find(f"{ARXIV}journal_ref")),
            doi=_text(node.find(f"{ARXIV}doi")),
            comment=_text(node.find(f"{ARXIV}comment")),
            primary_category=(
                prim.get("term") if (prim := node.find(f"{ARXIV}primary_category")) is not None
                else None
            ),
        ))
    return ArxivFeed(entries, total)


def request_params(ids: Sequence[str]) -> dict[str, str]:
    """`max_results` must cover the batch: its default (10) silently cuts longer lists."""
    return {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}


def results_for(ids: Sequence[str], feed: ArxivFeed) -> BatchResult:
    """Map the feed back to the requested ids; a truncated feed leaves the rest unknown."""
    by_id = {entry.arxiv_id: entry for entry in feed.entries}
    result = BatchResult()
    truncated = feed.total_results is not None and feed.total_results > len(feed.entries)
    for arxiv_id in ids:
        if arxiv_id in by_id:
            result.found[arxiv_id] = by_id[arxiv_id]
        elif truncated:
            result.errors[arxiv_id] = "arXiv feed was cut short (totalResults > entries)"
        else:
            result.found[arxiv_id] = None
    return result


async def fetch_feed(client: PoliteClient, url: str, params: dict[str, str]) -> ArxivFeed:
    """One feed. Raises FetchError, or MalformedResponse (also for an error feed, and for
    HTTP 400 without one)."""
    reply = await client.request("GET", url, params=params, ok_statuses=frozenset({200, 400}))
    feed = parse_feed(reply.text)
    if reply.status != 200:
        raise MalformedResponse(f"HTTP {reply.status}")
    return feed


def _reason(exc: FetchError | MalformedResponse) -> str:
    return exc.reason if isinstance(exc, FetchError) else str(exc)


class ArxivSource:
    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.url = client.config.url(ENDPOINT_PATH)
        self.batch_size = max(1, client.config.batch_size)

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        try:
            feed = await fetch_feed(self.client, self.url, request_params(keys))
        except (FetchError, MalformedResponse) as exc:
            return BatchResult.failed(keys, f"arxiv: {_reason(exc)}")
        return results_for(keys, feed)


def search_query(categories: Sequence[str], since: dt.date, until: dt.date) -> str:
    """'(cat:cs.CV OR cat:cs.LG) AND submittedDate:[202611010000 TO 202611072359]': the
    submissions in any of the categories from `since` 00:00 until `until` 00:00 (UTC; the
    range is inclusive, so it ends a minute before)."""
    cats = " OR ".join(f"cat:{c}" for c in categories)
    end = dt.datetime.combine(until, dt.time()) - dt.timedelta(minutes=1)
    return f"({cats}) AND submittedDate:[{since:%Y%m%d}0000 TO {end:%Y%m%d%H%M}]"


def search_page_key(query: str, start: int, size: int) -> str:
    """One page of a search, as its query string: the cache key and the request."""
    if not 0 < size <= SEARCH_PAGE_MAX:
        raise ValueError(f"an arXiv page holds 1 to {SEARCH_PAGE_MAX} results, not {size}")
    return urlencode({"search_query": query, "sortBy": "submittedDate",
                      "sortOrder": "ascending", "start": str(start), "max_results": str(size)})


class ArxivSearchSource:
    """Keys are pages (`search_page_key`); one request each."""

    batch_size = 1

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.url = client.config.url(ENDPOINT_PATH)

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        return await each_key(
            keys, lambda key: fetch_feed(self.client, self.url, dict(parse_qsl(key))),
            "arxiv: search")


def encode(item: ArxivEntry | None) -> Any:
    return None if item is None else asdict(item)


def decode(value: Any) -> ArxivEntry | None:
    return None if value is None else ArxivEntry(**value)


def encode_feed(feed: ArxivFeed) -> Any:
    return {"entries": [asdict(e) for e in feed.entries], "total_results": feed.total_results}


def decode_feed(value: Any) -> ArxivFeed:
    return ArxivFeed([ArxivEntry(**e) for e in value["entries"]], value["total_results"])


def identify(context: PaperContext, entry: ArxivEntry) -> PaperContext:
    """The preprint's own year and title, and its authors when the record has none."""
    return replace(
        context,
        preprint_year=entry.year or context.preprint_year,
        authors=context.authors or tuple(entry.authors),
        titles=(*context.titles, entry.title) if entry.title else context.titles,
    )


def _announces_acceptance(comment: str) -> bool:
    return bool(_ACCEPTED_RE.search(comment)) and not _NOT_ACCEPTED_RE.search(comment)


def evaluate(context: PaperContext, entry: ArxivEntry) -> Finding:
    """arXiv's own journal_ref (authors' statement), else an 'accepted at' comment."""
    finding = Finding()
    doi = clean_doi(entry.doi)
    for field_name, text in (("journal_ref", entry.journal_ref), ("comment", entry.comment)):
        if not text or (field_name == "comment" and not _announces_acceptance(text)):
            continue
        year = first_year(text)
        judged = judge_venue(context, f"arxiv {field_name}", text, year, YEAR_WINDOW_ID,
                             free_text=True, quiet=field_name == "comment")
        if judged.venue is None or year is None:
            finding.refuse(judged)
            continue
        finding.evidence.append(Evidence(
            source="arxiv", matched=f"arXiv:{entry.arxiv_id} {field_name}", by="arxiv-id",
            venue_text=text, venue=judged.venue.key, year=year, year_is_publication=True,
            trust=TRUST[field_name], doi=doi,
            reasons=[f"arXiv {field_name} says {text!r}"],
        ))
        return finding
    if doi:
        finding.notes.append(f"arxiv: DOI {doi} given, but no venue named")
    return finding


ENDPOINT = EndpointSpec(
    name="arxiv", source="arxiv", key_kind="arxiv",
    answers=frozenset({"venue", "year", "doi", "authors", "abstract", "title"}),
    trust=TRUST["journal_ref"],
    make=lambda client, config: ArxivSource(client),
    encode=encode, decode=decode, evaluate=evaluate, identify=identify,
    missing="arxiv: no such id",
)

# For `effdiff discover`: one page of new submissions; never read as venue evidence.
SEARCH = EndpointSpec(
    name="arxiv-search", source="arxiv", key_kind="page",
    answers=frozenset({"title", "authors", "abstract", "doi"}), trust=0.0,
    make=lambda client, config: ArxivSearchSource(client),
    encode=encode_feed, decode=decode_feed, missing="arxiv: no such page",
)
