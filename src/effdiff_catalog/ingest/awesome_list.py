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
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from effdiff_catalog.identity import DuplicateIndex, make_record_id, normalise_arxiv, url_key
from effdiff_catalog.ingest.bibtex_reader import BibEntry, read_bib
from effdiff_catalog.ingest.merge import Merged
from effdiff_catalog.records.models import Framework, FrameworkInfo, Links, Paper
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
    **{Links.label(kind).lower(): kind for kind in Links.model_fields},
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

    @property
    def paper_urls(self) -> tuple[str, ...]:
        """The links that identify the paper (for `identity`)."""
        url = self.link("paper")
        return (url,) if url else ()

    @property
    def arxiv(self) -> str | None:
        """The arXiv id of the entry's links, if one is an arXiv link."""
        return next((a for a in (normalise_arxiv(u) for _, u in self.links if "arxiv.org" in u)
                     if a), None)


@dataclass(frozen=True)
class FrameworkRow:
    """One row of the Frameworks table."""

    line: int
    name: str
    training: bool
    inference: bool
    features: str
    links: tuple[tuple[str, str], ...]
    category: str = "frameworks"  # the section the table stands in


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


LineKind = Literal["heading", "entry", "table", "bullet", "text"]


@dataclass(frozen=True)
class Line:
    """One logical line of the list: a physical line, with the lines that continue a bullet
    (a title wrapped onto the next line) joined to it. `number` is the first line's."""

    number: int
    text: str
    kind: LineKind
    heading: str | None = None  # the text of a heading, or of a `- ##### Heading` bullet
    level: int = 0  # a heading's depth; a heading bullet's is its indent + 7
    entry: re.Match[str] | None = None


_BULLET_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*#*\s*$")


