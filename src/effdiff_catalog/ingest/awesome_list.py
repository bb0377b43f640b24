"""Importing an awesome-list README (the survey's format) into catalog records.

Two pure steps, so that both can be tested on small texts and the CLI stays thin:

1. `parse_awesome_list(text, taxonomy)` reads the Markdown into `ListEntry` and
   `FrameworkRow` values, and a `ImportProblem` for every line of the paper list that it
   could not understand. Nothing is dropped silently: a line inside a taxonomy section is
   either understood (entry, heading, table row, blank, HTML wrapper) or reported.
2. `build_records(result, ...)` merges duplicate listings into one record with several
   categories, maps venue labels through the registry, and optionally enriches records
   from real BibTeX entries (`load_bib`) and first-seen dates.

Text outside the taxonomy sections (the preamble, a "Citation" section, a commented-out
block) is not part of the list and is skipped on purpose.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from effdiff_catalog.identity import make_record_id
from effdiff_catalog.records.models import ARXIV_PATTERN, Framework, FrameworkInfo, Links, Paper
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.venues import Venue, VenueRegistry

Severity = Literal["error", "warning"]

# Rules of import problems. Only `import-unparsed` makes `effdiff import` fail by default.
UNPARSED = "import-unparsed"
UNKNOWN_VENUE = "import-unknown-venue"
DUPLICATE_CONFLICT = "import-duplicate-conflict"
BIB_DISAGREES = "import-bib-disagrees"
BIB_TRUNCATED = "import-bib-truncated-authors"

# Link labels of the survey's format, and the `Links` field each one fills.
LINK_KINDS: dict[str, str] = {
    "paper": "paper", "pdf": "paper", "arxiv": "paper",
    "code": "code", "github": "code",
    "project": "project", "project page": "project", "website": "project", "homepage": "project",
    "video": "video", "slides": "slides", "poster": "poster", "blog": "blog",
    "proceedings": "proceedings",
}

_HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>[-*+])\s+(?P<body>.*)$")
_ENTRY = re.compile(r"^\*\*\[(?P<label>[^\]]*)\]\*\*\s*(?P<rest>.*)$")
_LABEL = re.compile(r"^(?P<venue>.*?)\s*(?P<year>(?:19|20)\d{2})(?:\.(?P<month>\d{1,2}))?$")
# [[Code]](url) in entries; [[Code](url)] in the survey's Frameworks table.
_LINK = re.compile(
    r"\[\[(?P<kind>[^\[\]]+)\]\]\((?P<url>[^()\s]*)\)"
    r"|\[\[(?P<kind2>[^\[\]]+)\]\((?P<url2>[^()\s]*)\)\]"
)
_TOC_LINE = re.compile(r"^\s*[-*+]\s+\[[^\]]*\]\(#[^)]*\)(?:\s*\(\d+\))?\s*$")
_HTML_WRAPPER = re.compile(r"^\s*</?(?:div|p|br|center|details|summary|sub|sup)\b[^>]*>\s*$", re.I)
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_COUNT_LINE = re.compile(r"^\s*<sub>\s*\d+\s+(?:papers?|frameworks?)\s*</sub>\s*$")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>[^?#\s]+)", re.I)
_ARXIV_ID = re.compile(ARXIV_PATTERN)
_OPENREVIEW_URL = re.compile(r"openreview\.net/(?:forum|pdf)\?id=(?P<id>[\w-]+)")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

YES = frozenset({"✅", "✔", "✔️", "yes", "y", "true"})
NO = frozenset({"❌", "✖", "✗", "no", "n", "false", ""})


@dataclass(frozen=True)
class ImportProblem:
    """A line of the input that was not (fully) understood, or a fact that needs a look."""

    line: int
    text: str
    message: str
    rule: str = UNPARSED
    severity: Severity = "warning"

    def render(self, path: str) -> str:
        where = f"{path}:{self.line}: {self.severity} [{self.rule}]"
        return f"{where} {self.message}: {self.text.strip()!r}"


@dataclass(frozen=True)
class ListEntry:
    """One bullet of the paper list, as written."""

    line: int
    index: int
    category: str
    label: str
    venue_label: str
    year: int
    month: int | None
    title: str
    links: tuple[tuple[str, str], ...]

    def link(self, kind: str) -> str | None:
        return dict(self.links).get(kind)


@dataclass(frozen=True)
class FrameworkRow:
    """One row of the Frameworks table."""

    line: int
    name: str
    training: bool
    inference: bool
    features: str
    links: tuple[tuple[str, str], ...]


@dataclass
class ImportResult:
    entries: list[ListEntry] = field(default_factory=list)
    frameworks: list[FrameworkRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def unparsed(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.rule == UNPARSED]


def unescape_markdown(text: str) -> str:
    """Undo backslash escapes of ASCII punctuation (what the README renderer writes)."""
    return _MD_ESCAPE.sub(r"\1", text)


def parse_links(text: str) -> tuple[list[tuple[str, str]], str, list[str]]:
    """Links found in `text`, the text left once they are removed, and unknown link labels."""
    links: list[tuple[str, str]] = []
    unknown: list[str] = []

    def take(match: re.Match[str]) -> str:
        kind = (match.group("kind") or match.group("kind2") or "").strip()
        url = match.group("url") if match.group("kind") is not None else match.group("url2")
        field_name = LINK_KINDS.get(kind.lower())
        if field_name is None:
            unknown.append(kind)
        else:
            links.append((field_name, url or ""))
        return " "

    rest = _LINK.sub(take, text)
    return links, rest, unknown


def _split_row(line: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` stays inside a cell."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def _flag(cell: str) -> bool | None:
    value = cell.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def parse_awesome_list(text: str, taxonomy: Taxonomy) -> ImportResult:
    """Read a README in the survey's format. Line numbers are 1-based."""
    result = ImportResult()
    section: str | None = None  # taxonomy path of the current heading
    started = False  # a taxonomy heading has been seen
    in_fence = False
    in_comment = False
    in_unknown_heading: str | None = None

    def problem(number: int, line: str, message: str) -> None:
        result.problems.append(ImportProblem(number, line, message))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if in_comment:
            if "-->" in line:
                in_comment = False
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
            continue
        if not stripped or _HTML_WRAPPER.match(line) or _COUNT_LINE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            node = taxonomy.find_by_title(heading.group("text"))
            if node is not None:
                section, started, in_unknown_heading = node.path, True, None
            elif started:
                section, in_unknown_heading = None, heading.group("text")
            continue
        bullet = _BULLET.match(line)
        entry = _ENTRY.match(bullet.group("body")) if bullet else None
        if entry and bullet:
            if section is None:
                where = (
                    f"under heading {in_unknown_heading!r}, which is not in the taxonomy"
                    if in_unknown_heading else "before any taxonomy heading"
                )
                problem(number, line, f"paper entry {where}")
                continue
            _parse_entry(number, line, entry, section, result)
            continue
        if not started or section is None:
            continue  # preamble, or a hand-written section that is not part of the list
        if stripped.startswith("|"):
            if section != "frameworks" and not taxonomy.is_under(section, "frameworks"):
                problem(number, line, "table row outside the Frameworks section")
            else:
                _parse_table_row(number, line, result)
            continue
        if bullet and not _TOC_LINE.match(line):
            node = taxonomy.find_by_title(unescape_markdown(bullet.group("body")))
            if node is not None:  # a bullet used as a sub-heading
                section = node.path
                continue
        problem(number, line, "not a paper entry, heading or table row")
    return result


