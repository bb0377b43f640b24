"""Catalog -> website pages. Pure: no MkDocs, no file writes, no clock, no network.

Layout: one page per top-level section (papers filed directly under it) and one per
second-level section (its deeper sections become headings). Every paper is an entry with a
permalink anchor equal to its id. This is the layout measured cheapest at 10,000 papers
(see docs/site.md): no page per paper, a small explicit navigation.

All record content is untrusted: templates autoescape it, and only http(s) links are
emitted, whatever the record says.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import posixpath
import re
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.models import Links, Paper
from effdiff_catalog.records.taxonomy import Node, Taxonomy
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.resources import package_path
from effdiff_catalog.site.charts import BarChart, bar_chart

TEMPLATES_DIR = package_path("templates", "site")
PAPERS_DIR = "papers"
ASSETS_DIR = "assets/effdiff"
CATALOG_JSON = f"{ASSETS_DIR}/catalog.json"
BIBTEX_JSON = f"{ASSETS_DIR}/bibtex.json"
# The paper search index, read by docs/assets/effdiff/search-worker.js (see docs/site.md).
SEARCH_JSON = f"{ASSETS_DIR}/search-papers.json"
SEARCH_INDEX_VERSION = 1
FEED_PATH = "feed.xml"
BIB_DIR = "bib"
RECENT_LIMIT = 50
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
    note: str | None
    tags: list[str]
    bib: str


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
            groups = [n for n in _walk(child)]
            pages.append(SectionPage(child, f"{PAPERS_DIR}/{top.slug}/{child.slug}.md", groups))
    return pages


def _walk(node: Node) -> Iterable[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = markdown_text
    return env


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~=:")


def markdown_text(value: object) -> Markup:
    """Text safe in a Markdown line: HTML-escaped, then Markdown punctuation backslashed."""
    escaped = str(escape(str(value)))
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in escaped)
    return Markup(out.replace("\n", " "))


def _sort_key(paper: Paper) -> tuple[int, int, str]:
    return (-paper.year, -(paper.month or 0), paper.title.lower())


class _Context:
    """What every template needs about one paper, computed once."""

    def __init__(
        self, catalog: Catalog, bib_entry: BibEntry, site_pages: list[SectionPage],
        env: jinja2.Environment, paper_search: bool,
    ) -> None:
        self.venues: VenueRegistry = catalog.venues
        self.taxonomy = catalog.taxonomy
        self.project = catalog.project
        self.bib_entry = bib_entry
        self.page_of_node: dict[str, SectionPage] = {}
        for sp in site_pages:
            for node in sp.groups:
                self.page_of_node[node.path] = sp
        self._bib: dict[str, str] = {}
        self._html: dict[str, Markup] = {}
        self._venue_cache: dict[str, dict[str, str]] = {}
        self._entry_macro = env.get_template("entry.html.j2").module.entry  # type: ignore[attr-defined]
        self.paper_search = paper_search

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

    def bib(self, paper: Paper) -> str:
        if paper.id not in self._bib:
            self._bib[paper.id] = self.bib_entry(paper).strip()
        return self._bib[paper.id]

    def home(self, paper: Paper) -> str:
        """Site URL of the paper's entry (its first category's page)."""
        for category in paper.categories:
            sp = self.page_of_node.get(category)
            if sp is not None:
                return f"{page_url(sp.path)}#{paper.id}"
        return f"explore/#{paper.id}"

    def entry_html(self, paper: Paper) -> Markup:
        """The entry's HTML, rendered once per build however many pages list the paper.

        A macro call per paper: measured at 10,000 papers, about half the time of one
        template loop over all papers split afterwards, and of an include per listing.
        """
        html = self._html.get(paper.id)
        if html is None:
            html = self._html[paper.id] = Markup(
                self._entry_macro(self.entry(paper), self.paper_search))
        return html

    def entry(self, paper: Paper) -> EntryView:
        venue = self.venue(paper)
        when = str(paper.year)
        if venue["kind"] == "preprint" and paper.month:
            when = f"{paper.year}.{paper.month:02d}"
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
            id=paper.id, title=paper.title, authors=paper.authors, venue=venue, when=when,
            arxiv=paper.arxiv, arxiv_path=arxiv_path, doi=paper.doi, links=links + extra,
            note=paper.note, tags=paper.tags, bib=self.bib(paper),
        )


def site_nav(taxonomy: Taxonomy) -> list[Any]:
    """The "Papers" part of the navigation (MkDocs' nav format): the taxonomy alone decides."""
    nav: list[Any] = [f"{PAPERS_DIR}/index.md"]
    for top in taxonomy.sections:
        items: list[Any] = [f"{PAPERS_DIR}/{top.slug}/index.md"]
        for child in top.children:
            items.append({child.title: f"{PAPERS_DIR}/{top.slug}/{child.slug}.md"})
        nav.append({top.title: items})
    return nav


def site_paths(taxonomy: Taxonomy, *, paper_search: bool = True) -> list[str]:
    """Every path `iter_site` yields, in its order: known from the taxonomy alone, so a build
    can list the files before the records are loaded (the hook's background build)."""
    pages = [sp.path for sp in section_pages(taxonomy)]
    pages += [f"{PAPERS_DIR}/index.md", "explore.md", "downloads.md", "frameworks.md",
              "recent.md", "stats.md"]
    assets = [CATALOG_JSON, BIBTEX_JSON, *([SEARCH_JSON] if paper_search else []),
              f"{BIB_DIR}/all.bib", *(f"{BIB_DIR}/{top.slug}.bib" for top in taxonomy.sections),
              FEED_PATH]
    return pages + assets


def build_site(
    catalog: Catalog,
    *,
    bib_entry: BibEntry | None = None,
    site_url: str | None = None,
    recent_limit: int = RECENT_LIMIT,
    templates_dir: Path = TEMPLATES_DIR,
    paper_search: bool = True,
) -> SiteOutput:
    """Every generated page and file of the site, from the catalog alone.

    With `paper_search` (the default) the papers are searched through the compact index
    SEARCH_JSON and kept out of Material's own search index; without it, Material indexes
    every entry (the stock search, kept as the benchmark's point of comparison).
    """
    out = SiteOutput(nav=site_nav(catalog.taxonomy))
    for item in iter_site(catalog, bib_entry=bib_entry, site_url=site_url,
                          recent_limit=recent_limit, templates_dir=templates_dir,
                          paper_search=paper_search):
        if isinstance(item, SitePage):
            out.pages.append(item)
        else:
            out.assets.append(item)
    return out


def iter_site(
    catalog: Catalog,
    *,
    bib_entry: BibEntry | None = None,
    site_url: str | None = None,
    recent_limit: int = RECENT_LIMIT,
    templates_dir: Path = TEMPLATES_DIR,
    paper_search: bool = True,
) -> Iterator[SitePage | SiteAsset]:
    """`build_site`, one file at a time, in `site_paths` order: the section pages first
    (a build needs them first), the data files last. Each is made only when asked for."""
    if bib_entry is None:
        from effdiff_catalog.formats import bibtex
        from effdiff_catalog.records.citekeys import assign_keys

        venues = catalog.venues
        # Keys over the whole catalog, so a paper has the same key on every page and file.
        keys, _ = assign_keys(catalog.papers())
        bib_entry = functools.partial(_bib_entry, bibtex.entry, venues, keys)
    env = _environment(templates_dir)
    layout = section_pages(catalog.taxonomy)
    ctx = _Context(catalog, bib_entry, layout, env, paper_search)
    papers = sorted(catalog.papers(), key=_sort_key)
    frameworks = sorted(catalog.frameworks(), key=lambda f: f.title.lower())

    by_node: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for category in dict.fromkeys(paper.categories):
            by_node[category].append(paper)

    def count_under(node: Node) -> int:
        return len({p.id for n in _walk(node) for p in by_node.get(n.path, [])})

    # Section pages.
    for sp in layout:
        groups = []
        seen: set[str] = set()
        for node in sp.groups:
            entries = []
            for paper in by_node.get(node.path, []):
                repeat = paper.id in seen
                entries.append(Listed(paper.id, paper.title, repeat,
                                      Markup() if repeat else ctx.entry_html(paper)))
                seen.add(paper.id)
            heading = None
            if node is not sp.node:
                trail = []
                cursor = node.path
                while cursor != sp.node.path:
                    trail.append(catalog.taxonomy.by_path[cursor].title)
                    cursor = cursor.rsplit("/", 1)[0]
                heading = " › ".join(reversed(trail))
            if entries or heading:
                anchor = node.path[len(sp.node.path) + 1:].replace("/", "--")
                groups.append({"node": node, "heading": heading, "anchor": anchor,
                               "entries": entries})
        children = [
            {"node": child, "count": count_under(child),
             "link": posixpath.relpath(f"{PAPERS_DIR}/{sp.node.path}/{child.slug}.md",
                                       posixpath.dirname(sp.path))}
            for child in (sp.node.children if sp.node.depth == 0 else [])
        ]
        content = env.get_template("section.md.j2").render(
            node=sp.node, groups=groups, children=children, count=count_under(sp.node),
            has_frameworks=sp.node.slug == "frameworks" and bool(frameworks),
            exclude=paper_search,
            frameworks_link=posixpath.relpath("frameworks.md", posixpath.dirname(sp.path)),
        )
        yield SitePage(sp.path, sp.node.title, content)

    # Papers overview.
    tops = [
        {"node": top, "count": count_under(top), "link": f"{top.slug}/index.md"}
        for top in catalog.taxonomy.sections
    ]
    yield SitePage(
        f"{PAPERS_DIR}/index.md", "Papers",
        env.get_template("papers_index.md.j2").render(tops=tops, total=len(papers)),
    )

    yield SitePage("explore.md", "Explore", env.get_template("explore.md.j2").render(
        data=relative_url("explore.md", CATALOG_JSON),
        bib=relative_url("explore.md", BIBTEX_JSON),
        root=relative_url("explore.md", ""),
        total=len(papers),
    ))

    # Downloads: all papers, and one file per top-level section (empty ones are not listed).
    members = {
        top.slug: [p for p in papers if any(catalog.taxonomy.is_under(c, top.path)
                                            for c in p.categories)]
        for top in catalog.taxonomy.sections
    }
    downloads = [{"title": "All papers", "path": f"{BIB_DIR}/all.bib", "count": len(papers)}]
    downloads += [
        {"title": top.title, "path": f"{BIB_DIR}/{top.slug}.bib",
         "count": len(members[top.slug])}
        for top in catalog.taxonomy.sections if members[top.slug]
    ]
    yield SitePage("downloads.md", "Downloads", env.get_template(
        "downloads.md.j2").render(downloads=downloads, root=relative_url("downloads.md", "")))

    # Frameworks.
    by_id = catalog.by_id()
    fw_rows = []
    for fw in frameworks:
        described = by_id.get(fw.paper_id) if fw.paper_id else None
        fw_rows.append({
            "title": fw.title, "info": fw.framework,
            "links": [(Links.label(k), v)
                      for k, v in fw.links.items() if is_http_url(v)],
            "paper": (relative_url("frameworks.md", ctx.home(described))
                      if isinstance(described, Paper) else None),
            "note": fw.note,
        })
    yield SitePage("frameworks.md", "Frameworks", env.get_template(
        "frameworks.md.j2").render(frameworks=fw_rows))

    # Recently added (the Atom feed of the same papers comes with the data files).
    recent = sorted(papers, key=lambda p: (p.added, p.id), reverse=True)[:recent_limit]
    by_date: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for paper in recent:
        by_date[paper.added].append({
            "paper": paper, "venue": ctx.venue(paper),
            "link": relative_url("recent.md", ctx.home(paper)),
        })
    yield SitePage("recent.md", "Recently added", env.get_template(
        "recent.md.j2").render(days=sorted(by_date.items(), reverse=True),
                               feed=relative_url("recent.md", FEED_PATH)))

    # Statistics.
    yield SitePage("stats.md", "Statistics", env.get_template("stats.md.j2").render(
        total=len(papers), frameworks=len(frameworks),
        charts=_charts(papers, catalog, ctx, env, count_under),
    ))

    # Data files: Explore's table and BibTeX, the paper search index, downloads, feed.
    sections_meta = [
        {"path": node.path, "title": node.title, "depth": node.depth}
        for node in catalog.taxonomy.walk()
    ]
    rows = []
    for paper in papers:
        venue = ctx.venue(paper)
        rows.append({
            "id": paper.id, "title": paper.title, "authors": paper.authors,
            "venue": paper.venue, "venueShort": venue["short"],
            "preprint": venue["kind"] == "preprint",
            "year": paper.year, "month": paper.month, "arxiv": paper.arxiv,
            "sections": paper.categories, "tags": paper.tags,
            "links": {k: v for k, v in paper.links.items() if is_http_url(v)},
            "url": ctx.home(paper),
        })
    venues_used = sorted(
        {(paper.venue, ctx.venue(paper)["short"]) for paper in papers},
        key=lambda v: v[1].lower(),
    )
    yield SiteAsset(CATALOG_JSON, _json({
        "sections": sections_meta,
        "venues": [{"key": k, "short": s} for k, s in venues_used],
        "papers": rows,
    }))
    yield SiteAsset(BIBTEX_JSON, _json({p.id: ctx.bib(p) for p in papers}))
    if paper_search:
        yield SiteAsset(SEARCH_JSON, search_index(papers, ctx))
    yield SiteAsset(f"{BIB_DIR}/all.bib", _bib_file(papers, ctx, "all papers"))
    for top in catalog.taxonomy.sections:
        yield SiteAsset(f"{BIB_DIR}/{top.slug}.bib", _bib_file(members[top.slug], ctx, top.title))
    base = site_url.rstrip("/") + "/" if site_url and is_http_url(site_url) else None
    yield SiteAsset(FEED_PATH, env.get_template("feed.xml.j2").render(
        base=base,
        updated=_atom_time(max((p.added for p in papers), default=dt.date(2024, 1, 1))),
        entries=[{
            "paper": p, "venue": ctx.venue(p), "updated": _atom_time(p.added),
            "link": (base + ctx.home(p)) if base else ctx.home(p),
        } for p in recent],
    ))


def search_index(papers: Sequence[Paper], ctx: _Context) -> str:
    """The paper search's index: what the search matches and shows, nothing more.

    Papers in the site's order (newest first), each `[id, title, authors, venue, when,
    arXiv id, page]` with the venue and the page as numbers into the `venues` and `pages`
    lists. A venue carries the words it is found by: short name, key and aliases. The worker
    tokenizes at load (about 30 ms at 10,000 papers), so the file holds no token lists and
    stays about the size of the text itself. Record text is left as is: the worker escapes it.
    """
    venue_ids: dict[str, int] = {}
    venues: list[list[str]] = []
    page_ids: dict[str, int] = {}
    pages: list[str] = []
    rows: list[list[Any]] = []
    for paper in papers:
        vid = venue_ids.get(paper.venue)
        if vid is None:
            shown = ctx.venue(paper)
            known = ctx.venues.venues.get(paper.venue)
            words = [paper.venue, *(known.aliases if known else [])]
            vid = venue_ids[paper.venue] = len(venues)
            venues.append([shown["short"], " ".join(words)])
        url, _, anchor = ctx.home(paper).partition("#")
        pid = page_ids.get(url)
        if pid is None:
            pid = page_ids[url] = len(pages)
            pages.append(url)
        when = str(paper.year)
        if paper.month and ctx.venue(paper)["kind"] == "preprint":
            when = f"{paper.year}.{paper.month:02d}"
        rows.append([anchor, paper.title, paper.authors, vid, when, paper.arxiv or "", pid])
    return _json({"version": SEARCH_INDEX_VERSION, "venues": venues, "pages": pages,
                  "papers": rows})


def _charts(
    papers: list[Paper], catalog: Catalog, ctx: _Context, env: jinja2.Environment,
    count_under: Callable[[Node], int],
) -> list[dict[str, str]]:
    years = Counter(p.year for p in papers)
    venues = Counter(ctx.venue(p)["short"] for p in papers)
    preprints = sum(ctx.venue(p)["kind"] == "preprint" for p in papers)
    sections = [
        (("\u2003" * node.depth) + node.title, count_under(node))
        for node in catalog.taxonomy.walk() if node.depth <= 1
    ]
    specs = [
        BarChart("per-year", "Papers per year",
                 [(str(y), n) for y, n in sorted(years.items())]),
        BarChart("per-venue", "Papers per venue",
                 sorted(venues.items(), key=lambda kv: (-kv[1], kv[0].lower()))),
        BarChart("per-section", "Papers per section", sections),
        BarChart("preprint-published", "Preprint vs published",
                 [("Published", len(papers) - preprints), ("Preprint (arXiv only)", preprints)]),
    ]
    return [{"id": spec.id, "title": spec.title, "svg": bar_chart(env, spec),
             "rows": spec.rows} for spec in specs]  # type: ignore[dict-item]


def _bib_entry(
    entry: Callable[..., str], venues: VenueRegistry, keys: dict[str, str], paper: Paper
) -> str:
    return entry(paper, venues, key=keys.get(paper.id))


def _bib_file(papers: Sequence[Paper], ctx: _Context, what: str) -> str:
    """A .bib download: the entries shown on the pages, each computed once per build."""
    header = (
        f"% BibTeX of {what} ({len(papers)}) from the {ctx.project.survey.catalog_name}"
        ".\n% Generated by effdiff-catalog from the records; edit them, not this file.\n"
    )
    return header + "\n" + "\n\n".join(ctx.bib(p) for p in papers) + "\n"


def _atom_time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _json(data: Any) -> str:
    """Compact JSON that is also safe inside HTML (no '</script>' break-out)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

