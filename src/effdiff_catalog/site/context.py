"""What every generated page shares: the site's paths and URLs, escaping, and `SiteContext`,
the catalog as the page functions of `site.pages` see it (each fact computed once per build).

All record content is untrusted: templates autoescape it, and only http(s) links are
emitted, whatever the record says.
"""

from __future__ import annotations

import json
import posixpath
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.models import Framework, Links, Paper
from effdiff_catalog.records.taxonomy import Node, Taxonomy
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.resources import package_path, template_environment

TEMPLATES_DIR = package_path("templates", "site")
PAPERS_DIR = "papers"
PAPER_DIR = "paper"  # one page per paper: paper/<id>/
# Each paper's entry in each citation format, in one folder: 30,000 files at 10,000 papers
# cost a third of the time in one folder that they cost spread over the paper folders.
DOWNLOAD_DIR = "download"
ASSETS_DIR = "assets/effdiff"
CATALOG_JSON = f"{ASSETS_DIR}/catalog.json"
BIBTEX_JSON = f"{ASSETS_DIR}/bibtex.json"
# The paper search index, read by the paper search worker (see docs/site.md).
SEARCH_JSON = f"{ASSETS_DIR}/search-papers.json"
SEARCH_INDEX_VERSION = 2
FEED_PATH = "feed.xml"
BIB_DIR = "bib"
RECENT_LIMIT = 50
# The formats of the downloads, in the order the pages offer them (formats.base names).
CITATION_FORMATS = ("bibtex", "ris", "csl-json")
# The links every entry shows first; the others follow under their own labels.
LINK_LABELS = {kind: Links.label(kind) for kind in ("paper", "code", "project")}

BibEntry = Callable[[Paper], str]


@dataclass(frozen=True)
class SitePage:
    """A generated Markdown page; `path` is relative to the docs folder."""

    path: str
    title: str
    content: str


@dataclass(frozen=True)
class SiteAsset:
    """A generated file copied as is into the built site (JSON, BibTeX, Atom)."""

    path: str
    content: str


@dataclass
class SiteOutput:
    pages: list[SitePage] = field(default_factory=list)
    assets: list[SiteAsset] = field(default_factory=list)
    # The "Papers" part of the navigation, in MkDocs' nav format (title -> path or list).
    nav: list[Any] = field(default_factory=list)

    def page(self, path: str) -> SitePage:
        for page in self.pages:
            if page.path == path:
                return page
        raise KeyError(path)

    def asset(self, path: str) -> SiteAsset:
        for asset in self.assets:
            if asset.path == path:
                return asset
        raise KeyError(path)


@dataclass(frozen=True)
class SiteOptions:
    """How to generate: the settings a build passes to `iter_site`."""

    bib_entry: BibEntry | None = None
    site_url: str | None = None
    recent_limit: int = RECENT_LIMIT
    templates_dir: Path = TEMPLATES_DIR
    # With the paper search, papers are searched through SEARCH_JSON and kept out of
    # Material's own index; without it, Material indexes every entry (the stock search).
    paper_search: bool = True


@dataclass(frozen=True, slots=True)
class EntryView:
    """One paper as its entry template sees it. Attributes, not a dict: Jinja resolves an
    attribute at once, a dict key only after a failed getattr (measurable at 10,000 papers)."""

    id: str
    title: str
    authors: list[str]
    venue: dict[str, str]
    when: str
    arxiv: str | None
    arxiv_path: str
    doi: str | None
    links: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Listed:
    """A paper listed on a section page: its entry's HTML, or a pointer to it (`seen`)."""

    id: str
    title: str
    seen: bool
    html: Markup


@dataclass
class SectionPage:
    """One page of the paper list: a taxonomy node and the nodes shown as its headings."""

    node: Node
    path: str
    groups: list[Node]


# One regular expression, not a per-character Python loop: it runs for every link of every
# paper at every build (50,000 calls at 10,000 papers).
_HTTP_URL = re.compile(r"https?://[^\s\x00-\x1f]*", re.IGNORECASE)
# arXiv ids ("2312.00858", "cs/0112017") need no quoting in a URL path; anything else is quoted.
_URL_SAFE = re.compile(r"[A-Za-z0-9./-]+")


def is_http_url(url: str | None) -> bool:
    """The last gate before a link reaches HTML: the models check too, but never trust."""
    return url is not None and _HTTP_URL.fullmatch(url) is not None


def page_url(path: str) -> str:
    """The URL (from the site root) MkDocs gives a page with directory URLs."""
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


