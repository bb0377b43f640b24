"""Semantic Scholar Graph API: `POST /paper/batch` with up to 500 `ARXIV:` ids a call.

The answer is a JSON array in the order of the ids, with `null` for ids it does not know.
Records are often sparse (`"venue": ""`, `publicationVenue: null`), and `year` is often the
arXiv year rather than the venue's, which the matcher takes into account.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.sources import BatchResult, MalformedResponse

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


def parse_search_match(text: str) -> list[S2Paper]:
    """`/paper/search/match` answers `{"data": [...]}`; used by tests and title lookups."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"Semantic Scholar answer is not JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise MalformedResponse("Semantic Scholar search answer has no 'data' array")
    return [parse_paper(item) for item in data["data"]]


def batch_request(ids: Sequence[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Query parameters and JSON body for arXiv ids."""
    if len(ids) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} ids a batch, got {len(ids)}")
    return {"fields": FIELDS}, {"ids": [f"ARXIV:{i}" for i in ids]}


class SemanticScholarSource:
    name = "semanticscholar"

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.base_url = client.config.base_url.rstrip("/")
        self.batch_size = max(1, min(MAX_BATCH, client.config.batch_size))

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        params, body = batch_request(keys)
        try:
            reply = await self.client.request(
                "POST", f"{self.base_url}/paper/batch", params=params, json=body
            )
            papers = parse_batch(reply.text, len(keys))
        except FetchError as exc:
            return BatchResult.failed(keys, f"semanticscholar: {exc.reason}")
        except MalformedResponse as exc:
            return BatchResult.failed(keys, f"semanticscholar: {exc}")
        return BatchResult(found=dict(zip(keys, papers, strict=True)))

    def to_cache(self, item: S2Paper | None) -> Any:
        return None if item is None else asdict(item)

    def from_cache(self, value: Any) -> S2Paper | None:
        return None if value is None else S2Paper(**value)
