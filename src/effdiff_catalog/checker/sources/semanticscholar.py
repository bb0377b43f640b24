"""Semantic Scholar Graph API: `POST /paper/batch` with up to 500 `ARXIV:` ids a call.

The answer is a JSON array in the order of the ids, with `null` for ids it does not know.
Records are often sparse (`"venue": ""`, `publicationVenue: null`), and `year` is often the
arXiv year rather than the venue's: it is never taken as the venue's year on its own. A
record found by arXiv id under another title is the same paper only when its authors
overlap strongly (a renamed paper, for review).

For `effdiff discover`: `GET /paper/ARXIV:{id}/citations` pages (`offset`, `limit` up to
1,000, `next` absent on the last page; the API serves only the first 10,000), each
`{"citingPaper": {...}}`; a page is one cached item keyed by its query string.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from effdiff_catalog.checker.evidence import Evidence, Finding, PaperContext
from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.match import (
    YEAR_WINDOW_ID,
    check_id_match,
    clean_doi,
    finding_by_id,
    is_preprint_venue,
    judge_venue,
)
from effdiff_catalog.checker.sources import (
    BatchResult,
    EndpointSpec,
    MalformedResponse,
    each_key,
)

ENDPOINT_PATH = "/paper/batch"
CITATIONS_PATH = "/paper/{paper}/citations"
CITATIONS_PAGE_MAX = 1000  # the API's cap on `limit` for citations
CITATIONS_DEPTH = 10_000  # offset + limit must stay below this
CITATION_FIELDS = "title,authors,venue,year,externalIds,abstract,publicationDate"
TRUST = 0.85
MAX_BATCH = 500
FIELDS = (
    "title,authors,venue,publicationVenue,year,externalIds,journal,publicationTypes,"
    "publicationDate,abstract"
)


@dataclass
class S2Paper:
    paper_id: str
    title: str
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    publication_venue: str | None = None
    publication_venue_type: str | None = None
    publication_venue_aliases: list[str] = field(default_factory=list)
    year: int | None = None
    external_ids: dict[str, str] = field(default_factory=dict)
    journal_name: str | None = None
    publication_types: list[str] = field(default_factory=list)
    publication_date: str | None = None
    abstract: str | None = None

    @property
    def doi(self) -> str | None:
        return self.external_ids.get("DOI")


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_paper(raw: Any) -> S2Paper:
    """One paper object of the Graph API; unknown or missing fields become empty."""
    if not isinstance(raw, dict):
        raise MalformedResponse(f"Semantic Scholar paper is not an object: {type(raw).__name__}")
    venue_obj = _obj(raw.get("publicationVenue"))
    journal = _obj(raw.get("journal"))
    ext = _obj(raw.get("externalIds"))
    year = raw.get("year")
    return S2Paper(
        paper_id=_str(raw.get("paperId")),
        title=" ".join(_str(raw.get("title")).split()),
        authors=[
            _str(a.get("name")) for a in raw.get("authors") or []
            if isinstance(a, dict) and _str(a.get("name"))
        ],
        venue=_str(raw.get("venue")),
        publication_venue=_str(venue_obj.get("name")) or None,
        publication_venue_type=_str(venue_obj.get("type")) or None,
        publication_venue_aliases=[
            _str(n) for n in venue_obj.get("alternate_names") or [] if _str(n)
        ],
        year=year if isinstance(year, int) else None,
        external_ids={str(k): str(v) for k, v in ext.items() if v is not None},
        journal_name=_str(journal.get("name")) or None,
        publication_types=[str(t) for t in raw.get("publicationTypes") or []],
        publication_date=_str(raw.get("publicationDate")) or None,
        abstract=_str(raw.get("abstract")) or None,
    )


def parse_batch(text: str, expected: int) -> list[S2Paper | None]:
    """The batch array, same order as the ids; a wrong length is a malformed answer."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"Semantic Scholar answer is not JSON ({exc})") from exc
    if not isinstance(data, list):
        raise MalformedResponse("Semantic Scholar batch answer is not a JSON array")
    if len(data) != expected:
        raise MalformedResponse(
            f"Semantic Scholar batch answer has {len(data)} entries for {expected} ids"
        )
    return [None if item is None else parse_paper(item) for item in data]


