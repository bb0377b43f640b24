"""The generated parts of README.md: table of contents, paper list, counts, frameworks.

Only the text between `<!-- BEGIN GENERATED: NAME -->` and `<!-- END GENERATED: NAME -->`
is rewritten; everything outside the markers is hand-written and left byte for byte.
Rendering uses the jinja2 templates in `templates/readme/` and is deterministic.

Order within a section (`entry_sort_key`): newest year first; in a year, venue papers
before preprints; then newer month first (preprints carry a month); then title,
case-insensitively; then id. Frameworks: those that speed up training and inference
first, then inference-only ones, then by name.

Record content is never trusted: titles are Markdown-escaped, table cells also escape
`|`, and only http(s) links are written (percent-encoding the characters that would end
a Markdown link).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.models import Framework, Links, Paper
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.records.writer import atomic_write
from effdiff_catalog.resources import package_path, template_environment

TEMPLATES_DIR = package_path("templates")
README_FILE = "README.md"
REGIONS = ("citation", "toc", "papers")
# Regions a README may leave out (the survey's citation block, from catalog.yaml).
OPTIONAL_REGIONS = frozenset({"citation"})
BEGIN = "<!-- BEGIN GENERATED: {name} -->"
END = "<!-- END GENERATED: {name} -->"

LINK_LABELS = {name: Links.label(name) for name in Links.model_fields}

# Characters with a meaning in Markdown (or GitHub's math and HTML) inside a line of text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~])")


class ReadmeError(ValueError):
    """README.md lacks a marker pair, or has them out of order."""


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown syntax so a title renders as the text it is."""
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", text) if _MD_SPECIAL.search(text) else text


def escape_cell(text: str) -> str:
    """Escaping for a table cell (the same set includes `|`)."""
    return escape_markdown(text)


_HTTP_URL = re.compile(r"^https?://[^\s]+$", re.I)
_URL_BREAKERS = re.compile(r'[()<>"]')
_URL_CODES = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22"}


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for `(url)` in Markdown, or None for anything else."""
    if not url or not _HTTP_URL.match(url):
        return None
    if _URL_BREAKERS.search(url) is None:
        return url
    return _URL_BREAKERS.sub(lambda m: _URL_CODES[m.group()], url)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation and emoji dropped, '-' for spaces."""
    kept = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def entry_label(paper: Paper, venues: VenueRegistry, preprint: str = "Arxiv") -> str:
    """'Arxiv 2024.10' for a preprint, 'CVPR 2024' for a venue paper (the list's labels;
    `preprint` is the list format's preprint label, from catalog.yaml)."""
    venue = venues.venues.get(paper.venue)
    if venue is None or venue.is_preprint:
        if venue is None and paper.venue != "arxiv":
            return f"{paper.venue.upper()} {paper.year}"
        when = f"{paper.year}.{paper.month:02d}" if paper.month else str(paper.year)
        return f"{preprint} {when}"
    return f"{venue.short} {paper.year}"


def entry_sort_key(paper: Paper, venues: VenueRegistry) -> tuple[Any, ...]:
    venue = venues.venues.get(paper.venue)
    preprint = venue is None or venue.is_preprint
    return (-paper.year, preprint, -(paper.month or 0), paper.title.casefold(), paper.id)


def framework_sort_key(framework: Framework) -> tuple[Any, ...]:
    info = framework.framework
    return (not (info.training and info.inference), framework.title.casefold(), framework.id)


def _links(links: Links) -> list[tuple[str, str]]:
    out = []
    for kind, url in links.items():
        safe = safe_url(url)
        if safe:
            out.append((LINK_LABELS.get(kind, kind.capitalize()), safe))
    return out


@dataclass(frozen=True, slots=True)
class _Entry:
    """One line's parts, already Markdown-escaped (attributes, so jinja finds them fast)."""

    label: str
    title: str
    stop: str
    links: list[tuple[str, str]]


@dataclass
class _Section:
    heading: str
    anchor: str
    depth: int
    count: int
    is_frameworks: bool
    entries: list[_Entry]


def _lineage(path: str) -> tuple[str, ...]:
    """'a/b/c' -> ('a', 'a/b', 'a/b/c')."""
    parts = path.split("/")
    return tuple("/".join(parts[: i + 1]) for i in range(len(parts)))


