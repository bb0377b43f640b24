"""dblp publication search (dblp.org/search/publ/api): one title query a request.

dblp's JSON writes every number as a string, gives `authors.author` as a list (or a
single object for one author), adds homonym suffixes to names ("Xiaopeng Zhang 0009") and
ends titles with a period. Its top hit is often another paper: the matcher decides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.sources import BatchResult, MalformedResponse
from effdiff_catalog.identity import ascii_fold

HITS = 5
_HOMONYM = re.compile(r"\s+\d{4}$")


@dataclass
class DblpHit:
    key: str
    title: str
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    year: int | None = None
    type: str = ""
    doi: str | None = None
    ee: list[str] = field(default_factory=list)
    url: str | None = None


def query_text(title: str) -> str:
    """Plain words only: dblp treats some punctuation as query operators."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(title).lower()))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _venue_text(value: Any) -> str:
    return ", ".join(str(v) for v in _as_list(value))


def parse_hit(info: Any) -> DblpHit:
    if not isinstance(info, dict):
        raise MalformedResponse("dblp hit without an 'info' object")
    raw_authors = info.get("authors")
    authors_obj: dict[str, Any] = raw_authors if isinstance(raw_authors, dict) else {}
    authors = []
    for author in _as_list(authors_obj.get("author")):
        name = author.get("text") if isinstance(author, dict) else author
        if isinstance(name, str) and name.strip():
            authors.append(_HOMONYM.sub("", name.strip()))
    year = str(info.get("year", ""))
    return DblpHit(
        key=str(info.get("key", "")),
        title=" ".join(str(info.get("title", "")).split()),
        authors=authors,
        venue=_venue_text(info.get("venue")),
        year=int(year) if year.isdigit() else None,
        type=str(info.get("type", "")),
        doi=str(info["doi"]) if info.get("doi") else None,
        ee=[str(e) for e in _as_list(info.get("ee"))],
        url=str(info["url"]) if info.get("url") else None,
    )


def parse_search(text: str) -> list[DblpHit]:
    """Hits of a search answer, best first. No hits is an empty list."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"dblp answer is not JSON ({exc})") from exc
    try:
        result = data["result"]
        hits = result.get("hits", {})
    except (KeyError, TypeError, AttributeError) as exc:
        raise MalformedResponse("dblp answer has no 'result' object") from exc
    if not isinstance(hits, dict):
        raise MalformedResponse("dblp 'hits' is not an object")
    return [parse_hit(h.get("info") if isinstance(h, dict) else None)
            for h in _as_list(hits.get("hit"))]


class DblpSource:
    """Keys are titles; each is one request (dblp has no batch search)."""

    name = "dblp"
    batch_size = 1

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.base_url = client.config.base_url

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        result = BatchResult()
        for key in keys:
            try:
                reply = await self.client.request(
                    "GET", self.base_url,
                    params={"q": query_text(key), "format": "json", "h": str(HITS)},
                )
                result.found[key] = parse_search(reply.text)
            except FetchError as exc:
                result.errors[key] = f"dblp: {exc.reason}"
            except MalformedResponse as exc:
                result.errors[key] = f"dblp: {exc}"
        return result

    def to_cache(self, item: list[DblpHit]) -> Any:
        return [asdict(hit) for hit in item]

    def from_cache(self, value: Any) -> list[DblpHit]:
        return [DblpHit(**hit) for hit in value]
