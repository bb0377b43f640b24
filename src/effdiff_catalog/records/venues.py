"""The venue registry, read from venues.yaml: names, kinds, aliases and meeting years."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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

    @property
    def single_edition(self) -> bool:
        """One edition of one workshop (first_year = last_year), matched only by its own
        names; not a conference's joint workshop proceedings."""
        return self.first_year is not None and self.first_year == self.last_year


def normalise_venue_name(text: str) -> str:
    """Lower-case words only: 'Proc. of NeurIPS 2023' style noise is left to `variants`."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
_ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|(?:[a-z]+-)?(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
    r"seventeenth|eighteenth|nineteenth|twentieth|[a-z]+tieth))"
)
_PROCEEDINGS_OF = re.compile(
    rf"^\s*(?:in\s+)?(?:(?:proceedings|proc\.?)\s+(?:of\s+)?)?(?:the\s+)?"
    rf"(?:{_ORDINAL}\s+)?(?:annual\s+)?",
    re.IGNORECASE,
)
_PUBLISHER_PREFIX = re.compile(r"^\s*(?:ieee/cvf|ieee|acm|annual)\s+", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")
_WORKSHOP_WORD = re.compile(r"\bworkshops?\b|(?:^|\s)@\s*\w", re.IGNORECASE)


def variants(text: str) -> list[str]:
    """Ways a venue string may be written around a registry name, most literal first:
    'Proceedings of the 40th International Conference on Machine Learning, ICML 2023'
    gives the whole text, then without years, ordinals and 'Proceedings of the', then
    each comma-separated part, the parenthesised parts, and the acronyms."""
    out = [text]
    no_years = _YEAR.sub(" ", text)
    stripped = _PUBLISHER_PREFIX.sub("", _PROCEEDINGS_OF.sub("", no_years))
    out += [no_years, stripped]
    for part in text.split(","):
        cleaned = _PUBLISHER_PREFIX.sub("", _PROCEEDINGS_OF.sub("", _YEAR.sub(" ", part)))
        out += [part, cleaned]
    out += re.findall(r"\(([^()]+)\)", text)  # "(CVPR)", "(NeurIPS 2023)"
    no_parens = re.sub(r"\([^()]*\)", " ", stripped)
    out += [no_parens, re.sub(r"\b\d+\b", " ", no_parens)]  # volume numbers: "Systems 36"
    out += _ACRONYM.findall(no_years)
    seen: list[str] = []
    for item in out:
        item = " ".join(item.split()).strip(" ,.;:")
        if item and item not in seen:
            seen.append(item)
    return seen


@dataclass(frozen=True)
class VenueMatch:
    """What a venue text names, as the registry understands it.

    `venue` is the registry venue meant, or None. A text that names a workshop
    (`workshop`) maps to a workshop entry only: to the one its names match, or to the
    joint workshop proceedings of the conference it names (CVPRW for "CVPR Workshop on
    …"); `main` is that conference. A workshop is never the main conference.
    """

    venue: Venue | None
    workshop: bool = False
    main: Venue | None = None
    tried: tuple[str, ...] = ()


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

    def match(self, text: str, *, free_text: bool = False) -> VenueMatch:
        """The venue a source's venue text names: the one place venue text meets the registry.

        Tries `variants` of the text through names and aliases; with `free_text` (an arXiv
        comment or journal_ref), also the longest registry name found in it as whole words.
        Workshops are recognised from the text ('Workshop', 'CVPRW', '@ ICML') and from the
        registry's workshop entries, and never map to the main conference.
        """
        tried: list[str] = []
        found: Venue | None = None
        for candidate in variants(text):
            tried.append(candidate)
            found = self.lookup(candidate)
            if found is not None:
                break
        if found is None and free_text:
            found = self._named_in(text)
        workshop = self.is_workshop_text(text) or (found is not None and found.kind == "workshop")
        if not workshop or found is None or found.kind == "workshop":
            main = self.venues.get(found.workshop_of or "") if found else None
            return VenueMatch(found, workshop, main, tuple(tried))
        joint = [v for v in self if v.workshop_of == found.key and not v.single_edition]
        return VenueMatch(joint[0] if len(joint) == 1 else None, True, found, tuple(tried))

    def is_workshop_text(self, text: str) -> bool:
        """'… Workshop on …', 'ICML 2024 Workshops', 'CVPRW', 'ES-FoMo @ ICML'."""
        if _WORKSHOP_WORD.search(text):
            return True
        for word in re.findall(r"[A-Za-z]+W\b", text):
            venue = self.lookup(word[:-1])
            if venue is not None and venue.kind == "conference":
                return True
        return False

    def _named_in(self, text: str) -> Venue | None:
        """The longest registry name that appears in free text as whole words."""
        words = normalise_venue_name(_YEAR.sub(" ", text)).split()
        for size in range(min(10, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                key = self._by_name.get(" ".join(words[start:start + size]))
                if key is not None:
                    return self.venues[key]
        return None

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
