"""Writing accepted venue updates into record files.

Only venue, year, DOI and the proceedings link change; the arXiv id, the citation key
and everything else stay, and so do the file's comments and layout (ruamel round trip).
Each file is written atomically, so a killed run leaves every record old or new. A file
that changed since it was checked, or whose edit would not validate, is left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from effdiff_catalog.checker.evidence import CheckResult, Status
from effdiff_catalog.checker.run import text_sha256
from effdiff_catalog.records.models import RECORD_ADAPTER, Paper
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.records.writer import atomic_write, edit_record_text
from effdiff_catalog.records.yamlio import RecordLoadError, parse_record_bytes, read_record_file

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
    def outcome(applied: bool, message: str) -> ApplyOutcome:
        return ApplyOutcome(result.record_id, str(path), applied, message)

    try:
        loaded = read_record_file(path, str(path))
        current = RECORD_ADAPTER.validate_python(loaded.data)
    except (OSError, RecordLoadError, ValidationError) as exc:
        return outcome(False, f"not applied: the file no longer loads ({exc})")
    if result.file_sha256 and text_sha256(loaded.text) != result.file_sha256:
        return outcome(False, "not applied: the file changed since it was checked")
    if not isinstance(current, Paper) or current.id != result.record_id:
        return outcome(False, "not applied: the file holds another record now")
    if current.arxiv != result.arxiv:
        return outcome(False, "not applied: the record's arXiv id changed since the check")
    venue = registry.venues.get(current.venue)
    if venue is None or not venue.is_preprint:
        return outcome(False, f"not applied: the venue is already {current.venue!r}")
    if current.venue_check is not None and current.venue_check.ignore:
        return outcome(False, "not applied: the record is pinned (venue_check)")
    text = loaded.text
    new_text = edit_record_text(text, changes_for(result, current))
    if new_text == text:
        return outcome(False, "nothing to change")
    try:
        reparsed = parse_record_bytes(new_text.encode("utf-8"), str(path))
        updated = RECORD_ADAPTER.validate_python(reparsed.data)
    except (RecordLoadError, ValidationError) as exc:
        return outcome(False, f"not applied: the edit would not validate ({exc})")
    if updated.model_dump(exclude=VENUE_KEYS) != current.model_dump(exclude=VENUE_KEYS):
        return outcome(False, "not applied: the edit would change other keys")
    atomic_write(path, new_text)
    return outcome(True, f"venue {current.venue} -> {result.venue}, year {current.year} -> "
                         f"{result.year}")
