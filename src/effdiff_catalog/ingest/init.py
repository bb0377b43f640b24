"""`effdiff init --from-list README.md`: a new catalog from any awesome list in the survey's
entry format (`- **[VENUE YEAR]** Title. [[Paper]](url)`).

The taxonomy comes from the list itself: its heading lines and `- ##### Heading` bullets, at
any depth, nest by level (a bullet heading nests by its indent under the heading above it).
A heading is a section when it, or a heading under it, holds an entry or a frameworks
table; the others (News, Citation, Contributors) are left out and reported. A title that
wraps the whole list (the document's `#` heading) is not a section either. Then the list is
imported into the new catalog as `effdiff import` would, and every line that could not be
placed is reported.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from effdiff_catalog.identity import slug_words
from effdiff_catalog.ingest.awesome_list import (
    ListImport,
    import_list,
    scan_lines,
    unescape_markdown,
)
from effdiff_catalog.records.catalog import PAPERS_DIR, TAXONOMY_FILE, VENUES_FILE
from effdiff_catalog.records.project import PROJECT_FILE
from effdiff_catalog.records.writer import atomic_write

_LEADING_SYMBOLS = re.compile(r"^(?P<emoji>[^\w\s(\[]+)\s*(?P<title>.*)$")
README_SKELETON = "".join(
    f"<!-- BEGIN GENERATED: {name} -->\n<!-- END GENERATED: {name} -->\n\n"
    for name in ("toc", "papers")
)


class InitError(ValueError):
    """The catalog cannot be made here (the folder already holds one, inputs missing)."""


@dataclass
class Heading:
    """A heading of the list while the tree is built: its entries and its children."""

    title: str
    emoji: str | None
    level: int
    line: int
    entries: int = 0
    table: bool = False
    children: list[Heading] = field(default_factory=list)

    @property
    def holds_content(self) -> bool:
        return self.entries > 0 or self.table or any(c.holds_content for c in self.children)


def _split_title(text: str) -> tuple[str | None, str]:
    """'🔢 Algorithm-Level Optimization' -> ('🔢', 'Algorithm-Level Optimization')."""
    text = unescape_markdown(text).strip()
    match = _LEADING_SYMBOLS.match(text)
    if match and match.group("title"):
        return match.group("emoji"), match.group("title")
    return None, text


def heading_tree(text: str) -> tuple[list[Heading], list[int]]:
    """The list's headings as a tree, and the line numbers of entries before any heading."""
    roots: list[Heading] = []
    stack: list[Heading] = []
    orphans: list[int] = []
    for line in scan_lines(text):
        if line.kind == "heading":
            while stack and stack[-1].level >= line.level:
                stack.pop()
            emoji, title = _split_title(line.heading or "")
            node = Heading(title, emoji, line.level, line.number)
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
        elif line.kind == "entry" and stack:
            stack[-1].entries += 1
        elif line.kind == "entry":
            orphans.append(line.number)
        elif line.kind == "table" and stack:
            stack[-1].table = True
    return roots, orphans


def sections_of(roots: list[Heading]) -> tuple[list[Heading], list[Heading]]:
    """The headings that are sections, and those left out (no entries under them).

    A lone heading with no entries of its own that wraps all the others is the list's
    title: its children are the top-level sections.
    """
    kept = [h for h in roots if h.holds_content]
    dropped = [h for h in roots if not h.holds_content]
    while len(kept) == 1 and kept[0].entries == 0 and not kept[0].table and kept[0].children:
        wrapper = kept[0]
        dropped.append(Heading(wrapper.title, wrapper.emoji, wrapper.level, wrapper.line))
        kept = [h for h in wrapper.children if h.holds_content]
        dropped += [h for h in wrapper.children if not h.holds_content]
    return kept, dropped


def taxonomy_data(sections: list[Heading]) -> dict[str, Any]:
    """taxonomy.yaml's data for the kept headings (slugs unique among siblings)."""

    def node(heading: Heading, taken: set[str]) -> dict[str, Any]:
        base = "-".join(slug_words(heading.title)) or "section"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        data: dict[str, Any] = {"slug": slug, "title": heading.title}
        if heading.emoji:
            data["emoji"] = heading.emoji
        if heading.table and not heading.entries:
            data["holds"] = "frameworks"
        children = [h for h in heading.children if h.holds_content]
        if children:
            sibling_slugs: set[str] = set()
            data["children"] = [node(child, sibling_slugs) for child in children]
        return data

    top: set[str] = set()
    return {"sections": [node(h, top) for h in sections]}


@dataclass
class InitReport:
    """What `init` made: the sections, the headings left out, and the list's import."""

    root: Path
    sections: int
    left_out: list[Heading]
    orphans: list[int]
    imported: ListImport


def _title_of(roots: list[Heading]) -> str:
    first = roots[0] if roots else None
    return first.title if first and first.level == 1 else "A paper catalog"


def init_catalog(
    root: Path, source: Path, *, venues: Path, today: dt.date | None = None
) -> InitReport:
    """Make a new catalog at `root` from the list `source` and the venue registry `venues`.

    Refuses a folder that already holds a taxonomy or records: nothing is overwritten.
    """
    root = Path(root)
    papers_dir = root / PAPERS_DIR
    if (root / TAXONOMY_FILE).exists() or (papers_dir.is_dir() and any(papers_dir.iterdir())):
        raise InitError(f"{root} already holds a catalog ({TAXONOMY_FILE} or {PAPERS_DIR}/)")
    if not Path(venues).is_file():
        raise InitError(f"no venue registry at {venues} (give --venues FILE; the survey "
                        "catalog's venues.yaml is a good start)")
    text = Path(source).read_text(encoding="utf-8")
    roots, orphans = heading_tree(text)
    sections, left_out = sections_of(roots)
    if not sections:
        raise InitError(f"{source}: no heading holds a paper entry; nothing to make a "
                        "taxonomy of")
    root.mkdir(parents=True, exist_ok=True)
    taxonomy = taxonomy_data(sections)
    header = (f"# The taxonomy of {Path(source).name}, made by `effdiff init --from-list`.\n"
              "# Edit titles and slugs freely before the first records are shared.\n")
    atomic_write(root / TAXONOMY_FILE, header + yaml.safe_dump(
        taxonomy, sort_keys=False, allow_unicode=True, width=100))
    shutil.copyfile(venues, root / VENUES_FILE)
    if not (root / PROJECT_FILE).exists():
        atomic_write(root / PROJECT_FILE, yaml.safe_dump(
            {"survey": {"title": _title_of(roots)}}, sort_keys=False, allow_unicode=True))
    if not (root / "README.md").exists():
        atomic_write(root / "README.md", f"# {_title_of(roots)}\n\n{README_SKELETON}")
    imported = import_list(root, Path(source), today=today)
    count = sum(1 for _ in _walk(taxonomy["sections"]))
    return InitReport(root, count, left_out, orphans, imported)


def _walk(nodes: list[dict[str, Any]]) -> Any:
    for node in nodes:
        yield node
        yield from _walk(node.get("children", []))
