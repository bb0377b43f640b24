"""The generated pages and files of the site: one function per page, and `PARTS`, the list
that puts them in build order. Adding a page is one function, its template and one line in
`PARTS`.

Each part knows its paths from the loaded catalog without rendering anything (`paths`), so
that a build can list the files first and fill them in later (the background generation of
`site.background`). The order is the one the plugin has MkDocs read pages in: the section
pages (the costly ones to convert), the other pages, the paper pages; then the files that
are not pages (data, downloads), which a build needs last.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from effdiff_catalog.formats.base import exporter
from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.models import Framework, Links, Paper
from effdiff_catalog.records.query import section_sets
from effdiff_catalog.records.taxonomy import Node
from effdiff_catalog.site.charts import BarChart, bar_chart
from effdiff_catalog.site.context import (
    BIB_DIR,
    BIBTEX_JSON,
    CATALOG_JSON,
    CITATION_FORMATS,
    FEED_PATH,
    PAPERS_DIR,
    SEARCH_INDEX_VERSION,
    SEARCH_JSON,
    Listed,
    SectionPage,
    SiteAsset,
    SiteContext,
    SiteOptions,
    SitePage,
    download_path,
    is_http_url,
    page_url,
    paper_path,
    relative_url,
    section_pages,
    to_json,
)
from effdiff_catalog.site.paper import FORMAT_LABELS, paper_page
from effdiff_catalog.site.paper import downloads as paper_downloads

Item = SitePage | SiteAsset


@dataclass(frozen=True)
class Part:
    """A piece of the site: the paths it makes, and the function that makes them in order."""

    paths: Callable[[Catalog, SiteOptions], list[str]]
    make: Callable[[SiteContext], Iterator[Item]]


def one_page(path: str, title: str, body: Callable[[SiteContext], str]) -> Part:
    """A part that is a single page."""
    return Part(lambda catalog, options: [path],
                lambda ctx: iter([SitePage(path, title, body(ctx))]))


# --- the paper pages ----------------------------------------------------------------------


def paper_page_paths(catalog: Catalog, options: SiteOptions) -> list[str]:
    return [paper_path(paper.id) for paper in catalog.papers()]


def paper_pages(ctx: SiteContext) -> Iterator[Item]:
    for paper in ctx.catalog.papers():
        yield paper_page(ctx, paper)


def paper_download_paths(catalog: Catalog, options: SiteOptions) -> list[str]:
    return [download_path(paper.id, fmt) for paper in catalog.papers()
            for fmt in CITATION_FORMATS]


def paper_download_items(ctx: SiteContext) -> Iterator[Item]:
    """Each paper's entry in each citation format, next to its page."""
    for paper in ctx.catalog.papers():
        for path, content in paper_downloads(ctx, paper):
            yield SiteAsset(path, content)


# --- section pages ----------------------------------------------------------------------


def section_paths(catalog: Catalog, options: SiteOptions) -> list[str]:
    return [sp.path for sp in section_pages(catalog.taxonomy)]


def section_items(ctx: SiteContext) -> Iterator[Item]:
    for sp in ctx.layout:
        yield section_page(ctx, sp)


def section_page(ctx: SiteContext, sp: SectionPage) -> SitePage:
    """One taxonomy section: its sub-sections with counts, its frameworks, then its papers'
    entries (each links to the paper's own page)."""
    content = ctx.render(
        "section.md.j2",
        node=sp.node, groups=_section_groups(ctx, sp), children=_section_children(ctx, sp),
        count=ctx.count_under(sp.node), frameworks=_framework_rows(ctx, sp),
        description=_section_description(ctx, sp.node),
    )
    return SitePage(sp.path, sp.node.title, content)


def _section_description(ctx: SiteContext, node: Node) -> str:
    """The meta description of a section's page."""
    count = ctx.count_under(node)
    what = f"{count} paper{'s' if count != 1 else ''}"
    about = f" {node.description.rstrip('.')}." if node.description else ""
    return f"{node.title}: {what} of the {ctx.project.survey.catalog_name}.{about}"


