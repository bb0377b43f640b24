"""The maintainers' decisions on a report: accept a candidate into the catalog, or reject
it for good.

A candidate with an arXiv id is accepted through `effdiff add` (`checker.add.add_papers`:
arXiv's metadata, the venue checker's verdict, the citation key, duplicates refused), and
needs no gathering. Any other candidate (a proceedings paper without an arXiv version) is
found again by gathering the sources of the report (the same options; cached answers make
it cheap), then scaffolded from its record like `effdiff new` does (validated, duplicates
refused, key assigned). A section is filed only when given or confirmed through `choose`;
otherwise the decision fails with the suggestions listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from effdiff_catalog.checker import exitcodes
from effdiff_catalog.checker.add import AddOutcome, Chooser, add_papers, fetch_arxiv_entries
from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.session import run_sync
from effdiff_catalog.identity import normalise_arxiv
from effdiff_catalog.ingest.scaffold import NewPaper, ScaffoldError, scaffold_paper
from effdiff_catalog.records.catalog import Catalog

from .candidates import Candidate, id_key
from .gather import gather
from .plan import Options, make_plan
from .rejected import Rejection, append_rejections, load_rejections
from .report import link
from .run import cache_folder
from .screen import merge
from .sections import suggest


@dataclass
class Decision:
    """What became of one id given to --accept or --reject."""

    ident: str
    done: bool = False
    message: str = ""
    path: Path | None = None
    suggestions: list[tuple[str, float]] = field(default_factory=list)
    needs_category: bool = False


@dataclass
class Acted:
    decisions: list[Decision]
    gather_failed: bool = False  # a source failed while the candidates were looked for
    options: list[str] = field(default_factory=list)  # how they were looked for

    @property
    def exit_status(self) -> int:
        """0 all done; 2 a section is needed and none was given; 3 some could not be
        looked for (a source failed); 1 anything else failed."""
        if all(d.done for d in self.decisions):
            return exitcodes.NOTHING
        if any(d.needs_category for d in self.decisions):
            return exitcodes.USAGE
        return exitcodes.INCOMPLETE if self.gather_failed else exitcodes.FOUND


def accept(catalog: Catalog, ids: Sequence[str], config: CheckerConfig, options: Options, *,
           categories: Sequence[str] = (), choose: Chooser | None = None,
           today: dt.date | None = None) -> Acted:
    """Add each candidate to the catalog under the sections given or chosen. `options`
    say where to look for the candidates that are not arXiv papers."""
    today = today or dt.date.today()
    found, acted = _find(catalog, ids, config, options, today)
    by_arxiv = {c.arxiv: ident for ident, c in found.items() if c and c.arxiv}
    by_arxiv.update({a: i for i in ids if (a := normalise_arxiv(i))})
    outcomes = add_papers(catalog, list(by_arxiv), categories, config, today=today,
                          choose=choose) if by_arxiv else []
    decided = {by_arxiv[o.ref]: _from_outcome(by_arxiv[o.ref], o) for o in outcomes}
    for ident, candidate in found.items():
        if ident not in decided:
            decided[ident] = (_scaffold(catalog, ident, candidate, categories, choose, today)
                              if candidate else _not_found(ident, acted))
    acted.decisions = [decided[i] for i in ids]
    return acted


def reject(catalog: Catalog, ids: Sequence[str], reason: str, config: CheckerConfig,
           options: Options, *, today: dt.date | None = None) -> Acted:
    """Record each candidate in discovery/rejected.yaml, so that it never comes back."""
    if not reason.strip():
        raise ValueError("give the reason for rejecting (--reason)")
    today = today or dt.date.today()
    before = {id_key(r.id): r for r in load_rejections(catalog.root)}
    fresh = [i for i in dict.fromkeys(ids) if id_key(i) not in before]
    named, acted = _named(catalog, fresh, config, options, today)
    new = {ident: Rejection(id=named[ident][0], title=named[ident][1], reason=reason.strip(),
                            date=today) for ident in fresh if ident in named}
    path = append_rejections(catalog.root, list(new.values())) if new else None
    acted.decisions = [_rejected(i, before.get(id_key(i)), new.get(i), path, acted)
                       for i in ids]
    return acted


def _find(catalog: Catalog, ids: Sequence[str], config: CheckerConfig, options: Options,
          today: dt.date) -> tuple[dict[str, Candidate | None], Acted]:
    """The gathered candidate each id that is not an arXiv id names (None: not among
    them). arXiv ids need no gathering: without other ids nothing is gathered, and the
    options are not even read (PlanError only when they are needed and do not make a run)."""
    wanted = [i for i in ids if normalise_arxiv(i) is None]
    if not wanted:
        return {}, Acted([])
    plan = make_plan(catalog, config, options, today)
    gathered = gather(plan, catalog.venues, config, cache_dir=cache_folder(catalog, config))
    by_id = {i: c for c in merge(gathered.candidates) for i in c.idents()}
    return {i: by_id.get(id_key(i)) for i in wanted}, Acted([], gathered.failed,
                                                             plan.options())


def _named(catalog: Catalog, ids: Sequence[str], config: CheckerConfig, options: Options,
           today: dt.date) -> tuple[dict[str, tuple[str, str]], Acted]:
    """The stable id and title of each id's paper: a gathered candidate's, or arXiv's."""
    found, acted = _find(catalog, ids, config, options, today)
    named = {i: (c.ident, c.title) for i, c in found.items() if c}
    arxiv = {i: a for i in ids if (a := normalise_arxiv(i))}
    if arxiv:
        looked = run_sync(fetch_arxiv_entries(list(arxiv.values()), config,
                                              cache_folder(catalog, config)))
        named.update({i: (a, entry.title) for i, a in arxiv.items()
                      if (entry := looked[a].value) is not None and entry.title})
        acted.gather_failed |= any(looked[a].error for a in arxiv.values())
    return named, acted


