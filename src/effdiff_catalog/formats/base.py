"""The citation formats behind one interface.

An exporter has a `name` (what `effdiff export --format` takes), a file `extension`, a
`media_type` and `export(papers, venues, options) -> Exported`. Every module of this package
that defines a module-level `EXPORTER` is one format; `exporters()` finds them all, so adding
a format is one new module (and its tests): the CLI, the website's downloads and the docs
pick it up from here.

What every format shares lives here too: the citation key of each paper (stored keys, or
keys computed over the whole catalog) and the warnings a user must see once per export.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from effdiff_catalog.records.citekeys import export_keys
from effdiff_catalog.records.diagnostics import did_you_mean
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import VenueRegistry


@dataclass(frozen=True)
class ExportOptions:
    """How to export. `keys` (id -> key, over the whole catalog) fixes the keys of papers
    without a stored one, so a paper has one key in every file; `ascii` asks for TeX
    escapes instead of UTF-8 (BibTeX only; other formats are Unicode text); `origin` names
    the catalog in file headers (`Survey.catalog_name`, from catalog.yaml)."""

    keys: Mapping[str, str] | None = None
    with_abstracts: bool = False
    ascii: bool = False
    header: bool = True
    origin: str = "paper catalog"  # what file headers say the papers come from


@dataclass
class Exported:
    """The text of one file, the key each paper got (id -> key), and what to tell a user."""

    text: str
    keys: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Exporter(Protocol):
    """One citation format."""

    name: str
    extension: str
    media_type: str
    summary: str

    def export(
        self, papers: Sequence[Paper], venues: VenueRegistry, options: ExportOptions
    ) -> Exported: ...


Render = Callable[[Sequence[Paper], VenueRegistry, ExportOptions], Exported]


@dataclass(frozen=True)
class Format:
    """An `Exporter` made of a format's facts and its render function."""

    name: str
    extension: str
    media_type: str
    summary: str
    render: Render

    def export(
        self, papers: Sequence[Paper], venues: VenueRegistry, options: ExportOptions
    ) -> Exported:
        return self.render(papers, venues, options)


def prepare(
    papers: Sequence[Paper], venues: VenueRegistry, keys: Mapping[str, str] | None
) -> tuple[dict[str, str], list[str]]:
    """The key of every paper, and the warnings every format gives: keys not stored yet,
    a key used twice (a reader keeps only one), no authors, a venue not in the registry."""
    resolved, warnings = export_keys(papers, keys)
    seen: dict[str, str] = {}
    for paper in papers:
        key = resolved[paper.id]
        if key.lower() in seen:
            warnings.append(f"{paper.id}: key {key!r} is also used by {seen[key.lower()]}; "
                            "readers will keep only the first")
        seen[key.lower()] = paper.id
        if not paper.authors:
            warnings.append(f"{paper.id}: no authors recorded; cited as {key!r}")
        if paper.venue not in venues:
            warnings.append(f"{paper.id}: venue {paper.venue!r} is not in the registry")
    return resolved, warnings


@cache
def exporters() -> dict[str, Exporter]:
    """Every format of this package, by name, in name order."""
    import effdiff_catalog.formats as package

    found: dict[str, Exporter] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        exporter = getattr(module, "EXPORTER", None)
        if exporter is not None:
            found[exporter.name] = exporter
    return dict(sorted(found.items()))


def exporter(name: str) -> Exporter:
    """The format called `name` (or by its file extension); ValueError with a suggestion."""
    known = exporters()
    if name in known:
        return known[name]
    by_extension = {e.extension: e for e in known.values()}
    if name in by_extension:
        return by_extension[name]
    hint = did_you_mean(name, [*known, *by_extension])
    raise ValueError(f"unknown format {name!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                     + f"; formats: {', '.join(known)}")
