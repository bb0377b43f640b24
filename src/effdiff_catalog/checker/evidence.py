"""What the checker reasons with: a source's answer, the evidence drawn from it, the verdict.

Plain data, no logic beyond small properties: the sources produce `Evidence` from their
answers (checker/sources/), `decide` turns it into a `CheckResult` (checker/decide.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry

if TYPE_CHECKING:
    from effdiff_catalog.checker.match import VenueJudgement

Status = Literal["update", "review", "conflict", "unknown", "pinned"]
# Why a paper is unknown:
#   not-published    every source answered, none shows a published version;
#   not-in-registry  a source shows a publication at a venue venues.yaml lacks;
#   source-failed    some source could not answer, and the others show nothing;
#   no-answer        no source could answer at all (outage, or offline and not cached).
UnknownReason = Literal["not-published", "not-in-registry", "source-failed", "no-answer"]


@dataclass
class Looked:
    """What one lookup said about a paper: an answer, None (no such item) or an error."""

    value: Any = None
    answered: bool = False
    error: str | None = None


@dataclass
class Evidence:
    """One source's claim that the paper appeared at a venue in a year."""

    source: str  # the API: arxiv, semanticscholar, openalex, crossref, dblp
    matched: str  # the record it matched, e.g. "dblp:conf/nips/VaswaniSPUJGKP17"
    by: str  # how it was found: "arxiv-id", "doi", "volume" or "title"
    venue_text: str
    venue: str  # registry key
    year: int
    year_is_publication: bool  # the venue's year (a venue record), not possibly the preprint's
    trust: float
    doi: str | None = None
    url: str | None = None
    reasons: list[str] = field(default_factory=list)
    published_title: str | None = None  # set when matched by id and authors, under a new title


@dataclass
class Finding:
    """What a source's answer shows: evidence, and notes that explain what was not used."""

    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_in_registry: bool = False  # a publication at a venue venues.yaml does not have
    workshop: bool = False  # a workshop that could not be proposed was named
    refuted_dois: set[str] = field(default_factory=set)  # registered for another paper

    def absorb(self, other: Finding) -> None:
        self.evidence += other.evidence
        self.notes += other.notes
        self.not_in_registry |= other.not_in_registry
        self.workshop |= other.workshop
        self.refuted_dois |= other.refuted_dois

    def refuse(self, judged: VenueJudgement) -> None:
        """Record why a venue text was not proposed."""
        if judged.note:
            self.notes.append(judged.note)
        self.not_in_registry |= judged.not_in_registry
        self.workshop |= judged.workshop


@dataclass(frozen=True)
class PaperContext:
    """The paper as the sources are matched against it.

    `authors` are the record's, or arXiv's when the record lists none; `titles` are the
    paper's own (the record's and arXiv's); `renamed` are published titles that an id
    lookup found under the same authors. A record matched only through a renamed title
    is flagged, so that it goes to review.
    """

    paper: Paper
    registry: VenueRegistry
    preprint_year: int
    authors: tuple[str, ...]
    titles: tuple[str, ...]
    renamed: tuple[str, ...] = ()

    @property
    def all_titles(self) -> tuple[str, ...]:
        return self.titles + self.renamed


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
    unknown_reason: UnknownReason | None = None
    asked: list[str] = field(default_factory=list)  # sources that answered
    unchecked: list[str] = field(default_factory=list)  # sources that could not answer
    path: str | None = None
    file_sha256: str | None = None  # of the record file when it was checked

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
