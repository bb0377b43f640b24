"""Loading a catalog: the records in papers/, the taxonomy and the venue registry.

Loading never stops at the first bad file: every file is read, and each problem becomes a
located `Diagnostic`. Records that failed to load are left out of `Catalog.records`.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from effdiff_catalog.records.diagnostics import Diagnostic, did_you_mean
from effdiff_catalog.records.models import RECORD_ADAPTER, Framework, Paper, known_keys
from effdiff_catalog.records.project import Project, load_project
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.records.yamlio import LoadedFile, RecordLoadError, read_record_file

PAPERS_DIR = "papers"
TAXONOMY_FILE = "taxonomy.yaml"
VENUES_FILE = "venues.yaml"
RECORD_SUFFIX = ".yaml"

# Pydantic error types that have a rule id of their own; the rest are "schema".
_RULE_OF_ERROR = {
    "extra_forbidden": "unknown-key",
    "url_scheme": "url-scheme",
    "url_hygiene": "url-hygiene",
    "arxiv_format": "arxiv-format",
    "record_kind": "schema",
}
_RULE_OF_FIELD = {"doi": "doi-format", "arxiv": "arxiv-format", "id": "id-format"}


@dataclass
class LoadedRecord:
    """A record that passed the schema, with its file for locating later problems."""

    record: Paper | Framework
    file: LoadedFile

    @property
    def path(self) -> str:
        return self.file.path

    def at(
        self, severity: str, rule: str, message: str, *loc: Any,
        value: bool = True, suggestion: str | None = None,
    ) -> Diagnostic:
        """A diagnostic pointing at a key path of this record (its value by default)."""
        line, col = self.file.locate(loc, value=value)
        return Diagnostic(self.path, line, col, severity, rule, message, suggestion)  # type: ignore[arg-type]


@dataclass
class Catalog:
    root: Path
    taxonomy: Taxonomy
    venues: VenueRegistry
    entries: list[LoadedRecord] = field(default_factory=list)
    project: Project = field(default_factory=Project)

    @property
    def records(self) -> list[Paper | Framework]:
        return [entry.record for entry in self.entries]

    def papers(self) -> list[Paper]:
        return [r for r in self.records if isinstance(r, Paper)]

    def frameworks(self) -> list[Framework]:
        return [r for r in self.records if isinstance(r, Framework)]

    def by_id(self) -> dict[str, Paper | Framework]:
        return {r.id: r for r in self.records}

    def __iter__(self) -> Iterator[Paper | Framework]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.entries)


def record_files(papers_dir: Path) -> list[Path]:
    """Record files in a stable order. Hidden files and non-YAML files are ignored."""
    if not papers_dir.is_dir():
        return []
    names = sorted(
        entry.name
        for entry in os.scandir(papers_dir)
        if entry.is_file() and not entry.name.startswith(".")
        and entry.name.endswith((RECORD_SUFFIX, ".yml"))
    )
    return [papers_dir / name for name in names]


def schema_diagnostics(file: LoadedFile, error: ValidationError) -> list[Diagnostic]:
    """Turn pydantic errors into located diagnostics, with did-you-mean for unknown keys."""
    out: list[Diagnostic] = []
    for err in error.errors(include_url=False):
        loc = list(err["loc"])
        if loc and loc[0] in ("paper", "framework"):  # the union's tag
            loc = loc[1:]
        kind = err["type"]
        rule = _RULE_OF_ERROR.get(kind)
        if rule is None and kind == "string_pattern_mismatch" and loc:
            rule = _RULE_OF_FIELD.get(str(loc[0]))
        rule = rule or "schema"
        dotted = ".".join(str(p) for p in loc) or "record"
        suggestion = None
        if kind == "extra_forbidden":
            parent = loc[:-1]
            if parent == ["links"]:
                from effdiff_catalog.records.models import Links

                choices: set[str] = set(Links.model_fields)
            elif parent == ["framework"]:
                from effdiff_catalog.records.models import FrameworkInfo

                choices = set(FrameworkInfo.model_fields)
            else:
                choices = known_keys()
            suggestion = did_you_mean(str(loc[-1]), choices)
            message = f"unknown key {dotted!r}"
            line, col = file.locate(loc)
        elif kind == "missing":
            message = f"missing required key {dotted!r}"
            line, col = file.locate(loc[:-1], value=False) if len(loc) > 1 else (1, 1)
        else:
            message = f"{dotted}: {err['msg']}"
            if rule == "schema" and "input" in err and not isinstance(err["input"], dict | list):
                message += f" (got {err['input']!r:.60})"
            line, col = file.locate(loc, value=True)
        out.append(Diagnostic(file.path, line, col, "error", rule, message, suggestion))
    return out


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000


def parse_files(
    paths: Sequence[Path], display_root: Path | None = None
) -> list[LoadedFile | Diagnostic]:
    """Read and parse each file (no schema check): its data, or the located problem."""
    out: list[LoadedFile | Diagnostic] = []
    for path in paths:
        display = _display(path, display_root)
        try:
            out.append(read_record_file(path, display))
        except RecordLoadError as exc:
            out.append(exc.diagnostic)
        except OSError as exc:
            out.append(Diagnostic(display, 1, 1, "error", "io", str(exc)))
    return out


def _parse_in_parallel(
    paths: Sequence[Path], display_root: Path | None, workers: int
) -> list[LoadedFile | Diagnostic] | None:
    """parse_files split over `workers` processes, in order; None when not worth it.

    The calling process parses the first share itself while `workers - 1` forked
    processes parse the rest (an idle parent would waste a core). Only the YAML parsing
    moves (it is most of the cost); the schema check stays here. Forking is only safe in a
    single-threaded process, so anything else (`mkdocs serve` runs a server thread) parses
    serially.
    """
    if workers < 2 or len(paths) < PARALLEL_MIN_FILES or threading.active_count() > 1:
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    size = -(-len(paths) // workers)
    shares = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(shares) - 1, mp_context=context) as pool:
        others = [pool.submit(parse_files, share, display_root) for share in shares[1:]]
        parsed = parse_files(shares[0], display_root)
        for future in others:
            parsed.extend(future.result())
    return parsed


def load_records(
    paths: Sequence[Path], *, display_root: Path | None = None, workers: int = 1
) -> tuple[list[LoadedRecord], list[Diagnostic]]:
    """Parse and schema-check every file; keep going past bad ones.

    `workers` > 1 parses large catalogs in that many processes (same results, same order).
    """
    parsed = _parse_in_parallel(paths, display_root, workers) or parse_files(
        paths, display_root
    )
    entries: list[LoadedRecord] = []
    diagnostics: list[Diagnostic] = []
    validate = RECORD_ADAPTER.validate_python
    for file in parsed:
        if isinstance(file, Diagnostic):
            diagnostics.append(file)
            continue
        try:
            record = validate(file.data)
        except ValidationError as exc:
            diagnostics.extend(schema_diagnostics(file, exc))
            continue
        entries.append(LoadedRecord(record, file))
    return entries, diagnostics


def _display(path: Path, root: Path | None) -> str:
    """The path as shown in diagnostics: relative to the catalog root when under it."""
    text = str(path)
    if root is not None:
        prefix = str(root).rstrip("/") + "/"
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def load_catalog(
    root: Path, *, only: Sequence[Path] | None = None, workers: int = 1
) -> tuple[Catalog, list[Diagnostic]]:
    """Load taxonomy, venues and records under `root`.

    `only` restricts which record files are read (for checking a PR's changed files);
    taxonomy, venues and the project file (catalog.yaml) are always read, and are trusted
    project data.
    """
    root = Path(root)
    taxonomy = Taxonomy.load(root / TAXONOMY_FILE)
    venues = VenueRegistry.load(root / VENUES_FILE)
    files = list(only) if only is not None else record_files(root / PAPERS_DIR)
    entries, diagnostics = load_records(files, display_root=root, workers=workers)
    return Catalog(root, taxonomy, venues, entries, load_project(root)), diagnostics