def _data_answer(text: str, what: str) -> dict[str, Any]:
    """An answer of the shape `{"data": [...], ...}`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"Semantic Scholar answer is not JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise MalformedResponse(f"Semantic Scholar {what} answer has no 'data' array")
    return data


def parse_search_match(text: str) -> list[S2Paper]:
    """`/paper/search/match` answers `{"data": [...]}`; used by tests and title lookups."""
    return [parse_paper(item) for item in _data_answer(text, "search")["data"]]


@dataclass
class CitationPage:
    """The citing papers of one page, and the offset of the next (None: the last page)."""

    papers: list[S2Paper]
    next: int | None = None


def parse_citations_page(text: str) -> CitationPage:
    """`{"offset": 0, "next": 1000, "data": [{"citingPaper": {...}}, ...]}`; a citing paper
    without a title is left out (one with a null paperId is kept, known by its title)."""
    data = _data_answer(text, "citations")
    papers = [parse_paper(item["citingPaper"]) for item in data["data"]
              if isinstance(item, dict) and isinstance(item.get("citingPaper"), dict)]
    after = data.get("next")
    return CitationPage([p for p in papers if p.title],
                        after if isinstance(after, int) and not isinstance(after, bool) else None)


def citations_page_key(paper: str, offset: int, limit: int) -> str:
    """One page of a paper's citations ('ARXIV:2502.06805'), as its query string."""
    if not 0 < limit <= CITATIONS_PAGE_MAX or offset + limit >= CITATIONS_DEPTH:
        raise ValueError(f"Semantic Scholar serves limit 1 to {CITATIONS_PAGE_MAX} with "
                         f"offset + limit below {CITATIONS_DEPTH}, not {offset} + {limit}")
    return urlencode({"paper": paper, "offset": str(offset), "limit": str(limit)})


class CitationsSource:
    """Keys are pages (`citations_page_key`); one request each. A paper Semantic Scholar
    does not know (HTTP 404) is an answer: None."""

    batch_size = 1

    def __init__(self, client: PoliteClient) -> None:
        self.client = client

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        return await each_key(keys, self._page, "semanticscholar: citations")

    async def _page(self, key: str) -> CitationPage | None:
        page = dict(parse_qsl(key))
        url = self.client.config.url(CITATIONS_PATH.format(paper=quote(page["paper"], safe=":")))
        params = {"fields": CITATION_FIELDS, "offset": page["offset"], "limit": page["limit"]}
        reply = await self.client.request("GET", url, params=params,
                                          ok_statuses=frozenset({200, 404}))
        return None if reply.status == 404 else parse_citations_page(reply.text)