def _rejected(ident: str, before: Rejection | None, new: Rejection | None, path: Path | None,
              acted: Acted) -> Decision:
    if before is not None:
        return Decision(ident, done=True, message=f"already rejected on {before.date}")
    if new is None:
        return _not_found(ident, acted)
    return Decision(ident, done=True, path=path, message=f"rejected: {new.title}")


def _from_outcome(ident: str, outcome: AddOutcome) -> Decision:
    if outcome.path is not None:
        return Decision(ident, done=True, path=outcome.path,
                        message=f"added {outcome.path.name}; {outcome.venue_reason or ''}".strip())
    return Decision(ident, message=outcome.error or "not added", suggestions=outcome.suggestions,
                    needs_category=outcome.needs_category)


def _not_found(ident: str, acted: Acted) -> Decision:
    if normalise_arxiv(ident):
        return Decision(ident, message="arXiv has no such paper, or could not be asked")
    where = " ".join(acted.options)
    if acted.gather_failed:
        return Decision(ident, message=f"not found, but a source could not be read ({where})")
    return Decision(ident, message=(
        f"not among the candidates gathered with {where}: give the options the report was "
        "made with, or add the paper with `effdiff new`"))


def _scaffold(catalog: Catalog, ident: str, candidate: Candidate, categories: Sequence[str],
              choose: Chooser | None, today: dt.date | None) -> Decision:
    """A record from the candidate's own data, as `effdiff new` writes one."""
    suggestions = [] if categories else suggest(catalog.papers(), catalog.taxonomy,
                                                [candidate.text()])[0]
    chosen = list(categories) or (list(choose(candidate.title, suggestions)) if choose else [])
    if not chosen:
        return Decision(ident, message="no --category given; suggested: " + ", ".join(
            f"{p} ({s:.2f})" for p, s in suggestions), suggestions=suggestions,
            needs_category=True)
    if candidate.year is None:
        return Decision(ident, message="the sources give no year: add it with `effdiff new`")
    url = link(candidate)
    new = NewPaper(title=candidate.title, venue=candidate.venue, year=candidate.year,
                   categories=chosen, authors=list(candidate.authors), doi=candidate.doi,
                   links={"paper": url} if url else {}, added=today)
    try:
        made = scaffold_paper(catalog.root, new)
    except ScaffoldError as exc:
        return Decision(ident, message=f"not added: {exc}")
    return Decision(ident, done=True, path=made.path, message=f"added {made.path.name}")
