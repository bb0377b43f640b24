"""Exporting the catalog (or a selection) to files in any format: what `effdiff export`,
`bib` and `csl` run.

The policy lives here, not in the CLI: which papers each file holds (`query.plan_export`),
keys fixed over the whole catalog, each warning shown once (with the whole selection, not
again for every section file), and atomic writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from effdiff_catalog.formats.base import Exported, Exporter, ExportOptions
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.query import Query, load_notes, plan_export
from effdiff_catalog.records.writer import atomic_write


@dataclass
class Output:
    """One exported file: its set's name, where it went (None: for stdout), its export."""

    name: str
    path: Path | None
    exported: Exported


@dataclass
class ExportRun:
    outputs: list[Output] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Every warning once: those of the first file, which holds the whole selection."""
        return self.outputs[0].exported.warnings if self.outputs else []


def export_catalog(
    root: Path,
    exporter: Exporter,
    query: Query | None = None,
    *,
    options: ExportOptions | None = None,
    output: Path | None = None,
    split_dir: Path | None = None,
) -> ExportRun:
    """Export the selection into `output` (or, with None, for stdout), or with `split_dir`
    write `all.<ext>` and one `<section>.<ext>` per top-level section there (the query is
    then ignored). Raises `query.QueryError` for an unknown filter value."""
    catalog, diagnostics = load_catalog(Path(root))
    plan = plan_export(catalog, query, split_sections=split_dir is not None,
                       notes=load_notes(diagnostics))
    run = ExportRun(notes=plan.notes)
    given = options or ExportOptions()
    options = ExportOptions(keys=plan.keys, with_abstracts=given.with_abstracts,
                            ascii=given.ascii, header=given.header,
                            origin=catalog.project.survey.catalog_name)
    if split_dir is not None:
        split_dir.mkdir(parents=True, exist_ok=True)
    for chosen in plan.sets:
        exported = exporter.export(chosen.papers, catalog.venues, options)
        path = split_dir / f"{chosen.name}.{exporter.extension}" if split_dir else output
        if path is not None:
            atomic_write(path, exported.text)
        run.outputs.append(Output(chosen.name, path, exported))
    return run
