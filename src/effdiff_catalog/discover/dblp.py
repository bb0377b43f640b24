"""Candidates from a dblp BibTeX export of a proceedings volume (read from text, no network).

The export is read by the project's one BibTeX reader (`ingest.bibtex_reader`), so titles,
names and identifiers are decoded as everywhere else.
"""

from __future__ import annotations

from effdiff_catalog.ingest.bibtex_reader import BibEntry, read_bib

from .candidates import Candidate

# Entry types that are papers; the volume's own @proceedings record is not.
PAPER_TYPES = frozenset({"inproceedings", "article", "incollection"})


class DblpParseError(ValueError):
    """The export has blocks that did not parse: candidates would be silently missing."""


def parse_dblp_bibtex(text: str) -> list[Candidate]:
    """Every paper of the export, in file order."""
    entries, errors = read_bib(text)
    if errors:
        raise DblpParseError("BibTeX blocks that failed to parse: " + "; ".join(errors))
    return [candidate(entry) for entry in entries if entry.entry_type in PAPER_TYPES]


def candidate(entry: BibEntry) -> Candidate:
    """A candidate from one dblp record."""
    return Candidate(
        key=entry.key, title=entry.title, authors=entry.authors,
        venue=entry.venue_text or "", year=entry.year, arxiv=entry.arxiv, doi=entry.doi,
    )
