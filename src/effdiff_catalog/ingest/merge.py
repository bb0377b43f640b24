"""Fitting incoming records into an existing catalog without losing anything.

An import (`effdiff import`) hands over records built from outside input. For each, this
module decides, with `identity.DuplicateIndex`, whether the catalog already holds that
paper:

- it does: the record is left alone and reported, or with `update` edited in place (only
  the fields the source speaks for, keeping the file's comments and layout, and the venue
  and year of a `venue_check` pin);
- it only seems to (same title, but another arXiv id or DOI): a conflict, reported, never
  written;
- it does not: a new file. When the incoming id is taken by another paper, the record gets
  the next free id (`deepcache-2024-2`) and the collision is reported.

A write never touches another paper's record. Every write is atomic, and an update is
checked against the schema before it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from effdiff_catalog.identity import DuplicateIndex, make_record_id
from effdiff_catalog.records.catalog import PAPERS_DIR, Catalog, record_files
from effdiff_catalog.records.models import RECORD_ADAPTER, Framework, Paper
from effdiff_catalog.records.writer import atomic_write, edit_record_text, write_new_record
from effdiff_catalog.records.yamlio import parse_record_bytes

Action = Literal["added", "renamed", "updated", "unchanged", "exists", "conflict", "invalid"]
Record = Paper | Framework

# What an awesome list speaks for: its fields replace the record's; `links` merge by kind.
LIST_FIELDS = ("title", "venue", "year", "month", "categories", "links", "framework")
# What it may only fill in where the record has nothing (from the list's BibTeX).
LIST_FILL_FIELDS = ("authors", "arxiv", "doi", "paper_id")
_PINNED = ("venue", "year", "month")


@dataclass
class Merged:
    """What happens to one incoming record."""

    record: Record
    action: Action
    path: Path
    message: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Existing:
    record: Record
    path: Path


def _indexes(catalog: Catalog) -> dict[str, DuplicateIndex]:
    """One index per record kind: a framework is never the same as a paper."""
    return {
        "paper": DuplicateIndex.of(catalog.papers()),
        "framework": DuplicateIndex.of(catalog.frameworks()),
    }


def changes_for(
    current: Record, incoming: Record, *, replace: Sequence[str], fill: Sequence[str] = ()
) -> dict[str, Any]:
    """The top-level changes that bring `current` up to `incoming` for the given fields.

    `replace` fields take the incoming value when it is set and differs; `links` merge
    kind by kind; `fill` fields are set only where the record has no value. A pinned
    record (`venue_check`) keeps its venue, year and month.
    """
    pinned = isinstance(current, Paper) and current.venue_check is not None
    changes: dict[str, Any] = {}
    for name in (*replace, *fill):
        if not hasattr(incoming, name) or not hasattr(current, name):
            continue
        if pinned and name in _PINNED:
            continue
        new, old = getattr(incoming, name), getattr(current, name)
        if new in (None, "", []) or new == old:
            continue
        if name in fill and old not in (None, "", []):
            continue
        if name == "links":
            merged = {k: v for k, v in new.model_dump().items() if v and v != getattr(old, k)}
            if merged:
                changes["links"] = merged
            continue
        changes[name] = new.model_dump(mode="json") if hasattr(new, "model_dump") else new
    return changes


def plan_merge(
    catalog: Catalog,
    incoming: Iterable[Record],
    *,
    update: bool = False,
    replace: Sequence[str] = LIST_FIELDS,
    fill: Sequence[str] = LIST_FILL_FIELDS,
) -> list[Merged]:
    """Decide, for every incoming record, what to do with the catalog (nothing is written)."""
    root = Path(catalog.root)
    papers_dir = root / PAPERS_DIR
    existing = {e.record.id: _Existing(e.record, root / e.path) for e in catalog.entries}
    taken = set(existing) | {p.stem for p in record_files(papers_dir)}
    indexes = _indexes(catalog)
    planned: list[Merged] = []
    for record in incoming:
        match = indexes[record.kind].find(record)
        if match is None:
            planned.append(_new(record, papers_dir, taken, existing))
        elif not match.certain:
            other = existing[match.record_id]
            planned.append(Merged(record, "conflict", other.path,
                                  f"looks like {match.record_id!r} ({match.describe()}); "
                                  "neither added nor updated: check which paper this is"))
        else:
            planned.append(_matched(record, existing[match.record_id], match.how,
                                    update=update, replace=replace, fill=fill))
    return planned


def _new(
    record: Record, papers_dir: Path, taken: set[str], existing: Mapping[str, _Existing]
) -> Merged:
    """A record the catalog does not hold: its own id, or the next free one."""
    if record.id not in taken:
        taken.add(record.id)
        return Merged(record, "added", papers_dir / f"{record.id}.yaml", "new record")
    year = record.year if isinstance(record, Paper) else None
    new_id = make_record_id(record.title, year, taken)
    taken.add(new_id)
    holder = existing.get(record.id)
    whose = f"another paper ({holder.record.title!r})" if holder else "a file that does not load"
    renamed = record.model_copy(update={"id": new_id})
    return Merged(renamed, "renamed", papers_dir / f"{new_id}.yaml",
                  f"id {record.id!r} is taken by {whose}; this paper gets {new_id!r}")


def _matched(
    record: Record, current: _Existing, how: str, *, update: bool, replace: Sequence[str],
    fill: Sequence[str],
) -> Merged:
    """A record the catalog holds: reported, or updated in place."""
    kept = current.record
    if not update:
        return Merged(kept, "exists", current.path,
                      f"already in the catalog as {kept.id!r} ({how}); use --update to update it")
    changes = changes_for(kept, record, replace=replace, fill=fill)
    if not changes:
        return Merged(kept, "unchanged", current.path, f"{kept.id!r} is up to date ({how})")
    pinned = isinstance(kept, Paper) and kept.venue_check is not None
    note = " (venue and year pinned by venue_check)" if pinned else ""
    return Merged(kept, "updated", current.path,
                  f"{kept.id!r} ({how}): changed {', '.join(sorted(changes))}{note}", changes)


def write_merge(planned: Sequence[Merged], *, dry_run: bool = False) -> None:
    """Carry out a plan: new files (never over an existing one) and in-place updates that
    are valid records. An update that would not validate becomes `invalid`, unwritten."""
    for item in planned:
        if item.action in ("added", "renamed"):
            if not dry_run:
                item.path.parent.mkdir(parents=True, exist_ok=True)
                write_new_record(item.path.parent, item.record)
        elif item.action == "updated":
            _write_update(item, dry_run=dry_run)


def _write_update(item: Merged, *, dry_run: bool) -> None:
    text = item.path.read_text(encoding="utf-8")
    new_text = edit_record_text(text, item.changes)
    loaded = parse_record_bytes(new_text.encode("utf-8"), str(item.path))
    try:
        RECORD_ADAPTER.validate_python(loaded.data)
    except ValidationError as exc:
        item.action = "invalid"
        item.message = f"update would make the record invalid: {exc.errors()[0]['msg']}"
        return
    if not dry_run:
        atomic_write(item.path, new_text)
