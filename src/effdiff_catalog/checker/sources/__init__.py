"""The sources the checker asks, behind one small interface.

A source answers `lookup_batch(keys)` with, for each key, either an item, `None` (the
source answered and has no such item) or an error reason (it could not answer). The
matching logic only ever sees parsed items, so it is tested on recorded responses without
any network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


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


class Source(Protocol):
    """What the checker needs of a source."""

    name: str
    batch_size: int

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult: ...

    def to_cache(self, item: Any) -> Any: ...

    def from_cache(self, value: Any) -> Any: ...
