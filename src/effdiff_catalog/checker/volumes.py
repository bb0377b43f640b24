"""dblp by volume: which proceedings to read for a preprint, and finding it in them.

A preprint's candidate volumes are the venues its sources name (the years they give, and
the arXiv year with the two after), or, when no source names one, the main venues for
those years. Each volume is fetched once per run (and cached for months, a published
volume does not change), then searched locally by title; `evaluate` then checks authors,
venue and year as for any title hit. So a venue-year costs a handful of requests however
many preprints ask about it.

`fetch_volumes` is the same fetcher for other tools (whole proceedings as candidates);
`read_volumes` runs it within the caller's own session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.evidence import Evidence, PaperContext
from effdiff_catalog.checker.session import Session, run_sync
from effdiff_catalog.checker.sources.dblp import DblpHit, volume_key
from effdiff_catalog.identity import STOPWORDS, title_key, title_words
from effdiff_catalog.records.venues import Venue, VenueRegistry

YEARS_AFTER = 2  # candidate years: the arXiv year and the two after
WORD_SHARE = 0.6  # a fuzzy candidate shares this share of the title's words


@dataclass(frozen=True)
class VenueYear:
    venue: Venue
    year: int
    toc: str  # dblp's table-of-contents key


def candidate_volumes(context: PaperContext, evidence: Sequence[Evidence],
                      main_venues: Sequence[str]) -> list[VenueYear]:
    """The volumes that may hold the paper, each venue's years in order."""
    registry = context.registry
    named = list(dict.fromkeys(e.venue for e in evidence))
    keys = named or [k for k in main_venues if k in registry]
    window = range(context.preprint_year, context.preprint_year + YEARS_AFTER + 1)
    out: list[VenueYear] = []
    for key in keys:
        venue = registry[key]
        years = set(window) | {e.year for e in evidence if e.venue == key}
        for year in sorted(years):
            toc = volume_key(venue, year, registry) if venue.meets_in(year) else None
            if toc:
                out.append(VenueYear(venue, year, toc))
    return out


class VolumeIndex:
    """The records of one volume, by normalised title and by title word."""

    def __init__(self, hits: Sequence[DblpHit]) -> None:
        self.hits = list(hits)
        self._by_title: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        for n, hit in enumerate(self.hits):
            self._by_title.setdefault(title_key(hit.title), []).append(n)
            for word in set(_words(hit.title)):
                self._by_word.setdefault(word, []).append(n)

    def candidates(self, titles: Iterable[str]) -> list[DblpHit]:
        """Records whose title is one of `titles`, or shares most of its words."""
        found: dict[int, None] = {}
        for title in titles:
            found.update(dict.fromkeys(self._by_title.get(title_key(title), ())))
            words = set(_words(title))
            shared = Counter(n for w in words for n in self._by_word.get(w, ()))
            found.update(dict.fromkeys(
                n for n, count in shared.items() if count >= WORD_SHARE * len(words)))
        return [self.hits[n] for n in found]


def _words(title: str) -> list[str]:
    return [w for w in title_words(title) if w not in STOPWORDS]


@dataclass
class Volume:
    """One venue-year as fetched: its records, or why not."""

    venue: Venue
    year: int
    toc: str | None
    hits: list[DblpHit] | None = None  # None: no volume key, or it could not be fetched
    error: str | None = None


def fetch_volumes(wanted: Iterable[tuple[Venue, int]], registry: VenueRegistry,
                  config: CheckerConfig, *, cache_dir: Path | None = None) -> list[Volume]:
    """Whole proceedings volumes from dblp, cached, at dblp's rate limit. A venue-year
    dblp has no single volume for (journals, split proceedings) comes back with toc None;
    an empty list means dblp has no records there (yet)."""
    return run_sync(_fetch_volumes(list(wanted), registry, config, cache_dir))


async def _fetch_volumes(wanted: Sequence[tuple[Venue, int]], registry: VenueRegistry,
                         config: CheckerConfig, cache_dir: Path | None) -> list[Volume]:
    async with Session(config, cache_dir) as session:
        return await read_volumes(session, wanted, registry)


async def read_volumes(session: Session, wanted: Sequence[tuple[Venue, int]],
                       registry: VenueRegistry) -> list[Volume]:
    """`fetch_volumes` within a session of the caller's (its `dblp-volume` lookup), so that
    other sources can be read in parallel with the volumes."""
    volumes = [Volume(venue, year, volume_key(venue, year, registry)) for venue, year in wanted]
    lookup = session.lookups["dblp-volume"]
    lookup.submit(v.toc for v in volumes if v.toc)
    for volume in volumes:
        if volume.toc:
            looked = await lookup.get(volume.toc)
            volume.hits, volume.error = looked.value, looked.error
    return volumes
