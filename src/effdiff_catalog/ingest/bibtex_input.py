"""Turning a contributor's BibTeX entries into catalog records (`effdiff import-bib`).

Entries are read by `bibtex_reader.read_bib`, the one BibTeX pipeline.

- Venues are mapped through the registry's one matcher (`VenueRegistry.match`: full names,
  short names, aliases, the parts of a booktitle, acronyms); a workshop maps only to a
  workshop entry. arXiv/CoRR journals and entries with only an arXiv eprint become
  `venue: arxiv`. Entries whose venue cannot be mapped are reported, with what was tried,
  and skipped.
- Years: a preprint's year and month come from its arXiv id; a conference year in which
  the venue did not meet, right after one in which it did (ECCV proceedings dated the next
  year), moves to the meeting's year, with a note in the report.
- Whether an entry is already in the catalog is decided by `identity.DuplicateIndex`
  (arXiv id, DOI, paper URL, normalised title), as everywhere else. Such an entry is
  reported as a duplicate and not added; with `update=True` the existing record is updated
  in place instead (authors, venue, year, month, DOI, arXiv id, abstract), keeping its
  comments, id, categories and citation key; a record with a `venue_check` pin keeps its
  venue and year. A title that matches a record carrying another arXiv id or DOI is a
  `conflict`: neither added nor updated.
- New records get an id (`identity.make_record_id`) and a citation key by the catalog's
  convention (`citekeys.make_key`), never the contributor's own key, and the given
  category. An existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from effdiff_catalog.identity import (
    DuplicateIndex,
    Match,
    arxiv_url,
    arxiv_year_month,
    make_record_id,
)
from effdiff_catalog.ingest.bibtex_reader import BibEntry, read_bib
from effdiff_catalog.records.catalog import PAPERS_DIR, Catalog, load_catalog, record_files
from effdiff_catalog.records.citekeys import assign_keys, make_key, taken_keys
from effdiff_catalog.records.diagnostics import did_you_mean
from effdiff_catalog.records.models import RECORD_ADAPTER, Paper
from effdiff_catalog.records.venues import Venue, VenueRegistry
from effdiff_catalog.records.writer import atomic_write, edit_record_text, write_new_record
from effdiff_catalog.records.yamlio import parse_record_bytes

Action = Literal[
    "added", "updated", "unchanged", "duplicate", "conflict", "unmapped-venue", "invalid"
]

_MONTHS = {
    name: index + 1
    for index, names in enumerate([
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
        ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
        ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
        ("dec", "december"),
    ])
    for name in names
}
_PREPRINT_TEXT = re.compile(r"\barxiv\b|\bcorr\b", re.IGNORECASE)


class BibImportError(ValueError):
    """The import cannot start (unknown category, unreadable file)."""


@dataclass
class Outcome:
    """What happened to one entry."""

    source_key: str
    action: Action
    message: str
    record_id: str | None = None
    path: Path | None = None


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    parse_errors: list[str] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(o.action == action for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """Entries were left out for reasons the contributor must fix."""
        return bool(self.parse_errors) or any(
            o.action in ("unmapped-venue", "invalid", "conflict") for o in self.outcomes
        )


def map_venue(entry: BibEntry, venues: VenueRegistry) -> tuple[Venue | None, list[str]]:
    """The registry venue an entry was published at, and the names that were tried."""
    fields = entry.fields
    source = "booktitle" if fields.get("booktitle") else "journal" if fields.get("journal") else ""
    if not source:
        if entry.arxiv and "arxiv" in venues:
            return venues["arxiv"], []
        source = next((n for n in ("howpublished", "publisher", "organization") if fields.get(n)),
                      "")
        if not source:
            return None, []
    text = fields[source]
    if source in ("journal", "booktitle") and _PREPRINT_TEXT.search(text) and "arxiv" in venues:
        return venues["arxiv"], []
    found = venues.match(text)
    tried = list(found.tried)
    if found.venue is None and found.workshop and found.main is not None:
        tried.append(f"(a workshop of {found.main.short}, which has no workshop entry)")
    return found.venue, tried


def _month(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value)


def record_data(
    entry: BibEntry, venue: Venue, category: str, today: dt.date
) -> dict[str, Any]:
    """The fields of a new record from an entry (before id and key are given)."""
    fields = entry.fields
    data: dict[str, Any] = {
        "title": entry.title,
        "authors": list(entry.authors),
        "venue": venue.key,
        "year": entry.year or 0,
        "categories": [category],
        "added": today,
    }
    month = _month(fields.get("month", ""))
    if month:
        data["month"] = month
    arxiv = entry.arxiv
    if arxiv:
        data["arxiv"] = arxiv
        issued = arxiv_year_month(arxiv)
        if venue.is_preprint and issued:
            # A preprint's year and month are those of its arXiv id; .bib files often
            # carry the date of a later version instead.
            data["year"], data["month"] = issued
    if entry.doi:
        data["doi"] = entry.doi
    if fields.get("abstract"):
        data["abstract"] = fields["abstract"]
    if entry.links.paper:
        data["links"] = {"paper": entry.links.paper}
    elif arxiv:
        data["links"] = {"paper": arxiv_url(arxiv)}
    return data


_UPDATABLE = ("authors", "venue", "year", "month", "arxiv", "doi", "abstract")


def _update_existing(
    path: Path, current: Paper, data: dict[str, Any], *, dry_run: bool
) -> tuple[Action, str]:
    changes: dict[str, Any] = {}
    pinned = current.venue_check is not None and current.venue_check.ignore
    for name in _UPDATABLE:
        if name not in data or data[name] in (None, "", []):
            continue
        if pinned and name in ("venue", "year", "month"):
            continue
        if getattr(current, name) != data[name]:
            changes[name] = data[name]
    if not changes:
        return "unchanged", "already up to date"
    text = path.read_text(encoding="utf-8")
    new_text = edit_record_text(text, changes)
    loaded = parse_record_bytes(new_text.encode("utf-8"), str(path))
    try:
        RECORD_ADAPTER.validate_python(loaded.data)
    except ValidationError as exc:
        return "invalid", f"update would make the record invalid: {exc.errors()[0]['msg']}"
    if not dry_run:
        atomic_write(path, new_text)
    note = " (venue and year pinned by venue_check)" if pinned else ""
    return "updated", "changed " + ", ".join(sorted(changes)) + note


@dataclass
class _Target:
    """The catalog an import writes into: its papers, their files and what is taken."""

    catalog: Catalog
    papers_dir: Path
    index: DuplicateIndex
    paths: dict[str, Path]
    records: dict[str, Paper]
    taken_ids: set[str]
    taken_keys: set[str]

    @classmethod
    def load(cls, root: Path, category: str) -> _Target:
        catalog, _ = load_catalog(root)
        if category not in catalog.taxonomy:
            hint = did_you_mean(category, catalog.taxonomy.by_path)
            raise BibImportError(
                f"unknown category {category!r}" + (f" (did you mean {hint!r}?)" if hint else "")
            )
        papers_dir = root / PAPERS_DIR
        paths = {e.record.id: root / e.path for e in catalog.entries}
        existing_keys, _ = assign_keys(catalog.papers())
        return cls(
            catalog, papers_dir, DuplicateIndex.of(catalog.papers()), paths,
            {p.id: p for p in catalog.papers()},
            {p.stem for p in record_files(papers_dir)} | set(paths),
            taken_keys(existing_keys.values()),
        )


def _year_shift(data: dict[str, Any], venue: Venue) -> str:
    """Proceedings (LNCS for ECCV) often come out the year after the meeting: such a year,
    in which the venue did not meet, moves to the meeting's year."""
    year = data["year"]
    if not venue.is_preprint and not venue.meets_in(year) and venue.meets_in(year - 1):
        data["year"] = year - 1
        return f"; year {year} -> {year - 1}: {venue.short} did not meet in {year}"
    return ""


