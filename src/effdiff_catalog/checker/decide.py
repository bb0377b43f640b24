"""The verdict for one preprint, from every source's answer. Pure logic, no network.

Auto-apply needs agreement: at least two independent sources name the same venue, the
year comes from a venue record (a proceedings volume, a DOI's deposit, the authors'
journal_ref; never from Semantic Scholar's or a merged OpenAlex work's year alone, which
are often the arXiv year), and no source contradicts them. Otherwise:

* a single source, a year only such a source gives, a renamed paper matched by its id
  and authors, a workshop, or low confidence: **review** (applied only on request);
* sources that name different venues, years or DOIs: **conflict** (never applied);
* no evidence: **unknown**, with the reason (`UnknownReason`).

A year that only differs because a source gave the preprint's year is explained, not a
contradiction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from effdiff_catalog.checker.evidence import (
    CheckResult,
    Evidence,
    Finding,
    Looked,
    PaperContext,
)
from effdiff_catalog.checker.sources.registry import ENDPOINTS
from effdiff_catalog.identity import doi_key
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry

AGREEMENT_BONUS = 0.1
MIN_SOURCES = 2


def build_context(paper: Paper, registry: VenueRegistry,
                  answers: Mapping[str, Looked]) -> PaperContext:
    """The paper as its id lookups know it: arXiv's date and authors, published titles."""
    context = PaperContext(paper, registry, paper.year, tuple(paper.authors), (paper.title,))
    for name, spec in ENDPOINTS.items():
        looked = answers.get(name)
        if looked is not None and looked.answered and looked.value is not None:
            context = spec.identify(context, looked.value)
    return context


def decide(
    paper: Paper,
    registry: VenueRegistry,
    answers: Mapping[str, Looked],
    *,
    min_confidence: float = 0.8,
) -> CheckResult:
    """Combine the answers (endpoint name -> what it said) into one verdict."""
    result = CheckResult(paper.id, paper.title, paper.arxiv, "unknown")
    if paper.venue_check is not None and paper.venue_check.ignore:
        result.status = "pinned"
        result.reasons.append(f"pinned: {paper.venue_check.reason}")
        return result
    context = build_context(paper, registry, answers)
    finding, asked, failed = _read(context, answers)
    result.asked = sorted(asked)
    result.unchecked = sorted(failed - asked)  # a source that answered elsewhere was checked
    result.evidence = finding.evidence
    if not finding.evidence:
        return _unknown(result, finding)
    return _combine(result, context, finding, min_confidence)


def _read(context: PaperContext, answers: Mapping[str, Looked]
          ) -> tuple[Finding, set[str], set[str]]:
    """Every answer as evidence and notes; and the sources that answered, and failed."""
    finding = Finding()
    asked: set[str] = set()
    failed: set[str] = set()
    for name, spec in ENDPOINTS.items():
        looked = answers.get(name)
        if looked is None:
            continue
        if looked.error:
            failed.add(spec.source)
            finding.notes.append(looked.error if looked.error.startswith(spec.source)
                                 else f"{spec.source}: {looked.error}")
        elif looked.value is None or looked.value == []:
            asked.add(spec.source)
            finding.notes.append(spec.missing)
        else:
            asked.add(spec.source)
            finding.absorb(spec.evaluate(context, looked.value))
    _drop_refuted_dois(finding)
    finding.evidence = _unique(finding.evidence)
    return finding, asked, failed


def _unique(evidence: Sequence[Evidence]) -> list[Evidence]:
    """A record found twice (in its volume and by title search) is one piece of evidence."""
    seen: set[tuple[str, str]] = set()
    out = []
    for e in evidence:
        if (e.source, e.matched) not in seen:
            seen.add((e.source, e.matched))
            out.append(e)
    return out


def _drop_refuted_dois(finding: Finding) -> None:
    """A DOI whose deposit is another paper's is never proposed, whoever named it."""
    refuted = finding.refuted_dois
    for e in finding.evidence:
        if e.doi and doi_key(e.doi) in refuted:
            e.doi = None
        if e.url and any(doi in e.url.lower() for doi in refuted):
            e.url = None


def _unknown(result: CheckResult, finding: Finding) -> CheckResult:
    asked = ", ".join(result.asked)
    unchecked = ", ".join(result.unchecked)
    if finding.not_in_registry:
        result.unknown_reason = "not-in-registry"
        head = "published at a venue that venues.yaml does not list (see below)"
    elif result.unchecked and result.asked:
        result.unknown_reason = "source-failed"
        head = (f"not fully checked: {unchecked} could not answer; {asked} show no "
                "published version")
    elif result.unchecked:
        result.unknown_reason = "no-answer"
        head = f"not checked: no source could answer ({unchecked})"
    else:
        result.unknown_reason = "not-published"
        head = f"no source shows a published version (asked: {asked})"
    result.reasons = [head, *finding.notes]
    return result


