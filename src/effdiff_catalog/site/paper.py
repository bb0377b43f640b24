"""A page per paper (paper/<id>/): what it shows, and what it tells indexers.

The page holds the paper's facts, links, sections, abstract, BibTeX (copyable) and its entry
as BibTeX, RIS and CSL-JSON files (through the exporter interface), a few neighbours from
its first section, and a link to edit its record. For indexers and link previews: a meta
description, a canonical URL (the theme's, from the site URL) and schema.org JSON-LD with
`sameAs` at the DOI and arXiv. No Google Scholar `citation_*` tags: this site is not the
publisher and shows no full text (docs/site.md).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from effdiff_catalog.formats.base import exporter
from effdiff_catalog.records.models import Paper
from effdiff_catalog.site.context import (
    CITATION_FORMATS,
    SiteContext,
    SitePage,
    download_path,
    page_url,
    paper_path,
    relative_url,
    to_json,
)

NEIGHBOURS = 5
# How the page names each download format.
FORMAT_LABELS = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}
# Characters a DOI keeps in a doi.org link; the rest is percent-encoded.
_DOI_SAFE = "/:;()._-"


def paper_page(ctx: SiteContext, paper: Paper) -> SitePage:
    path = paper_path(paper.id)
    return SitePage(path, paper.title, ctx.render(
        "paper.md.j2", p=paper_view(ctx, paper, path), description=description(ctx, paper)))


def downloads(ctx: SiteContext, paper: Paper) -> Iterator[tuple[str, str]]:
    """The paper's entry as a file in each citation format: (path, content)."""
    for fmt in CITATION_FORMATS:
        yield download_path(paper.id, fmt), ctx.citation(paper, fmt)


def paper_view(ctx: SiteContext, paper: Paper, path: str) -> dict[str, Any]:
    """Everything the paper's template shows, with every link relative to its page."""
    root = relative_url(path, "")
    key = ctx.keys.get(paper.id, paper.id)
    record = ctx.record_paths.get(paper.id)
    return {
        "entry": ctx.entry(paper),
        "authors": [(name, f"{root}explore/?author={urllib.parse.quote(name)}")
                    for name in paper.authors],
        "doi_url": doi_url(paper.doi),
        "sections": sections(ctx, paper, path),
        "abstract": paper.abstract, "note": paper.note, "tags": paper.tags,
        "aliases": paper.aliases,
        "bib": ctx.bib(paper),
        "downloads": [(FORMAT_LABELS[fmt], relative_url(path, download_path(paper.id, fmt)),
                       f"{key}.{exporter(fmt).extension}", exporter(fmt).media_type)
                      for fmt in CITATION_FORMATS],
        "neighbours": [(other, relative_url(path, ctx.home(other)))
                       for other in neighbours(ctx, paper)],
        "neighbours_of": _first_section_title(ctx, paper),
        "edit_url": ctx.project.edit_url(record) if record else None,
        "record": record,
        "jsonld": Markup(to_json(jsonld(ctx, paper))),
    }


def doi_url(doi: str | None) -> str | None:
    return f"https://doi.org/{urllib.parse.quote(doi, safe=_DOI_SAFE)}" if doi else None


def sections(ctx: SiteContext, paper: Paper, path: str) -> list[tuple[str, str]]:
    """Each section the paper is listed under, as its title trail and a link to the entry."""
    out = []
    for category in ctx.listed.get(paper.id, []):
        node = ctx.taxonomy.by_path.get(category)
        sp = ctx.page_of_node.get(category)
        if node is None or sp is None:
            continue
        trail = []
        cursor = category
        while cursor:
            trail.append(ctx.taxonomy.by_path[cursor].title)
            cursor = cursor.rpartition("/")[0]
        out.append((" › ".join(reversed(trail)),
                    relative_url(path, f"{page_url(sp.path)}#{paper.id}")))
    return out


def neighbours(ctx: SiteContext, paper: Paper) -> list[Paper]:
    """Up to NEIGHBOURS papers of the paper's first section, nearest to it in the site's
    order (newest first): the ones listed around it on the section's page."""
    listed = ctx.listed.get(paper.id)
    if not listed:
        return []
    members = ctx.by_node.get(listed[0], [])
    at = ctx.position(listed[0], paper.id)
    start = max(0, min(at - NEIGHBOURS // 2, len(members) - NEIGHBOURS - 1))
    return [p for p in members[start:start + NEIGHBOURS + 1] if p.id != paper.id][:NEIGHBOURS]


def _first_section_title(ctx: SiteContext, paper: Paper) -> str | None:
    listed = ctx.listed.get(paper.id)
    node = ctx.taxonomy.by_path.get(listed[0]) if listed else None
    return node.title if node else None


def description(ctx: SiteContext, paper: Paper) -> str:
    """The page's meta description: what the paper is, and what the page offers."""
    names = paper.authors[:3] + (["et al."] if len(paper.authors) > 3 else [])
    by = f" by {', '.join(names)}" if names else ""
    venue = ctx.venue(paper)["short"]
    return (f"{paper.title} ({venue} {paper.year}){by}: links, BibTeX, RIS and related "
            f"papers in the {ctx.project.survey.catalog_name}.")


def jsonld(ctx: SiteContext, paper: Paper) -> dict[str, Any]:
    """schema.org ScholarlyArticle; `sameAs` names the paper's own pages (DOI, arXiv)."""
    same_as = [url for url in (doi_url(paper.doi),
                               f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None)
               if url]
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "ScholarlyArticle",
        "headline": paper.title, "name": paper.title,
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
        "datePublished": str(paper.year),
        "publication": {"@type": "PublicationEvent", "name": ctx.venue(paper)["name"]},
    }
    if same_as:
        data["sameAs"] = same_as
    if paper.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI",
                              "value": paper.doi}
    if paper.abstract:
        data["abstract"] = paper.abstract
    site_url = ctx.options.site_url
    if site_url:
        data["url"] = site_url.rstrip("/") + "/" + ctx.home(paper)
    return data
