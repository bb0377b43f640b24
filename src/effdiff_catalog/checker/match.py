"""Deciding whether a preprint has been published, from what the sources said.

Pure logic, no network: it takes parsed answers and returns a `CheckResult`. The rules
come from other tools' failures:

* an arXiv-id lookup is trusted over a title search, and a title hit needs title
  similarity, author-surname overlap and a plausible year, never the score alone;
* "arXiv.org", "ArXiv", "CoRR", arXiv DataCite DOIs and informal dblp records are not
  publications;
* a workshop is never taken for its main conference (or the other way round);
* venue names go through the registry's aliases, and the year comes from the venue
  record, not from the arXiv date;
* sources that disagree produce a conflict, which is reported and never applied;
* a miss or an unreachable source means "unknown", never "not published".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from effdiff_catalog.checker.sources.arxiv import ArxivEntry
from effdiff_catalog.checker.sources.dblp import DblpHit
from effdiff_catalog.checker.sources.semanticscholar import S2Paper
from effdiff_catalog.identity import ascii_fold, is_arxiv_doi, parse_doi, title_similarity
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import Venue, VenueRegistry, normalise_venue_name

Status = Literal["update", "review", "conflict", "unknown", "pinned"]

# What the issue lists as "not published"; the registry's preprint venues count too.
PREPRINT_VENUE_TEXTS = frozenset({"arxiv", "arxiv org", "corr", "arxiv preprint"})
DBLP_INFORMAL_TYPES = ("informal",)
DBLP_PREPRINT_KEY_PREFIX = "journals/corr/"

TITLE_SIMILARITY_MIN = 0.9
SURNAME_OVERLAP_MIN = 0.5
CONFIDENCE = {"semanticscholar": 0.85, "arxiv-journal-ref": 0.8, "arxiv-comment": 0.5}
AGREEMENT_BONUS = 0.1

_YEAR_RE = re.compile(r"\b(19[89]\d|20\d\d)\b")
_ACCEPTED_RE = re.compile(
    r"\b(accepted|to appear|appears? in|published|camera[- ]ready|oral|spotlight)\b", re.I
)
_NOT_ACCEPTED_RE = re.compile(r"\b(submitted|under review|in submission|preprint)\b", re.I)
_URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.I)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


# --- text helpers -------------------------------------------------------------------------


def surname(name: str) -> str:
    words = [w for w in re.findall(r"[a-z]+", ascii_fold(name).lower()) if w not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def surname_overlap(record_authors: Sequence[str], other_authors: Sequence[str]) -> float:
    """Share of surnames found among the other list's name words (order-insensitive, so
    'Zhang Wei' and 'Wei Zhang' agree)."""
    mine = {s for s in (surname(a) for a in record_authors) if s}
    theirs_words = {w for a in other_authors for w in re.findall(r"[a-z]+", ascii_fold(a).lower())}
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


def is_preprint_venue(text: str, registry: VenueRegistry) -> bool:
    norm = normalise_venue_name(text)
    if norm in PREPRINT_VENUE_TEXTS:
        return True
    venue = map_venue(text, registry)
    return venue is not None and venue.is_preprint


def map_venue(text: str, registry: VenueRegistry) -> Venue | None:
    """The registry venue a source's venue string names (`VenueRegistry.match`)."""
    return registry.match(text).venue


def find_venue_in_text(text: str, registry: VenueRegistry) -> Venue | None:
    """The venue named in free text (an arXiv comment or journal_ref)."""
    return registry.match(text, free_text=True).venue


def first_year(text: str) -> int | None:
    match = _YEAR_RE.search(text)
    return int(match.group(1)) if match else None


# --- results ------------------------------------------------------------------------------


@dataclass
class Evidence:
    """One source's claim that the paper appeared at a venue."""

    source: str
    matched: str  # the record it matched, e.g. "dblp:conf/nips/VaswaniSPUJGKP17"
    by: str  # "arxiv-id" or "title"
    venue_text: str
    venue: str  # registry key
    year: int
    year_from: str
    confidence: float
    doi: str | None = None
    url: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    """The verdict for one record, with the evidence and reasons behind it."""

    record_id: str
    title: str
    arxiv: str | None
    status: Status
    venue: str | None = None
    venue_name: str | None = None
    year: int | None = None
    doi: str | None = None
    proceedings_url: str | None = None
    source: str | None = None
    matched: list[str] = field(default_factory=list)
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Looked:
    """What one source said about a record: an answer, None (no such item) or an error."""

    value: Any = None
    answered: bool = False
    error: str | None = None