def _classify(number: int, line: str) -> Line:
    heading = _HEADING.match(line)
    if heading:
        return Line(number, line, "heading", heading.group("text"), len(heading.group(1)))
    if line.strip().startswith("|"):
        return Line(number, line, "table")
    bullet = _BULLET.match(line)
    if bullet is None:
        return Line(number, line, "text")
    body = bullet.group("body")
    entry = _ENTRY.match(body)
    if entry:
        return Line(number, line, "entry", entry=entry)
    inner = _BULLET_HEADING.match(body)
    if inner:  # a bullet used as a heading, nested by its indent
        return Line(number, line, "heading", inner.group("text"),
                    7 + len(bullet.group("indent").expandtabs(4)) // 2)
    return Line(number, line, "bullet")


def _continues(previous: Line | None, raw: str) -> bool:
    """Whether a physical line continues the bullet before it: indented under it, or a
    lazy continuation of an entry whose links have not come yet."""
    if previous is None or previous.kind not in ("entry", "bullet") or not raw.strip():
        return False
    if _classify(0, raw).kind != "text" or raw.strip().startswith(("<", "```", "~~~")):
        return False
    return raw[:1].isspace() or (previous.kind == "entry" and "](" not in previous.text)


def scan_lines(text: str) -> Iterator[Line]:
    """The list's logical lines, without fenced code, HTML comments, blank lines, HTML
    wrappers and the generated count lines."""
    in_fence = in_comment = False
    pending: Line | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if in_comment:
            in_comment = "-->" not in line
            continue
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if _continues(pending, line):
            assert pending is not None
            pending = _classify(pending.number, f"{pending.text.rstrip()} {stripped}")
            continue
        if pending is not None:
            yield pending
            pending = None
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
            continue
        if not stripped or _HTML_WRAPPER.match(line) or _COUNT_LINE.match(line):
            continue
        pending = _classify(number, line)
    if pending is not None:
        yield pending


@dataclass
class _ListState:
    """Where the parser is: the taxonomy section of the current heading, if any."""

    section: str | None = None
    started: bool = False  # a taxonomy heading has been seen
    unknown_heading: str | None = None


def parse_awesome_list(text: str, taxonomy: Taxonomy) -> ImportResult:
    """Read a README in the survey's format. Line numbers are 1-based."""
    result = ImportResult()
    state = _ListState()
    for line in scan_lines(text):
        if line.kind == "heading":
            _enter_heading(line.heading or "", taxonomy, state)
        elif line.kind == "entry":
            _take_entry(line, state, result)
        elif state.started and state.section is not None:
            _take_other(line, taxonomy, state, result)
    return result


def _enter_heading(text: str, taxonomy: Taxonomy, state: _ListState) -> None:
    node = taxonomy.find_by_title(text, after=state.section)
    if node is not None:
        state.section, state.started, state.unknown_heading = node.path, True, None
    elif state.started:
        state.section, state.unknown_heading = None, text


def _take_entry(line: Line, state: _ListState, result: ImportResult) -> None:
    if state.section is None:
        where = (f"under heading {state.unknown_heading!r}, which is not in the taxonomy"
                 if state.unknown_heading else "before any taxonomy heading")
        result.problems.append(ImportProblem(line.number, line.text, f"paper entry {where}"))
        return
    assert line.entry is not None
    _parse_entry(line.number, line.text, line.entry, state.section, result)


def _take_other(line: Line, taxonomy: Taxonomy, state: _ListState, result: ImportResult) -> None:
    """A table row, a bullet used as a sub-heading, or a line that is not understood."""
    assert state.section is not None
    if line.kind == "table":
        if taxonomy.holds_frameworks(state.section):
            _parse_table_row(line.number, line.text, state.section, result)
        else:
            result.problems.append(ImportProblem(
                line.number, line.text, "table row outside the Frameworks section"))
        return
    if line.kind == "bullet" and not _TOC_LINE.match(line.text):
        bullet = _BULLET.match(line.text)
        node = taxonomy.find_by_title(unescape_markdown(bullet.group("body"))) if bullet else None
        if node is not None:  # a bullet used as a sub-heading
            state.section = node.path
            return
    result.problems.append(
        ImportProblem(line.number, line.text, "not a paper entry, heading or table row"))


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


def _parse_table_row(number: int, line: str, section: str, result: ImportResult) -> None:
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
            category=section,
        )
    )


# --- from entries to records ------------------------------------------------------------


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
    """Entries that are the same paper (`identity`: arXiv id, paper URL, title), in list
    order."""
    groups = _Groups(len(entries))
    index = DuplicateIndex()
    for position, entry in enumerate(entries):
        for match in index.find_all(entry):
            if match.certain:
                groups.union(int(match.record_id), position)
        index.add(str(position), entry)
    by_root: dict[int, list[ListEntry]] = {}
    for position, entry in enumerate(entries):
        by_root.setdefault(groups.find(position), []).append(entry)
    return [by_root[root] for root in sorted(by_root)]


def bib_index(bib: Sequence[BibEntry]) -> tuple[DuplicateIndex, list[BibEntry]]:
    """The BibTeX entries by identity, to find each list entry's own (in file order)."""
    entries = list(bib)
    return DuplicateIndex((str(i), e) for i, e in enumerate(entries)), entries


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


def _bib_facts(
    head: ListEntry, venue: Venue | None, venues: VenueRegistry,
    bib: tuple[DuplicateIndex, list[BibEntry]] | None, problems: list[ImportProblem],
) -> tuple[list[str], str | None, str | None]:
    """Authors, DOI and arXiv id from the entry's own BibTeX, found by `identity`.

    A BibTeX entry that shares only the title with a listing that links another arXiv id
    is another paper: nothing is taken from it. Disagreements are reported, never applied.
    """
    arxiv = head.arxiv
    match = bib[0].find(head) if bib else None
    if bib is None or match is None:
        return [], None, arxiv
    found = bib[1][int(match.record_id)]
    if not match.certain:
        problems.append(ImportProblem(
            head.line, head.title,
            f"BibTeX entry {found.key} has this title but arXiv id {found.arxiv}, and the "
            f"list links {arxiv}; its authors were not taken", BIB_DISAGREES,
        ))
        return [], None, arxiv
    if found.truncated:
        problems.append(ImportProblem(
            head.line, head.title,
            f"BibTeX entry {found.key} ends its author list with 'and others'; "
            "the list is incomplete", BIB_TRUNCATED,
        ))
    disagreement = _bib_disagreement(found, head, venue, venues)
    if disagreement:
        problems.append(ImportProblem(head.line, head.label, disagreement, BIB_DISAGREES))
    return list(found.authors), found.doi, arxiv or found.arxiv