def _parse_entry(
    number: int, line: str, entry: re.Match[str], section: str, result: ImportResult
) -> None:
    label = " ".join(entry.group("label").split())
    parsed = _LABEL.match(label)
    if not parsed or not parsed.group("venue"):
        result.problems.append(
            ImportProblem(number, line, f"label [{label}] is not 'VENUE YEAR' or 'Arxiv YYYY.MM'")
        )
        return
    links, rest, unknown = parse_links(entry.group("rest"))
    for kind in unknown:
        result.problems.append(ImportProblem(number, line, f"unknown link label [[{kind}]]"))
    malformed = re.search(r"(?<!\\)\]\(|(?<!\\)\[\[", rest)
    title = unescape_markdown(" ".join(rest.split())).strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    if not title:
        result.problems.append(ImportProblem(number, line, "entry without a title"))
        return
    if malformed:
        result.problems.append(ImportProblem(number, line, "malformed link in the title text"))
    month = int(parsed.group("month")) if parsed.group("month") else None
    if month is not None and not 1 <= month <= 12:
        result.problems.append(ImportProblem(number, line, f"month {month} is not 1-12"))
        month = None
    result.entries.append(
        ListEntry(
            line=number, index=len(result.entries), category=section, label=label,
            venue_label=parsed.group("venue").strip(), year=int(parsed.group("year")),
            month=month, title=title, links=tuple(links),
        )
    )


