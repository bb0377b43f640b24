"""Candidates from a dblp BibTeX export of a proceedings volume (read from text, no network)."""

from __future__ import annotations

import re

import bibtexparser
from pylatexenc.latex2text import LatexNodes2Text

from .candidates import Candidate

# Entry types that are papers; the volume's own @proceedings record is not.
PAPER_TYPES = frozenset({"inproceedings", "article", "incollection"})

# bibtexparser 2.0.0b8 starts a new block at any "@word {" even inside a value (dblp has
# "title = {@ {CREPE:} ...}"), so an "@" that does not open a line is hidden while parsing.
_AT_INSIDE = re.compile(r"(?<=[^\n])@")
_HIDDEN_AT = "\uff20"
# pylatexenc drops \mbox in math ("Re\({}^{\mbox{2}}\)TAL" would lose its 2).
_MBOX = re.compile(r"\\mbox\{([^{}]*)\}")
_LATEX = LatexNodes2Text()


class DblpParseError(ValueError):
    """The export has blocks that did not parse: candidates would be silently missing."""


def parse_dblp_bibtex(text: str) -> list[Candidate]:
    """Every paper of the export, in file order."""
    library = bibtexparser.parse_string(_AT_INSIDE.sub(_HIDDEN_AT, text))
    if library.failed_blocks:
        lines = ", ".join(str(block.start_line + 1) for block in library.failed_blocks)
        raise DblpParseError(f"BibTeX blocks that failed to parse start at lines {lines}")
    return [
        _candidate(entry.key, {f.key.lower(): str(f.value) for f in entry.fields})
        for entry in library.entries
        if entry.entry_type.lower() in PAPER_TYPES
    ]


def _candidate(key: str, fields: dict[str, str]) -> Candidate:
    year = fields.get("year", "")
    authors = _plain(fields.get("author", ""))
    return Candidate(
        key=key,
        title=_plain(fields.get("title", "")),
        authors=tuple(name.strip() for name in authors.split(" and ") if name.strip()),
        venue=_plain(fields.get("booktitle") or fields.get("journal", "")),
        year=int(year) if year.isdigit() else None,
        arxiv=_arxiv(fields),
        doi=fields.get("doi") or None,
    )


def _plain(value: str) -> str:
    """A field value as plain text: LaTeX decoded, braces gone, whitespace collapsed."""
    if "\\" in value:
        value = _LATEX.latex_to_text(_MBOX.sub(r"\1", value))
    value = value.replace("{", "").replace("}", "").replace(_HIDDEN_AT, "@")
    return " ".join(value.split())


def _arxiv(fields: dict[str, str]) -> str | None:
    """dblp gives the arXiv id of CoRR records as eprint (eprinttype = arXiv)."""
    if fields.get("eprinttype", "").lower() == "arxiv" and fields.get("eprint"):
        return fields["eprint"]
    return None