def _sections(catalog: Catalog) -> list[_Section]:
    """One pass over the papers: the entries of each node and the count under it."""
    taxonomy, venues = catalog.taxonomy, catalog.venues
    preprint = catalog.project.list_format.preprint_label
    frameworks = catalog.frameworks()
    listed: dict[str, list[Paper]] = defaultdict(list)
    under: Counter[str] = Counter()
    lineage: dict[str, tuple[str, ...]] = {}  # path -> itself and its ancestors
    for paper in catalog.papers():
        for path in paper.categories:
            listed[path].append(paper)
        if len(paper.categories) == 1:
            path = paper.categories[0]
            under.update(lineage.get(path) or lineage.setdefault(path, _lineage(path)))
        else:
            under.update({a for path in paper.categories for a in _lineage(path)})
    sections: list[_Section] = []
    entries: dict[str, _Entry] = {}
    seen_anchors: dict[str, int] = {}
    for node in taxonomy.walk():
        heading = f"{node.emoji} {node.title}" if node.emoji else node.title
        anchor = github_anchor(heading)
        if anchor in seen_anchors:
            seen_anchors[anchor] += 1
            anchor = f"{anchor}-{seen_anchors[anchor]}"
        else:
            seen_anchors[anchor] = 0
        is_frameworks = taxonomy.is_frameworks_node(node)
        here = sorted(listed.get(node.path, []), key=lambda p: entry_sort_key(p, venues))
        for paper in here:
            if paper.id not in entries:  # a paper in two sections is rendered once
                entries[paper.id] = _entry(paper, venues, preprint)
        sections.append(_Section(
            heading=heading, anchor=anchor, depth=node.depth,
            count=len(frameworks) if is_frameworks else under[node.path],
            is_frameworks=is_frameworks,
            entries=[entries[p.id] for p in here],
        ))
    return sections


def _entry(paper: Paper, venues: VenueRegistry, preprint: str) -> _Entry:
    """One line's parts, Markdown-escaped here rather than by a filter per field."""
    title = " ".join(paper.title.split())
    return _Entry(
        label=escape_markdown(entry_label(paper, venues, preprint)),
        title=escape_markdown(title),
        stop="" if title.endswith((".", "?", "!")) else ".",
        links=_links(paper.links),
    )


@functools.lru_cache(maxsize=4)
def markdown_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja for Markdown output (README, venue report), compiled once per folder.

    No HTML autoescape: Markdown escaping is explicit, through the `md`, `cell` and `url`
    filters (or done before the template, as for README entries).
    """
    return template_environment(templates_dir, autoescape=False, filters={
        "md": escape_markdown, "cell": escape_cell, "url": safe_url})


def render_regions(catalog: Catalog, templates_dir: Path = TEMPLATES_DIR) -> dict[str, str]:
    """The text of each generated region, ending with a newline."""
    env = markdown_environment(templates_dir)
    sections = _sections(catalog)
    frameworks = [
        {
            "title": fw.title,
            "training": fw.framework.training,
            "inference": fw.framework.inference,
            "features": fw.framework.features,
            "links": _links(fw.links),
        }
        for fw in sorted(catalog.frameworks(), key=framework_sort_key)
    ]
    context = {"sections": sections, "frameworks": frameworks,
               "citation": catalog.project.survey.bibtex()}
    out = {}
    for name in REGIONS:
        text = env.get_template(f"readme/{name}.md.j2").render(**context)
        while "\n\n\n" in text:  # blank-line runs left by empty sections, squeezed to one
            text = text.replace("\n\n\n", "\n\n")
        text = text.strip("\n")
        out[name] = text + "\n"
    return out


def splice(text: str, regions: dict[str, str]) -> str:
    """Replace the body of each marked region; text outside the markers is kept as is."""
    for name, body in regions.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        start = text.find(begin)
        stop = text.find(end)
        if start < 0 and stop < 0 and name in OPTIONAL_REGIONS:
            continue
        if start < 0 or stop < 0:
            raise ReadmeError(f"README.md has no '{begin}' ... '{end}' region")
        if text.count(begin) > 1 or text.count(end) > 1:
            raise ReadmeError(f"README.md has the '{name}' region more than once")
        if stop < start:
            raise ReadmeError(f"README.md: '{end}' comes before '{begin}'")
        head = text[: start + len(begin)]
        tail = text[stop:]
        text = f"{head}\n{body}{tail}"
    return text


@dataclass
class ReadmeUpdate:
    path: Path
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        """A unified diff from the file on disk to the regenerated text."""
        name = str(self.path)
        return "".join(difflib.unified_diff(
            self.old.splitlines(keepends=True), self.new.splitlines(keepends=True),
            fromfile=f"a/{name}", tofile=f"b/{name}",
        ))


def plan_readme(catalog: Catalog, path: Path | None = None) -> ReadmeUpdate:
    """What README.md would become; writes nothing (the CLI writes or shows the diff)."""
    path = path or catalog.root / README_FILE
    old = path.read_text(encoding="utf-8")
    return ReadmeUpdate(path, old, splice(old, render_regions(catalog)))


def update_readme(root: Path, *, check: bool = False) -> tuple[ReadmeUpdate, bool]:
    """Regenerate README.md's marked regions, or with `check` only compare; returns the
    update and whether the file was written. Raises ReadmeError (or OSError) for a README
    without its markers, and ReadmeError when records fail to load."""
    from effdiff_catalog.records.catalog import load_catalog

    catalog, diagnostics = load_catalog(Path(root))
    failed = [d for d in diagnostics if d.severity == "error"]
    if failed:
        raise ReadmeError("some records do not load; run `effdiff validate` and fix them "
                          "first:\n" + "\n".join(d.text() for d in sorted(failed)))
    plan = plan_readme(catalog)
    if check or not plan.changed:
        return plan, False
    atomic_write(plan.path, plan.new)
    return plan, True