def _venue_key(head: ListEntry, venues: VenueRegistry, problems: list[ImportProblem]) -> tuple[
    str, Venue | None
]:
    """The registry key of a listing's venue label; an unknown label is reported and kept
    as a slug, which validation then flags."""
    venue = venues.match(head.venue_label).venue
    if venue is not None:
        return venue.key, venue
    problems.append(ImportProblem(
        head.line, head.label, f"venue label {head.venue_label!r} is not in venues.yaml",
        UNKNOWN_VENUE,
    ))
    return re.sub(r"[^a-z0-9]+", "-", head.venue_label.lower()).strip("-") or "unknown", None


def _merged_links(group: Sequence[ListEntry], problems: list[ImportProblem]) -> dict[str, str]:
    """The links of every listing of a paper; the first listing's win per kind."""
    links: dict[str, str] = {}
    for entry in group:
        for kind, url in entry.links:
            if kind not in links and _usable_link(entry, kind, url, problems):
                links[kind] = url
    return links


def _report_relisting(group: Sequence[ListEntry], problems: list[ImportProblem]) -> None:
    head = group[0]
    for other in group[1:]:
        if other.label != head.label or dict(other.links) != dict(head.links):
            problems.append(ImportProblem(
                other.line, other.title,
                f"listed again (first at line {head.line}) with other label or links; "
                "kept the first listing's",
                DUPLICATE_CONFLICT,
            ))


def _paper(
    group: Sequence[ListEntry], venues: VenueRegistry, context: _BuildContext
) -> Paper:
    """The one record of a paper listed (perhaps several times) in the list."""
    head = group[0]
    _report_relisting(group, context.problems)
    links = _merged_links(group, context.problems)
    venue_key, venue = _venue_key(head, venues, context.problems)
    authors, doi, arxiv = _bib_facts(head, venue, venues, context.bib, context.problems)
    dates = [context.first_seen[e.index] for e in group if e.index in context.first_seen]
    record_id = make_record_id(head.title, head.year, context.used)
    context.used.add(record_id)
    return Paper(
        id=record_id, title=head.title, authors=authors, venue=venue_key, year=head.year,
        month=head.month, arxiv=arxiv, doi=doi, links=Links(**links),
        categories=list(dict.fromkeys(entry.category for entry in group)),
        added=min(dates) if dates else context.today,
    )


def _framework(row: FrameworkRow, code_owner: Mapping[str, str], context: _BuildContext) -> (
    Framework
):
    links: dict[str, str] = {}
    for kind, url in row.links:
        if kind not in links and _usable_link(row, kind, url, context.problems):
            links[kind] = url
    record_id = make_record_id(row.name, None, context.used)
    context.used.add(record_id)
    code = links.get("code")
    return Framework(
        id=record_id, kind="framework", title=row.name, categories=[row.category],
        framework=FrameworkInfo(
            training=row.training, inference=row.inference, features=row.features
        ),
        links=Links(**links), paper_id=code_owner.get(url_key(code)) if code else None,
        added=context.today,
    )


@dataclass
class _BuildContext:
    """What building the records of one list shares: ids used, problems, sources."""

    bib: tuple[DuplicateIndex, list[BibEntry]] | None
    first_seen: Mapping[int, dt.date]
    today: dt.date
    used: set[str] = field(default_factory=set)
    problems: list[ImportProblem] = field(default_factory=list)


