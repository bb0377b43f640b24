"""arXiv API (export.arxiv.org/api/query): batched `id_list` lookups of the Atom feed.

Both serializations are read: the legacy one (`xmlns:arxiv` on each element) and the
2025/26 one (namespaces on `<feed>`). Unknown ids are dropped from the feed silently, so an
id missing from a complete feed means "arXiv has no such id". An error entry (the feed's
way to report a bad request, with HTTP 400 today and 200 in the past) fails the batch.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.sources import BatchResult, MalformedResponse
from effdiff_catalog.identity import parse_arxiv

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"



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


class ArxivSource:
    name = "arxiv"

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.base_url = client.config.base_url
        self.batch_size = max(1, client.config.batch_size)

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        try:
            reply = await self.client.request(
                "GET", self.base_url, params=request_params(keys),
                ok_statuses=frozenset({200, 400}),
            )
            feed = parse_feed(reply.text)
        except FetchError as exc:
            return BatchResult.failed(keys, f"arxiv: {exc.reason}")
        except MalformedResponse as exc:
            return BatchResult.failed(keys, f"arxiv: {exc}")
        if reply.status != 200:
            return BatchResult.failed(keys, f"arxiv: HTTP {reply.status}")
        return results_for(keys, feed)

    def to_cache(self, item: ArxivEntry | None) -> Any:
        return None if item is None else asdict(item)

    def from_cache(self, value: Any) -> ArxivEntry | None:
        return None if value is None else ArxivEntry(**value)
