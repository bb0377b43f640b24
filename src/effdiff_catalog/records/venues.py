"""The venue registry, read from venues.yaml: names, kinds, aliases and meeting years."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from effdiff_catalog.records.models import SLUG_PATTERN
from effdiff_catalog.records.yamlio import load_data_file

VenueKind = Literal["conference", "journal", "workshop", "preprint"]
Cadence = Literal["annual", "even-years", "odd-years", "continuous", "irregular"]


class Venue(BaseModel):
    """One venue. `name` is the full name BibTeX prints (booktitle or journal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field("", pattern=rf"{SLUG_PATTERN}|^$")
    short: str
    name: str
    kind: VenueKind
    field: str | None = Field(None, description="ml, vision, nlp, graphics, systems, ...")
    aliases: list[str] = Field(default_factory=list)
    meets: Cadence = "annual"
    first_year: int | None = None
    last_year: int | None = None
    locations: dict[int, str] = Field(default_factory=dict, description="Where it held, by year.")
    publisher: str | None = None
    workshop_of: str | None = Field(None, description="Key of the main conference.")
    url_patterns: list[str] = Field(
        default_factory=list,
        description="Regexes that identify this venue in a paper URL; group 'year' if present.",
    )
    acl_anthology: list[str] = Field(
        default_factory=list, description="ACL Anthology venue codes (naacl, emnlp, ...)."
    )
    pmlr_volumes: dict[int, int] = Field(
        default_factory=dict, description="PMLR volume of each year's proceedings."
    )
    dblp: str | None = Field(None, description="dblp stream key, such as conf/nips.")

    @field_validator("url_patterns")
    @classmethod
    def _compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns

    def meets_in(self, year: int) -> bool:
        """Whether the venue has an edition in that year (by cadence and known range)."""
        if self.first_year and year < self.first_year:
            return False
        if self.last_year and year > self.last_year:
            return False
        if self.meets == "even-years":
            return year % 2 == 0
        if self.meets == "odd-years":
            return year % 2 == 1
        return True

    @property
    def is_preprint(self) -> bool:
        return self.kind == "preprint"


def normalise_venue_name(text: str) -> str:
    """Lower-case words only: 'Proc. of NeurIPS 2023' style noise is left to callers."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


class VenueRegistry:
    def __init__(self, venues: dict[str, Venue]) -> None:
        self.venues = venues
        self._by_name: dict[str, str] = {}
        for key, venue in venues.items():
            for name in (key, venue.short, venue.name, *venue.aliases):
                norm = normalise_venue_name(name)
                other = self._by_name.get(norm)
                if other and other != key:
                    raise ValueError(f"venues: name {name!r} is used by {other!r} and {key!r}")
                self._by_name[norm] = key
        self._url_res = [
            (key, re.compile(p)) for key, v in venues.items() for p in v.url_patterns
        ]
        # One alternation of every pattern (named groups dropped): most URLs (arXiv,
        # OpenReview, GitHub) match none, and are turned away by a single search.
        unnamed = [re.sub(r"\(\?P<[a-z_]+>", "(?:", r.pattern) for _, r in self._url_res]
        combined = re.compile("|".join(f"(?:{p})" for p in unnamed)) if unnamed else None
        # Patterns anchored at the start need only be tried there, not at every position.
        anchored = all(p.startswith("^") for p in unnamed)
        self._any_url = (combined.match if anchored else combined.search) if combined else None

    @classmethod
    def load(cls, path: Path) -> VenueRegistry:
        raw = load_data_file(path)
        if not isinstance(raw, dict) or not isinstance(raw.get("venues"), dict):
            raise ValueError(f"{path}: expected a mapping with a 'venues' mapping")
        venues = {
            key: Venue.model_validate({**value, "key": key}) for key, value in raw["venues"].items()
        }
        return cls(venues)

    def __contains__(self, key: object) -> bool:
        return key in self.venues

    def __getitem__(self, key: str) -> Venue:
        return self.venues[key]

    def __iter__(self) -> Iterator[Venue]:
        return iter(self.venues.values())

    def lookup(self, name: str) -> Venue | None:
        """The venue a name or alias means ('NIPS' -> NeurIPS), or None."""
        key = self._by_name.get(normalise_venue_name(name))
        return self.venues[key] if key else None

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def from_url(self, url: str) -> list[tuple[Venue, int | None]]:
        """Venues (and years) that a paper URL identifies, from the registry's patterns."""
        hits: list[tuple[Venue, int | None]] = []
        if self._any_url is None or not self._any_url(url):
            return hits
        for key, regex in self._url_res:
            match = regex.search(url)
            if match:
                year = match.groupdict().get("year")
                hits.append((self.venues[key], int(year) if year else None))
        return hits
