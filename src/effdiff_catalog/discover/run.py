"""`effdiff discover` as one library call: gather the candidates, keep the papers the
catalog lacks and nobody rejected, rank them by fit, suggest their sections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from effdiff_catalog.checker import exitcodes
from effdiff_catalog.checker.config import DEFAULT_CACHE_DIR, CheckerConfig
from effdiff_catalog.identity import DuplicateIndex
from effdiff_catalog.records.catalog import Catalog

from .candidates import Candidate
from .gather import Gathered, gather
from .model import Ranked, Settings, fit
from .plan import Plan
from .rejected import RejectedIndex, load_rejections
from .screen import Screened, screen
from .sections import suggest

HELP = (
    "Exit status: 0 no new candidate, and every source answered; 1 candidates found; 2 "
    "usage error; 3 a source failed (the candidates the other sources gave are still "
    "reported). With --accept or --reject: 0 all done, 1 some could not be, 2 usage error, "
    "3 some could not be looked for because a source failed."
)


@dataclass
class DiscoverRun:
    plan: Plan
    gathered: Gathered
    screened: Screened
    ranked: list[Ranked]  # the new candidates, best first
    today: dt.date
    offline: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        """`exitcodes`: could not look (3) is never taken for nothing new (0)."""
        if self.gathered.failed:
            return exitcodes.INCOMPLETE
        return exitcodes.FOUND if self.ranked else exitcodes.NOTHING


def cache_folder(catalog: Catalog, config: CheckerConfig) -> Path:
    return config.cache_dir or catalog.root / DEFAULT_CACHE_DIR


def discover(catalog: Catalog, plan: Plan, config: CheckerConfig, *,
             settings: Settings | None = None, today: dt.date | None = None) -> DiscoverRun:
    """Gather what the plan names, screen it against the catalog and the rejections
    (discovery/rejected.yaml), and rank what is left."""
    gathered = gather(plan, catalog.venues, config, cache_dir=cache_folder(catalog, config))
    screened = screen(gathered.candidates, DuplicateIndex.of(catalog.records),
                      RejectedIndex(load_rejections(catalog.root)))
    ranked, notes = rank_new(catalog, screened, settings)
    return DiscoverRun(plan, gathered, screened, ranked, today or dt.date.today(),
                       config.offline, notes)


def rank_new(catalog: Catalog, screened: Screened,
             settings: Settings | None) -> tuple[list[Ranked], list[str]]:
    """The model fitted on the catalog against everything found; too few candidates to fit
    it are listed in the order found, with sections from the catalog alone."""
    if not screened.new:
        return [], []
    try:
        model = fit(catalog.papers(), catalog.taxonomy, screened.pool, settings)
    except ValueError as exc:
        note = f"not ranked ({exc}): listed in the order found"
        return unranked(catalog, screened.new), [note]
    return model.rank(screened.new), []


def unranked(catalog: Catalog, candidates: Sequence[Candidate]) -> list[Ranked]:
    sections = suggest(catalog.papers(), catalog.taxonomy, [c.text() for c in candidates])
    return [Ranked(c, rank=n, score=0.0, sections=tuple(s), terms=(), neighbours=())
            for n, (c, s) in enumerate(zip(candidates, sections, strict=True), start=1)]
