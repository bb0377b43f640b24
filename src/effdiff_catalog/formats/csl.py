"""CSL-JSON export, for Zotero, Pandoc and other citeproc users.

One item per paper, with the same keys as the BibTeX export (`id` is the citation key, so
`[@shen2025efficient]` works in Pandoc with either file). Mapping:

- conference and workshop papers: `paper-conference`, `container-title` = the registry's
  full name, `container-title-short` = its short name;
- journal papers: `article-journal`;
- preprints: `article` (CSL's type for preprints), `publisher` = the venue's short name
  ("arXiv") and `number` = "arXiv:2405.20320", which Zotero and citeproc styles print;
- names are split into family / given / particles / suffix by BibTeX's rules; a final
  "others" in the author list is dropped (CSL styles add "et al." on their own);
- `issued` holds year and month; `DOI`, `URL` (the same link as BibTeX's `url`) and, on
  request, `abstract`. Text is plain Unicode: CSL needs no escaping.

Frameworks are handled as in BibTeX: see `query.citable`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from effdiff_catalog.formats.base import Exported, ExportOptions, Format, prepare
from effdiff_catalog.formats.bibtex import best_url
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import Venue, VenueRegistry


@dataclass
class CslResult:
    items: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def json(self) -> str:
        return json.dumps(self.items, indent=2, ensure_ascii=False) + "\n"


def name_parts(name: str) -> dict[str, str]:
    """A CSL name from one author string, split by BibTeX's rules."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    text = " ".join(name.split())
    words = text.split(" ")
    if "," not in text and "{" not in text and all(w[:1].isupper() for w in words):
        # The common case, "Given Names Family", without particles: no parser needed.
        if len(words) == 1:
            return {"family": text}
        return {"family": words[-1], "given": " ".join(words[:-1])}
    try:
        parts = parse_single_name_into_parts(text, strict=False)
    except Exception:  # an odd name is kept whole rather than dropped
        return {"literal": text}
    out: dict[str, str] = {}
    if parts.last:
        out["family"] = " ".join(parts.last)
    if parts.first:
        out["given"] = " ".join(parts.first)
    if parts.von:
        out["non-dropping-particle"] = " ".join(parts.von)
    if parts.jr:
        out["suffix"] = " ".join(parts.jr)
    if "family" not in out:
        return {"literal": text}
    return out


_TYPES = {"conference": "paper-conference", "workshop": "paper-conference",
          "journal": "article-journal", "preprint": "article"}


def _container(record: Paper, venue: Venue | None) -> dict[str, Any]:
    """Where the paper appeared: a preprint's server and number, else the venue's names."""
    if venue is None:
        return {"container-title": record.venue}
    if venue.kind == "preprint":
        data: dict[str, Any] = {"publisher": venue.short}
        if record.arxiv and venue.key == "arxiv":
            data["number"] = f"arXiv:{record.arxiv}"
        data["genre"] = "Preprint"
        return data
    data = {"container-title": venue.name}
    if venue.short and venue.short != venue.name:
        data["container-title-short"] = venue.short
    if venue.publisher:
        data["publisher"] = venue.publisher
    return data


def item(
    record: Paper, venues: VenueRegistry, *, key: str, with_abstract: bool = False
) -> dict[str, Any]:
    """One CSL-JSON item."""
    venue = venues.venues.get(record.venue)
    data: dict[str, Any] = {"id": key, "type": _TYPES.get(venue.kind if venue else "", "document")}
    data["title"] = " ".join(record.title.split())
    authors = list(record.authors)
    if len(authors) > 1 and authors[-1].strip().lower() in ("others", "et al."):
        authors = authors[:-1]
    if authors:
        data["author"] = [name_parts(a) for a in authors]
    data.update(_container(record, venue))
    data["issued"] = {"date-parts": [[record.year, record.month] if record.month
                                     else [record.year]]}
    if record.doi:
        data["DOI"] = record.doi
    url = best_url(record)
    if url:
        data["URL"] = url
    if with_abstract and record.abstract:
        data["abstract"] = " ".join(record.abstract.split())
    return data


def export(
    records: Sequence[Paper],
    venues: VenueRegistry,
    *,
    keys: Mapping[str, str] | None = None,
    with_abstract: bool = False,
) -> CslResult:
    """CSL-JSON items for `records`; keys and warnings as every format (`base.prepare`)."""
    keys, warnings = prepare(records, venues, keys)
    result = CslResult(warnings=warnings)
    for record in records:
        key = keys[record.id]
        result.items.append(item(record, venues, key=key, with_abstract=with_abstract))
        result.keys[record.id] = key
    return result


def _render(papers: Sequence[Paper], venues: VenueRegistry, options: ExportOptions) -> Exported:
    done = export(papers, venues, keys=options.keys, with_abstract=options.with_abstracts)
    return Exported(done.json(), done.keys, done.warnings)


EXPORTER = Format("csl-json", "json", "application/vnd.citationstyles.csl+json",
                  "CSL-JSON, for Zotero, Pandoc and citeproc", _render)
