"""Adding papers from their arXiv ids: `effdiff add 2312.00858 --category ...`.

Title, authors, date and abstract come from arXiv; the venue from the venue checker's
own run on the new record (every source, the same agreement rules), else the record
stays an `arxiv` preprint; the citation key from the convention (records/citekeys.py),
unique among the keys every record has or will be given. A paper already in the catalog
(same arXiv id, DOI or normalised title) is refused, and so is a repeat within the batch.

Without categories, each paper's likely sections are worked out from the catalog's own
records (`discover.sections.suggest`) and offered to `choose` (the CLI asks a person);
without a chooser the paper is not added, and its outcome lists the suggestions. A paper is
never filed under a section nobody confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from effdiff_catalog.checker.config import DEFAULT_CACHE_DIR, CheckerConfig
from effdiff_catalog.checker.evidence import CheckResult, Looked
from effdiff_catalog.checker.run import Target, check_papers
from effdiff_catalog.checker.session import Session, run_sync
from effdiff_catalog.checker.sources.arxiv import ArxivEntry
from effdiff_catalog.identity import DuplicateIndex, arxiv_url, make_record_id, normalise_arxiv
from effdiff_catalog.records.catalog import PAPERS_DIR, Catalog
from effdiff_catalog.records.citekeys import assign_keys, make_key, taken_keys
from effdiff_catalog.records.models import Links, Paper
from effdiff_catalog.records.writer import write_new_record


def parse_arxiv_ref(text: str) -> str:
    """'https://arxiv.org/abs/2312.00858v2', 'arXiv:2312.00858' -> '2312.00858'."""
    arxiv = normalise_arxiv(text)
    if arxiv is None:
        raise ValueError(f"not an arXiv id or arxiv.org URL: {text!r}")
    return arxiv


@dataclass(frozen=True)
class _ArxivOnly:
    """A paper known only by its arXiv id, before its metadata is fetched."""

    arxiv: str
    title: str = ""


# Given a paper's title and its suggested sections (path, score), best first, the sections
# a person confirms; none to leave the paper out.
Chooser = Callable[[str, Sequence[tuple[str, float]]], Sequence[str]]


@dataclass
class AddOutcome:
    ref: str
    arxiv_id: str | None = None
    record: Paper | None = None
    path: Path | None = None
    error: str | None = None
    venue_reason: str | None = None
    suggestions: list[tuple[str, float]] = field(default_factory=list)
    needs_category: bool = False  # not added: no category given and none chosen


def find_duplicate(index: DuplicateIndex, paper: Paper) -> str | None:
    """Id of a record (or of a paper added earlier in the batch) that `paper` is, by
    `identity`; a suspected duplicate counts too, since `add` must never guess."""
    match = index.find(paper)
    return match.record_id if match else None


def draft_record(entry: ArxivEntry, categories: Sequence[str], today: dt.date) -> Paper:
    """The record as arXiv describes the paper: a preprint, not yet given an id."""
    return Paper(
        id="draft", title=entry.title, authors=entry.authors, venue="arxiv",
        year=entry.year or today.year, month=entry.month, arxiv=entry.arxiv_id,
        abstract=entry.summary or None, links=Links(paper=arxiv_url(entry.arxiv_id)),
        categories=list(categories), added=today,
    )


def build_record(draft: Paper, verdict: CheckResult, *, taken_ids: set[str],
                 taken: set[str]) -> tuple[Paper, str]:
    """The new record: the draft, with the venue when the checker would update it, an id
    and a citation key; and a line saying which venue and why."""
    changes: dict[str, object] = {}
    if verdict.status == "update" and verdict.venue and verdict.year:
        changes = {"venue": verdict.venue, "year": verdict.year}
        if verdict.doi:
            changes["doi"] = verdict.doi
        if verdict.proceedings_url:
            changes["links"] = Links(paper=draft.links.paper, proceedings=verdict.proceedings_url)
        reason = f"venue {verdict.venue_name} {verdict.year} ({verdict.source})"
    else:
        reason = "kept as an arXiv preprint: " + (verdict.reasons[0] if verdict.reasons else "")
    year = verdict.year if changes and verdict.year else draft.year
    data = {**draft.model_dump(), **changes, "id": make_record_id(draft.title, year, taken_ids)}
    record = Paper.model_validate(data)
    return record.model_copy(update={"citation_key": make_key(record, taken)}), reason


def add_papers(
    catalog: Catalog,
    refs: Sequence[str],
    categories: Sequence[str],
    config: CheckerConfig,
    *,
    today: dt.date | None = None,
    write: bool = True,
    choose: Chooser | None = None,
) -> list[AddOutcome]:
    """Create one record per reference; each outcome has its path or its error. With no
    `categories`, each paper's sections come from `choose` (see the module docstring)."""
    today = today or dt.date.today()
    unknown = [c for c in categories if c not in catalog.taxonomy]
    if unknown:
        raise ValueError(f"unknown categories: {', '.join(unknown)}")
    outcomes = [_parsed(ref) for ref in refs]
    index = DuplicateIndex.of(catalog.papers())
    _refuse_known(outcomes, index)
    wanted = [o.arxiv_id for o in outcomes if o.arxiv_id and not o.error]
    cache_dir = config.cache_dir or (catalog.root / DEFAULT_CACHE_DIR)
    fetched = run_sync(fetch_arxiv_entries(wanted, config, cache_dir)) if wanted else {}
    drafts: dict[str, Paper] = {}
    for outcome in outcomes:
        draft = _draft(outcome, fetched, categories, choose, catalog, today)
        if draft is None:
            continue
        known = find_duplicate(index, draft)  # the same title: no need to check its venue
        if known is not None:
            outcome.error = f"already in the catalog as {known}"
            continue
        drafts[outcome.arxiv_id or ""] = draft
    verdicts = _verdicts(list(drafts.values()), catalog, config, cache_dir)
    _build(outcomes, drafts, verdicts, catalog, index, write)
    return outcomes