def relative_url(from_page: str, target: str) -> str:
    """A link from one page's URL to a site path, like MkDocs writes it."""
    base = page_url(from_page) or "."
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    rel = posixpath.relpath("/" + target, "/" + base)
    if (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    if rel == "./" and fragment:
        rel = ""
    return rel + fragment


def section_pages(taxonomy: Taxonomy) -> list[SectionPage]:
    """Which page shows which section, in the survey's order."""
    pages: list[SectionPage] = []
    for top in taxonomy.sections:
        pages.append(SectionPage(top, f"{PAPERS_DIR}/{top.slug}/index.md", [top]))
        for child in top.children:
            groups = [n for n in walk(child)]
            pages.append(SectionPage(child, f"{PAPERS_DIR}/{top.slug}/{child.slug}.md", groups))
    return pages


def walk(node: Node) -> Iterable[Node]:
    yield node
    for child in node.children:
        yield from walk(child)


def environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja for the site's pages: HTML autoescape, Markdown escaping by the `md` filter."""
    return template_environment(templates_dir, autoescape=True, filters={"md": markdown_text})


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~=:")


def markdown_text(value: object) -> Markup:
    """Text safe in a Markdown line: HTML-escaped, then Markdown punctuation backslashed."""
    escaped = str(escape(str(value)))
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in escaped)
    return Markup(out.replace("\n", " "))


def site_order(paper: Paper) -> tuple[int, int, str]:
    """Newest first, then by title: the order of every list of the site."""
    return (-paper.year, -(paper.month or 0), paper.title.lower())


def to_json(data: Any) -> str:
    """Compact JSON that is also safe inside HTML (no '</script>' break-out)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def http_only(paper: Paper) -> Paper:
    """The paper as the site may publish it: a link that is not http(s) is dropped, even
    from a download (the models refuse one, but never trust). Usually the paper itself."""
    links = paper.links.items()
    if all(is_http_url(url) for _, url in links):
        return paper
    kept = Links.model_validate({k: v for k, v in links if is_http_url(v)})
    return paper.model_copy(update={"links": kept})


def paper_path(paper_id: str) -> str:
    """The source path of a paper's page (its URL is paper/<id>/)."""
    return f"{PAPER_DIR}/{paper_id}/index.md"


def download_path(paper_id: str, fmt: str) -> str:
    """Where a paper's entry in one citation format is: download/<id>.<extension>."""
    from effdiff_catalog.formats.base import exporter

    return f"{DOWNLOAD_DIR}/{paper_id}.{exporter(fmt).extension}"


def is_download(path: str) -> bool:
    """A paper's download: a file no page links to through Markdown (MkDocs needn't know)."""
    return path.startswith(DOWNLOAD_DIR + "/")


