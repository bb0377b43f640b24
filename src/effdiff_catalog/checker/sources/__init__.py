"""The sources the checker asks, behind one small interface.

A source API offers one or more endpoints (dblp: whole volumes, and a title search).
An endpoint answers `lookup_batch(keys)` with, for each key, either an item, `None` (the
source answered and has no such item) or an error reason (it could not answer). Its
`EndpointSpec` says what its keys are, what it can answer and how much to trust it, how
to cache its items, and how to read them as evidence: so the matching logic only ever
sees parsed items, and is tested on recorded responses without any network.

The endpoints are listed in `registry.py`; adding a source touches its own module, its
defaults in `config.py` and its tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from effdiff_catalog.checker.config import CheckerConfig
    from effdiff_catalog.checker.evidence import Finding, PaperContext
    from effdiff_catalog.checker.http import PoliteClient

# What an endpoint's keys are: an arXiv id, a DOI, a dblp volume (its toc key), a title, or
# one page of a paged listing (an arXiv search, a paper's citations: the page's query string).
KeyKind = Literal["arxiv", "doi", "volume", "title", "page"]
# What an endpoint can tell about a paper.
Answer = Literal["venue", "year", "doi", "authors", "abstract", "arxiv", "title"]


class MalformedResponse(Exception):
    """A body that does not parse as the API's documented shape."""


@dataclass
class BatchResult:
    """Per-key outcome of one batch: `found[key]` is an item or None; `errors[key]` a reason."""

    found: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def merge(self, other: BatchResult) -> None:
        self.found.update(other.found)
        self.errors.update(other.errors)

    @classmethod
    def failed(cls, keys: Sequence[str], reason: str) -> BatchResult:
        return cls(errors=dict.fromkeys(keys, reason))


async def each_key(keys: Sequence[str], fetch: Callable[[str], Awaitable[Any]],
                   label: str) -> BatchResult:
    """One request a key, in turn (a page, a volume): its item, or `label: reason` when
    it could not be fetched or did not parse."""
    from effdiff_catalog.checker.http import FetchError

    result = BatchResult()
    for key in keys:
        try:
            result.found[key] = await fetch(key)
        except FetchError as exc:
            result.errors[key] = f"{label}: {exc.reason}"
        except MalformedResponse as exc:
            result.errors[key] = f"{label}: {exc}"
    return result


class Source(Protocol):
    """What the checker needs of an endpoint's client."""

    batch_size: int

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult: ...


def _same(context: PaperContext, item: Any) -> PaperContext:
    return context


def no_venue_evidence(context: PaperContext, item: Any) -> Finding:
    """For endpoints only `enrich` reads (record fields, not venues)."""
    from effdiff_catalog.checker.evidence import Finding

    return Finding()


@dataclass(frozen=True)
class EndpointSpec:
    """One endpoint of a source API, as the checker uses it.

    `identify` adds what an id lookup knows of the paper itself (arXiv's authors and
    date, a published title) to the context the other answers are matched against;
    `evaluate` reads an item as evidence. `ttl` returns a cache lifetime for an item
    (None: the cache's own).
    """

    name: str  # answer key and cache namespace, e.g. "openalex-title"
    source: str  # the API, e.g. "openalex"; one source counts once for agreement
    key_kind: KeyKind
    answers: frozenset[Answer]
    trust: float  # confidence of a venue claim found through this endpoint
    make: Callable[[PoliteClient, CheckerConfig], Source]
    encode: Callable[[Any], Any]  # item -> JSON for the cache
    decode: Callable[[Any], Any]  # and back
    missing: str  # the note when it has nothing on the paper
    evaluate: Callable[[PaperContext, Any], Finding] = no_venue_evidence
    identify: Callable[[PaperContext, Any], PaperContext] = _same
    ttl: Callable[[Any, CheckerConfig], float | None] = lambda item, config: None
