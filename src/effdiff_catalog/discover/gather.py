"""Reading the candidates a plan names, through the checker's sources and cache.

One session for the run: dblp volumes (whole tables of contents, `checker.volumes`), the
arXiv search pages and Semantic Scholar's citation pages are read in parallel, each
source at its own rate limit (`checker.http.PoliteClient`), every page cached as one
item, so a warm rerun asks nobody. A source that fails is reported with its reason, and
the run goes on with what the others gave; a walk that fails midway keeps the pages it
read.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.http import SourceStats
from effdiff_catalog.checker.lookup import Lookup
from effdiff_catalog.checker.session import Session, run_sync
from effdiff_catalog.checker.sources import EndpointSpec, MalformedResponse, arxiv, dblp
from effdiff_catalog.checker.sources import semanticscholar as s2
from effdiff_catalog.checker.volumes import read_volumes
from effdiff_catalog.records.venues import VenueRegistry

from .candidates import Candidate
from .found import from_arxiv_entry, from_dblp_hit, from_s2_paper
from .plan import ArxivWindow, Citations, Plan

SURVEY_CITERS = "cites the survey"


@dataclass
class SourceReport:
    """What one source gave: candidates found, and why anything is missing."""

    source: str  # the API: dblp, arxiv, semanticscholar
    read: str  # what was asked, for people
    found: int = 0
    errors: list[str] = field(default_factory=list)  # it could not answer: the run is incomplete
    notes: list[str] = field(default_factory=list)  # it answered, with something to say


@dataclass
class Gathered:
    candidates: list[Candidate]  # every source's, in plan order, not yet merged
    sources: list[SourceReport]
    stats: dict[str, SourceStats] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0

    def requests(self) -> dict[str, int]:
        return {name: s.requests for name, s in self.stats.items()}

    @property
    def failed(self) -> bool:
        return any(s.errors for s in self.sources)


def gather(plan: Plan, registry: VenueRegistry, config: CheckerConfig, *,
           cache_dir: Path | None = None) -> Gathered:
    """Every candidate the plan's sources hold, and what each source said."""
    return run_sync(_gather(plan, registry, config, cache_dir))


async def _gather(plan: Plan, registry: VenueRegistry, config: CheckerConfig,
                  cache_dir: Path | None) -> Gathered:
    async with Session(config, cache_dir, _endpoints(plan)) as session:
        parts: list[Awaitable[tuple[list[Candidate], SourceReport]]] = []
        if plan.volumes:
            parts.append(_volumes(session, plan.volumes, registry))
        if plan.arxiv:
            parts.append(_arxiv(session.lookups["arxiv-search"], plan.arxiv, config))
        if plan.citations:
            parts.append(_citations(session.lookups["semanticscholar-citations"],
                                    plan.citations, config))
        done = await asyncio.gather(*parts)
    return Gathered([c for found, _ in done for c in found], [report for _, report in done],
                    session.stats(), session.cache_hits, session.cache_misses)


def _endpoints(plan: Plan) -> dict[str, EndpointSpec]:
    """Only the sources the plan reads get a client."""
    wanted = [(plan.volumes, dblp.VOLUMES), (plan.arxiv, arxiv.SEARCH),
              (plan.citations, s2.CITATIONS)]
    return {spec.name: spec for used, spec in wanted if used}


async def _volumes(session: Session, wanted: Sequence[tuple[str, int]],
                   registry: VenueRegistry) -> tuple[list[Candidate], SourceReport]:
    volumes = await read_volumes(session, [(registry[v], y) for v, y in wanted], registry)
    report = SourceReport("dblp", "proceedings volumes " + ", ".join(
        f"{v.venue.short} {v.year}" for v in volumes))
    found: list[Candidate] = []
    for volume in volumes:
        label = f"dblp {volume.venue.short} {volume.year}"
        if volume.toc is None:
            report.notes.append(f"{label}: dblp has no single volume for it (journal or "
                                "split proceedings): not read")
        elif volume.error:
            report.errors.append(volume.error)
        else:
            papers = [c for c in (from_dblp_hit(h, label) for h in volume.hits or []) if c]
            report.notes.append(f"{label}: {len(papers)} papers" if papers
                                else f"{label}: no records at dblp yet")
            found += papers
    report.found = len(found)
    return found, report


@dataclass
class Walked:
    """A paged listing as read: its items, and whether it ended early."""

    items: list[Any] = field(default_factory=list)
    error: str | None = None  # a page could not be read: what came before is kept
    missing: bool = False  # the source has no such listing (Semantic Scholar: no such paper)
    cut: bool = False  # the cap was reached with more to read
    total: int | None = None  # what the listing says it holds, where it says so

# A page's items, the offset of the next page (None: the last) and the listing's total.
Reader = Callable[[Any, int], tuple[list[Any], int | None, int | None]]


