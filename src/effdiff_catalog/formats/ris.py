"""RIS export, for EndNote, Zotero, Mendeley and other reference managers.

One record per paper, tag lines `XX  - value` (RIS 2011), ended by `ER  - `. Mapping:

- `TY`: `CPAPER` for conference and workshop papers, `JOUR` for journal articles, `UNPB`
  (unpublished work) for arXiv preprints, `GEN` for a venue the registry does not know;
- `ID`: the citation key (the same as in the BibTeX and CSL-JSON files);
- `TI`, one `AU` per author as "Family, Given" (names split by BibTeX's rules, as for
  CSL), `T2` the venue's full name and `J2` its short name, `PB` the publisher;
- `PY` the year and `DA` the date as `YYYY/MM//`; `DO` the DOI; `UR` the same link as
  BibTeX's `url`; for a paper with an arXiv id, `N1` "arXiv:ID" and a second `UR` to its
  abstract page; `AB` the abstract on request.

Values are plain Unicode on one line: whitespace runs become one space and control
characters go, so no value can start a tag line of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from effdiff_catalog.formats.base import Exported, ExportOptions, Format, prepare
from effdiff_catalog.formats.bibtex import best_url
from effdiff_catalog.formats.csl import name_parts
from effdiff_catalog.identity import arxiv_url, url_key
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry

_TYPES = {"conference": "CPAPER", "workshop": "CPAPER", "journal": "JOUR", "preprint": "UNPB"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(value: str) -> str:
    """A value fit for one tag line."""
    return " ".join(_CONTROL.sub(" ", value).split())


def ris_name(name: str) -> str:
    """'Ludwig van Beethoven' -> 'van Beethoven, Ludwig' (RIS: Family, Given, Suffix)."""
    parts = name_parts(name)
    if "literal" in parts:
        return parts["literal"]
    family = " ".join(p for p in (parts.get("non-dropping-particle"), parts["family"]) if p)
    return ", ".join(p for p in (family, parts.get("given"), parts.get("suffix")) if p)


def record_lines(
    paper: Paper, venues: VenueRegistry, *, key: str, with_abstract: bool = False
) -> list[tuple[str, str]]:
    """The (tag, value) lines of one record, `TY` first and without `ER`."""
    venue = venues.venues.get(paper.venue)
    lines = [("TY", _TYPES.get(venue.kind, "GEN") if venue else "GEN"), ("ID", key),
             ("TI", paper.title)]
    lines += [("AU", ris_name(author)) for author in paper.authors if author.strip()]
    if venue is not None and not venue.is_preprint:
        lines.append(("T2", venue.name))
        if venue.short and venue.short != venue.name:
            lines.append(("J2", venue.short))
        if venue.publisher:
            lines.append(("PB", venue.publisher))
    elif venue is not None:
        lines.append(("PB", venue.short))
    else:
        lines.append(("T2", paper.venue))
    lines.append(("PY", str(paper.year)))
    lines.append(("DA", f"{paper.year}/{paper.month:02d}//" if paper.month else f"{paper.year}///"))
    if paper.doi:
        lines.append(("DO", paper.doi))
    url = best_url(paper)
    if url:
        lines.append(("UR", url))
    if paper.arxiv:
        lines.append(("N1", f"arXiv:{paper.arxiv}"))
        if url is None or url_key(url) != url_key(arxiv_url(paper.arxiv)):
            lines.append(("UR", arxiv_url(paper.arxiv)))
    if with_abstract and paper.abstract:
        lines.append(("AB", paper.abstract))
    return lines


def format_record(lines: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"{tag}  - {clean(value)}\n" for tag, value in lines if clean(value))
    return body + "ER  - \n"


def export(
    papers: Sequence[Paper], venues: VenueRegistry, options: ExportOptions
) -> Exported:
    """A whole .ris file for `papers`; keys and warnings as every format (`base.prepare`)."""
    keys, warnings = prepare(papers, venues, options.keys)
    records = [
        format_record(record_lines(p, venues, key=keys[p.id], with_abstract=options.with_abstracts))
        for p in papers
    ]
    return Exported("\n".join(records), {p.id: keys[p.id] for p in papers}, warnings)


EXPORTER = Format("ris", "ris", "application/x-research-info-systems",
                  "RIS, for EndNote, Zotero and Mendeley", export)