# --- per-source evaluation ---------------------------------------------------------------


def _preprint_year(paper: Paper, entry: ArxivEntry | None) -> int:
    return (entry.year if entry is not None and entry.year else None) or paper.year


def _check_year(venue: Venue, year: int | None, base: int, window: tuple[int, int]) -> str | None:
    """Why a venue year is implausible, or None when it is fine."""
    if year is None:
        return "no year"
    if not base + window[0] <= year <= base + window[1]:
        return f"year {year} is implausible for a {base} preprint"
    if not venue.meets_in(year):
        return f"{venue.short} has no edition in {year}"
    return None


def _venue_guard(text: str, venue: Venue | None, source: str, registry: VenueRegistry
                 ) -> str | None:
    """Why a venue text cannot be proposed: not in the registry, or a workshop without a
    workshop entry (`VenueRegistry.match` never maps a workshop to its main conference)."""
    if venue is not None:
        return None
    if registry.is_workshop_text(text):
        return (f"{source}: {text!r} is a workshop without an entry in venues.yaml; "
                "not proposed as its main conference")
    return f"{source}: venue {text!r} is not in venues.yaml (add it or an alias to propose it)"


def from_semanticscholar(
    paper: Paper, s2: S2Paper, registry: VenueRegistry, preprint_year: int, notes: list[str]
) -> Evidence | None:
    """S2 looked up by arXiv id: trusted for the venue; its year may be the arXiv year."""
    if paper.title and title_similarity(paper.title, s2.title) < 0.8:
        notes.append(f"semanticscholar: the record for ARXIV:{paper.arxiv} has another title "
                     f"({s2.title!r}); ignored")
        return None
    texts = [t for t in (s2.publication_venue, s2.venue, s2.journal_name) if t]
    if not texts:
        notes.append("semanticscholar: no venue given")
        return None
    # The first venue text S2 gives decides: 'arXiv.org' (venue) or, when no venue is
    # named, the journal 'ArXiv' mean the preprint.
    if is_preprint_venue(texts[0], registry):
        notes.append(f"semanticscholar: venue {texts[0]!r} is a preprint server")
        return None
    text = texts[0]
    venue = map_venue(text, registry)
    if venue is None and len(texts) > 1:
        for other in texts[1:]:
            candidate = map_venue(other, registry)
            if candidate is not None and not candidate.is_preprint:
                venue, text = candidate, other
                break
    refusal = _venue_guard(text, venue, "semanticscholar", registry)
    if refusal or venue is None:
        notes.append(refusal or "")
        return None
    if venue.is_preprint:
        notes.append(f"semanticscholar: venue {text!r} is a preprint server")
        return None
    problem = _check_year(venue, s2.year, preprint_year, (-1, 5))
    if problem:
        notes.append(f"semanticscholar: {problem}")
        return None
    doi = clean_doi(s2.doi)
    reasons = [f"Semantic Scholar record for ARXIV:{paper.arxiv} gives venue {text!r}"]
    if venue.short.lower() != text.lower():
        reasons.append(f"{text!r} is {venue.short} in venues.yaml")
    return Evidence(
        source="semanticscholar", matched=f"S2:{s2.paper_id}", by="arxiv-id",
        venue_text=text, venue=venue.key, year=s2.year,  # type: ignore[arg-type]
        year_from="Semantic Scholar year (may be the preprint's)",
        confidence=CONFIDENCE["semanticscholar"], doi=doi, reasons=reasons,
    )


