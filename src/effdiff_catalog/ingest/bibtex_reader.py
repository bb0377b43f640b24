"""Reading BibTeX: the one pipeline every BibTeX input goes through, and its one entry type.

bibtexparser v2 splits the text into blocks; then, in this order:

1. `@string` references are resolved and the enclosing braces or quotes of each value go;
2. author lists are split into persons, and each person into name parts, while the TeX
   is still there: `{Stability AI and Friends}` is one name, as BibTeX reads it;
3. only then is every value decoded from TeX to Unicode (`tex.tex_to_unicode`).

`effdiff import --bib` (the survey's own BibTeX) and `effdiff import-bib` both read through
`read_bib`, so they see the same titles, names and identifiers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Entry

from effdiff_catalog.identity import (
    arxiv_from_doi,
    arxiv_in_text,
    is_arxiv_doi,
    normalise_arxiv,
    openreview_id,
    parse_doi,
)
from effdiff_catalog.tex import tex_to_unicode

# A url is verbatim, but dblp (and others) escape TeX specials in it: 11880561\_13.
_URL_ESCAPE = re.compile(r"\\([_%&#$~])")


@dataclass
class BibEntry:
    """One BibTeX entry: its fields as written (`raw`) and as Unicode text (`fields`), with
    its persons already split, and the identifiers it carries."""

    key: str
    entry_type: str
    fields: dict[str, str]
    raw: dict[str, str]
    line: int
    authors: tuple[str, ...] = ()
    truncated: bool = False  # the author list ended with "and others"
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> int | None:
        digits = re.sub(r"\D", "", self.fields.get("year", ""))
        return int(digits) if len(digits) == 4 else None

    @property
    def venue_text(self) -> str | None:
        return self.fields.get("booktitle") or self.fields.get("journal") or None

    @property
    def doi(self) -> str | None:
        """The publication DOI; arXiv's own DataCite DOI is not one."""
        doi = parse_doi(self.fields.get("doi"))
        return None if is_arxiv_doi(doi) else doi

    @property
    def arxiv(self) -> str | None:
        """From `eprint` (when arXiv's), then 'arXiv preprint arXiv:…' or a CoRR volume in
        the journal, an arxiv.org URL, `howpublished` or `note`, then an arXiv DOI."""
        fields = self.fields
        prefix = fields.get("archiveprefix", fields.get("eprinttype", "arxiv")).lower()
        if fields.get("eprint") and prefix == "arxiv":
            found = normalise_arxiv(fields["eprint"])
            if found:
                return found
        corr = "corr" in fields.get("journal", "").lower()
        for name in ("journal", "booktitle", "volume", "url", "howpublished", "note"):
            if name == "volume" and not corr:
                continue
            found = arxiv_in_text(fields.get(name))
            if found:
                return found
        return arxiv_from_doi(parse_doi(fields.get("doi")))

    @property
    def openreview(self) -> str | None:
        return openreview_id(self.raw.get("url"))

    @property
    def links(self) -> SimpleNamespace:
        """The entry's `url` as a paper link, so that `identity` reads it like a record's."""
        url = _URL_ESCAPE.sub(r"\1", self.raw.get("url", "").strip())
        usable = url.lower().startswith(("http://", "https://")) and not any(
            c.isspace() for c in url)
        return SimpleNamespace(paper=url if usable else None, proceedings=None)

    @property
    def dblp_stream(self) -> str | None:
        """'conf/cvpr' for a dblp record (from its biburl)."""
        match = re.search(r"dblp\.org/rec/((?:conf|journals)/[^/]+)/", self.raw.get("biburl", ""))
        return match.group(1) if match else None


def _person(parts: NameParts) -> str:
    """'First von Last Jr' from bibtexparser's NameParts, each part decoded from TeX."""
    words = [*parts.first, *parts.von, *parts.last, *parts.jr]
    return " ".join(tex_to_unicode(w) for w in words if w.strip()).strip()


def split_persons(value: str) -> tuple[list[str], bool]:
    """The persons of a raw (TeX) author field, as 'First von Last' names, and whether the
    list ended with 'and others'. Braces protect: '{Stability AI and Friends}' is one."""
    from bibtexparser.middlewares.names import (
        InvalidNameError,
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names: list[str] = []
    truncated = False
    for person in split_multiple_persons_names(value):
        if person.strip().lower() == "others":
            truncated = True
            continue
        try:
            full = _person(parse_single_name_into_parts(person, strict=False))
        except InvalidNameError:
            full = tex_to_unicode(person)
        if full:
            names.append(full)
    return names, truncated


def read_bib(text: str) -> tuple[list[BibEntry], list[str]]:
    """The entries of a .bib text, and a message for each block that could not be parsed.

    An entry whose key repeats an earlier one is kept under `KEY#LINE`, so that it can be
    reported (as the same paper twice, usually) instead of vanishing.
    """
    import bibtexparser
    from bibtexparser import middlewares
    from bibtexparser.model import DuplicateBlockKeyBlock

    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # repeated keys are reported here, not logged there
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        quiet.setLevel(level)
    errors: list[str] = []
    for block in list(library.failed_blocks):
        inner = getattr(block, "ignore_error_block", None)
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(inner, Entry):
            library.remove(block)
            inner.key = f"{inner.key}#{line}"
            library.add(inner)
        else:
            errors.append(f"line {line}: could not parse: {str(block.raw).strip()[:60]!r}")
    for middleware in (
        middlewares.ResolveStringReferencesMiddleware(True),
        middlewares.RemoveEnclosingMiddleware(True),
    ):
        library = middleware.transform(library)
    return [_entry(item) for item in library.entries], errors


def _entry(item: Entry) -> BibEntry:
    raw = {f.key.lower(): str(f.value) for f in item.fields}
    authors, truncated = split_persons(raw.get("author", ""))
    fields = {k: tex_to_unicode(v) for k, v in raw.items() if k != "author"}
    if authors:
        fields["author"] = " and ".join(authors)
    return BibEntry(
        key=item.key, entry_type=item.entry_type.lower(), fields=fields, raw=raw,
        line=item.start_line or 0, authors=tuple(authors), truncated=truncated,
    )
