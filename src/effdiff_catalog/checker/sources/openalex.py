"""OpenAlex works API (api.openalex.org/works): batches by DOI, and title search.

Preprints are looked up by their arXiv DOI (10.48550/arXiv.ID), up to 50 DOIs OR-ed in one
`filter=doi:A|B|...` (the limit OpenAlex documents for one filter). The work found is the
arXiv preprint: OpenAlex sometimes merges the published version into it (a location at a
journal or conference), and sometimes keeps the published version as a separate work,
with its own DOI and often another title, which only a title search
(`filter=title.search:...`) finds. A merged work's `publication_year` may be the preprint's;
a separate published work's is its own.

Requests carry `mailto` (the polite pool) and, when set, `api_key` (required since
February 2026 beyond a small daily allowance).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from effdiff_catalog.checker.evidence import Evidence, Finding, PaperContext
from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.match import (
    YEAR_WINDOW_ID,
    YEAR_WINDOW_TITLE,
    check_title_match,
    clean_doi,
    clean_url,
    finding_by_id,
    judge_venue,
)
from effdiff_catalog.checker.sources import BatchResult, EndpointSpec, MalformedResponse
from effdiff_catalog.identity import (
    arxiv_doi,
    arxiv_from_doi,
    ascii_fold,
    is_arxiv_doi,
    parse_doi,
)

ENDPOINT_PATH = "/works"
MAX_OR_VALUES = 50
PER_PAGE = 200  # OpenAlex's cap; a batch of 50 DOIs fits in one page
TITLE_HITS = 10
TRUST = 0.8
SELECT = ("id,doi,display_name,publication_year,type,authorships,locations,"
          "abstract_inverted_index")
PUBLISHED_SOURCE_TYPES = frozenset({"journal", "conference", "book series", "ebook platform"})
PREPRINT_WORK_TYPES = frozenset({"preprint", "posted-content"})


@dataclass
class OpenAlexLocation:
    source: str
    source_type: str
    version: str | None = None
    landing_page_url: str | None = None

    @property
    def published(self) -> bool:
        return self.source_type in PUBLISHED_SOURCE_TYPES and self.version != "submittedVersion"


@dataclass
class OpenAlexWork:
    id: str
    title: str
    doi: str | None = None
    year: int | None = None
    type: str = ""
    authors: list[str] = field(default_factory=list)
    locations: list[OpenAlexLocation] = field(default_factory=list)
    abstract: str | None = None

    @property
    def has_arxiv_location(self) -> bool:
        return any("arxiv" in (loc.source + (loc.landing_page_url or "")).lower()
                   for loc in self.locations)


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _abstract(index: Any) -> str | None:
    """OpenAlex ships abstracts as an inverted index: word -> positions."""
    if not isinstance(index, dict) or not index:
        return None
    words: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int):
                words[position] = str(word)
    return " ".join(words[i] for i in sorted(words)) or None


def _location(raw: Any) -> OpenAlexLocation | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("source"), dict):
        return None
    source = raw["source"]
    return OpenAlexLocation(
        source=_str(source.get("display_name")), source_type=_str(source.get("type")),
        version=_str(raw.get("version")) or None,
        landing_page_url=_str(raw.get("landing_page_url")) or None,
    )


def parse_work(raw: Any) -> OpenAlexWork:
    if not isinstance(raw, dict):
        raise MalformedResponse("OpenAlex work is not an object")
    year = raw.get("publication_year")
    authors = [
        _str((a.get("author") or {}).get("display_name")) for a in raw.get("authorships") or []
        if isinstance(a, dict) and isinstance(a.get("author"), dict)
    ]
    return OpenAlexWork(
        id=_str(raw.get("id")).rsplit("/", 1)[-1],
        title=" ".join(_str(raw.get("display_name") or raw.get("title")).split()),
        doi=parse_doi(_str(raw.get("doi"))),
        year=year if isinstance(year, int) else None,
        type=_str(raw.get("type")),
        authors=[a for a in authors if a],
        locations=[loc for loc in map(_location, raw.get("locations") or []) if loc],
        abstract=_abstract(raw.get("abstract_inverted_index")),
    )


def parse_works(text: str) -> tuple[list[OpenAlexWork], int]:
    """The works of a list answer, and `meta.count` (how many matched in all)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"OpenAlex answer is not JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise MalformedResponse("OpenAlex answer has no 'results' list")
    meta: dict[str, Any] = data["meta"] if isinstance(data.get("meta"), dict) else {}
    works = [parse_work(w) for w in data["results"]]
    count = meta.get("count")
    return works, count if isinstance(count, int) else len(works)