def from_arxiv(
    paper: Paper, entry: ArxivEntry, registry: VenueRegistry, notes: list[str]
) -> Evidence | None:
    """arXiv's own journal_ref (authors' statement), else an 'accepted at' comment."""
    doi = clean_doi(entry.doi)
    for field_name, text in (("journal_ref", entry.journal_ref), ("comment", entry.comment)):
        if not text:
            continue
        if field_name == "comment" and (
            not _ACCEPTED_RE.search(text) or _NOT_ACCEPTED_RE.search(text)
        ):
            continue
        venue = find_venue_in_text(text, registry)
        if venue is None and field_name == "comment":
            continue
        refusal = _venue_guard(text, venue, f"arxiv {field_name}", registry)
        if refusal or venue is None:
            notes.append(refusal or "")
            continue
        if venue.is_preprint:
            continue
        year = first_year(text)
        problem = _check_year(venue, year, entry.year or paper.year, (-1, 5))
        if problem:
            notes.append(f"arxiv {field_name}: {problem}")
            continue
        source = "arxiv-journal-ref" if field_name == "journal_ref" else "arxiv-comment"
        return Evidence(
            source="arxiv", matched=f"arXiv:{entry.arxiv_id} {field_name}", by="arxiv-id",
            venue_text=text, venue=venue.key, year=year,  # type: ignore[arg-type]
            year_from=f"arXiv {field_name}", confidence=CONFIDENCE[source], doi=doi,
            reasons=[f"arXiv {field_name} says {text!r}"],
        )
    if doi:
        notes.append(f"arxiv: DOI {doi} given, but no venue named")
    return None


def from_dblp(
    paper: Paper, hits: Sequence[DblpHit], registry: VenueRegistry, preprint_year: int,
    notes: list[str],
) -> list[Evidence]:
    """Title search: every hit is checked; a hit's rank or score counts for nothing."""
    if not paper.authors:
        notes.append("dblp: the record lists no authors, so a title match cannot be trusted")
        return []
    found: list[Evidence] = []
    rejected = 0
    for hit in hits:
        similarity = title_similarity(paper.title, hit.title)
        overlap = surname_overlap(paper.authors, hit.authors)
        if similarity < TITLE_SIMILARITY_MIN or overlap < SURNAME_OVERLAP_MIN:
            rejected += 1
            continue
        informal = hit.type.lower().startswith(DBLP_INFORMAL_TYPES)
        if informal or hit.key.startswith(DBLP_PREPRINT_KEY_PREFIX) or is_preprint_venue(
            hit.venue, registry
        ):
            notes.append(f"dblp: {hit.key} is the preprint record ({hit.venue or hit.type})")
            continue
        venue = map_venue(hit.venue, registry) if hit.venue else None
        refusal = _venue_guard(hit.venue, venue, f"dblp {hit.key}", registry)
        if refusal or venue is None:
            notes.append(refusal or "")
            continue
        problem = _check_year(venue, hit.year, preprint_year, (-1, 3))
        if problem:
            notes.append(f"dblp {hit.key}: {problem}")
            continue
        url = next((u for u in hit.ee if clean_url(u)), None)
        found.append(Evidence(
            source="dblp", matched=f"dblp:{hit.key}", by="title",
            venue_text=hit.venue, venue=venue.key, year=hit.year,  # type: ignore[arg-type]
            year_from="dblp record", doi=clean_doi(hit.doi),
            url=url,
            confidence=round(0.6 + 0.2 * (similarity >= 0.97) + 0.1 * (overlap >= 0.75)
                             + 0.05 * (similarity == 1.0), 2),
            reasons=[f"dblp title match {similarity:.2f}, author surnames {overlap:.0%}, "
                     f"venue {hit.venue!r} {hit.year}"],
        ))
    if not hits:
        notes.append("dblp: no hit for the title")
    elif rejected:
        notes.append(f"dblp: {rejected} hit(s) rejected (title or authors do not match)")
    return found


# --- the verdict -------------------------------------------------------------------------


def decide(
    paper: Paper,
    registry: VenueRegistry,
    *,
    arxiv: Looked | None = None,
    semanticscholar: Looked | None = None,
    dblp: Looked | None = None,
    min_confidence: float = 0.8,
) -> CheckResult:
    """Combine the sources' answers for one preprint record into one verdict."""
    result = CheckResult(paper.id, paper.title, paper.arxiv, "unknown")
    if paper.venue_check is not None and paper.venue_check.ignore:
        result.status = "pinned"
        result.reasons.append(f"pinned: {paper.venue_check.reason}")
        return result
    notes: list[str] = []
    entry = arxiv.value if arxiv is not None and arxiv.answered else None
    preprint_year = _preprint_year(paper, entry)
    evidence: list[Evidence] = []
    for name, looked in (("arxiv", arxiv), ("semanticscholar", semanticscholar), ("dblp", dblp)):
        if looked is None:
            continue
        if looked.error:
            notes.append(looked.error if looked.error.startswith(name) else
                         f"{name}: {looked.error}")
            continue
        if looked.value is None:
            notes.append(f"{name}: no record for this paper")
            continue
        if name == "arxiv":
            found = from_arxiv(paper, looked.value, registry, notes)
            evidence.extend([found] if found else [])
        elif name == "semanticscholar":
            found = from_semanticscholar(paper, looked.value, registry, preprint_year, notes)
            evidence.extend([found] if found else [])
        else:
            evidence.extend(from_dblp(paper, looked.value, registry, preprint_year, notes))
    result.evidence = evidence
    notes = [n for n in notes if n]
    if not evidence:
        result.reasons = ["no source shows a published version", *notes]
        return result
    return _combine(paper, registry, result, evidence, notes, preprint_year, min_confidence)


