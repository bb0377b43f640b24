"""A paper found outside the catalog (a proceedings volume, arXiv), before anyone judges it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """What the sources can tell about a paper; only `key` and `title` are always known.

    `key` identifies the candidate within one run (a dblp key, an arXiv id): the model uses it
    to find the candidate's own out-of-fold score and to break ties.
    """

    key: str
    title: str
    authors: tuple[str, ...] = ()
    venue: str = ""
    year: int | None = None
    abstract: str | None = None
    arxiv: str | None = None
    doi: str | None = None

    def text(self) -> str:
        """The text the model reads: the title, and the abstract when there is one."""
        return f"{self.title} {self.abstract}" if self.abstract else self.title
