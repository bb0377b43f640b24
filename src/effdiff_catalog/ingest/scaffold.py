"""`effdiff new`: a new paper record that is valid before it is written.

A contributor gives the facts (from flags or prompts); this module picks the id and the
file name, fills the arXiv link, builds the pydantic `Paper` (so the structure is valid by
construction), then runs the validator's rules on the would-be file against the whole
catalog. Any error, a duplicate of an existing paper included, refuses the write.
The library never prompts or prints: the CLI does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from effdiff_catalog.identity import arxiv_url, make_record_id, normalise_arxiv, parse_doi
from effdiff_catalog.records.catalog import (
    PAPERS_DIR,
    Catalog,
    LoadedRecord,
    load_catalog,
    record_files,
)
from effdiff_catalog.records.diagnostics import Diagnostic, did_you_mean
from effdiff_catalog.records.models import Links, Paper
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.records.writer import dump_record, write_new_record
from effdiff_catalog.records.yamlio import RecordLoadError, parse_record_bytes

LINK_KINDS: tuple[str, ...] = tuple(Links.model_fields)


class ScaffoldError(ValueError):
    """The record was not written; `problems` says why, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass
class NewPaper:
    """What a contributor tells about a paper. Empty strings count as not given."""

    title: str
    venue: str
    year: int
    categories: list[str]
    authors: list[str] = field(default_factory=list)
    month: int | None = None
    arxiv: str | None = None
    doi: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    added: dt.date | None = None


@dataclass
class Scaffolded:
    """A record ready to write (or written): its path, text and the validator's warnings."""

    record: Paper
    path: Path
    text: str
    warnings: list[Diagnostic]


def split_list(values: Iterable[str]) -> list[str]:
    """Repeated flags and ';'-separated values alike: ['A; B', 'C'] -> ['A', 'B', 'C']."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(";"))
    return [part for part in out if part]


def clean_arxiv(value: str | None) -> str | None:
    """'arXiv:2312.00858v2' or any arXiv URL -> '2312.00858' (`identity.parse_arxiv`).
    Text that is no arXiv id comes back as given, for the model to refuse with a reason."""
    if not value or not value.strip():
        return None
    return normalise_arxiv(value) or value.strip()


def clean_doi(value: str | None) -> str | None:
    """'https://doi.org/10.1/x' -> '10.1/x'; text that is no DOI comes back as given."""
    if not value or not value.strip():
        return None
    return parse_doi(value) or value.strip()


def category_choices(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(path, indented title) of every section a paper may be filed under, in survey order.

    Frameworks have their own record kind, so that section is left out.
    """
    return [
        (node.path, "  " * node.depth + node.title)
        for node in taxonomy.walk()
        if not taxonomy.holds_frameworks(node.path)
    ]


def venue_choices(venues: VenueRegistry) -> list[tuple[str, str]]:
    """(key, full name) of every venue, sorted by key."""
    return sorted((venue.key, venue.name) for venue in venues)


def resolve_venue(name: str, venues: VenueRegistry) -> str:
    """The registry key a contributor meant: a key, short name or alias ('NIPS' -> neurips)."""
    name = name.strip()
    if name in venues:
        return name
    venue = venues.lookup(name)
    if venue is not None:
        return venue.key
    hint = did_you_mean(name, [v.key for v in venues])
    more = f" (did you mean {hint!r}?)" if hint else " (see venues.yaml for the list)"
    raise ScaffoldError([f"unknown venue {name!r}{more}"])


def resolve_categories(values: Sequence[str], taxonomy: Taxonomy) -> list[str]:
    """Taxonomy paths from paths, or from a section's unique last slug ('caching-technique')."""
    leaves: dict[str, list[str]] = {}
    for node in taxonomy.walk():
        leaves.setdefault(node.slug, []).append(node.path)
    out: list[str] = []
    problems: list[str] = []
    for value in values:
        value = value.strip().strip("/")
        if value in taxonomy:
            path = value
        elif len(leaves.get(value, [])) == 1:
            path = leaves[value][0]
        else:
            hint = did_you_mean(value, taxonomy.by_path) or did_you_mean(value, leaves)
            more = f" (did you mean {hint!r}?)" if hint else ""
            problems.append(f"unknown category {value!r}{more}")
            continue
        if path not in out:
            out.append(path)
    if problems:
        raise ScaffoldError(problems)
    if not out:
        raise ScaffoldError(["give at least one category (a taxonomy path)"])
    return out