def _section_groups(ctx: SiteContext, sp: SectionPage) -> list[dict[str, Any]]:
    """The page's headings, each with its entries; a paper listed twice is rendered once."""
    groups = []
    seen: set[str] = set()
    for node in sp.groups:
        entries = []
        heading = None if node is sp.node else _trail(ctx, node, sp.node)
        level = 2 if heading is None else 3  # under the page's h1, or a sub-section's h2
        for paper in ctx.by_node.get(node.path, []):
            repeat = paper.id in seen
            entries.append(Listed(paper.id, paper.title, repeat, Markup() if repeat
                                  else ctx.entry_html(paper, sp.path, level)))
            seen.add(paper.id)
        if entries or heading:
            anchor = node.path[len(sp.node.path) + 1:].replace("/", "--")
            groups.append({"node": node, "heading": heading, "anchor": anchor,
                           "entries": entries, "exclude": ctx.paper_search})
    return groups


def _trail(ctx: SiteContext, node: Node, top: Node) -> str:
    """The titles from below `top` down to `node`: 'Efficient Training › Latent Diffusion'."""
    trail = []
    cursor = node.path
    while cursor != top.path:
        trail.append(ctx.taxonomy.by_path[cursor].title)
        cursor = cursor.rsplit("/", 1)[0]
    return " › ".join(reversed(trail))


def _section_children(ctx: SiteContext, sp: SectionPage) -> list[dict[str, Any]]:
    """A top-level page's sub-sections with their paper counts (deeper pages list none)."""
    return [
        {"node": child, "count": ctx.count_under(child),
         "link": posixpath.relpath(f"{PAPERS_DIR}/{sp.node.path}/{child.slug}.md",
                                   posixpath.dirname(sp.path))}
        for child in (sp.node.children if sp.node.depth == 0 else [])
    ]


def _framework_rows(ctx: SiteContext, sp: SectionPage) -> list[dict[str, Any]]:
    """The frameworks filed under the page's section: the survey's Frameworks table."""
    by_id = ctx.catalog.by_id()
    return [_framework_row(ctx, fw, by_id.get(fw.paper_id or ""), sp.path)
            for fw in ctx.frameworks
            if any(ctx.taxonomy.is_under(c, sp.node.path) for c in fw.categories)]


def _framework_row(ctx: SiteContext, fw: Framework, described: object,
                   on_page: str) -> dict[str, Any]:
    return {
        "title": fw.title, "info": fw.framework,
        "links": [(Links.label(k), v) for k, v in fw.links.items() if is_http_url(v)],
        "paper": (relative_url(on_page, ctx.home(described))
                  if isinstance(described, Paper) else None),
    }


# --- one-file pages ---------------------------------------------------------------------


def papers_index(ctx: SiteContext) -> str:
    tops = [
        {"node": top, "count": ctx.count_under(top), "link": f"{top.slug}/index.md",
         "frameworks": sum(any(ctx.taxonomy.is_under(c, top.path) for c in f.categories)
                           for f in ctx.frameworks)}
        for top in ctx.taxonomy.sections
    ]
    return ctx.render("papers_index.md.j2", tops=tops, total=len(ctx.papers),
                      frameworks=len(ctx.frameworks))


def explore(ctx: SiteContext) -> str:
    return ctx.render(
        "explore.md.j2",
        data=relative_url("explore.md", CATALOG_JSON),
        bib=relative_url("explore.md", BIBTEX_JSON),
        root=relative_url("explore.md", ""),
        total=len(ctx.papers),
    )


def set_formats(name: str) -> tuple[str, ...]:
    """The formats a download set comes in: all of them for the whole catalog, BibTeX for a
    section (each costs a build a whole export of the set)."""
    return CITATION_FORMATS if name == "all" else ("bibtex",)


def downloads(ctx: SiteContext) -> str:
    """All papers, and each top-level section (empty ones are not listed): the files of
    `effdiff export --split-sections`."""
    titles = {top.slug: top.title for top in ctx.taxonomy.sections}
    rows = [
        {"title": titles.get(chosen.name, "All papers"), "count": len(chosen.papers),
         "files": [(FORMAT_LABELS[fmt], f"{BIB_DIR}/{chosen.name}.{exporter(fmt).extension}")
                   for fmt in set_formats(chosen.name)]}
        for chosen in section_sets(ctx.catalog) if chosen.papers or chosen.name == "all"
    ]
    return ctx.render("downloads.md.j2", downloads=rows, root=relative_url("downloads.md", ""))


