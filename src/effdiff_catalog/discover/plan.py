"""What one discover run reads: which proceedings volumes, which arXiv window, which
citations. Built from the command's options with their documented defaults, and turned
back into options, so that a report can say how to gather exactly the same again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.sources.arxiv import search_query
from effdiff_catalog.records.catalog import Catalog

DEFAULT_CATEGORIES = ("cs.CV", "cs.LG", "cs.AI")
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")


class PlanError(ValueError):
    """The options do not make a run (unknown venue, empty window, nothing to read)."""


@dataclass(frozen=True)
class ArxivWindow:
    """Submissions to any of `categories` from `since` (00:00 UTC) until `until` (excluded)."""

    since: dt.date
    until: dt.date
    categories: tuple[str, ...] = DEFAULT_CATEGORIES

    def query(self) -> str:
        return search_query(self.categories, self.since, self.until)

    def label(self) -> str:
        last = self.until - dt.timedelta(days=1)
        return f"arXiv {', '.join(self.categories)}, submitted {self.since} to {last}"


@dataclass(frozen=True)
class Citations:
    """Citing papers from Semantic Scholar: every paper citing `survey` (an arXiv id), and
    those citing at least `min_shared` of the `catalog` papers (arXiv ids)."""

    survey: str | None = None
    catalog: tuple[str, ...] = ()
    min_shared: int = 0


@dataclass(frozen=True)
class Plan:
    volumes: tuple[tuple[str, int], ...] = ()  # (venue key, year) of each dblp volume
    arxiv: ArxivWindow | None = None
    citations: Citations | None = None

    def options(self) -> list[str]:
        """The `effdiff discover` options that gather exactly this plan again."""
        out: list[str] = []
        if self.volumes:
            out += [a for v in dict.fromkeys(v for v, _ in self.volumes) for a in ("--venue", v)]
            out += [a for y in dict.fromkeys(y for _, y in self.volumes)
                    for a in ("--year", str(y))]
        else:
            out.append("--no-volumes")
        if self.arxiv:
            out += ["--arxiv-since", str(self.arxiv.since), "--arxiv-until", str(self.arxiv.until)]
            if self.arxiv.categories != DEFAULT_CATEGORIES:
                out += [a for c in self.arxiv.categories for a in ("--arxiv-category", c)]
        if self.citations and self.citations.survey:
            out.append("--citations")
        if self.citations and self.citations.min_shared:
            out += ["--cites-catalog", str(self.citations.min_shared)]
        return out


@dataclass(frozen=True)
class Options:
    """The command's gathering options, as given (empty: the documented default)."""

    venues: Sequence[str] = ()
    years: Sequence[int] = ()
    volumes: bool = True
    arxiv_since: dt.date | None = None
    arxiv_until: dt.date | None = None
    categories: Sequence[str] = ()
    citations: bool = False
    cites_catalog: int = 0


def make_plan(catalog: Catalog, config: CheckerConfig, options: Options,
              today: dt.date) -> Plan:
    """The run the options ask for. Volumes: the venues named (default: the main venues
    the registry knows, `EFFDIFF_MAIN_VENUES`) in the years named (default: this year and
    the last); arXiv: only with a start date; citations: only when asked for."""
    plan = Plan(_volumes(catalog, config, options, today), _window(options, today),
                _citations(catalog, options))
    if not (plan.volumes or plan.arxiv or plan.citations):
        raise PlanError("nothing to gather: name volumes (--venue, --year), an arXiv window "
                        "(--arxiv-since) or --citations")
    return plan


def _volumes(catalog: Catalog, config: CheckerConfig, options: Options,
             today: dt.date) -> tuple[tuple[str, int], ...]:
    if not options.volumes:
        if options.venues or options.years:
            raise PlanError("--no-volumes goes with neither --venue nor --year")
        return ()
    registry = catalog.venues
    unknown = [v for v in options.venues if v not in registry]
    if unknown:
        raise PlanError(f"unknown venue(s): {', '.join(unknown)} (keys of venues.yaml)")
    venues = list(options.venues) or [v for v in config.main_venues if v in registry]
    years = list(options.years) or [today.year, today.year - 1]
    return tuple((v, y) for v in dict.fromkeys(venues) for y in dict.fromkeys(years)
                 if registry[v].meets_in(y))


def _window(options: Options, today: dt.date) -> ArxivWindow | None:
    if options.arxiv_since is None:
        if options.arxiv_until or options.categories:
            raise PlanError("--arxiv-until and --arxiv-category need --arxiv-since")
        return None
    until = options.arxiv_until or today
    if not options.arxiv_since < until:
        raise PlanError(f"the arXiv window is empty: {options.arxiv_since} is not before {until}")
    bad = [c for c in options.categories if not _CATEGORY.match(c)]
    if bad:
        raise PlanError(f"not an arXiv category: {', '.join(bad)} (such as cs.CV)")
    categories = tuple(dict.fromkeys(options.categories)) or DEFAULT_CATEGORIES
    return ArxivWindow(options.arxiv_since, until, categories)


def _citations(catalog: Catalog, options: Options) -> Citations | None:
    if not (options.citations or options.cites_catalog):
        return None
    survey = catalog.project.survey.arxiv
    if options.citations and not survey:
        raise PlanError("--citations needs the survey's arXiv id in catalog.yaml (survey.arxiv)")
    if options.cites_catalog and options.cites_catalog < 2:
        raise PlanError("--cites-catalog counts catalog papers a candidate cites: 2 or more")
    ids = tuple(sorted({p.arxiv for p in catalog.papers() if p.arxiv})) if (
        options.cites_catalog) else ()
    return Citations(survey if options.citations else None, ids, options.cites_catalog)
