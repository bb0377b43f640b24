"""One candidate per paper, and only the papers the catalog lacks.

The same paper often comes from several sources (its proceedings record, its arXiv
submission, a citation): they are merged by identity (`identity.DuplicateIndex`: arXiv
id, DOI, links, normalised title), each field from the first source that has it. Then
what the catalog already holds is dropped, also under another title or version; a
suspected duplicate (same title, another arXiv id or DOI) is dropped too, and listed, so
that a person can look. A candidate the maintainers rejected is dropped for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from effdiff_catalog.identity import DuplicateIndex, Match

from .candidates import Candidate
from .rejected import RejectedIndex, Rejection


@dataclass
class Screened:
    pool: list[Candidate]  # every paper found, merged: the model's background
    new: list[Candidate] = field(default_factory=list)  # not in the catalog, never rejected
    known: list[tuple[Candidate, Match]] = field(default_factory=list)
    suspected: list[tuple[Candidate, Match]] = field(default_factory=list)
    rejected: list[tuple[Candidate, Rejection]] = field(default_factory=list)


def merge(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per paper, in the order first found."""
    index = DuplicateIndex()
    merged: dict[str, Candidate] = {}
    for candidate in candidates:
        match = index.find(candidate)
        if match is not None and match.certain:
            key = match.record_id
            merged[key] = combine(merged[key], candidate)
        else:
            key = candidate.key if candidate.key not in merged else f"{candidate.key}#{len(merged)}"
            merged[key] = replace(candidate, key=key)
        index.add(key, merged[key])
    return list(merged.values())


def combine(first: Candidate, other: Candidate) -> Candidate:
    """`first` completed from `other`: ids, abstract, authors, links and where found."""
    return replace(
        first,
        authors=first.authors or other.authors,
        venue=first.venue or other.venue,
        year=first.year or other.year,
        abstract=first.abstract or other.abstract,
        arxiv=first.arxiv or other.arxiv,
        doi=first.doi or other.doi,
        paper_urls=tuple(dict.fromkeys(first.paper_urls + other.paper_urls)),
        found_in=tuple(dict.fromkeys(first.found_in + other.found_in)),
    )


def screen(candidates: Sequence[Candidate], catalog: DuplicateIndex,
           rejections: RejectedIndex) -> Screened:
    """Merge, then sort each paper into new, known, suspected or rejected."""
    screened = Screened(merge(candidates))
    for candidate in screened.pool:
        match = catalog.find(candidate)
        refused = rejections.find(candidate)
        if match is not None and match.certain:
            screened.known.append((candidate, match))
        elif match is not None:
            screened.suspected.append((candidate, match))
        elif refused is not None:
            screened.rejected.append((candidate, refused))
        else:
            screened.new.append(candidate)
    return screened
