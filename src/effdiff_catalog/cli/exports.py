"""Citation exports: bib and csl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from effdiff_catalog.cli.app import OutputOption, RootOption, app

if TYPE_CHECKING:
    from effdiff_catalog.records.query import CitableSet, ExportPlan

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
AbstractsOption = Annotated[
    bool, typer.Option("--with-abstracts", help="Include abstracts (off by default).")
]
SplitOption = Annotated[
    Path | None,
    typer.Option(
        "--split-sections", file_okay=False,
        help="Write all.<ext> and one <section>.<ext> per top-level section into this folder "
        "(the website's downloads); filters are ignored.",
    ),
]


def _cite_plan(root: Path, split: bool, **filters: object) -> ExportPlan:
    """The library's export plan, or a clean exit for a filter typo."""
    from effdiff_catalog.records.query import QueryError, plan_export

    try:
        plan = plan_export(root, split_sections=split, **filters)  # type: ignore[arg-type]
    except QueryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for note in plan.notes:
        typer.echo(f"note: {note}", err=True)
    return plan


def _cite_targets(
    plan: ExportPlan, split_sections: Path | None, output: Path | None, extension: str
) -> Iterator[tuple[CitableSet, Path | None]]:
    """Each set of papers to write, with its file (None: stdout)."""
    for chosen in plan.sets:
        if split_sections is None:
            yield chosen, output
        else:
            split_sections.mkdir(parents=True, exist_ok=True)
            yield chosen, split_sections / f"{chosen.name}.{extension}"


def _shown_warnings(set_name: str, warnings: list[str]) -> list[str]:
    """Warnings once: with the whole catalog (or the selection), not again per section."""
    return warnings if set_name in ("all", "selection") else []


def _cite_emit(text: str, output: Path | None, warnings: list[str]) -> None:
    from effdiff_catalog.records.writer import atomic_write

    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    if output is None:
        typer.echo(text, nl=False)
    else:
        atomic_write(output, text)
        typer.echo(f"wrote {output}", err=True)


@app.command()
def bib(
    root: RootOption = Path("."),
    category: CategoryFilter = None,
    venue: VenueFilter = None,
    year: YearFilter = None,
    since: SinceFilter = None,
    tag: TagFilter = None,
    ids: IdFilter = None,
    with_abstracts: AbstractsOption = False,
    ascii: Annotated[
        bool, typer.Option("--ascii", help="Write non-ASCII letters as TeX escapes ({\\\"u}).")
    ] = False,
    output: OutputOption = None,
    split_sections: SplitOption = None,
) -> None:
    """Write BibTeX for the whole catalog or a filtered subset.

    Frameworks are cited through the paper that describes them. Keys are the stored
    citation_key values; records without one get the computed key and a warning.
    """
    from effdiff_catalog.formats.bibtex import export

    plan = _cite_plan(
        root, split_sections is not None, category=category, venues=venue, years=year,
        since=since, tags=tag, ids=ids,
    )
    for chosen, target in _cite_targets(plan, split_sections, output, "bib"):
        result = export(
            chosen.papers, plan.catalog.venues, keys=plan.keys,
            with_abstract=with_abstracts, ascii=ascii,
        )
        _cite_emit(result.text, target, _shown_warnings(chosen.name, result.warnings))


@app.command()
def csl(
    root: RootOption = Path("."),
    category: CategoryFilter = None,
    venue: VenueFilter = None,
    year: YearFilter = None,
    since: SinceFilter = None,
    tag: TagFilter = None,
    ids: IdFilter = None,
    with_abstracts: AbstractsOption = False,
    output: OutputOption = None,
    split_sections: SplitOption = None,
) -> None:
    """Write CSL-JSON (for Zotero and Pandoc) with the same filters and keys as `bib`."""
    from effdiff_catalog.formats.csl import export

    plan = _cite_plan(
        root, split_sections is not None, category=category, venues=venue, years=year,
        since=since, tags=tag, ids=ids,
    )
    for chosen, target in _cite_targets(plan, split_sections, output, "json"):
        result = export(
            chosen.papers, plan.catalog.venues, keys=plan.keys, with_abstract=with_abstracts
        )
        _cite_emit(result.json(), target, _shown_warnings(chosen.name, result.warnings))

