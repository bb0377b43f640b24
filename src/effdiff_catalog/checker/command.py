"""`check-venues` as one library call: select, check, apply what is accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from effdiff_catalog.checker.apply import ApplyOutcome, apply_results
from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.evidence import Status
from effdiff_catalog.checker.report import exit_status
from effdiff_catalog.checker.run import CheckRun, Progress, check_catalog
from effdiff_catalog.records.catalog import Catalog


@dataclass
class VenueCheck:
    run: CheckRun
    applied: list[ApplyOutcome] | None  # None: nothing was to be written

    @property
    def exit_status(self) -> int:
        return exit_status(self.run.results, self.applied)


def check_venues(
    catalog: Catalog,
    config: CheckerConfig,
    *,
    ids: Sequence[str] | None = None,
    since: dt.date | None = None,
    apply: bool = False,
    accept_review: bool = False,
    progress: Progress | None = None,
) -> VenueCheck:
    """Check the preprints; with `apply`, write the updates (and, with `accept_review`,
    the review candidates too). Unknown ids raise KeyError."""
    run = check_catalog(catalog, config, ids=ids, since=since, progress=progress)
    if not apply:
        return VenueCheck(run, None)
    accept: tuple[Status, ...] = ("update", "review") if accept_review else ("update",)
    return VenueCheck(run, apply_results(catalog.root, run.results, catalog.venues,
                                         accept=accept))
