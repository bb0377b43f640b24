"""Adding papers from their arXiv ids: `effdiff add 2312.00858 --category ...`.

Title, authors, date and abstract come from arXiv; the venue from the same evidence rules
as the venue checker (Semantic Scholar and the arXiv journal_ref), else the record stays
an `arxiv` preprint. A paper already in the catalog (same arXiv id, DOI or normalised
title) is refused, and so is a repeat within the batch.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from effdiff_catalog.checker.cache import ResponseCache
from effdiff_catalog.checker.config import DEFAULT_CACHE_DIR, CheckerConfig
from effdiff_catalog.checker.http import PoliteClient
from effdiff_catalog.checker.match import Looked, decide
from effdiff_catalog.checker.run import Lookup
from effdiff_catalog.checker.sources.arxiv import ArxivEntry, ArxivSource
from effdiff_catalog.checker.sources.semanticscholar import S2Paper, SemanticScholarSource
from effdiff_catalog.identity import DuplicateIndex, arxiv_url, make_record_id, normalise_arxiv
from effdiff_catalog.records.catalog import PAPERS_DIR, Catalog
from effdiff_catalog.records.models import Links, Paper
from effdiff_catalog.records.writer import write_new_record


def parse_arxiv_ref(text: str) -> str:
    """'https://arxiv.org/abs/2312.00858v2', 'arXiv:2312.00858' -> '2312.00858'."""
    arxiv = normalise_arxiv(text)
    if arxiv is None:
        raise ValueError(f"not an arXiv id or arxiv.org URL: {text!r}")
    return arxiv


@dataclass(frozen=True)
class _ArxivOnly:
    """A paper known only by its arXiv id, before its metadata is fetched."""

    arxiv: str
    title: str = ""


@dataclass
class AddOutcome:
    ref: str
    arxiv_id: str | None = None
    record: Paper | None = None
    path: Path | None = None
    error: str | None = None
    venue_reason: str | None = None


def build_record(
    catalog: Catalog,
    entry: ArxivEntry,
    s2: Looked,
    categories: Sequence[str],
    *,
    today: dt.date,
    taken: set[str],
    min_confidence: float,
) -> tuple[Paper, str]:
    """A new record from arXiv metadata; the venue when the evidence is strong enough."""
    year = entry.year or today.year
    draft = Paper(
        id="draft", title=entry.title, authors=entry.authors, venue="arxiv", year=year,
        month=entry.month, arxiv=entry.arxiv_id, abstract=entry.summary or None,
        links=Links(paper=arxiv_url(entry.arxiv_id)),
        categories=list(categories), added=today,
    )
    verdict = decide(draft, catalog.venues, arxiv=Looked(entry, answered=True),
                     semanticscholar=s2, min_confidence=min_confidence)
    changes: dict[str, object] = {}
    if verdict.status == "update" and verdict.venue and verdict.year:
        changes = {"venue": verdict.venue, "year": verdict.year}
        if verdict.doi:
            changes["doi"] = verdict.doi
        if verdict.proceedings_url:
            changes["links"] = Links(paper=draft.links.paper, proceedings=verdict.proceedings_url)
        reason = f"venue {verdict.venue_name} {verdict.year} ({verdict.source})"
    else:
        reason = "kept as an arXiv preprint: " + (verdict.reasons[0] if verdict.reasons else "")
    final_year = verdict.year if changes and verdict.year else year
    record_id = make_record_id(entry.title, final_year, taken)
    data = {**draft.model_dump(), **changes, "id": record_id}
    return Paper.model_validate(data), reason


def find_duplicate(index: DuplicateIndex, paper: Paper) -> str | None:
    """Id of a record (or of a paper added earlier in the batch) that `paper` is, by
    `identity`; a suspected duplicate counts too, since `add` must never guess."""
    match = index.find(paper)
    return match.record_id if match else None


def add_papers(
    catalog: Catalog,
    refs: Sequence[str],
    categories: Sequence[str],
    config: CheckerConfig,
    *,
    today: dt.date | None = None,
    write: bool = True,
) -> list[AddOutcome]:
    """Create one record per reference; each outcome has its path or its error."""
    today = today or dt.date.today()
    unknown = [c for c in categories if c not in catalog.taxonomy]
    if not categories or unknown:
        raise ValueError(f"unknown categories: {', '.join(unknown)}" if unknown
                         else "give at least one --category")
    outcomes: list[AddOutcome] = []
    for ref in refs:
        try:
            outcomes.append(AddOutcome(ref, arxiv_id=parse_arxiv_ref(ref)))
        except ValueError as exc:
            outcomes.append(AddOutcome(ref, error=str(exc)))
    index = DuplicateIndex.of(catalog.papers())
    seen: set[str] = set()
    for outcome in outcomes:
        if outcome.arxiv_id is None:
            continue
        known = index.find(_ArxivOnly(outcome.arxiv_id))
        if known is not None:
            outcome.error = f"already in the catalog as {known.record_id}"
        elif outcome.arxiv_id in seen:
            outcome.error = "given twice"
        seen.add(outcome.arxiv_id)
    wanted = [o.arxiv_id for o in outcomes if o.arxiv_id and not o.error]
    cache_dir = config.cache_dir or (catalog.root / DEFAULT_CACHE_DIR)
    fetched = asyncio.run(_fetch(wanted, config, cache_dir)) if wanted else {}
    taken = {r.id for r in catalog.records}
    papers_dir = catalog.root / PAPERS_DIR
    taken |= {p.stem for p in papers_dir.glob("*.yaml")} if papers_dir.is_dir() else set()
    for outcome in outcomes:
        if outcome.error or outcome.arxiv_id is None:
            continue
        a_looked, s_looked = fetched[outcome.arxiv_id]
        if a_looked.error:
            outcome.error = a_looked.error
            continue
        if a_looked.value is None:
            outcome.error = f"arXiv has no paper {outcome.arxiv_id}"
            continue
        try:
            record, outcome.venue_reason = build_record(
                catalog, a_looked.value, s_looked, categories, today=today, taken=taken,
                min_confidence=config.min_confidence,
            )
        except ValidationError as exc:
            outcome.error = f"the arXiv metadata does not make a valid record: {exc}"
            continue
        duplicate = find_duplicate(index, record)
        if duplicate:
            outcome.error = f"already in the catalog as {duplicate}"
            continue
        taken.add(record.id)
        index.add(record.id, record)
        outcome.record = record
        if write:
            outcome.path = write_new_record(papers_dir, record)
    return outcomes


async def _fetch(
    ids: Sequence[str], config: CheckerConfig, cache_dir: Path
) -> dict[str, tuple[Looked, Looked]]:
    cache = ResponseCache(cache_dir, config.cache_ttl)
    clients: dict[str, PoliteClient] = {}
    if not config.offline:
        for source_config in (config.arxiv, config.semanticscholar):
            clients[source_config.name] = PoliteClient(
                source_config, config.user_agent(), extra_headers=config.extra_headers)
    try:
        arxiv = Lookup(ArxivSource(clients["arxiv"]) if clients else None, "arxiv", cache,
                       config.arxiv.batch_size)
        s2 = Lookup(SemanticScholarSource(clients["semanticscholar"]) if clients else None,
                    "semanticscholar", cache, min(500, config.semanticscholar.batch_size))
        arxiv.submit(ids)
        s2.submit(ids)
        out: dict[str, tuple[Looked, Looked]] = {}
        for arxiv_id in ids:
            out[arxiv_id] = (await arxiv.get(arxiv_id), await s2.get(arxiv_id))
        await asyncio.gather(*arxiv._tasks, *s2._tasks)
    finally:
        for client in clients.values():
            await client.aclose()
    return out


__all__ = ["AddOutcome", "ArxivEntry", "S2Paper", "add_papers", "parse_arxiv_ref"]