def title_query(title: str) -> str:
    """Words only: commas and colons separate filters and values in OpenAlex's syntax."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(title).lower()))


class _OpenAlexClient:
    def __init__(self, client: PoliteClient, contact: str | None) -> None:
        self.client = client
        self.url = client.config.url(ENDPOINT_PATH)
        self.extra = {"mailto": contact} if contact else {}
        if client.config.api_key:
            self.extra["api_key"] = client.config.api_key

    async def works(self, filter_text: str, per_page: int) -> tuple[list[OpenAlexWork], int]:
        reply = await self.client.request("GET", self.url, params={
            "filter": filter_text, "per-page": str(per_page), "select": SELECT, **self.extra})
        return parse_works(reply.text)


class OpenAlexDoiSource(_OpenAlexClient):
    """Keys are arXiv ids, looked up by their DataCite DOIs, 50 to a request."""

    def __init__(self, client: PoliteClient, contact: str | None) -> None:
        super().__init__(client, contact)
        self.batch_size = max(1, min(MAX_OR_VALUES, client.config.batch_size))

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        dois = "|".join(arxiv_doi(k).lower() for k in keys)
        try:
            works, count = await self.works(f"doi:{dois}", PER_PAGE)
        except FetchError as exc:
            return BatchResult.failed(keys, f"openalex: {exc.reason}")
        except MalformedResponse as exc:
            return BatchResult.failed(keys, f"openalex: {exc}")
        by_id = {arxiv_from_doi(w.doi): w for w in works if w.doi}
        result = BatchResult()
        for key in keys:
            if key in by_id:
                result.found[key] = by_id[key]
            elif count > len(works):
                result.errors[key] = "openalex: answer cut short (meta.count > results)"
            else:
                result.found[key] = None
        return result


class OpenAlexTitleSource(_OpenAlexClient):
    """Keys are titles; one title search a request."""

    batch_size = 1

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        result = BatchResult()
        for key in keys:
            try:
                result.found[key] = (await self.works(
                    f"title.search:{title_query(key)}", TITLE_HITS))[0]
            except FetchError as exc:
                result.errors[key] = f"openalex: {exc.reason}"
            except MalformedResponse as exc:
                result.errors[key] = f"openalex: {exc}"
        return result


def encode_work(work: OpenAlexWork | None) -> Any:
    return None if work is None else asdict(work)


def decode_work(value: Any) -> OpenAlexWork | None:
    if value is None:
        return None
    locations = [OpenAlexLocation(**loc) for loc in value.get("locations", [])]
    return OpenAlexWork(**{**value, "locations": locations})


def _published_locations(work: OpenAlexWork) -> list[OpenAlexLocation]:
    return [loc for loc in work.locations if loc.published and loc.source]


def _claims(context: PaperContext, work: OpenAlexWork, by: str, window: tuple[int, int],
            year_is_publication: bool, finding: Finding, renamed: str | None = None) -> None:
    """Evidence from each published location of a work (one claim per venue)."""
    seen: set[str] = set()
    for location in _published_locations(work):
        judged = judge_venue(context, f"openalex {work.id}", location.source, work.year, window)
        if judged.venue is None:
            finding.refuse(judged)
            continue
        if judged.venue.key in seen:
            continue
        seen.add(judged.venue.key)
        how = "the arXiv DOI's work" if by == "arxiv-id" else "a separate work found by title"
        finding.evidence.append(Evidence(
            source="openalex", matched=f"OpenAlex:{work.id}", by=by, venue_text=location.source,
            venue=judged.venue.key, year=work.year,  # type: ignore[arg-type]
            year_is_publication=year_is_publication, trust=TRUST, doi=clean_doi(work.doi),
            url=clean_url(location.landing_page_url),
            reasons=[f"OpenAlex {how} ({work.id}) has a published location at "
                     f"{location.source!r}, {work.year}"],
            published_title=renamed,
        ))


def evaluate_preprint(context: PaperContext, work: OpenAlexWork) -> Finding:
    """The work of the arXiv DOI: a published location merged into it names the venue;
    its year may be the preprint's."""
    finding, check = finding_by_id(context, "openalex", work.title, work.authors)
    if not check.same:
        return finding
    if not _published_locations(work):
        finding.notes.append(f"openalex: {work.id} has no published location")
        return finding
    _claims(context, work, "arxiv-id", YEAR_WINDOW_ID, False, finding)
    return finding


def evaluate_title_hits(context: PaperContext, works: Sequence[OpenAlexWork]) -> Finding:
    """Works found by title: a published one with the paper's title and authors. A work
    of its own (no arXiv location) carries its own year."""
    finding = Finding()
    for work in works:
        if work.type in PREPRINT_WORK_TYPES or not _published_locations(work):
            continue
        match = check_title_match(context, work.title, work.authors)
        if match is None or is_arxiv_doi(work.doi):
            continue
        _claims(context, work, "title", YEAR_WINDOW_TITLE, not work.has_arxiv_location, finding,
                match.renamed)
    if not finding.evidence and not finding.notes:
        finding.notes.append("openalex: no published work with this title and authors")
    return finding


def encode_works(works: list[OpenAlexWork]) -> Any:
    return [asdict(w) for w in works]


def decode_works(value: Any) -> list[OpenAlexWork]:
    return [w for w in map(decode_work, value) if w is not None]


BY_ARXIV_DOI = EndpointSpec(
    name="openalex", source="openalex", key_kind="arxiv",
    answers=frozenset({"venue", "doi", "authors", "abstract", "title"}), trust=TRUST,
    make=lambda client, config: OpenAlexDoiSource(client, config.contact),
    encode=encode_work, decode=decode_work, evaluate=evaluate_preprint,
    missing="openalex: no work for the arXiv DOI",
)

BY_TITLE = EndpointSpec(
    name="openalex-title", source="openalex", key_kind="title",
    answers=frozenset({"venue", "year", "doi", "authors"}), trust=TRUST,
    make=lambda client, config: OpenAlexTitleSource(client, config.contact),
    encode=encode_works, decode=decode_works, evaluate=evaluate_title_hits,
    missing="openalex: no work with this title",
)
