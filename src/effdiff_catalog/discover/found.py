"""Candidates from what the sources return: dblp volume records, arXiv entries, Semantic
Scholar citing papers. Every value is the source's; nothing here is trusted further.
"""

from __future__ import annotations

from effdiff_catalog.checker.sources.arxiv import ArxivEntry
from effdiff_catalog.checker.sources.dblp import PREPRINT_KEY_PREFIX, DblpHit
from effdiff_catalog.checker.sources.semanticscholar import S2Paper
from effdiff_catalog.identity import (
    arxiv_from_doi,
    arxiv_url,
    is_arxiv_doi,
    normalise_arxiv,
    parse_doi,
    title_key,
)

from .candidates import Candidate

# dblp's record of the proceedings volume itself, not a paper in it.
VOLUME_RECORD_TYPES = frozenset({"Editorship"})


def from_dblp_hit(hit: DblpHit, where: str) -> Candidate | None:
    """A paper of a proceedings volume; None for the volume's own record."""
    if hit.type in VOLUME_RECORD_TYPES or not hit.title:
        return None
    arxiv = next((a for a in map(normalise_arxiv, hit.ee) if a), None)
    return Candidate(
        key=f"dblp:{hit.key}", title=hit.title.rstrip(". "), authors=tuple(hit.authors),
        venue=hit.venue, year=hit.year, arxiv=arxiv, doi=_publication_doi(hit.doi),
        paper_urls=tuple(hit.ee), found_in=(where,),
    )


def from_arxiv_entry(entry: ArxivEntry, where: str = "arXiv") -> Candidate:
    """A new submission, its abstract included (the model reads it)."""
    return Candidate(
        key=entry.arxiv_id, title=entry.title, authors=tuple(entry.authors), venue="arXiv",
        year=entry.year, abstract=entry.summary or None, arxiv=entry.arxiv_id,
        doi=_publication_doi(entry.doi), paper_urls=(arxiv_url(entry.arxiv_id),),
        found_in=(where,),
    )


def from_s2_paper(paper: S2Paper, where: str) -> Candidate:
    """A citing paper: its ids from `externalIds`; the key is its dblp record when it has
    a published one, else Semantic Scholar's own id."""
    ids = paper.external_ids
    arxiv = normalise_arxiv(ids.get("ArXiv")) or arxiv_from_doi(parse_doi(ids.get("DOI")))
    dblp = ids.get("DBLP")
    key = f"dblp:{dblp}" if dblp and not dblp.startswith(PREPRINT_KEY_PREFIX) else (
        f"s2:{paper.paper_id or title_key(paper.title)}")
    return Candidate(
        key=arxiv or key, title=paper.title, authors=tuple(paper.authors),
        venue=paper.venue or paper.publication_venue or "", year=paper.year,
        abstract=paper.abstract, arxiv=arxiv, doi=_publication_doi(ids.get("DOI")),
        paper_urls=(arxiv_url(arxiv),) if arxiv else (), found_in=(where,),
    )


def _publication_doi(text: str | None) -> str | None:
    """A DOI, unless it is arXiv's own DataCite DOI (that is the preprint's arXiv id)."""
    doi = parse_doi(text)
    return None if doi is None or is_arxiv_doi(doi) else doi