def cite(ctx: SiteContext) -> str:
    """How to cite: the survey (from catalog.yaml), one paper, many papers."""
    return ctx.render("cite.md.j2", survey=ctx.project.survey,
                      bibtex=ctx.project.survey.bibtex().strip())


def recently_added(ctx: SiteContext) -> list[Paper]:
    """The newest additions, by title within a day: shared by the page and the Atom feed."""
    by_title = sorted(ctx.papers, key=lambda p: (p.title.casefold(), p.id))
    return sorted(by_title, key=lambda p: p.added, reverse=True)[:ctx.options.recent_limit]


def recent(ctx: SiteContext) -> str:
    by_date: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for paper in recently_added(ctx):
        by_date[paper.added].append({
            "paper": paper, "venue": ctx.venue(paper),
            "link": relative_url("recent.md", ctx.home(paper)),
        })
    return ctx.render("recent.md.j2", days=sorted(by_date.items(), reverse=True),
                      feed=relative_url("recent.md", FEED_PATH))


def stats(ctx: SiteContext) -> str:
    return ctx.render("stats.md.j2", total=len(ctx.papers), frameworks=len(ctx.frameworks),
                      charts=_charts(ctx))


def _charts(ctx: SiteContext) -> list[dict[str, Any]]:
    """The statistics; each bar of a year, venue or section opens that view of Explore."""
    papers = ctx.papers
    explore = relative_url("stats.md", "explore/")
    years = Counter(p.year for p in papers)
    venues = Counter(p.venue for p in papers)
    preprints = sum(ctx.venue(p)["kind"] == "preprint" for p in papers)
    sections = [
        (node.title, ctx.count_under(node), f"{explore}?section={urllib.parse.quote(node.path)}")
        for node in ctx.taxonomy.walk() if node.depth <= 1
    ]
    by_venue = sorted(venues.items(), key=lambda kv: (-kv[1], ctx.venue_short(kv[0]).lower()))
    specs = [
        BarChart("per-year", "Papers per year",
                 [(str(y), n, f"{explore}?year={y}") for y, n in sorted(years.items())]),
        BarChart("per-venue", "Papers per venue",
                 [(ctx.venue_short(key), n, f"{explore}?venue={urllib.parse.quote(key)}")
                  for key, n in by_venue]),
        BarChart("per-section", "Papers per section", sections),
        BarChart("preprint-published", "Preprint vs published",
                 [("Published", len(papers) - preprints, None),
                  ("Preprint (arXiv only)", preprints, None)]),
    ]
    return [{"id": spec.id, "title": spec.title, "svg": bar_chart(ctx.env, spec),
             "rows": spec.rows} for spec in specs]


# --- data files -------------------------------------------------------------------------


def data_paths(catalog: Catalog, options: SiteOptions) -> list[str]:
    sets = ["all", *(top.slug for top in catalog.taxonomy.sections)]
    return [CATALOG_JSON, BIBTEX_JSON, *([SEARCH_JSON] if options.paper_search else []),
            *(f"{BIB_DIR}/{name}.{exporter(fmt).extension}"
              for name in sets for fmt in set_formats(name)),
            FEED_PATH]


def data_files(ctx: SiteContext) -> Iterator[Item]:
    """Explore's table and BibTeX, the paper search index, the downloads, the feed."""
    yield SiteAsset(CATALOG_JSON, explore_data(ctx))
    yield SiteAsset(BIBTEX_JSON, to_json({p.id: ctx.bib(p) for p in ctx.papers}))
    if ctx.paper_search:
        yield SiteAsset(SEARCH_JSON, search_index(ctx))
    for chosen in section_sets(ctx.catalog):
        for fmt in set_formats(chosen.name):
            yield SiteAsset(f"{BIB_DIR}/{chosen.name}.{exporter(fmt).extension}",
                            ctx.export(chosen.papers, fmt))
    yield SiteAsset(FEED_PATH, feed(ctx))


def explore_data(ctx: SiteContext) -> str:
    """Explore's table: every paper with what it is filtered, sorted, searched and shown by."""
    sections = [{"path": node.path, "title": node.title, "depth": node.depth}
                for node in ctx.taxonomy.walk()]
    rows = []
    for paper in ctx.papers:
        venue = ctx.venue(paper)
        rows.append({
            "id": paper.id, "title": paper.title, "authors": paper.authors,
            "aliases": paper.aliases, "venue": paper.venue, "venueShort": venue["short"],
            "preprint": venue["kind"] == "preprint",
            "year": paper.year, "month": paper.month, "when": ctx.when(paper),
            "arxiv": paper.arxiv, "doi": paper.doi,
            "sections": ctx.listed[paper.id], "tags": paper.tags,
            "links": {k: v for k, v in paper.links.items() if is_http_url(v)},
            "url": ctx.home(paper),
        })
    return to_json({"sections": sections, "venues": _venue_list(ctx), "papers": rows})