def _conflict(result: CheckResult, reason: str, notes: Sequence[str]) -> CheckResult:
    result.status = "conflict"
    result.reasons = [reason, *notes]
    return result


def _describe(evidence: Sequence[Evidence], registry: VenueRegistry) -> str:
    return "; ".join(f"{e.source} says {registry[e.venue].short} {e.year} ({e.matched})"
                     for e in evidence)


def _combine(result: CheckResult, context: PaperContext, finding: Finding,
             min_confidence: float) -> CheckResult:
    registry, evidence, notes = context.registry, finding.evidence, finding.notes
    result.matched = [e.matched for e in evidence]
    venues = sorted({e.venue for e in evidence})
    if len(venues) > 1:
        return _conflict(result, "sources disagree on the venue: "
                         + _describe(evidence, registry), notes)
    venue = registry[venues[0]]
    if finding.workshop and venue.kind != "workshop":
        return _conflict(result, f"a source names a workshop while others say {venue.short}",
                         notes)
    year, from_record, year_notes = pick_year(evidence, context.preprint_year)
    if year is None:
        return _conflict(result, year_notes[0], notes)
    dois = sorted({doi_key(e.doi) for e in evidence if e.doi})
    if len(dois) > 1:
        return _conflict(result, f"sources give different DOIs: {', '.join(dois)}", notes)
    if context.paper.doi and dois and doi_key(context.paper.doi) != dois[0]:
        return _conflict(result, f"the record's DOI {context.paper.doi} differs from {dois[0]}",
                         notes)
    sources = sorted({e.source for e in evidence})
    best = max(e.trust for e in evidence)
    result.venue, result.venue_name, result.year = venue.key, venue.short, year
    result.doi = next((e.doi for e in evidence if e.doi), None)
    result.proceedings_url = next((e.url for e in evidence if e.url), None) or (
        f"https://doi.org/{result.doi}" if result.doi else None)
    result.source = ", ".join(sources)
    result.confidence = round(min(0.99, best + AGREEMENT_BONUS * (len(sources) - 1)), 2)
    holds = _holds(result, evidence, sources, from_record, venue.kind, min_confidence)
    agreement = [f"{len(sources)} sources agree"] if len(sources) > 1 else []
    result.reasons = [*holds, *(r for e in evidence for r in e.reasons), *agreement,
                      *year_notes, *notes]
    result.status = "review" if holds else "update"
    return result


def _holds(result: CheckResult, evidence: Sequence[Evidence], sources: Sequence[str],
           from_record: bool, kind: str, min_confidence: float) -> list[str]:
    """Why an agreeing finding is not applied automatically (empty: it is)."""
    holds = []
    if len(sources) < MIN_SOURCES:
        holds.append(f"review: only {sources[0]} shows it; an update needs two sources "
                     "that agree")
    if not from_record:
        holds.append(f"review: the year {result.year} comes only from "
                     f"{' and '.join(sorted({e.source for e in evidence}))}'s year, which is "
                     "often the arXiv year")
    for e in evidence:
        if e.published_title:
            holds.append(f"review: renamed on publication? {e.source} has it as "
                         f"{e.published_title!r}, the record as {result.title!r}")
    if kind == "workshop":
        holds.append("review: a workshop paper, proposed as the workshop")
    if result.confidence < min_confidence:
        holds.append(f"review: confidence {result.confidence:.2f} is below "
                     f"{min_confidence:.2f}")
    return holds


def pick_year(evidence: Sequence[Evidence], preprint_year: int
              ) -> tuple[int | None, bool, list[str]]:
    """(year, whether a venue record gives it, notes); year None means the sources
    disagree (the first note says how).

    Years that venue records give must agree. A source whose year may be the preprint's
    (Semantic Scholar, a merged OpenAlex work) agrees with them, or gives exactly the
    preprint year (explained); any other year is a disagreement.
    """
    listing = ", ".join(f"{e.source} {e.year}" for e in evidence)
    recorded = {e.year for e in evidence if e.year_is_publication}
    loose = [e for e in evidence if not e.year_is_publication]
    if len(recorded) > 1:
        return None, False, [f"sources disagree on the year: {listing}"]
    if not recorded:
        years = {e.year for e in loose}
        if len(years) > 1:
            return None, False, [f"sources disagree on the year: {listing}"]
        return years.pop(), False, []
    year = recorded.pop()
    notes = []
    for e in loose:
        if e.year == year:
            continue
        if e.year != preprint_year:
            return None, False, [f"sources disagree on the year: {listing}"]
        notes.append(f"year {year} from the venue record; {e.source}'s {e.year} is the "
                     "preprint's year")
    return year, True, notes
