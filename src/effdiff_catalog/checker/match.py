"""Matching rules shared by every source: same paper or not, which venue, which year.

Pure logic, no network. The rules come from other tools' failures:

* an id lookup (arXiv id, DOI) is trusted over a title search; a record found by id under
  another title is the same paper only when the author surnames overlap strongly (a
  renamed paper, which goes to review);
* a title hit needs title similarity, author-surname overlap and a plausible year, never
  a rank or a score;
* "arXiv.org", "ArXiv", "CoRR", arXiv DataCite DOIs and informal dblp records are not
  publications;
* venue names go through `VenueRegistry.match`, which never maps a workshop to its main
  conference;
* a miss or an unreachable source means "unknown", never "not published".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from effdiff_catalog.checker.evidence import Finding, PaperContext
from effdiff_catalog.identity import ascii_fold, is_arxiv_doi, parse_doi, title_similarity
from effdiff_catalog.records.venues import Venue, VenueRegistry, normalise_venue_name

# What counts as "not published"; the registry's preprint venues count too.
PREPRINT_VENUE_TEXTS = frozenset({"arxiv", "arxiv org", "corr", "arxiv preprint"})

TITLE_SIMILARITY_MIN = 0.9  # a title hit
ID_TITLE_SIMILARITY_MIN = 0.8  # an id hit that keeps its title
SURNAME_OVERLAP_MIN = 0.5  # a title hit
RENAMED_OVERLAP_MIN = 0.8  # an id hit under another title: "overlap strongly"
YEAR_WINDOW_ID = (-1, 5)  # venue year around the preprint year, for id lookups
YEAR_WINDOW_TITLE = (-1, 3)  # tighter for title hits

_YEAR_RE = re.compile(r"\b(19[89]\d|20\d\d)\b")
_URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.I)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


# --- names, identifiers, links ----------------------------------------------------------


def name_words(name: str) -> list[str]:
    """A name's words, folded to ASCII; apostrophes join ("O’Donoghue", and Semantic
    Scholar's "L'ala" for "Lála", are one word)."""
    return [w for w in re.findall(r"[a-z]+", ascii_fold(name).lower().replace("'", ""))
            if w not in _NAME_SUFFIXES]


def surname(name: str) -> str:
    words = name_words(name)
    return words[-1] if words else ""


def surname_overlap(record_authors: Sequence[str], other_authors: Sequence[str]) -> float:
    """Share of surnames found among the other list's name words (order-insensitive, so
    'Zhang Wei' and 'Wei Zhang' agree)."""
    mine = {s for s in (surname(a) for a in record_authors) if s}
    theirs_words = {w for a in other_authors for w in name_words(a)}
    if not mine or not other_authors:
        return 0.0
    hits = sum(1 for s in mine if s in theirs_words)
    return hits / min(len(mine), len(other_authors))


def clean_doi(doi: str | None) -> str | None:
    """A DOI fit for a record: well-formed, and not arXiv's own DataCite DOI."""
    parsed = parse_doi(doi)
    return None if parsed is None or is_arxiv_doi(parsed) else parsed


def clean_url(url: str | None) -> str | None:
    """Only plain http(s) links, never arXiv (it says nothing about the venue)."""
    if not url or not _URL_RE.match(url) or "arxiv.org" in url.lower():
        return None
    return url


def first_year(text: str) -> int | None:
    match = _YEAR_RE.search(text)
    return int(match.group(1)) if match else None


# --- same paper --------------------------------------------------------------------------


def best_title_similarity(titles: Sequence[str], title: str) -> float:
    return max((title_similarity(t, title) for t in titles), default=0.0)


@dataclass(frozen=True)
class IdentityCheck:
    """Whether a record found by id is the paper; `renamed` when only its authors say so."""

    same: bool
    renamed: bool = False
    note: str = ""


def check_id_match(context: PaperContext, label: str, title: str,
                   authors: Sequence[str]) -> IdentityCheck:
    """A record found by the paper's id: its title, or else strongly overlapping author
    surnames (the paper was renamed on publication), make it the same paper."""
    if not title or best_title_similarity(context.titles, title) >= ID_TITLE_SIMILARITY_MIN:
        return IdentityCheck(True)
    overlap = surname_overlap(context.authors, authors) if context.authors else 0.0
    if overlap >= RENAMED_OVERLAP_MIN:
        return IdentityCheck(True, renamed=True, note=(
            f"{label}: published under another title, {title!r} (record: "
            f"{context.paper.title!r}); the same paper by its id and authors ({overlap:.0%})"))
    return IdentityCheck(False, note=(
        f"{label}: the record found by id has another title ({title!r}) and other authors "
        f"({overlap:.0%} of surnames); ignored"))