async def walk(lookup: Lookup, page_key: Callable[[int, int], str], page_size: int,
               cap: int, read: Reader) -> Walked:
    """Pages in order until the last one or `cap` items; one cached lookup a page."""
    walked = Walked()
    offset = 0
    while offset < cap:
        looked = await lookup.get(page_key(offset, min(page_size, cap - offset)))
        if looked.error or looked.value is None:
            walked.error, walked.missing = looked.error, looked.error is None
            return walked
        try:
            items, after, walked.total = read(looked.value, offset)
        except MalformedResponse as exc:
            walked.error = f"{lookup.spec.source}: {exc}"
            return walked
        walked.items += items
        if after is None:
            return walked
        offset = after
    walked.cut = True
    return walked


def read_feed(feed: arxiv.ArxivFeed, offset: int) -> tuple[list[Any], int | None, int | None]:
    """An arXiv search page: the next starts after its entries, until `totalResults`. An
    empty page before the end (arXiv sends one now and then) is an error, not the end."""
    total = feed.total_results
    if total is None:
        raise MalformedResponse("search page without totalResults")
    end = offset + len(feed.entries)
    if not feed.entries and offset < total:
        raise MalformedResponse(f"search page at {offset} of {total} came back empty")
    return feed.entries, end if end < total else None, total


def read_citations(page: s2.CitationPage, offset: int) -> tuple[list[Any], int | None, None]:
    after = page.next if page.next is not None and page.next > offset else None
    return page.papers, after, None


async def _arxiv(lookup: Lookup, window: ArxivWindow,
                 config: CheckerConfig) -> tuple[list[Candidate], SourceReport]:
    query = window.query()
    walked = await walk(lookup, lambda start, size: arxiv.search_page_key(query, start, size),
                        config.arxiv_search_page, config.arxiv_search_max, read_feed)
    report = SourceReport("arxiv", window.label(), found=len(walked.items))
    if walked.error:
        report.errors.append(f"{walked.error} (after {len(walked.items)} submissions)")
    if walked.cut:
        report.notes.append(f"arXiv: {walked.total} submissions in the window; read the first "
                            f"{len(walked.items)} (EFFDIFF_ARXIV_SEARCH_MAX)")
    return [from_arxiv_entry(e) for e in walked.items], report


async def _citations(lookup: Lookup, citations: Citations,
                     config: CheckerConfig) -> tuple[list[Candidate], SourceReport]:
    targets = ([citations.survey] if citations.survey else []) + [
        t for t in citations.catalog if t != citations.survey]
    walks = await asyncio.gather(*(_citers(lookup, t, config) for t in targets))
    by_target = dict(zip(targets, walks, strict=True))
    report = SourceReport("semanticscholar", _citations_label(citations))
    for target, walked in by_target.items():
        _note_walk(report, target, walked)
    unknown = [t for t, w in by_target.items() if w.missing]
    if unknown:
        report.notes.append(f"Semantic Scholar has no paper for {len(unknown)} of the "
                            f"{len(targets)} arXiv ids: {', '.join(unknown[:5])}"
                            + (", ..." if len(unknown) > 5 else ""))
    found = _citing_candidates(citations, by_target)
    report.found = len(found)
    return found, report


async def _citers(lookup: Lookup, target: str, config: CheckerConfig) -> Walked:
    return await walk(lookup, lambda o, n: s2.citations_page_key(f"ARXIV:{target}", o, n),
                      s2.CITATIONS_PAGE_MAX, config.citations_max, read_citations)


def _citations_label(citations: Citations) -> str:
    parts = [f"papers citing the survey (arXiv {citations.survey})"] if citations.survey else []
    if citations.min_shared:
        parts.append(f"papers citing at least {citations.min_shared} of "
                     f"{len(citations.catalog)} catalog papers")
    return "Semantic Scholar: " + " and ".join(parts)


def _note_walk(report: SourceReport, target: str, walked: Walked) -> None:
    if walked.error:
        report.errors.append(f"{walked.error} (citations of arXiv {target})")
    if walked.cut:
        report.notes.append(f"arXiv {target}: read the first {len(walked.items)} citing papers "
                            "(EFFDIFF_S2_CITATIONS_MAX)")


def _citing_candidates(citations: Citations, by_target: dict[str, Walked]) -> list[Candidate]:
    """The survey's citers, then the papers citing enough catalog papers, each once."""
    out: dict[str, Candidate] = {}
    if citations.survey:
        for paper in by_target[citations.survey].items:
            out.setdefault(paper.paper_id or paper.title, from_s2_paper(paper, SURVEY_CITERS))
    if citations.min_shared:
        cited: Counter[str] = Counter()
        papers: dict[str, s2.S2Paper] = {}
        for target in citations.catalog:
            for paper in {p.paper_id or p.title: p for p in by_target[target].items}.values():
                cited[paper.paper_id or paper.title] += 1
                papers.setdefault(paper.paper_id or paper.title, paper)
        for key, count in cited.items():
            if count >= citations.min_shared and key not in out:
                out[key] = from_s2_paper(papers[key], f"cites {count} catalog papers")
    return list(out.values())
