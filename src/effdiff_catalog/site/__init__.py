"""The website's content, generated from the catalog: a pure function from records to pages.

`build_site(catalog)` returns Markdown pages, data files and a navigation fragment. It knows
nothing of MkDocs: a thin plugin (`effdiff_catalog.site.plugin`) hands its output to the
build, so moving to another static site generator only means another thin adapter.
"""

from effdiff_catalog.site.generate import (
    SiteAsset,
    SiteOutput,
    SitePage,
    build_site,
    iter_site,
    section_pages,
    site_nav,
    site_paths,
)

__all__ = [
    "SiteAsset", "SiteOutput", "SitePage", "build_site", "iter_site", "section_pages",
    "site_nav", "site_paths",
]