def batch_request(
    ids: Sequence[str], prefix: str = "ARXIV"
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Query parameters and JSON body for arXiv ids (or DOIs, with prefix 'DOI')."""
    if len(ids) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} ids a batch, got {len(ids)}")
    return {"fields": FIELDS}, {"ids": [f"{prefix}:{i}" for i in ids]}


class SemanticScholarSource:
    """`/paper/batch` for ids of one kind: `ARXIV:` (the checker) or `DOI:` (enrich)."""

    def __init__(self, client: PoliteClient, prefix: str = "ARXIV") -> None:
        self.client = client
        self.prefix = prefix
        self.url = client.config.url(ENDPOINT_PATH)
        self.batch_size = max(1, min(MAX_BATCH, client.config.batch_size))

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        params, body = batch_request(keys, self.prefix)
        try:
            reply = await self.client.request("POST", self.url, params=params, json=body)
            papers = parse_batch(reply.text, len(keys))
        except FetchError as exc:
            return BatchResult.failed(keys, f"semanticscholar: {exc.reason}")
        except MalformedResponse as exc:
            return BatchResult.failed(keys, f"semanticscholar: {exc}")
        return BatchResult(found=dict(zip(keys, papers, strict=True)))


def encode(item: S2Paper | None) -> Any:
    return None if item is None else asdict(item)


def decode(value: Any) -> S2Paper | None:
    return None if value is None else S2Paper(**value)


def encode_page(page: CitationPage | None) -> Any:
    return None if page is None else {"papers": [asdict(p) for p in page.papers],
                                      "next": page.next}


def decode_page(value: Any) -> CitationPage | None:
    return None if value is None else CitationPage(
        [S2Paper(**p) for p in value["papers"]], value["next"])


def identify(context: PaperContext, paper: S2Paper) -> PaperContext:
    """A published title under the same authors is one more title the paper is known by."""
    check = check_id_match(context, "semanticscholar", paper.title, paper.authors)
    if check.renamed:
        return replace(context, renamed=(*context.renamed, paper.title))
    return context


def _venue_texts(paper: S2Paper) -> list[str]:
    return [t for t in (paper.publication_venue, paper.venue, paper.journal_name) if t]


def evaluate(context: PaperContext, paper: S2Paper) -> Finding:
    """S2 looked up by arXiv id: trusted for the venue; its year may be the arXiv year."""
    finding, check = finding_by_id(context, "semanticscholar", paper.title, paper.authors)
    if not check.same:
        return finding
    texts = _venue_texts(paper)
    if not texts:
        finding.notes.append("semanticscholar: no venue given")
        return finding
    # The first venue text decides: 'arXiv.org' (venue) or, when no venue is named, the
    # journal 'ArXiv' mean the preprint; a later text may name the venue the first misses.
    if is_preprint_venue(texts[0], context.registry):
        finding.notes.append(f"semanticscholar: venue {texts[0]!r} is a preprint server")
        return finding
    judged = [(t, judge_venue(context, "semanticscholar", t, paper.year, YEAR_WINDOW_ID))
              for t in texts]
    text, judgement = next(((t, j) for t, j in judged if j.venue is not None), judged[0])
    if judgement.venue is None:
        finding.refuse(judgement)
        return finding
    venue = judgement.venue
    reasons = [f"Semantic Scholar record for ARXIV:{context.paper.arxiv} gives venue {text!r}"]
    if venue.short.lower() != text.lower():
        reasons.append(f"{text!r} is {venue.short} in venues.yaml")
    finding.evidence.append(Evidence(
        source="semanticscholar", matched=f"S2:{paper.paper_id}", by="arxiv-id",
        venue_text=text, venue=venue.key, year=paper.year,  # type: ignore[arg-type]
        year_is_publication=False, trust=TRUST, doi=clean_doi(paper.doi), reasons=reasons,
        published_title=paper.title if check.renamed else None,
    ))
    return finding


ENDPOINT = EndpointSpec(
    name="semanticscholar", source="semanticscholar", key_kind="arxiv",
    answers=frozenset({"venue", "doi", "authors", "abstract", "title"}), trust=TRUST,
    make=lambda client, config: SemanticScholarSource(client),
    encode=encode, decode=decode, evaluate=evaluate, identify=identify,
    missing="semanticscholar: no record for this arXiv id",
)

# For `enrich`: a published record's DOI finds its arXiv id (externalIds.ArXiv).
BY_DOI = EndpointSpec(
    name="semanticscholar-doi", source="semanticscholar", key_kind="doi",
    answers=frozenset({"arxiv", "authors", "abstract", "title"}), trust=TRUST,
    make=lambda client, config: SemanticScholarSource(client, "DOI"),
    encode=encode, decode=decode, missing="semanticscholar: no record for this DOI",
)

# For `effdiff discover`: one page of the papers citing a paper; never venue evidence.
CITATIONS = EndpointSpec(
    name="semanticscholar-citations", source="semanticscholar", key_kind="page",
    answers=frozenset({"title", "authors", "abstract", "arxiv"}), trust=0.0,
    make=lambda client, config: CitationsSource(client),
    encode=encode_page, decode=decode_page, missing="semanticscholar: no such paper",
)