def _parse_table_row(number: int, line: str, result: ImportResult) -> None:
    if _TABLE_SEPARATOR.match(line):
        return
    cells = _split_row(line)
    if len(cells) >= 2 and cells[1].lower() == "training":
        return  # the header row
    if len(cells) != 4:
        result.problems.append(
            ImportProblem(number, line, f"framework row has {len(cells)} cells, expected 4")
        )
        return
    links, rest, unknown = parse_links(cells[0])
    for kind in unknown:
        result.problems.append(ImportProblem(number, line, f"unknown link label [[{kind}]]"))
    name = unescape_markdown(" ".join(rest.split()))
    training, inference = _flag(cells[1]), _flag(cells[2])
    if not name or training is None or inference is None:
        result.problems.append(
            ImportProblem(number, line, "framework row needs a name and ✅/❌ flags")
        )
        return
    result.frameworks.append(
        FrameworkRow(
            line=number, name=name, training=training, inference=inference,
            features=unescape_markdown(" ".join(cells[3].split())), links=tuple(links),
        )
    )


# --- from entries to records ------------------------------------------------------------


def arxiv_id_from_url(url: str | None) -> str | None:
    """'https://arxiv.org/pdf/2407.12718v2.pdf?' -> '2407.12718'; None if not an arXiv link."""
    if not url:
        return None
    match = _ARXIV_URL.search(url)
    if not match:
        return None
    ident = match.group("id").rstrip("?/")
    ident = re.sub(r"\.pdf$", "", ident, flags=re.I)
    ident = re.sub(r"v\d+$", "", ident)
    return ident if _ARXIV_ID.match(ident) else None