def _import_entry(
    entry: BibEntry, target: _Target, category: str, *, update: bool, dry_run: bool,
    today: dt.date,
) -> Outcome:
    """What one entry becomes: a new record, an update, or the reason it is left out."""
    if not entry.title or entry.year is None:
        return Outcome(entry.key, "invalid", "needs a title and a year")
    venue, tried = map_venue(entry, target.catalog.venues)
    if venue is None:
        named = entry.venue_text or "(no venue field)"
        hint = did_you_mean(named, target.catalog.venues.names())
        return Outcome(
            entry.key, "unmapped-venue",
            f"venue {named!r} is not in venues.yaml (tried: {'; '.join(tried) or '-'})"
            + (f"; closest known: {hint!r}" if hint else "")
            + "; add it or an alias to venues.yaml",
        )
    data = record_data(entry, venue, category, today)
    shifted = _year_shift(data, venue)
    try:
        paper = Paper.model_validate({**data, "id": "draft"})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return Outcome(entry.key, "invalid", problems)
    match = target.index.find(paper)
    if match is not None:
        return _existing(entry, match, data, target, update=update, dry_run=dry_run)
    paper.id = make_record_id(paper.title, paper.year, target.taken_ids)
    paper.citation_key = make_key(paper, target.taken_keys)
    target.taken_keys.add(paper.citation_key.lower())
    target.taken_ids.add(paper.id)
    target.index.add(paper.id, paper)
    path = target.papers_dir / f"{paper.id}.yaml"
    if not dry_run:
        target.papers_dir.mkdir(exist_ok=True)
        write_new_record(target.papers_dir, paper)
    target.paths[paper.id] = path
    return Outcome(entry.key, "added",
                   f"new record (venue {venue.key}, key {paper.citation_key}){shifted}",
                   paper.id, path)