def build_paper(new: NewPaper, catalog: Catalog, taken_ids: Iterable[str] = ()) -> Paper:
    """The `Paper` for these facts, with a fresh id; ScaffoldError lists what is wrong."""
    venue = resolve_venue(new.venue, catalog.venues)
    categories = resolve_categories(new.categories, catalog.taxonomy)
    arxiv = clean_arxiv(new.arxiv)
    links = {kind: url.strip() for kind, url in new.links.items() if url and url.strip()}
    unknown = sorted(set(links) - set(LINK_KINDS))
    if unknown:
        raise ScaffoldError([f"unknown link kind {kind!r}" for kind in unknown])
    if arxiv and "paper" not in links:
        links["paper"] = arxiv_url(arxiv)
    taken = set(taken_ids) | {record.id for record in catalog.records}
    title = " ".join(new.title.split())
    try:
        return Paper(
            id=make_record_id(title, new.year, taken),
            title=title,
            authors=split_list(new.authors),
            venue=venue,
            year=new.year,
            month=new.month,
            arxiv=arxiv,
            doi=clean_doi(new.doi),
            links=Links(**links),
            categories=categories,
            tags=split_list(new.tags),
            note=new.note or None,
            added=new.added or dt.date.today(),
        )
    except ValidationError as exc:
        raise ScaffoldError([_pydantic_problem(err) for err in exc.errors()]) from None


def _pydantic_problem(err: object) -> str:
    details = err if isinstance(err, dict) else {}
    where = ".".join(str(part) for part in details.get("loc", ())) or "record"
    return f"{where}: {details.get('msg', 'invalid value')}"


def check_new_record(paper: Paper, catalog: Catalog) -> tuple[str, list[Diagnostic]]:
    """The file text, and what the validator says of it next to the whole catalog."""
    from effdiff_catalog.records.validate import run_rules

    display = f"{PAPERS_DIR}/{paper.id}.yaml"
    text = dump_record(paper)
    try:
        file = parse_record_bytes(text.encode("utf-8"), display)
    except RecordLoadError as exc:  # dump_record writes valid YAML; this guards a regression
        raise ScaffoldError([exc.diagnostic.text()]) from None
    trial = Catalog(catalog.root, catalog.taxonomy, catalog.venues,
                    [*catalog.entries, LoadedRecord(paper, file)], catalog.project)
    found = [d for d in run_rules(trial) if d.path == display]
    return text, sorted(set(found))


def scaffold_paper(root: Path, new: NewPaper, *, write: bool = True) -> Scaffolded:
    """Build, check and (unless `write` is false) write a new record under root/papers.

    Refuses, with ScaffoldError, when the validator finds any error: a duplicate of an
    existing paper (same arXiv id, DOI, paper URL or normalised title), a venue that did
    not meet that year, and so on. Warnings are returned for the caller to show.
    """
    root = Path(root)
    catalog, _ = load_catalog(root)
    papers_dir = root / PAPERS_DIR
    # Files that failed to load still own their names.
    taken = {p.name.rsplit(".", 1)[0] for p in record_files(papers_dir)}
    paper = build_paper(new, catalog, taken)
    paper.citation_key = new_citation_key(paper, catalog)
    text, found = check_new_record(paper, catalog)
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise ScaffoldError([_without_path(d) for d in errors])
    path = papers_dir / f"{paper.id}.yaml"
    if write:
        papers_dir.mkdir(parents=True, exist_ok=True)
        path = write_new_record(papers_dir, paper)
    return Scaffolded(paper, path, text, [d for d in found if d.severity != "error"])


def new_citation_key(paper: Paper, catalog: Catalog) -> str:
    """A BibTeX key that takes neither a stored key nor one computed for another record."""
    from effdiff_catalog.records.citekeys import assign_keys, make_key, taken_keys

    existing, _ = assign_keys(catalog.papers())
    return make_key(paper, taken_keys(existing.values()))


def _without_path(diagnostic: Diagnostic) -> str:
    hint = f" (did you mean {diagnostic.suggestion!r}?)" if diagnostic.suggestion else ""
    return f"[{diagnostic.rule}] {diagnostic.message}{hint}"