class SiteContext:
    """What every page function needs about the catalog, computed once per build."""

    def __init__(self, catalog: Catalog, options: SiteOptions) -> None:
        from effdiff_catalog.records.citekeys import assign_keys
        from effdiff_catalog.records.query import listed_under

        self.catalog = catalog
        self.options = options
        self.venues: VenueRegistry = catalog.venues
        self.taxonomy = catalog.taxonomy
        self.project = catalog.project
        self.paper_search = options.paper_search
        self.keys, _ = assign_keys(catalog.papers())  # over the whole catalog: one key a paper
        self.env = environment(options.templates_dir)
        self.layout = section_pages(catalog.taxonomy)
        self.papers = sorted(catalog.papers(), key=site_order)
        self.frameworks: list[Framework] = sorted(catalog.frameworks(),
                                                  key=lambda f: f.title.lower())
        self.record_paths = {entry.record.id: entry.path for entry in catalog.entries}
        self.page_of_node: dict[str, SectionPage] = {}
        for sp in self.layout:
            for node in sp.groups:
                self.page_of_node[node.path] = sp
        # Where each paper is listed (frameworks count through their paper: query.listed_under).
        self.listed = listed_under(catalog)
        self.by_node: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            for path in self.listed[paper.id]:
                self.by_node[path].append(paper)
        self._positions: dict[str, dict[str, int]] = {}
        self._citations: dict[tuple[str, str], str] = {}
        self._html: dict[tuple[str, str, int], Markup] = {}
        self._venue_cache: dict[str, dict[str, str]] = {}
        self._entry_macro = self.env.get_template("entry.html.j2").module.entry  # type: ignore[attr-defined]

    def render(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(**values)

    def count_under(self, node: Node) -> int:
        """Papers filed under the node or any node below it, each counted once."""
        return len({p.id for n in walk(node) for p in self.by_node.get(n.path, [])})

    def position(self, path: str, paper_id: str) -> int:
        """Where a paper is in its section's list (by_node), counted from 0."""
        index = self._positions.get(path)
        if index is None:
            index = self._positions[path] = {
                p.id: i for i, p in enumerate(self.by_node.get(path, []))}
        return index.get(paper_id, 0)

    def venue(self, paper: Paper) -> dict[str, str]:
        """Short name, full name and kind of the paper's venue (one dict per venue: read-only)."""
        shown = self._venue_cache.get(paper.venue)
        if shown is None:
            venue = self.venues.venues.get(paper.venue)
            if venue is None:
                shown = {"short": paper.venue, "name": paper.venue, "kind": "unknown"}
            else:
                shown = {"short": venue.short, "name": venue.name, "kind": venue.kind}
            self._venue_cache[paper.venue] = shown
        return shown

    def venue_short(self, key: str) -> str:
        """The name a venue key is shown by (the key itself if the registry lacks it)."""
        known = self.venues.venues.get(key)
        return known.short if known else key

    def when(self, paper: Paper) -> str:
        """The year, with the month for a preprint (2024.05)."""
        if self.venue(paper)["kind"] == "preprint" and paper.month:
            return f"{paper.year}.{paper.month:02d}"
        return str(paper.year)

    def citation(self, paper: Paper, fmt: str) -> str:
        """The paper's entry in a citation format, through the exporter interface, with the
        catalog's keys; computed once per build (the page shows it, its file holds it)."""
        text = self._citations.get((paper.id, fmt))
        if text is None:
            if fmt == "bibtex" and self.options.bib_entry is not None:
                text = self.options.bib_entry(paper).strip() + "\n"
            else:
                text = self._export([paper], fmt, header=False)
            self._citations[(paper.id, fmt)] = text
        return text

    def _export(self, papers: Sequence[Paper], fmt: str, *, header: bool = True) -> str:
        from effdiff_catalog.formats.base import ExportOptions, exporter

        options = ExportOptions(keys=self.keys, header=header,
                                origin=self.project.survey.catalog_name)
        return exporter(fmt).export([http_only(p) for p in papers], self.venues, options).text

    def export(self, papers: Sequence[Paper], fmt: str) -> str:
        """A whole download file, exactly as `effdiff export` writes it."""
        return self._export(papers, fmt)

    def bib(self, paper: Paper) -> str:
        """The paper's BibTeX entry, as the pages show it."""
        return self.citation(paper, "bibtex").strip()

    def home(self, paper: Paper) -> str:
        """Site URL of the paper's own page."""
        return page_url(paper_path(paper.id))

    def entry_url(self, paper: Paper) -> str:
        """Site URL of the paper's entry on its first section's page."""
        for category in self.listed.get(paper.id, paper.categories):
            sp = self.page_of_node.get(category)
            if sp is not None:
                return f"{page_url(sp.path)}#{paper.id}"
        return self.home(paper)

    def entry_html(self, paper: Paper, on_page: str, level: int = 2) -> Markup:
        """The entry's HTML for a page at `on_page`, its title a heading of `level`, rendered
        once per build, page depth and level however many pages list the paper (its link to
        the paper page is relative).

        A macro call per paper: measured at 10,000 papers, about half the time of one
        template loop over all papers split afterwards, and of an include per listing.
        """
        root = relative_url(on_page, "")
        html = self._html.get((paper.id, root, level))
        if html is None:
            html = self._html[(paper.id, root, level)] = Markup(
                self._entry_macro(self.entry(paper), root, self.paper_search, level))
        return html

    def entry(self, paper: Paper) -> EntryView:
        links = [
            (LINK_LABELS[key], url)
            for key, url in paper.links.items()
            if key in LINK_LABELS and is_http_url(url)
        ]
        extra = [
            (Links.label(key), url)
            for key, url in paper.links.items()
            if key not in LINK_LABELS and is_http_url(url)
        ]
        arxiv_path = ""
        if paper.arxiv:
            arxiv_path = (paper.arxiv if _URL_SAFE.fullmatch(paper.arxiv)
                          else urllib.parse.quote(paper.arxiv))
        return EntryView(
            id=paper.id, title=paper.title, authors=paper.authors, venue=self.venue(paper),
            when=self.when(paper), arxiv=paper.arxiv, arxiv_path=arxiv_path, doi=paper.doi,
            links=links + extra,
        )