def normalise_title(title: str) -> str:
    """Lower-case letters and digits only: for matching titles across sources."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def normalise_url(url: str | None) -> str | None:
    if not url:
        return None
    url = re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/#?")
    return url.lower()


@dataclass(frozen=True)
class BibEntry:
    """What the importer takes from one real BibTeX entry."""

    key: str
    title: str
    authors: tuple[str, ...]
    truncated: bool
    year: int | None
    venue_text: str | None
    doi: str | None
    arxiv: str | None
    openreview: str | None
    dblp_stream: str | None


def _person(
    first: Sequence[str], von: Sequence[str], last: Sequence[str], jr: Sequence[str]
) -> str:
    name = " ".join([*first, *von, *last])
    if jr:
        name += ", " + " ".join(jr)
    return " ".join(name.replace("{", "").replace("}", "").split())


def load_bib(text: str) -> tuple[list[BibEntry], list[str]]:
    """Parse BibTeX (bibtexparser v2), decoding LaTeX accents to Unicode.

    Names become "First Last". Returns the entries and messages about blocks that failed.
    """
    import bibtexparser
    from bibtexparser.middlewares import (
        LatexDecodingMiddleware,
        SeparateCoAuthors,
        SplitNameParts,
    )

    # Repeated keys (the same paper listed twice) are expected; keep the library quiet.
    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()],
        )
    finally:
        quiet.setLevel(level)
    messages = [f"could not parse a BibTeX block: {type(b).__name__}" for b in library.failed_blocks
                if type(b).__name__ != "DuplicateBlockKeyBlock"]
    entries: list[BibEntry] = []
    for entry in library.entries:
        fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        names = fields.get("author") or []
        authors: list[str] = []
        truncated = False
        for part in names if isinstance(names, list) else []:
            full = _person(part.first, part.von, part.last, part.jr)
            if full.lower() == "others":
                truncated = True
            elif full:
                authors.append(full)
        arxiv = None
        for candidate in (fields.get("eprint"), fields.get("journal"), fields.get("booktitle"),
                          fields.get("url"), fields.get("doi")):
            if not isinstance(candidate, str):
                continue
            found = re.search(r"(\d{4}\.\d{4,5})", candidate)
            if found and ("arxiv" in candidate.lower() or candidate == fields.get("eprint")):
                arxiv = found.group(1)
                break
        url = str(fields.get("url") or "")
        openreview = _OPENREVIEW_URL.search(url)
        biburl = str(fields.get("biburl") or "")
        stream = re.search(r"dblp\.org/rec/((?:conf|journals)/[^/]+)/", biburl)
        doi = fields.get("doi")
        year = str(fields.get("year") or "")
        venue_text = fields.get("booktitle") or fields.get("journal")
        entries.append(
            BibEntry(
                key=entry.key,
                title=" ".join(re.sub(r"[{}]", "", str(fields.get("title", ""))).split()),
                authors=tuple(authors),
                truncated=truncated,
                year=int(year) if year.isdigit() else None,
                venue_text=" ".join(str(venue_text).split()) if venue_text else None,
                doi=str(doi) if doi and not str(doi).lower().startswith("10.48550/") else None,
                arxiv=arxiv,
                openreview=openreview.group("id") if openreview else None,
                dblp_stream=stream.group(1) if stream else None,
            )
        )
    return entries, messages


def read_first_seen(text: str) -> dict[int, dt.date]:
    """first-seen.tsv: columns idx, title, first_seen (YYYY-MM-DD), commit."""
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {int(row["idx"]): dt.date.fromisoformat(row["first_seen"]) for row in rows}


@dataclass
class BuildResult:
    records: list[Paper | Framework]
    problems: list[ImportProblem]
    # Which list entries (by index) each record came from, for reports and tests.
    sources: dict[str, list[int]]


class _Groups:
    """Union-find over entry indexes, for merging duplicate listings."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_duplicates(entries: Sequence[ListEntry]) -> list[list[ListEntry]]:
    """Entries that are the same paper (same arXiv id, title or paper URL), in list order."""
    groups = _Groups(len(entries))
    seen: dict[tuple[str, str], int] = {}
    for position, entry in enumerate(entries):
        keys = [("title", normalise_title(entry.title))]
        arxiv = arxiv_id_from_url(entry.link("paper"))
        if arxiv:
            keys.append(("arxiv", arxiv))
        url = normalise_url(entry.link("paper"))
        if url:
            keys.append(("url", url))
        for key in keys:
            if key in seen:
                groups.union(seen[key], position)
            else:
                seen[key] = position
    by_root: dict[int, list[ListEntry]] = {}
    for position, entry in enumerate(entries):
        by_root.setdefault(groups.find(position), []).append(entry)
    return [by_root[root] for root in sorted(by_root)]


def _match_bib(
    entry: ListEntry, arxiv: str | None, bib: Sequence[BibEntry]
) -> BibEntry | None:
    """The BibTeX entry of a list entry: by arXiv id, then OpenReview id, then title."""
    if arxiv:
        for candidate in bib:
            if candidate.arxiv == arxiv:
                return candidate
    openreview = _OPENREVIEW_URL.search(entry.link("paper") or "")
    if openreview:
        for candidate in bib:
            if candidate.openreview == openreview.group("id"):
                return candidate
    wanted = normalise_title(entry.title)
    for candidate in bib:
        if normalise_title(candidate.title) == wanted:
            return candidate
    return None