def _combine(
    paper: Paper, registry: VenueRegistry, result: CheckResult, evidence: list[Evidence],
    notes: list[str], preprint_year: int, min_confidence: float,
) -> CheckResult:
    venues = sorted({e.venue for e in evidence})
    result.matched = [e.matched for e in evidence]
    if len(venues) > 1:
        result.status = "conflict"
        result.reasons = ["sources disagree on the venue: " + "; ".join(
            f"{e.source} says {registry[e.venue].short} {e.year} ({e.matched})" for e in evidence
        ), *notes]
        return result
    venue = registry[venues[0]]
    workshop_hint = [n for n in notes if "is a workshop" in n]
    if workshop_hint and venue.kind != "workshop":
        result.status = "conflict"
        result.reasons = [f"a source names a workshop while others say {venue.short}",
                          *notes]
        return result
    year, year_note = _pick_year(evidence, preprint_year)
    if year is None:
        result.status = "conflict"
        result.reasons = [year_note, *notes]
        return result
    dois = sorted({e.doi.lower() for e in evidence if e.doi})
    if len(dois) > 1:
        result.status = "conflict"
        result.reasons = [f"sources give different DOIs: {', '.join(dois)}", *notes]
        return result
    if paper.doi and dois and paper.doi.lower() != dois[0]:
        result.status = "conflict"
        result.reasons = [f"the record's DOI {paper.doi} differs from {dois[0]}", *notes]
        return result
    best = max(evidence, key=lambda e: e.confidence)
    agreeing = {e.source for e in evidence}
    confidence = best.confidence + AGREEMENT_BONUS * (len(agreeing) - 1)
    doi = next((e.doi for e in evidence if e.doi), None)
    url = next((e.url for e in evidence if e.url), None)
    if url is None and doi:
        url = f"https://doi.org/{doi}"
    result.venue = venue.key
    result.venue_name = venue.short
    result.year = year
    result.doi = doi
    result.proceedings_url = url
    result.source = ", ".join(sorted(agreeing))
    result.confidence = round(min(0.99, confidence), 2)
    reasons = [r for e in evidence for r in e.reasons]
    if len(agreeing) > 1:
        reasons.append(f"{len(agreeing)} sources agree")
    if year_note:
        reasons.append(year_note)
    result.reasons = reasons + notes
    result.status = "update" if result.confidence >= min_confidence else "review"
    if result.status == "review":
        result.reasons.insert(0, f"confidence {result.confidence:.2f} is below "
                                 f"{min_confidence:.2f}; review by hand")
    return result


def _pick_year(evidence: list[Evidence], preprint_year: int) -> tuple[int | None, str]:
    """The venue record's year. Semantic Scholar's year may be the arXiv year: when it is,
    and a venue record says otherwise, the venue record wins; any other split is a conflict."""
    by_venue_record = {e.year for e in evidence if e.source != "semanticscholar"}
    s2_years = {e.year for e in evidence if e.source == "semanticscholar"}
    if len(by_venue_record) > 1:
        return None, "sources disagree on the year: " + ", ".join(
            f"{e.source} {e.year}" for e in evidence)
    if by_venue_record:
        year = next(iter(by_venue_record))
        if s2_years and s2_years != {year}:
            if s2_years == {preprint_year}:
                return year, (f"year {year} from the venue record; Semantic Scholar's "
                              f"{preprint_year} is the preprint's year")
            return None, "sources disagree on the year: " + ", ".join(
                f"{e.source} {e.year}" for e in evidence)
        return year, ""
    return next(iter(s2_years)), ""
