"""Turning a contributor's BibTeX entries into catalog records (`effdiff import-bib`).

- Venues are mapped through the registry (full names, short names, aliases): the whole
  booktitle/journal first, then its comma-separated parts, then acronyms in it ({ICLR},
  CVPR). "Workshop" in the name picks the registry's workshop of the matched conference.
  arXiv/CoRR journals and entries with only an arXiv eprint become `venue: arxiv`.
  Entries whose venue cannot be mapped are reported, with what was tried, and skipped.
- Years: a preprint's year and month come from its arXiv id; a conference year in which
  the venue did not meet, right after one in which it did (ECCV proceedings dated the next
  year), moves to the meeting's year, with a note in the report.
- An entry that is already in the catalog (same DOI, arXiv id, or title) is reported as a
  duplicate and not added. With `update=True` the existing record is updated in place
  instead (authors, venue, year, month, DOI, arXiv id, abstract), keeping its comments, id,
  categories and citation key; a record with a `venue_check` pin keeps its venue and year.
- New records get an id (`ids.make_record_id`) and a citation key by the catalog's
  convention (`citekeys.make_key`), never the contributor's own key, and the given
  category. An existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from effdiff_catalog.identity import ascii_fold, make_record_id
from effdiff_catalog.records.catalog import PAPERS_DIR, load_catalog, record_files
from effdiff_catalog.records.citekeys import assign_keys, make_key
from effdiff_catalog.records.diagnostics import did_you_mean
from effdiff_catalog.records.models import RECORD_ADAPTER, Paper
from effdiff_catalog.records.venues import Venue, VenueRegistry
from effdiff_catalog.records.writer import atomic_write, edit_record_text, write_new_record
from effdiff_catalog.records.yamlio import parse_record_bytes

Action = Literal["added", "updated", "unchanged", "duplicate", "unmapped-venue", "invalid"]

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
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv[:\s./]*(?:abs/|pdf/)?|abs/)(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?$")
# Macros our own export writes, which pylatexenc would drop or turn into other characters.
_KEEP = {
    r"\textbraceleft{}": "{", r"\textbraceright{}": "}", r"\textasciicircum{}": "^",
    r"\textasciitilde{}": "~", r"\textbackslash{}": "\\",
}


class BibImportError(ValueError):
    """The import cannot start (unknown category, unreadable file)."""


@dataclass
class BibEntry:
    """One parsed entry: its key, type and fields decoded to plain Unicode text."""

    key: str
    entry_type: str
    fields: dict[str, str]
    raw: dict[str, str]
    line: int


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
            o.action in ("unmapped-venue", "invalid") for o in self.outcomes
        )


def latex_to_text(value: str) -> str:
    """Plain Unicode for a BibTeX field: TeX escapes decoded, protecting braces dropped."""
    from pylatexenc.latex2text import LatexNodes2Text

    marks: dict[str, str] = {}
    for index, (macro, char) in enumerate(_KEEP.items()):
        if macro in value:
            mark = chr(0xE000 + index)
            marks[mark] = char
            value = value.replace(macro, mark)
    text = LatexNodes2Text(math_mode="text").latex_to_text(value)
    for mark, char in marks.items():
        text = text.replace(mark, char)
    return " ".join(text.split())


def parse_bib(text: str) -> tuple[list[BibEntry], list[str]]:
    """Entries of a .bib text, and messages for blocks that could not be parsed."""
    import bibtexparser
    from bibtexparser import middlewares
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry

    library = bibtexparser.parse_string(text, parse_stack=[])
    errors: list[str] = []
    for block in list(library.failed_blocks):
        inner = getattr(block, "ignore_error_block", None)
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(inner, Entry):
            # The same key twice: keep the entry (it is then reported as a duplicate).
            library.remove(block)
            inner.key = f"{inner.key}#{block.start_line + 1}"
            library.add(inner)
        else:
            errors.append(
                f"line {block.start_line + 1}: could not parse: {str(block.raw).strip()[:60]!r}"
            )
    for middleware in (
        middlewares.ResolveStringReferencesMiddleware(True),
        middlewares.RemoveEnclosingMiddleware(True),
    ):
        library = middleware.transform(library)
    entries: list[BibEntry] = []
    for item in library.entries:
        raw = {f.key.lower(): str(f.value) for f in item.fields}
        decoded = {k: latex_to_text(v) for k, v in raw.items()}
        entries.append(BibEntry(item.key, item.entry_type.lower(), decoded, raw, item.start_line))
    return entries, errors


def split_authors(value: str) -> list[str]:
    """'Müller, Jürgen and Paweł Łukasz' -> ['Jürgen Müller', 'Paweł Łukasz']."""
    names = [n.strip() for n in re.split(r"\s+and\s+", value.strip()) if n.strip()]
    out: list[str] = []
    for name in names:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) == 2:
            name = f"{parts[1]} {parts[0]}"
        elif len(parts) == 3:
            name = f"{parts[2]} {parts[0]} {parts[1]}"
        out.append(" ".join(name.split()))
    return out


def arxiv_id(entry: BibEntry) -> str | None:
    """The arXiv id from eprint, journal ('arXiv preprint arXiv:…', 'CoRR abs/…') or url."""
    fields = entry.fields
    eprint = fields.get("eprint", "").strip()
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "arxiv")).lower()
    if eprint and prefix == "arxiv":
        match = _ARXIV_ID.match(eprint.removeprefix("arXiv:").removeprefix("arxiv:"))
        if match:
            return match.group(1)
    for name in ("journal", "volume", "url", "howpublished", "note"):
        match = _ARXIV_IN_TEXT.search(fields.get(name, ""))
        if match and (name != "volume" or "corr" in fields.get("journal", "").lower()):
            return match.group(1)
    return None


def _acronyms(raw: str, decoded: str) -> list[str]:
    braced = re.findall(r"\{([^{}\\]+)\}", raw)
    capitals = re.findall(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b", decoded)
    parenthesised = re.findall(r"\(([^()]+)\)", decoded)
    return [*braced, *parenthesised, *capitals]


_ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|(?:[a-z]+-)?(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
    r"seventeenth|eighteenth|nineteenth|twentieth|[a-z]+tieth))"
)


def _clean(name: str) -> str:
    """'Proceedings of the 9th Annual X Conference 2021' -> 'X Conference'."""
    text = re.sub(r"\b(19|20)\d{2}\b", " ", name)
    text = re.sub(
        rf"^\s*(?:in\s+)?(?:(?:proceedings|proc\.?)\s+(?:of\s+)?)?(?:the\s+)?"
        rf"(?:{_ORDINAL}\s+)?(?:annual\s+)?",
        "", text, flags=re.IGNORECASE,
    )
    return " ".join(text.split()).strip(" ,.")


def map_venue(
    entry: BibEntry, venues: VenueRegistry
) -> tuple[Venue | None, list[str]]:
    """The registry venue an entry was published at, and the names that were tried."""
    fields = entry.fields
    source = "booktitle" if fields.get("booktitle") else "journal" if fields.get("journal") else ""
    tried: list[str] = []
    if not source:
        if arxiv_id(entry) and "arxiv" in venues:
            return venues["arxiv"], tried
        for name in ("howpublished", "publisher", "organization"):
            if fields.get(name):
                source = name
                break
        if not source:
            return None, tried
    decoded, raw = fields[source], entry.raw.get(source, "")
    is_arxiv = re.search(r"\barxiv\b|\bcorr\b", decoded, re.IGNORECASE)
    if source in ("journal", "booktitle") and is_arxiv and "arxiv" in venues:
        return venues["arxiv"], tried
    candidates = [decoded, _clean(decoded)]
    candidates += [part for part in (p.strip() for p in decoded.split(",")) if part]
    candidates += [_clean(p) for p in decoded.split(",") if p.strip()]
    candidates += _acronyms(raw, decoded)
    found: Venue | None = None
    for candidate in candidates:
        if not candidate or candidate in tried:
            continue
        tried.append(candidate)
        found = venues.lookup(candidate)
        if found:
            break
    if found and "workshop" in decoded.lower() and found.kind != "workshop":
        workshops = [v for v in venues if v.workshop_of == found.key]
        found = workshops[0] if len(workshops) == 1 else None
        if found is None:
            tried.append(f"(a workshop of the conference named in {decoded!r})")
    return found, tried


def _month(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value)


def _norm_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(title).lower())


def record_data(
    entry: BibEntry, venue: Venue, category: str, today: dt.date
) -> dict[str, Any]:
    """The fields of a new record from an entry (before id and key are given)."""
    fields = entry.fields
    data: dict[str, Any] = {
        "title": fields.get("title", ""),
        "authors": split_authors(fields.get("author", "")),
        "venue": venue.key,
        "year": int(re.sub(r"\D", "", fields.get("year", "")) or 0),
        "categories": [category],
        "added": today,
    }
    month = _month(fields.get("month", ""))
    if month:
        data["month"] = month
    arxiv = arxiv_id(entry)
    if arxiv:
        data["arxiv"] = arxiv
        issued = re.match(r"^(\d{2})(\d{2})\.", arxiv)
        if venue.is_preprint and issued:
            # A preprint's year and month are those of its arXiv id; .bib files often
            # carry the date of a later version instead.
            data["year"] = 2000 + int(issued.group(1))
            data["month"] = int(issued.group(2))
    doi = re.sub(
        r"^(https?://(dx\.)?doi\.org/|doi:)", "", fields.get("doi", "").strip(), flags=re.I
    )
    if doi:
        data["doi"] = doi
    if fields.get("abstract"):
        data["abstract"] = fields["abstract"]
    url = entry.raw.get("url", "").strip()
    if url.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in url):
        data["links"] = {"paper": url}
    elif arxiv:
        data["links"] = {"paper": f"https://arxiv.org/abs/{arxiv}"}
    return data


class _Index:
    """Existing papers by DOI, arXiv id and normalised title, to find duplicates."""

    def __init__(self) -> None:
        self.by: dict[tuple[str, str], str] = {}

    def add(self, record_id: str, title: str, doi: str | None, arxiv: str | None) -> None:
        if doi:
            self.by.setdefault(("doi", doi.lower()), record_id)
        if arxiv:
            self.by.setdefault(("arxiv", arxiv), record_id)
        self.by.setdefault(("title", _norm_title(title)), record_id)

    def find(self, title: str, doi: str | None, arxiv: str | None) -> tuple[str, str] | None:
        for kind, value in (("doi", (doi or "").lower()), ("arxiv", arxiv or ""),
                            ("title", _norm_title(title))):
            if value and (kind, value) in self.by:
                return self.by[(kind, value)], kind
        return None


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
    root = Path(root)
    today = today or dt.date.today()
    catalog, _ = load_catalog(root)
    if category not in catalog.taxonomy:
        hint = did_you_mean(category, catalog.taxonomy.by_path)
        raise BibImportError(
            f"unknown category {category!r}" + (f" (did you mean {hint!r}?)" if hint else "")
        )
    papers_dir = root / PAPERS_DIR
    papers_dir.mkdir(exist_ok=True)
    report = ImportReport()
    entries, report.parse_errors = parse_bib(text)

    index = _Index()
    paths: dict[str, Path] = {}
    records: dict[str, Paper] = {}
    for loaded in catalog.entries:
        paths[loaded.record.id] = root / loaded.path
        if isinstance(loaded.record, Paper):
            records[loaded.record.id] = loaded.record
            index.add(loaded.record.id, loaded.record.title, loaded.record.doi,
                      loaded.record.arxiv)
    taken_ids = {p.stem for p in record_files(papers_dir)} | set(paths)
    existing_keys, _ = assign_keys(catalog.papers())
    taken_keys = {k.lower() for k in existing_keys.values()}

    for entry in entries:
        fields = entry.fields
        if not fields.get("title") or not re.search(r"\d{4}", fields.get("year", "")):
            report.outcomes.append(Outcome(entry.key, "invalid", "needs a title and a year"))
            continue
        venue, tried = map_venue(entry, catalog.venues)
        if venue is None:
            named = fields.get("booktitle") or fields.get("journal") or "(no venue field)"
            hint = did_you_mean(named, catalog.venues.names())
            report.outcomes.append(Outcome(
                entry.key, "unmapped-venue",
                f"venue {named!r} is not in venues.yaml (tried: {'; '.join(tried) or '-'})"
                + (f"; closest known: {hint!r}" if hint else "")
                + "; add it or an alias to venues.yaml",
            ))
            continue
        data = record_data(entry, venue, category, today)
        shifted = ""
        year = data["year"]
        if not venue.is_preprint and not venue.meets_in(year) and venue.meets_in(year - 1):
            # Proceedings (LNCS for ECCV) often come out the year after the meeting.
            data["year"] = year - 1
            shifted = f"; year {year} -> {year - 1}: {venue.short} did not meet in {year}"
        match = index.find(data["title"], data.get("doi"), data.get("arxiv"))
        if match:
            existing_id, how = match
            if update and existing_id in records and existing_id in paths:
                action, message = _update_existing(
                    paths[existing_id], records[existing_id], data, dry_run=dry_run
                )
                report.outcomes.append(
                    Outcome(entry.key, action, message, existing_id, paths[existing_id])
                )
            else:
                report.outcomes.append(Outcome(
                    entry.key, "duplicate",
                    f"already in the catalog as {existing_id!r} (same {how}); not added"
                    + ("" if update else " (use --update to update it)"),
                    existing_id, paths.get(existing_id),
                ))
            continue
        data["id"] = make_record_id(data["title"], data["year"], taken_ids)
        try:
            paper = Paper.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            report.outcomes.append(Outcome(entry.key, "invalid", problems))
            continue
        key = make_key(paper, taken_keys)
        paper.citation_key = key
        taken_keys.add(key.lower())
        taken_ids.add(paper.id)
        index.add(paper.id, paper.title, paper.doi, paper.arxiv)
        path = papers_dir / f"{paper.id}.yaml"
        if not dry_run:
            write_new_record(papers_dir, paper)
        paths[paper.id] = path
        report.outcomes.append(Outcome(
            entry.key, "added", f"new record (venue {venue.key}, key {key}){shifted}",
            paper.id, path,
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
        ("added", "updated", "unchanged", "duplicate", "unmapped-venue", "invalid")
        if report.count(a)
    ]
    if report.parse_errors:
        counts.append(f"{len(report.parse_errors)} unparsable")
    return ", ".join(counts) or "no entries"


def outcomes_of(report: ImportReport, actions: Iterable[Action]) -> Sequence[Outcome]:
    wanted = set(actions)
    return [o for o in report.outcomes if o.action in wanted]
