"""Selecting records by taxonomy node, venue, year, tag or id.

`effdiff bib`, `effdiff csl` and the website's download files share this one filter so that
the same options mean the same subset everywhere. Values within one filter are alternatives
(OR); different filters must all hold (AND). Records come back in catalog order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.diagnostics import Diagnostic, did_you_mean
from effdiff_catalog.records.models import Framework, Paper
from effdiff_catalog.records.taxonomy import Taxonomy

Record = Paper | Framework


class QueryError(ValueError):
    """A filter names something the catalog does not know (with a suggestion if close)."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        super().__init__(f"{message}{hint}")
        self.suggestion = suggestion


@dataclass(frozen=True)
class Query:
    """The filters of one selection; None means 'no restriction'. Values within one filter
    are alternatives (OR); different filters must all hold (AND)."""

    categories: tuple[str, ...] | None = None
    venues: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    since: int | None = None
    tags: tuple[str, ...] | None = None
    ids: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        category: str | Iterable[str] | None = None,
        venues: str | Iterable[str] | None = None,
        years: int | Iterable[int] | None = None,
        since: int | None = None,
        tags: str | Iterable[str] | None = None,
        ids: str | Iterable[str] | None = None,
    ) -> Query:
        """A query from loose arguments: one value or several, empty meaning 'any'."""
        year_list = (years,) if isinstance(years, int) else tuple(years or ())
        return cls(_as_tuple(category), _as_tuple(venues), year_list or None, since,
                   _as_tuple(tags), _as_tuple(ids))


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    items = tuple(value)
    return items or None


@dataclass(frozen=True)
class _Filter:
    """A query checked against the catalog: venue names resolved to keys, tags folded."""

    query: Query
    venue_keys: frozenset[str] | None
    tags: frozenset[str] | None
    ids: frozenset[str] | None

    def matches(self, record: Record, taxonomy: Taxonomy) -> bool:
        q = self.query
        if self.ids is not None and record.id not in self.ids:
            return False
        if q.categories and not any(taxonomy.is_under(path, wanted) for path in record.categories
                                    for wanted in q.categories):
            return False
        if self.tags is not None and not self.tags.intersection(t.lower() for t in record.tags):
            return False
        if self.venue_keys is None and q.years is None and q.since is None:
            return True
        if not isinstance(record, Paper):
            return False  # frameworks have no venue or year
        return ((self.venue_keys is None or record.venue in self.venue_keys)
                and (q.years is None or record.year in q.years)
                and (q.since is None or record.year >= q.since))


def _check(query: Query, catalog: Catalog) -> _Filter:
    """The query against the catalog's names: a typo must not silently give an empty file."""
    for path in query.categories or ():
        if path not in catalog.taxonomy:
            raise QueryError(f"unknown category {path!r}",
                             did_you_mean(path, catalog.taxonomy.by_path))
    keys: list[str] = []
    for name in query.venues or ():
        venue = catalog.venues[name] if name in catalog.venues else catalog.venues.lookup(name)
        if venue is None:
            choices = [v.short for v in catalog.venues] + list(catalog.venues.venues)
            raise QueryError(f"unknown venue {name!r}", did_you_mean(name, choices))
        keys.append(venue.key)
    known = catalog.by_id() if query.ids else {}
    for wanted in query.ids or ():
        if wanted not in known:
            raise QueryError(f"unknown record id {wanted!r}", did_you_mean(wanted, known))
    tags = frozenset(t.lower() for t in query.tags) if query.tags else None
    venue_keys = frozenset(keys) if query.venues is not None else None
    return _Filter(query, venue_keys, tags, frozenset(query.ids) if query.ids else None)


def run_query(catalog: Catalog, query: Query) -> list[Record]:
    """The records matching `query`, in catalog order (QueryError for unknown names)."""
    check = _check(query, catalog)
    return [r for r in catalog.records if check.matches(r, catalog.taxonomy)]


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

    Unknown categories, venues or ids raise `QueryError` with a did-you-mean suggestion.
    """
    return run_query(catalog, Query.of(category, venues, years, since, tags, ids))


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


def listed_under(catalog: Catalog) -> dict[str, list[str]]:
    """The taxonomy paths each citable paper is listed under: its own categories, then those
    of the frameworks that cite it (`paper_id`), each once. The website's sections, counts
    and Explore filters use it, so that they hold what `section_sets` puts in the files."""
    by_id = catalog.by_id()
    listed: dict[str, list[str]] = {p.id: list(dict.fromkeys(p.categories))
                                    for p in catalog.papers()}
    for framework in catalog.frameworks():
        paper = by_id.get(framework.paper_id) if framework.paper_id else None
        if isinstance(paper, Paper):
            paths = listed[paper.id]
            paths.extend(c for c in framework.categories if c not in paths)
    return listed


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


def section_sets(catalog: Catalog) -> list[CitableSet]:
    """'all', then one set per top-level section: the files of `--split-sections` and the
    website's downloads, which must agree."""
    sets = [CitableSet("all", citable(catalog.records, catalog))]
    for section in catalog.taxonomy.sections:
        chosen = select(catalog, category=section.path)
        sets.append(CitableSet(section.slug, citable(chosen, catalog)))
    return sets


def plan_export(
    catalog: Catalog, query: Query | None = None, *, split_sections: bool = False,
    notes: Iterable[str] = (),
) -> ExportPlan:
    """Pick the papers to export: the query's selection, or with `split_sections` every
    section set (`section_sets`, filters ignored).

    Keys come from the whole catalog (`citekeys.assign_keys`), so a paper without a
    stored key gets the same computed key in a subset as in the full file. Raises
    `QueryError` for unknown filter values.
    """
    from effdiff_catalog.records.citekeys import assign_keys

    keys, _ = assign_keys(catalog.papers())
    if split_sections:
        everything: list[Record] = list(catalog.records)
        sets = section_sets(catalog)
    else:
        everything = run_query(catalog, query or Query())
        sets = [CitableSet("selection", citable(everything, catalog))]
    notes = list(notes) + [
        f"framework {framework.id!r} has no paper record (paper_id), so nothing to cite"
        for framework in uncitable_frameworks(everything, catalog)
    ]
    return ExportPlan(catalog, keys, sets, notes)


def load_notes(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """What an export says about record files that failed to load and are left out."""
    failed = sorted({d.path for d in diagnostics if d.severity == "error"})
    if not failed:
        return []
    return [f"{len(failed)} record file(s) failed to load and are left out "
            f"({', '.join(failed[:3])}{', ...' if len(failed) > 3 else ''}); "
            "run 'effdiff validate' for details"]