def _existing(
    entry: BibEntry, match: Match, data: dict[str, Any], target: _Target, *, update: bool,
    dry_run: bool,
) -> Outcome:
    """An entry that is a paper of the catalog: reported, or with `update` edited in place.
    A suspected duplicate (same title, other identifiers) is never written over."""
    existing_id = match.record_id
    path = target.paths.get(existing_id)
    if not match.certain:
        return Outcome(entry.key, "conflict",
                       f"looks like {existing_id!r} ({match.describe()}); not added, not "
                       "updated: check which paper this is", existing_id, path)
    if update and existing_id in target.records and path is not None:
        action, message = _update_existing(path, target.records[existing_id], data,
                                           dry_run=dry_run)
        return Outcome(entry.key, action, message, existing_id, path)
    return Outcome(
        entry.key, "duplicate",
        f"already in the catalog as {existing_id!r} ({match.how}); not added"
        + ("" if update else " (use --update to update it)"), existing_id, path,
    )


def import_bib(
    root: Path,
    text: str,
    category: str,
    *,
    update: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import the entries of a .bib text into the catalog at `root` (see module doc)."""
    target = _Target.load(Path(root), category)
    report = ImportReport()
    entries, report.parse_errors = read_bib(text)
    for entry in entries:
        report.outcomes.append(_import_entry(
            entry, target, category, update=update, dry_run=dry_run,
            today=today or dt.date.today(),
        ))
    return report


def import_bib_file(path: Path, root: Path, category: str, **options: Any) -> ImportReport:
    """`import_bib` on a file's text (UTF-8)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BibImportError(f"cannot read {path}: {exc}") from exc
    return import_bib(root, text, category, **options)


def summarize(report: ImportReport) -> str:
    counts = [
        f"{report.count(a)} {a}" for a in
        ("added", "updated", "unchanged", "duplicate", "conflict", "unmapped-venue", "invalid")
        if report.count(a)
    ]
    if report.parse_errors:
        counts.append(f"{len(report.parse_errors)} unparsable")
    return ", ".join(counts) or "no entries"