def _arxiv_conflict(match: BibEntry, arxiv: str | None) -> bool:
    return bool(arxiv and match.arxiv and match.arxiv != arxiv)


def _bib_disagreement(
    match: BibEntry, entry: ListEntry, venue: Venue | None, venues: VenueRegistry
) -> str | None:
    """Why a BibTeX entry's venue or year contradicts the list's label, if it does.

    Reported, never applied: which source wins is a curator's decision.
    """
    said = f"{(match.venue_text or '?')[:70]} ({match.year})"
    bib_venue = next((v for v in venues if match.dblp_stream and v.dblp == match.dblp_stream), None)
    bib_is_preprint = match.venue_text is None or "arxiv" in match.venue_text.lower()
    if match.year and match.year != entry.year:
        return f"BibTeX entry {match.key} says {said}, the list says {entry.label}"
    if venue is not None and venue.is_preprint and not bib_is_preprint:
        return f"BibTeX entry {match.key} gives a venue, {said}; the list says {entry.label}"
    if bib_venue is not None and venue is not None and bib_venue.key != venue.key:
        return f"dblp entry {match.key} is at {bib_venue.short}; the list says {entry.label}"
    return None


def _usable_link(
    source: ListEntry | FrameworkRow, kind: str, url: str, problems: list[ImportProblem]
) -> bool:
    """Whether a link passes the schema (http(s), no spaces); reports the ones that do not."""
    try:
        Links.model_validate({kind: url})
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        problems.append(
            ImportProblem(source.line, url, f"{kind} link left out: {reason}", UNPARSED)
        )
        return False
    return True


def build_records(
    result: ImportResult,
    venues: VenueRegistry,
    *,
    bib: Sequence[BibEntry] = (),
    first_seen: Mapping[int, dt.date] | None = None,
    today: dt.date | None = None,
    taken: Iterable[str] = (),
) -> BuildResult:
    """Turn parsed entries into records: one per paper, one per framework.

    `taken` holds ids already in use (existing files), so new ids never collide.
    """
    today = today or dt.date.today()
    first_seen = first_seen or {}
    used = set(taken)
    problems: list[ImportProblem] = []
    records: list[Paper | Framework] = []
    sources: dict[str, list[int]] = {}

    for group in group_duplicates(result.entries):
        head = group[0]
        for other in group[1:]:
            if other.label != head.label or dict(other.links) != dict(head.links):
                problems.append(ImportProblem(
                    other.line, other.title,
                    f"listed again (first at line {head.line}) with other label or links; "
                    "kept the first listing's",
                    DUPLICATE_CONFLICT,
                ))
        links: dict[str, str] = {}
        for entry in group:
            for kind, url in entry.links:
                if kind not in links and _usable_link(entry, kind, url, problems):
                    links[kind] = url
        arxiv = next((a for a in (arxiv_id_from_url(u) for _, u in head.links) if a), None)
        venue = venues.lookup(head.venue_label)
        if venue is None:
            problems.append(ImportProblem(
                head.line, head.label, f"venue label {head.venue_label!r} is not in venues.yaml",
                UNKNOWN_VENUE,
            ))
            venue_key = re.sub(r"[^a-z0-9]+", "-", head.venue_label.lower()).strip("-") or "unknown"
        else:
            venue_key = venue.key
        categories = list(dict.fromkeys(entry.category for entry in group))
        dates = [first_seen[e.index] for e in group if e.index in first_seen]
        authors: list[str] = []
        doi = None
        match = _match_bib(head, arxiv, bib) if bib else None
        if match is not None and _arxiv_conflict(match, arxiv):
            problems.append(ImportProblem(
                head.line, head.title,
                f"BibTeX entry {match.key} has this title but arXiv id {match.arxiv}, and the "
                f"list links {arxiv}; its authors were not taken", BIB_DISAGREES,
            ))
            match = None
        if match is not None:
            authors = list(match.authors)
            doi = match.doi
            if match.truncated:
                problems.append(ImportProblem(
                    head.line, head.title,
                    f"BibTeX entry {match.key} ends its author list with 'and others'; "
                    "the list is incomplete", BIB_TRUNCATED,
                ))
            if arxiv is None and match.arxiv:
                arxiv = match.arxiv
            disagreement = _bib_disagreement(match, head, venue, venues)
            if disagreement:
                problems.append(ImportProblem(head.line, head.label, disagreement, BIB_DISAGREES))
        record_id = make_record_id(head.title, head.year, used)
        used.add(record_id)
        records.append(Paper(
            id=record_id, title=head.title, authors=authors, venue=venue_key, year=head.year,
            month=head.month, arxiv=arxiv, doi=doi, links=Links(**links),
            categories=categories, added=min(dates) if dates else today,
        ))
        sources[record_id] = [e.index for e in group]

    code_owner = {
        normalise_url(r.links.code): r.id for r in records if isinstance(r, Paper) and r.links.code
    }
    for row in result.frameworks:
        links = {}
        for kind, url in row.links:
            if kind not in links and _usable_link(row, kind, url, problems):
                links[kind] = url
        record_id = make_record_id(row.name, None, used)
        used.add(record_id)
        records.append(Framework(
            id=record_id, kind="framework", title=row.name, categories=["frameworks"],
            framework=FrameworkInfo(
                training=row.training, inference=row.inference, features=row.features
            ),
            links=Links(**links), paper_id=code_owner.get(normalise_url(links.get("code"))),
            added=today,
        ))
        sources[record_id] = []
    return BuildResult(records, problems, sources)


