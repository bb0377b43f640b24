"""Selecting records by taxonomy node, venue, year, tag or id.

`effdiff bib`, `effdiff csl` and the website's download files share this one filter so that
the same options mean the same subset everywhere. Values within one filter are alternatives
(OR); different filters must all hold (AND). Records come back in catalog order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.diagnostics import did_you_mean
from effdiff_catalog.records.models import Framework, Paper

Record = Paper | Framework


class QueryError(ValueError):
    """A filter names something the catalog does not know (with a suggestion if close)."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        super().__init__(f"{message}{hint}")
        self.suggestion = suggestion


@dataclass(frozen=True)
class Query:
    """The filters of one selection; None means 'no restriction'."""

    categories: tuple[str, ...] | None = None
    venues: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    since: int | None = None
    tags: tuple[str, ...] | None = None
    ids: tuple[str, ...] | None = None


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    items = tuple(value)
    return items or None


def select(
    catalog: Catalog,
    category: str | Iterable[str] | None = None,
    venues: str | Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    since: int | None = None,
    tags: str | Iterable[str] | None = None,
    ids: str | Iterable[str] | None = None,
) -> list[Record]:
    """The records matching every given filter, in catalog order.

    - `category`: taxonomy paths; a record matches if any of its categories is the node
      or lies under it (`algorithm` selects all of algorithm/...).
    - `venues`: venue keys, short names or aliases ('NIPS' means neurips); resolved
      through the registry. Frameworks have no venue and never match.
    - `years` / `since`: the record's year (exact / at least). Frameworks never match.
    - `tags`: case-insensitive; `ids`: record ids.

    Unknown categories, venues or ids raise `QueryError` with a did-you-mean suggestion,
    since a typo must not silently produce an empty file.
    """
    categories = _as_tuple(category)
    if categories:
        for path in categories:
            if path not in catalog.taxonomy:
                raise QueryError(
                    f"unknown category {path!r}", did_you_mean(path, catalog.taxonomy.by_path)
                )
    venue_keys: set[str] | None = None
    venue_names = _as_tuple(venues)
    if venue_names:
        venue_keys = set()
        for name in venue_names:
            venue = (
                catalog.venues[name] if name in catalog.venues else catalog.venues.lookup(name)
            )
            if venue is None:
                raise QueryError(
                    f"unknown venue {name!r}",
                    did_you_mean(name, [v.short for v in catalog.venues] + list(
                        catalog.venues.venues)),
                )
            venue_keys.add(venue.key)
    year_set: set[int] | None = None
    if years is not None:
        year_set = {years} if isinstance(years, int) else set(years)
        if not year_set:
            year_set = None
    tag_set = {t.lower() for t in _as_tuple(tags) or ()} or None
    id_set: set[str] | None = None
    id_list = _as_tuple(ids)
    if id_list:
        known = catalog.by_id()
        for wanted in id_list:
            if wanted not in known:
                raise QueryError(f"unknown record id {wanted!r}", did_you_mean(wanted, known))
        id_set = set(id_list)

    taxonomy = catalog.taxonomy
    out: list[Record] = []
    for record in catalog.records:
        if id_set is not None and record.id not in id_set:
            continue
        if categories and not any(
            taxonomy.is_under(path, wanted) for path in record.categories for wanted in categories
        ):
            continue
        if tag_set is not None and not tag_set.intersection(t.lower() for t in record.tags):
            continue
        if venue_keys is not None or year_set is not None or since is not None:
            if not isinstance(record, Paper):
                continue
            if venue_keys is not None and record.venue not in venue_keys:
                continue
            if year_set is not None and record.year not in year_set:
                continue
            if since is not None and record.year < since:
                continue
        out.append(record)
    return out


def citable(records: Iterable[Record], catalog: Catalog) -> list[Paper]:
    """The papers to cite for a selection: papers as they are, frameworks through the paper
    record that describes them (`paper_id`). Frameworks without one have no citable
    paper (no authors, no year) and are left out. Duplicates are dropped, order kept.
    """
    by_id = catalog.by_id()
    seen: set[str] = set()
    out: list[Paper] = []
    for record in records:
        paper: Record | None = record
        if isinstance(record, Framework):
            paper = by_id.get(record.paper_id) if record.paper_id else None
        if isinstance(paper, Paper) and paper.id not in seen:
            seen.add(paper.id)
            out.append(paper)
    return out


def uncitable_frameworks(records: Iterable[Record], catalog: Catalog) -> list[Framework]:
    """Frameworks of a selection that `citable` leaves out, for a warning."""
    by_id = catalog.by_id()
    return [
        r for r in records
        if isinstance(r, Framework)
        and not (r.paper_id and isinstance(by_id.get(r.paper_id), Paper))
    ]


@dataclass
class CitableSet:
    """Papers to write into one file: 'selection', 'all', or a top-level section's slug."""

    name: str
    papers: list[Paper]


@dataclass
class ExportPlan:
    """What `effdiff bib` / `effdiff csl` write, with keys fixed over the whole catalog."""

    catalog: Catalog
    keys: dict[str, str]
    sets: list[CitableSet]
    notes: list[str]


def plan_export(
    root: Path,
    *,
    split_sections: bool = False,
    category: str | Iterable[str] | None = None,
    venues: str | Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    since: int | None = None,
    tags: str | Iterable[str] | None = None,
    ids: str | Iterable[str] | None = None,
) -> ExportPlan:
    """Load the catalog and pick the papers to export.

    Keys come from the whole catalog (`citekeys.assign_keys`), so a paper without a
    stored key gets the same computed key in a subset as in the full file. With
    `split_sections`, the sets are 'all' and one per top-level section, filters ignored.
    Raises `QueryError` for unknown filter values.
    """
    from effdiff_catalog.records.catalog import load_catalog
    from effdiff_catalog.records.citekeys import assign_keys

    catalog, diagnostics = load_catalog(root)
    notes: list[str] = []
    failed = sorted({d.path for d in diagnostics if d.severity == "error"})
    if failed:
        notes.append(
            f"{len(failed)} record file(s) failed to load and are left out "
            f"({', '.join(failed[:3])}{', ...' if len(failed) > 3 else ''}); "
            "run 'effdiff validate' for details"
        )
    keys, _ = assign_keys(catalog.papers())
    sets: list[CitableSet] = []
    if split_sections:
        everything = select(catalog)
        sets.append(CitableSet("all", citable(everything, catalog)))
        for section in catalog.taxonomy.sections:
            chosen = select(catalog, category=section.path)
            sets.append(CitableSet(section.slug, citable(chosen, catalog)))
    else:
        everything = select(
            catalog, category=category, venues=venues, years=years, since=since,
            tags=tags, ids=ids,
        )
        sets.append(CitableSet("selection", citable(everything, catalog)))
    for framework in uncitable_frameworks(everything, catalog):
        notes.append(
            f"framework {framework.id!r} has no paper record (paper_id), so nothing to cite"
        )
    return ExportPlan(catalog, keys, sets, notes)
