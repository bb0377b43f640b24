"""Running a venue check: pick the records, ask the sources concurrently, decide.

arXiv and Semantic Scholar are asked in batches by arXiv id, all batches queued at once so
that each source works at its own rate limit in parallel with the others. A record whose
id lookups show no published version falls back to a dblp title search as soon as its
Semantic Scholar batch is in. Answers are cached per item; `offline` uses the cache alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from effdiff_catalog.checker.cache import ResponseCache
from effdiff_catalog.checker.config import DEFAULT_CACHE_DIR, CheckerConfig
from effdiff_catalog.checker.http import PoliteClient, SourceStats
from effdiff_catalog.checker.match import CheckResult, Looked, decide, from_semanticscholar
from effdiff_catalog.checker.sources import BatchResult, Source
from effdiff_catalog.checker.sources.arxiv import ArxivSource
from effdiff_catalog.checker.sources.dblp import DblpSource
from effdiff_catalog.checker.sources.semanticscholar import SemanticScholarSource
from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry

Progress = Callable[[int, int], None]


@dataclass
class CheckRun:
    """Results in catalog order, plus what it cost."""

    results: list[CheckResult]
    stats: dict[str, SourceStats] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0
    offline: bool = False

    def requests(self) -> dict[str, int]:
        return {name: s.requests for name, s in self.stats.items()}


class Lookup:
    """One source behind the cache: batches what the cache does not have."""

    def __init__(self, source: Source | None, name: str, cache: ResponseCache | None,
                 batch_size: int) -> None:
        self.source = source
        self.name = name
        self.cache = cache
        self.batch_size = max(1, batch_size)
        self._futures: dict[str, asyncio.Future[Looked]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def _cached(self, key: str) -> Looked | None:
        if self.cache is None:
            return None
        found, value = self.cache.get(self.name, key)
        if not found:
            return None
        try:
            return Looked(_decoders[self.name](value), answered=True)
        except (TypeError, ValueError, KeyError):
            return None

    def submit(self, keys: Iterable[str]) -> None:
        """Queue keys; cached ones resolve at once, the rest go out in batches."""
        loop = asyncio.get_running_loop()
        pending: list[str] = []
        for key in keys:
            if key in self._futures:
                continue
            future: asyncio.Future[Looked] = loop.create_future()
            self._futures[key] = future
            cached = self._cached(key)
            if cached is not None:
                future.set_result(cached)
            elif self.source is None:
                future.set_result(Looked(error=f"{self.name}: offline, and not in the cache"))
            else:
                pending.append(key)
        for start in range(0, len(pending), self.batch_size):
            chunk = pending[start:start + self.batch_size]
            self._tasks.append(asyncio.create_task(self._fetch(chunk)))

    async def _fetch(self, keys: Sequence[str]) -> None:
        assert self.source is not None
        try:
            result = await self.source.lookup_batch(keys)
        except Exception as exc:  # a bug or an unexpected failure: unknown, not a crash
            result = BatchResult.failed(keys, f"{self.name}: {type(exc).__name__}: {exc}")
        for key in keys:
            future = self._futures[key]
            if key in result.found:
                value = result.found[key]
                if self.cache is not None:
                    self.cache.put(self.name, key, self.source.to_cache(value))
                future.set_result(Looked(value, answered=True))
            else:
                reason = result.errors.get(key, f"{self.name}: no answer for {key}")
                future.set_result(Looked(error=reason))

    async def get(self, key: str) -> Looked:
        if key not in self._futures:
            self.submit([key])
        return await self._futures[key]


def _decode_arxiv(value: Any) -> Any:
    from effdiff_catalog.checker.sources.arxiv import ArxivEntry

    return None if value is None else ArxivEntry(**value)


def _decode_s2(value: Any) -> Any:
    from effdiff_catalog.checker.sources.semanticscholar import S2Paper

    return None if value is None else S2Paper(**value)


def _decode_dblp(value: Any) -> Any:
    from effdiff_catalog.checker.sources.dblp import DblpHit

    return [DblpHit(**hit) for hit in value]


_decoders: dict[str, Callable[[Any], Any]] = {
    "arxiv": _decode_arxiv, "semanticscholar": _decode_s2, "dblp": _decode_dblp,
}


def select_papers(
    catalog: Catalog, *, ids: Sequence[str] | None = None, since: dt.date | None = None
) -> list[tuple[Paper, str]]:
    """Preprint records (venue of kind 'preprint'), optionally only some ids or recent ones.

    Returns (paper, path relative to the catalog root). Unknown ids raise KeyError.
    """
    wanted = set(ids or [])
    known = {entry.record.id for entry in catalog.entries}
    missing = sorted(wanted - known)
    if missing:
        raise KeyError(", ".join(missing))
    chosen: list[tuple[Paper, str]] = []
    for entry in catalog.entries:
        record = entry.record
        if not isinstance(record, Paper):
            continue
        if wanted and record.id not in wanted:
            continue
        if since is not None and record.added < since:
            continue
        venue = catalog.venues.venues.get(record.venue)
        if venue is None or not venue.is_preprint:
            continue
        chosen.append((record, entry.path))
    return chosen


def check_papers(
    papers: Sequence[tuple[Paper, str]],
    registry: VenueRegistry,
    config: CheckerConfig,
    *,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> CheckRun:
    """Check the given preprint records; never raises for network trouble."""
    return asyncio.run(_check(papers, registry, config, cache_dir, progress))


def check_catalog(
    catalog: Catalog,
    config: CheckerConfig,
    *,
    ids: Sequence[str] | None = None,
    since: dt.date | None = None,
    progress: Progress | None = None,
) -> CheckRun:
    papers = select_papers(catalog, ids=ids, since=since)
    cache_dir = config.cache_dir or (catalog.root / DEFAULT_CACHE_DIR)
    return check_papers(papers, catalog.venues, config, cache_dir=cache_dir, progress=progress)


async def _check(
    papers: Sequence[tuple[Paper, str]],
    registry: VenueRegistry,
    config: CheckerConfig,
    cache_dir: Path | None,
    progress: Progress | None,
) -> CheckRun:
    cache = ResponseCache(cache_dir, config.cache_ttl) if cache_dir else None
    clients: dict[str, PoliteClient] = {}
    if not config.offline:
        ua = config.user_agent()
        for source_config in config.sources():
            clients[source_config.name] = PoliteClient(
                source_config, ua, extra_headers=config.extra_headers
            )
    try:
        arxiv = Lookup(ArxivSource(clients["arxiv"]) if clients else None, "arxiv", cache,
                       config.arxiv.batch_size)
        s2 = Lookup(SemanticScholarSource(clients["semanticscholar"]) if clients else None,
                    "semanticscholar", cache, min(500, config.semanticscholar.batch_size))
        dblp = Lookup(DblpSource(clients["dblp"]) if clients else None, "dblp", cache, 1)
        to_check = [(p, path) for p, path in papers
                    if not (p.venue_check is not None and p.venue_check.ignore)]
        with_ids = [p.arxiv for p, _ in to_check if p.arxiv]
        s2.submit(with_ids)
        arxiv.submit(with_ids)
        done = 0
        total = len(papers)

        async def one(paper: Paper, path: str) -> CheckResult:
            nonlocal done
            if paper.venue_check is not None and paper.venue_check.ignore:
                result = decide(paper, registry, min_confidence=config.min_confidence)
            else:
                result = await _check_one(paper, registry, config, arxiv, s2, dblp)
            result.path = path
            done += 1
            if progress is not None:
                progress(done, total)
            return result

        results = await asyncio.gather(*(one(p, path) for p, path in papers))
        await asyncio.gather(*arxiv._tasks, *s2._tasks, *dblp._tasks)
    finally:
        for client in clients.values():
            await client.aclose()
    return CheckRun(
        list(results),
        stats={name: c.stats for name, c in clients.items()},
        cache_hits=cache.hits if cache else 0,
        cache_misses=cache.misses if cache else 0,
        offline=config.offline,
    )


async def _check_one(
    paper: Paper, registry: VenueRegistry, config: CheckerConfig,
    arxiv: Lookup, s2: Lookup, dblp: Lookup,
) -> CheckResult:
    """Id lookups first; the dblp title search only when they show no publication."""
    a_looked: Looked | None = None
    s_looked: Looked | None = None
    if paper.arxiv:
        s_looked = await s2.get(paper.arxiv)
    needs_title = True
    if s_looked is not None and s_looked.answered and s_looked.value is not None:
        notes: list[str] = []
        published = from_semanticscholar(paper, s_looked.value, registry, paper.year, notes)
        needs_title = published is None
    d_looked: Looked | None = None
    if needs_title:
        d_looked = await dblp.get(paper.title)
    if paper.arxiv:
        a_looked = await arxiv.get(paper.arxiv)
    return decide(paper, registry, arxiv=a_looked, semanticscholar=s_looked, dblp=d_looked,
                  min_confidence=config.min_confidence)
