"""A paper found outside the catalog (a proceedings volume, arXiv), before anyone judges it."""

from __future__ import annotations

from dataclasses import dataclass

from effdiff_catalog.identity import doi_key, normalise_arxiv, parse_doi


@dataclass(frozen=True)
class Candidate:
    """What the sources can tell about a paper; only `key` and `title` are always known.

    `key` identifies the candidate within one run (a dblp key, an arXiv id): the model uses it
    to find the candidate's own out-of-fold score and to break ties. `paper_urls` are its
    links (identity compares them too); `found_in` says where it was found, for the report.
    """

    key: str
    title: str
    authors: tuple[str, ...] = ()
    venue: str = ""
    year: int | None = None
    abstract: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    paper_urls: tuple[str, ...] = ()
    found_in: tuple[str, ...] = ()

    def text(self) -> str:
        """The text the model reads: the title, and the abstract when there is one."""
        return f"{self.title} {self.abstract}" if self.abstract else self.title

    @property
    def ident(self) -> str:
        """The id a maintainer pastes into `--accept`/`--reject`, stable across runs and
        sources: the arXiv id, else the DOI, else the source's key ('dblp:conf/iclr/X23')."""
        return self.arxiv or self.doi or self.key

    def idents(self) -> set[str]:
        """Every id the candidate answers to, compared as `id_key` compares them."""
        return {id_key(i) for i in (self.arxiv, self.doi, self.key) if i}


def id_key(text: str) -> str:
    """The form two candidate ids are compared in: an arXiv id without version or prefix,
    a DOI in lower case without its resolver, any other key in lower case."""
    text = text.strip()
    arxiv = normalise_arxiv(text)
    if arxiv:
        return arxiv
    doi = parse_doi(text)
    return doi_key(doi) if doi else text.lower()
