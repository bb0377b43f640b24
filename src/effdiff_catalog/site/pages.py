"""The generated pages and files of the site: one function per page, and `PARTS`, the list
that puts them in build order. Adding a page is one function, its template and one line in
`PARTS`.

Each part knows its paths before the records load (`paths`), so that a build can list the
files first and fill them in later (the background generation of `site.background`).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from effdiff_catalog.records.models import Links, Paper
from effdiff_catalog.records.taxonomy import Node, Taxonomy
from effdiff_catalog.site.charts import BarChart, bar_chart
from effdiff_catalog.site.context import (
    BIB_DIR,
    BIBTEX_JSON,
    CATALOG_JSON,
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
    is_http_url,
    relative_url,
    section_pages,
    to_json,
)

Item = SitePage | SiteAsset


@dataclass(frozen=True)
class Part:
    """A piece of the site: the paths it makes, and the function that makes them in order."""

    paths: Callable[[Taxonomy, SiteOptions], list[str]]
    make: Callable[[SiteContext], Iterator[Item]]


def one_page(path: str, title: str, body: Callable[[SiteContext], str]) -> Part:
    """A part that is a single page."""
    return Part(lambda taxonomy, options: [path],
                lambda ctx: iter([SitePage(path, title, body(ctx))]))


# --- section pages ----------------------------------------------------------------------


def section_paths(taxonomy: Taxonomy, options: SiteOptions) -> list[str]:
    return [sp.path for sp in section_pages(taxonomy)]


def section_items(ctx: SiteContext) -> Iterator[Item]:
    for sp in ctx.layout:
        yield section_page(ctx, sp)


def section_page(ctx: SiteContext, sp: SectionPage) -> SitePage:
    """One taxonomy section: its sub-sections with counts, then its papers' entries."""
    content = ctx.render(
        "section.md.j2",
        node=sp.node, groups=_section_groups(ctx, sp), children=_section_children(ctx, sp),
        count=ctx.count_under(sp.node),
        has_frameworks=sp.node.slug == "frameworks" and bool(ctx.frameworks),
        exclude=ctx.paper_search,
        frameworks_link=posixpath.relpath("frameworks.md", posixpath.dirname(sp.path)),
    )
    return SitePage(sp.path, sp.node.title, content)


def _section_groups(ctx: SiteContext, sp: SectionPage) -> list[dict[str, Any]]:
    """The page's headings, each with its entries; a paper listed twice is rendered once."""
    groups = []
    seen: set[str] = set()
    for node in sp.groups:
        entries = []
        for paper in ctx.by_node.get(node.path, []):
            repeat = paper.id in seen
            entries.append(Listed(paper.id, paper.title, repeat,
                                  Markup() if repeat else ctx.entry_html(paper)))
            seen.add(paper.id)
        heading = None if node is sp.node else _trail(ctx, node, sp.node)
        if entries or heading:
            anchor = node.path[len(sp.node.path) + 1:].replace("/", "--")
            groups.append({"node": node, "heading": heading, "anchor": anchor,
                           "entries": entries})
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


# --- one-file pages ---------------------------------------------------------------------


def papers_index(ctx: SiteContext) -> str:
    tops = [
        {"node": top, "count": ctx.count_under(top), "link": f"{top.slug}/index.md"}
        for top in ctx.taxonomy.sections
    ]
    return ctx.render("papers_index.md.j2", tops=tops, total=len(ctx.papers))


def explore(ctx: SiteContext) -> str:
    return ctx.render(
        "explore.md.j2",
        data=relative_url("explore.md", CATALOG_JSON),
        bib=relative_url("explore.md", BIBTEX_JSON),
        root=relative_url("explore.md", ""),
        total=len(ctx.papers),
    )


def section_members(ctx: SiteContext) -> dict[str, list[Paper]]:
    """The papers of each top-level section, by slug."""
    return {
        top.slug: [p for p in ctx.papers if any(ctx.taxonomy.is_under(c, top.path)
                                                for c in p.categories)]
        for top in ctx.taxonomy.sections
    }


def downloads(ctx: SiteContext) -> str:
    """All papers, and one file per top-level section (empty ones are not listed)."""
    members = section_members(ctx)
    files = [{"title": "All papers", "path": f"{BIB_DIR}/all.bib", "count": len(ctx.papers)}]
    files += [
        {"title": top.title, "path": f"{BIB_DIR}/{top.slug}.bib",
         "count": len(members[top.slug])}
        for top in ctx.taxonomy.sections if members[top.slug]
    ]
    return ctx.render("downloads.md.j2", downloads=files, root=relative_url("downloads.md", ""))


def frameworks(ctx: SiteContext) -> str:
    by_id = ctx.catalog.by_id()
    rows = []
    for fw in ctx.frameworks:
        described = by_id.get(fw.paper_id) if fw.paper_id else None
        rows.append({
            "title": fw.title, "info": fw.framework,
            "links": [(Links.label(k), v) for k, v in fw.links.items() if is_http_url(v)],
            "paper": (relative_url("frameworks.md", ctx.home(described))
                      if isinstance(described, Paper) else None),
            "note": fw.note,
        })
    return ctx.render("frameworks.md.j2", frameworks=rows)