def build_records(
    result: ImportResult,
    venues: VenueRegistry,
    *,
    bib: Sequence[BibEntry] = (),
    first_seen: Mapping[int, dt.date] | None = None,
    today: dt.date | None = None,
) -> BuildResult:
    """Turn parsed entries into records: one per paper, one per framework.

    Ids are unique within the list; `plan_import` then fits them into an existing catalog.
    """
    context = _BuildContext(bib_index(bib) if bib else None, first_seen or {},
                            today or dt.date.today())
    records: list[Paper | Framework] = []
    sources: dict[str, list[int]] = {}
    for group in group_duplicates(result.entries):
        paper = _paper(group, venues, context)
        records.append(paper)
        sources[paper.id] = [e.index for e in group]
    code_owner = {
        url_key(r.links.code): r.id for r in records if isinstance(r, Paper) and r.links.code
    }
    for row in result.frameworks:
        framework = _framework(row, code_owner, context)
        records.append(framework)
        sources[framework.id] = []
    return BuildResult(records, context.problems, sources)


def import_file(
    path: Path,
    taxonomy: Taxonomy,
    venues: VenueRegistry,
    *,
    bib_path: Path | None = None,
    first_seen_path: Path | None = None,
    fixes_path: Path | None = None,
    today: dt.date | None = None,
) -> tuple[ImportResult, BuildResult]:
    """Parse a README and build its records, with the optional BibTeX, dates and fixes."""
    result = parse_awesome_list(Path(path).read_text(encoding="utf-8"), taxonomy)
    bib: list[BibEntry] = []
    if bib_path is not None:
        bib, messages = read_bib(Path(bib_path).read_text(encoding="utf-8"))
        result.problems.extend(ImportProblem(0, str(bib_path), m, BIB_DISAGREES) for m in messages)
    first_seen = (
        read_first_seen(Path(first_seen_path).read_text(encoding="utf-8"))
        if first_seen_path is not None else None
    )
    built = build_records(result, venues, bib=bib, first_seen=first_seen, today=today)
    if fixes_path is not None:
        from effdiff_catalog.ingest.fixes import apply_fixes, load_fixes

        apply_fixes(built, load_fixes(fixes_path), venues)
    return result, built


@dataclass
class ListImport:
    """What `effdiff import` did: the list as parsed, the records built, and for each
    record what became of it in the catalog (`merge.Merged`)."""

    result: ImportResult
    built: BuildResult
    merged: list[Merged]

    @property
    def problems(self) -> list[ImportProblem]:
        return sorted(self.result.problems + self.built.problems, key=lambda p: p.line)

    @property
    def unparsed(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.rule == UNPARSED]

    def count(self, *actions: str) -> int:
        return sum(m.action in actions for m in self.merged)


def import_list(
    root: Path,
    source: Path,
    *,
    bib_path: Path | None = None,
    first_seen_path: Path | None = None,
    fixes_path: Path | None = None,
    today: dt.date | None = None,
    update: bool = False,
    dry_run: bool = False,
) -> ListImport:
    """Import an awesome list into the catalog at `root` (see `merge` for the rules): new
    papers get files, papers already there are reported or, with `update`, edited in place;
    another paper's record is never touched. Raises ValueError for unusable inputs."""
    from effdiff_catalog.ingest.merge import plan_merge, write_merge
    from effdiff_catalog.records.catalog import load_catalog

    catalog, _ = load_catalog(Path(root))
    result, built = import_file(
        source, catalog.taxonomy, catalog.venues, bib_path=bib_path,
        first_seen_path=first_seen_path, fixes_path=fixes_path, today=today,
    )
    merged = plan_merge(catalog, built.records, update=update)
    write_merge(merged, dry_run=dry_run)
    return ListImport(result, built, merged)
