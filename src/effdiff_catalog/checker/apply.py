"""Writing accepted venue updates into record files.

Only venue, year, DOI and the proceedings link change; the arXiv id, the citation key
and everything else stay, and so do the file's comments and layout (`rewrite_record`).
A record that changed since it was checked, is no longer a preprint, or is pinned, is
left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from effdiff_catalog.checker.evidence import CheckResult, Status
from effdiff_catalog.checker.rewrite import rewrite_record
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry

VENUE_KEYS = {"venue", "year", "doi", "links"}


@dataclass
class ApplyOutcome:
    record_id: str
    path: str
    applied: bool
    message: str


def changes_for(result: CheckResult, current: Paper) -> dict[str, Any]:
    """The keys an accepted result changes; nothing else is touched."""
    changes: dict[str, Any] = {"venue": result.venue, "year": result.year}
    if result.doi and not current.doi:
        changes["doi"] = result.doi
    if result.proceedings_url and not current.links.proceedings:
        changes["links"] = {"proceedings": result.proceedings_url}
    return changes


def apply_results(
    root: Path, results: Sequence[CheckResult], registry: VenueRegistry,
    *, accept: Collection[Status] = frozenset({"update"}),
) -> list[ApplyOutcome]:
    """Apply every result whose status is accepted ('update'; 'review' too on request)
    and that names a venue; report what happened to each."""
    return [apply_one(Path(root) / r.path, r, registry) for r in results
            if r.status in accept and r.status in ("update", "review") and r.venue and r.path]


def apply_one(path: Path, result: CheckResult, registry: VenueRegistry) -> ApplyOutcome:
    def refuse(current: Paper) -> str | None:
        if current.arxiv != result.arxiv:
            return "the record's arXiv id changed since the check"
        venue = registry.venues.get(current.venue)
        if venue is None or not venue.is_preprint:
            return f"the venue is already {current.venue!r}"
        if current.venue_check is not None and current.venue_check.ignore:
            return "the record is pinned (venue_check)"
        return None

    why_not = rewrite_record(path, result.record_id, result.file_sha256,
                             lambda current: changes_for(result, current), VENUE_KEYS, refuse)
    if why_not is not None:
        prefix = "" if why_not == "nothing to change" else "not applied: "
        return ApplyOutcome(result.record_id, str(path), False, prefix + why_not)
    return ApplyOutcome(result.record_id, str(path), True,
                        f"venue -> {result.venue}, year -> {result.year}")