def _venue_list(ctx: SiteContext) -> list[dict[str, Any]]:
    """The venues the papers name, with every name they are found by (menu, URL, search)."""
    used = sorted({paper.venue for paper in ctx.papers},
                  key=lambda key: ctx.venue_short(key).lower())
    out = []
    for key in used:
        known = ctx.venues.venues.get(key)
        out.append({"key": key, "short": ctx.venue_short(key),
                    "names": [key, *([known.short, known.name, *known.aliases] if known else [])]})
    return out


def search_index(ctx: SiteContext) -> str:
    """The paper search's index: what the search matches and shows, nothing more.

    Papers in the site's order (newest first), each `[id, title, authors, venue, when,
    arXiv id, DOI, aliases, sections, tags]`, the venue a number into `venues` (its short
    name, then every name it is found by) and the sections numbers into `sections` (title,
    description, page). The worker tokenizes at load, with the matcher Explore uses
    (match.js), so the file holds no token lists. Record text is left as is: the worker
    escapes it. A paper's page is paper/<id>/.
    """
    venues = _venue_list(ctx)
    venue_ids = {v["key"]: i for i, v in enumerate(venues)}
    nodes = list(ctx.taxonomy.walk())
    node_ids = {node.path: i for i, node in enumerate(nodes)}
    rows = [[paper.id, paper.title, paper.authors, venue_ids[paper.venue], ctx.when(paper),
             paper.arxiv or "", paper.doi or "", paper.aliases,
             [node_ids[path] for path in ctx.listed[paper.id] if path in node_ids], paper.tags]
            for paper in ctx.papers]
    sections = [[node.title, node.description or "", page_url(ctx.page_of_node[node.path].path)
                 + ("" if node is ctx.page_of_node[node.path].node else "#" + _anchor(node, ctx))]
                for node in nodes]
    return to_json({"version": SEARCH_INDEX_VERSION,
                    "venues": [[v["short"], " ".join(v["names"])] for v in venues],
                    "sections": sections, "papers": rows})


def _anchor(node: Node, ctx: SiteContext) -> str:
    """The heading anchor of a deeper section on its page (section.md.j2)."""
    top = ctx.page_of_node[node.path].node
    return node.path[len(top.path) + 1:].replace("/", "--")


def feed(ctx: SiteContext) -> str:
    """The Atom feed of the recently added papers; absolute links when the site URL is known."""
    site_url = ctx.options.site_url
    base = site_url.rstrip("/") + "/" if site_url and is_http_url(site_url) else None
    return ctx.render(
        "feed.xml.j2",
        base=base, author=ctx.project.survey.catalog_name,
        title=f"{ctx.project.survey.short_title or ctx.project.survey.title}: "
              "recently added papers",
        updated=_atom_time(max((p.added for p in ctx.papers), default=dt.date(2024, 1, 1))),
        entries=[{
            "paper": p, "venue": ctx.venue(p), "updated": _atom_time(p.added),
            "link": (base + ctx.home(p)) if base else ctx.home(p),
        } for p in recently_added(ctx)],
    )


def _atom_time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


# --- the site, in build order -----------------------------------------------------------

PARTS: tuple[Part, ...] = (
    # The pages in the order MkDocs reads them (plugin.read_order): the sections first ...
    one_page(f"{PAPERS_DIR}/index.md", "Papers", papers_index),
    Part(section_paths, section_items),
    one_page("cite.md", "How to cite", cite),
    one_page("downloads.md", "Downloads", downloads),
    one_page("explore.md", "Explore", explore),
    one_page("recent.md", "Recently added", recent),
    one_page("stats.md", "Statistics", stats),
    Part(paper_page_paths, paper_pages),
    # ... then the files MkDocs only copies, which a background build writes last.
    Part(data_paths, data_files),
    Part(paper_download_paths, paper_download_items),
)