def recently_added(ctx: SiteContext) -> list[Paper]:
    """The newest additions, shared by the Recently added page and the Atom feed."""
    return sorted(ctx.papers, key=lambda p: (p.added, p.id),
                  reverse=True)[:ctx.options.recent_limit]


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
    papers = ctx.papers
    years = Counter(p.year for p in papers)
    venues = Counter(ctx.venue(p)["short"] for p in papers)
    preprints = sum(ctx.venue(p)["kind"] == "preprint" for p in papers)
    sections = [
        (("\u2003" * node.depth) + node.title, ctx.count_under(node))
        for node in ctx.taxonomy.walk() if node.depth <= 1
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
    return [{"id": spec.id, "title": spec.title, "svg": bar_chart(ctx.env, spec),
             "rows": spec.rows} for spec in specs]


# --- data files -------------------------------------------------------------------------


def data_paths(taxonomy: Taxonomy, options: SiteOptions) -> list[str]:
    return [CATALOG_JSON, BIBTEX_JSON, *([SEARCH_JSON] if options.paper_search else []),
            f"{BIB_DIR}/all.bib", *(f"{BIB_DIR}/{top.slug}.bib" for top in taxonomy.sections),
            FEED_PATH]


def data_files(ctx: SiteContext) -> Iterator[Item]:
    """Explore's table and BibTeX, the paper search index, the downloads, the feed."""
    yield SiteAsset(CATALOG_JSON, explore_data(ctx))
    yield SiteAsset(BIBTEX_JSON, to_json({p.id: ctx.bib(p) for p in ctx.papers}))
    if ctx.paper_search:
        yield SiteAsset(SEARCH_JSON, search_index(ctx))
    yield SiteAsset(f"{BIB_DIR}/all.bib", _bib_file(ctx, ctx.papers, "all papers"))
    members = section_members(ctx)
    for top in ctx.taxonomy.sections:
        yield SiteAsset(f"{BIB_DIR}/{top.slug}.bib", _bib_file(ctx, members[top.slug], top.title))
    yield SiteAsset(FEED_PATH, feed(ctx))


def explore_data(ctx: SiteContext) -> str:
    """Explore's table: every paper with what it is filtered, sorted and shown by."""
    sections = [{"path": node.path, "title": node.title, "depth": node.depth}
                for node in ctx.taxonomy.walk()]
    rows = []
    for paper in ctx.papers:
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
    venues_used = sorted({(paper.venue, ctx.venue(paper)["short"]) for paper in ctx.papers},
                         key=lambda v: v[1].lower())
    return to_json({"sections": sections,
                    "venues": [{"key": k, "short": s} for k, s in venues_used],
                    "papers": rows})


def search_index(ctx: SiteContext) -> str:
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
    for paper in ctx.papers:
        vid = venue_ids.get(paper.venue)
        if vid is None:
            known = ctx.venues.venues.get(paper.venue)
            words = [paper.venue, *(known.aliases if known else [])]
            vid = venue_ids[paper.venue] = len(venues)
            venues.append([ctx.venue(paper)["short"], " ".join(words)])
        url, _, anchor = ctx.home(paper).partition("#")
        pid = page_ids.get(url)
        if pid is None:
            pid = page_ids[url] = len(pages)
            pages.append(url)
        rows.append([anchor, paper.title, paper.authors, vid, ctx.when(paper),
                     paper.arxiv or "", pid])
    return to_json({"version": SEARCH_INDEX_VERSION, "venues": venues, "pages": pages,
                    "papers": rows})


def _bib_file(ctx: SiteContext, papers: Sequence[Paper], what: str) -> str:
    """A .bib download: the entries shown on the pages, each computed once per build."""
    header = (
        f"% BibTeX of {what} ({len(papers)}) from the {ctx.project.survey.catalog_name}"
        ".\n% Generated by effdiff-catalog from the records; edit them, not this file.\n"
    )
    return header + "\n" + "\n\n".join(ctx.bib(p) for p in papers) + "\n"


def feed(ctx: SiteContext) -> str:
    """The Atom feed of the recently added papers; absolute links when the site URL is known."""
    site_url = ctx.options.site_url
    base = site_url.rstrip("/") + "/" if site_url and is_http_url(site_url) else None
    recent_papers = recently_added(ctx)
    return ctx.render(
        "feed.xml.j2",
        base=base,
        updated=_atom_time(max((p.added for p in ctx.papers), default=dt.date(2024, 1, 1))),
        entries=[{
            "paper": p, "venue": ctx.venue(p), "updated": _atom_time(p.added),
            "link": (base + ctx.home(p)) if base else ctx.home(p),
        } for p in recent_papers],
    )


def _atom_time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


# --- the site, in build order -----------------------------------------------------------

PARTS: tuple[Part, ...] = (
    Part(section_paths, section_items),  # the section pages first: a build needs them first
    one_page(f"{PAPERS_DIR}/index.md", "Papers", papers_index),
    one_page("explore.md", "Explore", explore),
    one_page("downloads.md", "Downloads", downloads),
    one_page("frameworks.md", "Frameworks", frameworks),
    one_page("recent.md", "Recently added", recent),
    one_page("stats.md", "Statistics", stats),
    Part(data_paths, data_files),  # the data files last: a build copies them last
)