def _draft(outcome: AddOutcome, fetched: dict[str, Looked], categories: Sequence[str],
           choose: Chooser | None, catalog: Catalog, today: dt.date) -> Paper | None:
    """The draft record of a fetched reference, or None with the outcome's error set."""
    if outcome.error or outcome.arxiv_id is None:
        return None
    looked = fetched[outcome.arxiv_id]
    if looked.error or looked.value is None:
        outcome.error = looked.error or f"arXiv has no paper {outcome.arxiv_id}"
        return None
    chosen = list(categories) or _chosen(outcome, looked.value, choose, catalog)
    if not chosen:
        return None
    try:
        return draft_record(looked.value, chosen, today)
    except ValidationError as exc:
        outcome.error = f"the arXiv metadata does not make a valid record: {exc}"
        return None


def _chosen(outcome: AddOutcome, entry: ArxivEntry, choose: Chooser | None,
            catalog: Catalog) -> list[str]:
    """The sections `choose` confirms among the suggestions; [] with the outcome's error."""
    from effdiff_catalog.discover.sections import suggest

    text = f"{entry.title} {entry.summary}".strip()
    outcome.suggestions = suggest(catalog.papers(), catalog.taxonomy, [text])[0]
    picked = list(choose(entry.title, outcome.suggestions)) if choose else []
    unknown = [c for c in picked if c not in catalog.taxonomy]
    if picked and not unknown:
        return picked
    outcome.needs_category = not unknown
    outcome.error = (f"unknown categories: {', '.join(unknown)}" if unknown else
                     "no --category given; suggested: " + ", ".join(
                         f"{path} ({score:.2f})" for path, score in outcome.suggestions))
    return []


def _parsed(ref: str) -> AddOutcome:
    try:
        return AddOutcome(ref, arxiv_id=parse_arxiv_ref(ref))
    except ValueError as exc:
        return AddOutcome(ref, error=str(exc))


def _refuse_known(outcomes: Sequence[AddOutcome], index: DuplicateIndex) -> None:
    seen: set[str] = set()
    for outcome in outcomes:
        if outcome.arxiv_id is None:
            continue
        known = index.find(_ArxivOnly(outcome.arxiv_id))
        if known is not None:
            outcome.error = f"already in the catalog as {known.record_id}"
        elif outcome.arxiv_id in seen:
            outcome.error = "given twice"
        seen.add(outcome.arxiv_id)


def _verdicts(drafts: Sequence[Paper], catalog: Catalog, config: CheckerConfig,
              cache_dir: Path) -> dict[str, CheckResult]:
    """The venue checker's verdict on each draft (arXiv answers come from the cache)."""
    if not drafts:
        return {}
    run = check_papers([Target(d) for d in drafts], catalog.venues, config, cache_dir=cache_dir)
    return {d.arxiv or "": r for d, r in zip(drafts, run.results, strict=True)}


def _build(outcomes: Sequence[AddOutcome], drafts: dict[str, Paper],
           verdicts: dict[str, CheckResult], catalog: Catalog, index: DuplicateIndex,
           write: bool) -> None:
    papers_dir = catalog.root / PAPERS_DIR
    taken_ids = {r.id for r in catalog.records}
    taken_ids |= {p.stem for p in papers_dir.glob("*.yaml")} if papers_dir.is_dir() else set()
    taken = taken_keys(assign_keys(catalog.papers())[0].values())
    for outcome in outcomes:
        draft = drafts.get(outcome.arxiv_id or "")
        if outcome.error or draft is None:
            continue
        record, outcome.venue_reason = build_record(
            draft, verdicts[draft.arxiv or ""], taken_ids=taken_ids, taken=taken)
        duplicate = find_duplicate(index, record)
        if duplicate:
            outcome.error = f"already in the catalog as {duplicate}"
            continue
        taken_ids.add(record.id)
        taken.add((record.citation_key or "").lower())
        index.add(record.id, record)
        outcome.record = record
        if write:
            outcome.path = write_new_record(papers_dir, record)


async def fetch_arxiv_entries(ids: Sequence[str], config: CheckerConfig,
                              cache_dir: Path) -> dict[str, Looked]:
    """arXiv's entries for the ids, through the cache (one batch)."""
    async with Session(config, cache_dir) as session:
        lookup = session.lookups["arxiv"]
        lookup.submit(ids)
        lookup.flush()
        return {arxiv_id: await lookup.get(arxiv_id) for arxiv_id in ids}
