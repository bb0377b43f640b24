"""Citation exports: `export --format …`, and `bib` and `csl`, its aliases for BibTeX and
CSL-JSON. One function serves the three commands, so their options are defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from effdiff_catalog.cli.app import OutputOption, RootOption, app
from effdiff_catalog.formats.base import exporters

ALIASES = {"bib": "bibtex", "csl": "csl-json"}
FORMATS = ", ".join(f"{name} (.{e.extension}: {e.summary})" for name, e in exporters().items())

CategoryFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--category", help="Taxonomy path; selects the node and all under it. Repeatable."
    ),
]
VenueFilter = Annotated[
    list[str] | None,
    typer.Option("--venue", help="Venue key, short name or alias (NIPS = NeurIPS). Repeatable."),
]
YearFilter = Annotated[list[int] | None, typer.Option("--year", help="Exact year. Repeatable.")]
SinceFilter = Annotated[int | None, typer.Option("--since", help="This year or later.")]
TagFilter = Annotated[list[str] | None, typer.Option("--tag", help="Tag. Repeatable.")]
IdFilter = Annotated[list[str] | None, typer.Option("--id", help="Record id. Repeatable.")]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"The format: {FORMATS}. `bib` and `csl` imply theirs."),
]
AbstractsOption = Annotated[
    bool, typer.Option("--with-abstracts", help="Include abstracts (off by default).")
]
AsciiOption = Annotated[
    bool, typer.Option("--ascii", help="BibTeX: write non-ASCII letters as TeX escapes ({\\\"u}).")
]
SplitOption = Annotated[
    Path | None,
    typer.Option(
        "--split-sections", file_okay=False,
        help="Write all.<ext> and one <section>.<ext> per top-level section into this folder "
        "(the website's downloads); filters are ignored.",
    ),
]

HELP = """Write the whole catalog or a filtered subset as BibTeX, CSL-JSON or RIS.

Frameworks are cited through the paper that describes them. Keys are the stored
citation_key values; records without one get the key computed over the whole catalog, and
a warning. A filter value the catalog does not know is an error (exit 2)."""


def export(
    ctx: typer.Context,
    output_format: FormatOption = None,
    root: RootOption = Path("."),
    category: CategoryFilter = None,
    venue: VenueFilter = None,
    year: YearFilter = None,
    since: SinceFilter = None,
    tag: TagFilter = None,
    ids: IdFilter = None,
    with_abstracts: AbstractsOption = False,
    ascii: AsciiOption = False,
    output: OutputOption = None,
    split_sections: SplitOption = None,
) -> None:
    from effdiff_catalog.formats.base import ExportOptions, exporter
    from effdiff_catalog.formats.export import export_catalog
    from effdiff_catalog.records.query import Query

    name = output_format or ALIASES.get(ctx.info_name or "export")
    if name is None:
        typer.echo(f"error: give --format ({', '.join(exporters())})", err=True)
        raise typer.Exit(2)
    try:
        run = export_catalog(
            root, exporter(name), Query.of(category, venue, year, since, tag, ids),
            options=ExportOptions(with_abstracts=with_abstracts, ascii=ascii),
            output=output, split_dir=split_sections,
        )
    except ValueError as exc:  # an unknown filter value (QueryError) or format
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for note in run.notes:
        typer.echo(f"note: {note}", err=True)
    for warning in run.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for out in run.outputs:
        if out.path is None:
            typer.echo(out.exported.text, nl=False)
        else:
            typer.echo(f"wrote {out.path}", err=True)


app.command("export", help=HELP)(export)
app.command("bib", help="BibTeX: the same as `export --format bibtex`.\n\n" + HELP)(export)
app.command("csl", help="CSL-JSON (Zotero, Pandoc): the same as `export --format csl-json`."
            "\n\n" + HELP)(export)