def finding_by_id(context: PaperContext, label: str, title: str,
                  authors: Sequence[str]) -> tuple[Finding, IdentityCheck]:
    """A source's finding for a record it found by the paper's id, opened with the identity
    check's note, and the check (when the record is not the paper, the finding stays empty)."""
    finding = Finding()
    check = check_id_match(context, label, title, authors)
    if check.note:
        finding.notes.append(check.note)
    return finding, check


@dataclass(frozen=True)
class TitleMatch:
    similarity: float
    overlap: float
    renamed: str | None = None  # the published title it matched, not the paper's own


def check_title_match(context: PaperContext, title: str, authors: Sequence[str], *,
                      require_authors: bool = True) -> TitleMatch | None:
    """A record found by title is the paper when the title is (nearly) one of the paper's
    titles and the author surnames overlap; None otherwise. Without any authors nothing
    matches, unless `require_authors` is off (a record found by a DOI: then authors are
    compared only when both sides list them)."""
    overlap = surname_overlap(context.authors, authors) if context.authors else 0.0
    compared = require_authors or (context.authors and authors)
    if compared and overlap < SURNAME_OVERLAP_MIN:
        return None
    own = best_title_similarity(context.titles, title)
    if own >= TITLE_SIMILARITY_MIN:
        return TitleMatch(own, overlap)
    renamed = best_title_similarity(context.renamed, title)
    if renamed >= TITLE_SIMILARITY_MIN:
        return TitleMatch(renamed, overlap, renamed=title)
    return None


# --- venues and years ---------------------------------------------------------------------


def is_preprint_venue(text: str, registry: VenueRegistry) -> bool:
    if normalise_venue_name(text) in PREPRINT_VENUE_TEXTS:
        return True
    venue = map_venue(text, registry)
    return venue is not None and venue.is_preprint


def map_venue(text: str, registry: VenueRegistry) -> Venue | None:
    """The registry venue a source's venue string names (`VenueRegistry.match`)."""
    return registry.match(text).venue


def find_venue_in_text(text: str, registry: VenueRegistry) -> Venue | None:
    """The venue named in free text (an arXiv comment or journal_ref)."""
    return registry.match(text, free_text=True).venue


def check_year(venue: Venue, year: int | None, base: int, window: tuple[int, int]) -> str | None:
    """Why a venue year is implausible, or None when it is fine."""
    if year is None:
        return "no year"
    if not base + window[0] <= year <= base + window[1]:
        return f"year {year} is implausible for a {base} preprint"
    if not venue.meets_in(year):
        return f"{venue.short} has no edition in {year}"
    return None


@dataclass(frozen=True)
class VenueJudgement:
    """A venue text judged: the venue to propose, or why none (`note`)."""

    venue: Venue | None
    note: str = ""
    not_in_registry: bool = False
    workshop: bool = False  # the text names a workshop


def judge_venue(context: PaperContext, label: str, text: str, year: int | None,
                window: tuple[int, int], *, free_text: bool = False,
                quiet: bool = False) -> VenueJudgement:
    """The registry venue a source's text names, if it can be proposed for that year.

    Preprint servers are not publications. A workshop maps only to a workshop entry
    (never to its main conference); a workshop or venue that venues.yaml lacks is
    reported, not proposed. `free_text` looks for a venue name inside the text (an arXiv
    comment); `quiet` makes a text that names no known venue no claim at all.
    """
    registry = context.registry
    if is_preprint_venue(text, registry):
        return VenueJudgement(None, f"{label}: venue {text!r} is a preprint server")
    match = registry.match(text, free_text=free_text)
    venue = match.venue
    if venue is None:
        if match.workshop:
            return VenueJudgement(None, (
                f"{label}: {text!r} is a workshop without an entry in venues.yaml; not "
                "proposed as its main conference"), not_in_registry=True, workshop=True)
        if quiet:
            return VenueJudgement(None)
        return VenueJudgement(None, (
            f"{label}: venue {text!r} is not in venues.yaml (add it or an alias to propose "
            "it)"), not_in_registry=True)
    problem = check_year(venue, year, context.preprint_year, window)
    if problem:
        return VenueJudgement(None, f"{label}: {problem}", workshop=match.workshop)
    return VenueJudgement(venue, workshop=match.workshop)
