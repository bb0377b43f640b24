"""Running a venue check: pick the records, ask every source, decide.

Every preprint is looked up in every batched source, each at its own rate limit, in
parallel: by arXiv id (arXiv, Semantic Scholar, OpenAlex), then Crossref for each DOI
those name, then dblp for the candidate proceedings volumes (`volumes.py`). What is still
not settled (not an agreed update) falls back to title searches (dblp, OpenAlex), and
Crossref again for a DOI they bring. Answers are cached per item; `offline` uses the
cache alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from effdiff_catalog.checker.config import DEFAULT_CACHE_DIR, CheckerConfig
from effdiff_catalog.checker.decide import build_context, decide
from effdiff_catalog.checker.evidence import CheckResult, Looked
from effdiff_catalog.checker.http import SourceStats
from effdiff_catalog.checker.lookup import Barrier
from effdiff_catalog.checker.rewrite import text_sha256
from effdiff_catalog.checker.session import Session, run_sync
from effdiff_catalog.checker.sources.registry import of_kind
from effdiff_catalog.checker.volumes import VolumeIndex, candidate_volumes
from effdiff_catalog.identity import is_arxiv_doi
from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Target:
    """A record to check: the paper, its path (relative to the catalog root) and a hash of
    its file as loaded, so that a later write can refuse a file changed since."""

    paper: Paper
    path: str = ""
    sha256: str | None = None


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


def select_papers(
    catalog: Catalog, *, ids: Sequence[str] | None = None, since: dt.date | None = None
) -> list[Target]:
    """Preprint records (venue of kind 'preprint'), optionally only some ids or recent ones.
    Unknown ids raise KeyError."""
    wanted = set(ids or [])
    missing = sorted(wanted - {entry.record.id for entry in catalog.entries})
    if missing:
        raise KeyError(", ".join(missing))
    chosen: list[Target] = []
    for entry in catalog.entries:
        record = entry.record
        if not isinstance(record, Paper) or (wanted and record.id not in wanted):
            continue
        if since is not None and record.added < since:
            continue
        venue = catalog.venues.venues.get(record.venue)
        if venue is not None and venue.is_preprint:
            chosen.append(Target(record, entry.path, text_sha256(entry.file.text)))
    return chosen


def check_papers(
    targets: Sequence[Target],
    registry: VenueRegistry,
    config: CheckerConfig,
    *,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> CheckRun:
    """Check the given preprint records; never raises for network trouble."""
    return run_sync(_check(targets, registry, config, cache_dir, progress))


def check_catalog(
    catalog: Catalog,
    config: CheckerConfig,
    *,
    ids: Sequence[str] | None = None,
    since: dt.date | None = None,
    progress: Progress | None = None,
) -> CheckRun:
    targets = select_papers(catalog, ids=ids, since=since)
    cache_dir = config.cache_dir or (catalog.root / DEFAULT_CACHE_DIR)
    return check_papers(targets, catalog.venues, config, cache_dir=cache_dir, progress=progress)


def _pinned(paper: Paper) -> bool:
    return paper.venue_check is not None and paper.venue_check.ignore


async def _check(targets: Sequence[Target], registry: VenueRegistry, config: CheckerConfig,
                 cache_dir: Path | None, progress: Progress | None) -> CheckRun:
    async with Session(config, cache_dir) as session:
        checker = _Checker(session, registry, config, [t for t in targets
                                                       if not _pinned(t.paper)])
        done = 0

        async def one(target: Target) -> CheckResult:
            nonlocal done
            result = (decide(target.paper, registry, {}) if _pinned(target.paper)
                      else await checker.check(target.paper))
            result.path, result.file_sha256 = target.path, target.sha256
            done += 1
            if progress is not None:
                progress(done, len(targets))
            return result

        results = await asyncio.gather(*(one(t) for t in targets))
    return CheckRun(list(results), stats=session.stats(), cache_hits=session.cache_hits,
                    cache_misses=session.cache_misses, offline=config.offline)


def _gathered(looks: Sequence[Looked]) -> Looked | None:
    """Answers for several keys as one: the items found, or the error when none was."""
    if not looks:
        return None
    found = [looked.value for looked in looks if looked.answered and looked.value is not None]
    errors = [looked.error for looked in looks if looked.error]
    if errors and not found:
        return Looked(error=errors[0])
    return Looked(found, answered=True)


class _Checker:
    """The phases of one paper's check; papers run concurrently and share the lookups."""

    def __init__(self, session: Session, registry: VenueRegistry, config: CheckerConfig,
                 targets: Sequence[Target]) -> None:
        self.lookups = session.lookups
        self.registry = registry
        self.config = config
        self._indexes: dict[str, VolumeIndex] = {}
        doi_lookups = [self.lookups[spec.name] for spec in of_kind("doi")]
        # DOIs are batched across papers: a batch leaves once every paper has named its own.
        def flush_dois() -> None:
            for lookup in doi_lookups:
                lookup.flush()

        self._doi_rounds = [Barrier(len(targets), flush_dois) for _ in range(2)]
        ids = [t.paper.arxiv for t in targets if t.paper.arxiv]
        for spec in of_kind("arxiv"):
            self.lookups[spec.name].submit(ids)
            self.lookups[spec.name].flush()

    def _decide(self, paper: Paper, answers: dict[str, Looked]) -> CheckResult:
        return decide(paper, self.registry, answers, min_confidence=self.config.min_confidence)

    async def check(self, paper: Paper) -> CheckResult:
        answers: dict[str, Looked] = {}
        rounds = list(self._doi_rounds)  # each paper arrives at each round once, whatever happens
        try:
            if paper.arxiv:
                for spec in of_kind("arxiv"):
                    answers[spec.name] = await self.lookups[spec.name].get(paper.arxiv)
            await self._ask_dois(paper, answers, rounds)
            volumes = await self._volumes(paper, answers)
            if volumes is not None:
                answers["dblp-volume"] = volumes
            if self._decide(paper, answers).status != "update":
                titles = of_kind("title")
                found = await asyncio.gather(*(self.lookups[spec.name].get(paper.title)
                                               for spec in titles))
                answers.update({spec.name: looked for spec, looked in zip(titles, found,
                                                                          strict=True)})
            await self._ask_dois(paper, answers, rounds)
        finally:
            for remaining in rounds:
                remaining.arrive()
        return self._decide(paper, answers)

    async def _ask_dois(self, paper: Paper, answers: dict[str, Looked],
                        rounds: list[Barrier]) -> None:
        """Ask the DOI endpoints about every DOI the answers so far (or the record) name."""
        named = [e.doi for e in self._decide(paper, answers).evidence]
        dois = list(dict.fromkeys(d for d in (paper.doi, *named) if d and not is_arxiv_doi(d)))
        for spec in of_kind("doi"):
            self.lookups[spec.name].submit(dois)
        rounds.pop(0).arrive()
        for spec in of_kind("doi"):
            gathered = _gathered([await self.lookups[spec.name].get(d) for d in dois])
            if gathered is not None:
                answers[spec.name] = gathered

    async def _volumes(self, paper: Paper, answers: dict[str, Looked]) -> Looked | None:
        """The records of the candidate volumes that may be this paper (None: dblp has no
        volume to read for it)."""
        context = build_context(paper, self.registry, answers)
        evidence = self._decide(paper, answers).evidence
        lookup = self.lookups["dblp-volume"]
        volumes = candidate_volumes(context, evidence, self.config.main_venues)
        hits, errors = [], []
        for volume in volumes:
            looked = await lookup.get(volume.toc)
            if looked.error:
                errors.append(looked.error)
                continue
            index = self._indexes.get(volume.toc)
            if index is None:
                index = self._indexes[volume.toc] = VolumeIndex(looked.value)
            hits += index.candidates(context.all_titles)
        if not volumes:
            return None
        return Looked(error=errors[0]) if errors and not hits else Looked(hits, answered=True)
