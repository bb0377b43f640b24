"""Catalog -> website pages. Pure: no MkDocs, no file writes, no clock, no network.

Layout: a page per paper (paper/<id>/, kept out of the navigation), one page per top-level
section (papers filed directly under it) and one per second-level section (its deeper
sections become headings), where every paper is a short entry with a permalink anchor equal
to its id that opens the paper's page. Chosen from measurements at 10,000 papers
(docs/site.md).

The pages themselves are made by the functions of `site.pages`, in the order of its
`PARTS`; this module runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from effdiff_catalog.records.catalog import Catalog
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.site.context import (
    BIB_DIR,
    BIBTEX_JSON,
    CATALOG_JSON,
    FEED_PATH,
    PAPER_DIR,
    PAPERS_DIR,
    RECENT_LIMIT,
    SEARCH_INDEX_VERSION,
    SEARCH_JSON,
    TEMPLATES_DIR,
    BibEntry,
    SiteAsset,
    SiteContext,
    SiteOptions,
    SiteOutput,
    SitePage,
    is_http_url,
    markdown_text,
    page_url,
    paper_path,
    relative_url,
    section_pages,
)
from effdiff_catalog.site.pages import PARTS

__all__ = [
    "BIBTEX_JSON", "BIB_DIR", "CATALOG_JSON", "FEED_PATH", "PAPERS_DIR", "PAPER_DIR",
    "RECENT_LIMIT", "paper_path",
    "SEARCH_INDEX_VERSION", "SEARCH_JSON", "TEMPLATES_DIR", "SiteAsset", "SiteOptions",
    "SiteOutput", "SitePage", "build_site", "is_http_url", "iter_site", "markdown_text",
    "page_url", "relative_url", "section_pages", "site_nav", "site_paths",
]


def site_nav(taxonomy: Taxonomy) -> list[Any]:
    """The "Papers" part of the navigation (MkDocs' nav format): the taxonomy alone decides."""
    nav: list[Any] = [f"{PAPERS_DIR}/index.md"]
    for top in taxonomy.sections:
        items: list[Any] = [f"{PAPERS_DIR}/{top.slug}/index.md"]
        for child in top.children:
            items.append({child.title: f"{PAPERS_DIR}/{top.slug}/{child.slug}.md"})
        nav.append({top.title: items})
    return nav


def site_paths(catalog: Catalog, *, paper_search: bool = True) -> list[str]:
    """Every path `iter_site` yields, in its order, without rendering anything: a build can
    list the files as soon as the records are loaded (the plugin's background build)."""
    options = SiteOptions(paper_search=paper_search)
    return [path for part in PARTS for path in part.paths(catalog, options)]


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
    options = SiteOptions(bib_entry=bib_entry, site_url=site_url, recent_limit=recent_limit,
                          templates_dir=templates_dir, paper_search=paper_search)
    ctx = SiteContext(catalog, options)
    for part in PARTS:
        yield from part.make(ctx)