# --- reviewed fixes -----------------------------------------------------------------------


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
        if fix.record is not None:
            target = fix.record
        else:
            target = next(
                (rid for rid, indexes in built.sources.items() if fix.entry in indexes), ""
            )
        position = next((i for i, r in enumerate(built.records) if r.id == target), None)
        if position is None:
            raise ValueError(f"fix for {fix.record or f'entry {fix.entry}'}: no such record")
        old = built.records[position]
        data = old.model_dump(mode="python")
        for key, value in fix.changes.items():
            if key == "links" and isinstance(value, Mapping):
                links = dict(data.get("links") or {})
                for kind, url in value.items():
                    links[kind] = url
                data["links"] = links
            elif key == "venue" and isinstance(value, str):
                venue = venues.lookup(value)
                data["venue"] = venue.key if venue else value
            else:
                data[key] = value
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


def import_file(
    path: Path,
    taxonomy: Taxonomy,
    venues: VenueRegistry,
    *,
    bib_path: Path | None = None,
    first_seen_path: Path | None = None,
    fixes_path: Path | None = None,
    today: dt.date | None = None,
    taken: Iterable[str] = (),
) -> tuple[ImportResult, BuildResult]:
    """Parse a README and build its records, with the optional BibTeX, dates and fixes."""
    result = parse_awesome_list(Path(path).read_text(encoding="utf-8"), taxonomy)
    bib: list[BibEntry] = []
    if bib_path is not None:
        bib, messages = load_bib(Path(bib_path).read_text(encoding="utf-8"))
        result.problems.extend(ImportProblem(0, str(bib_path), m, BIB_DISAGREES) for m in messages)
    first_seen = (
        read_first_seen(Path(first_seen_path).read_text(encoding="utf-8"))
        if first_seen_path is not None else None
    )
    built = build_records(
        result, venues, bib=bib, first_seen=first_seen, today=today, taken=taken
    )
    if fixes_path is not None:
        apply_fixes(built, load_fixes(fixes_path), venues)
    return result, built
