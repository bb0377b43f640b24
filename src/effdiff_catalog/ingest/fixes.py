"""Reviewed fixes to imported records: each one a curator's decision with its reason.

A fixes file (`tests/fixtures/upstream/fixes.yaml` for the survey) lists changes to the
records an import builds, each naming the source that was trusted. `effdiff import --fixes`
applies them, so that importing the survey's list again gives the committed catalog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from effdiff_catalog.identity import make_record_id
from effdiff_catalog.ingest.awesome_list import BuildResult
from effdiff_catalog.records.venues import VenueRegistry


@dataclass(frozen=True)
class Fix:
    """One reviewed change to an imported record, with the reason a curator accepted it.

    `entry` names the record by the list index (from 0) of one of its listings; `record`
    names it by id (for frameworks). `changes` holds new values of record keys: `links` is
    merged key by key, a null value removes a key, and `venue` may be a label or alias.
    A fix that changes the title or year also renews the id, unless it sets one.
    """

    changes: Mapping[str, object]
    reason: str
    entry: int | None = None
    record: str | None = None


def load_fixes(path: Path) -> list[Fix]:
    """Read a fixes file: `fixes:` a list of {entry|record, set, reason}."""
    from effdiff_catalog.records.yamlio import load_data_file

    raw = load_data_file(Path(path))
    items = raw.get("fixes") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a mapping with a 'fixes' list")
    fixes = []
    for number, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("set"), dict):
            raise ValueError(f"{path}: fix #{number} needs a 'set' mapping")
        if not str(item.get("reason") or "").strip():
            raise ValueError(f"{path}: fix #{number} has no 'reason'")
        if ("entry" in item) == ("record" in item):
            raise ValueError(f"{path}: fix #{number} needs exactly one of 'entry' and 'record'")
        fixes.append(Fix(changes=item["set"], reason=str(item["reason"]),
                         entry=item.get("entry"), record=item.get("record")))
    return fixes


def apply_fixes(built: BuildResult, fixes: Sequence[Fix], venues: VenueRegistry) -> None:
    """Apply reviewed fixes to built records, in place. A fix that names no record, or
    that makes a record invalid, is an error: the fixes file is out of date."""
    from effdiff_catalog.records.models import RECORD_ADAPTER

    for fix in fixes:
        position = _position(built, fix)
        old = built.records[position]
        data = _changed(old.model_dump(mode="python"), fix.changes, venues)
        if "id" not in fix.changes and (data["title"], data.get("year")) != (
            old.title, getattr(old, "year", None)
        ):
            # Ids are made once, at import: a fixed title or year gets its own id now.
            others = {r.id for r in built.records if r.id != old.id}
            data["id"] = make_record_id(data["title"], data.get("year"), others)
        try:
            new = RECORD_ADAPTER.validate_python(data)
        except ValidationError as exc:
            raise ValueError(f"fix for {old.id}: {exc.errors()[0]['msg']}") from exc
        built.records[position] = new
        if new.id != old.id:
            built.sources[new.id] = built.sources.pop(old.id)


def _position(built: BuildResult, fix: Fix) -> int:
    """Where in the built records the fix's record is (by id, or by a listing's index)."""
    target = fix.record if fix.record is not None else next(
        (rid for rid, indexes in built.sources.items() if fix.entry in indexes), "")
    position = next((i for i, r in enumerate(built.records) if r.id == target), None)
    if position is None:
        raise ValueError(f"fix for {fix.record or f'entry {fix.entry}'}: no such record")
    return position


def _changed(data: dict[str, Any], changes: Mapping[str, object], venues: VenueRegistry
             ) -> dict[str, Any]:
    """A record's data with a fix's changes: links merge by kind, a venue may be a label."""
    for key, value in changes.items():
        if key == "links" and isinstance(value, Mapping):
            data["links"] = {**(data.get("links") or {}), **value}
        elif key == "venue" and isinstance(value, str):
            venue = venues.lookup(value)
            data["venue"] = venue.key if venue else value
        else:
            data[key] = value
    return data
