"""The `effdiff` command line: parses arguments, calls the library, prints and exits.

The library never prints or exits; everything user-facing happens here.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

app = typer.Typer(
    name="effdiff",
    help="Curate the Efficient Diffusion Models survey's paper catalog: validate records, "
    "import lists, and generate the README, BibTeX and website.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

RootOption = Annotated[
    Path,
    typer.Option(
        "--root", help="Catalog folder (holds papers/, taxonomy.yaml, venues.yaml).",
        file_okay=False, exists=True,
    ),
]


class DiagnosticFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"effdiff {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Curate the Efficient Diffusion Models survey's paper catalog."""


# --- core: schema, validate --------------------------------------------------------------


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout."),
    ] = None,
) -> None:
    """Write the JSON Schema of a record file, generated from the pydantic models."""
    from .models import json_schema
    from .writer import atomic_write

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        atomic_write(output, text)
        typer.echo(f"wrote {output}", err=True)


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Record files to check (default: every file in papers/)."),
    ] = None,
    root: RootOption = Path("."),
    output_format: Annotated[
        DiagnosticFormat,
        typer.Option("--format", help="text (path:line:col lines), json, or github annotations."),
    ] = DiagnosticFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Check every record against the schema, taxonomy, venues and lint rules.

    Reports all problems in one run, one per line, and exits 1 if any is an error.
    When FILES are given, only they are reported on, but they are still compared with
    the whole catalog for duplicates.
    """
    from .diagnostics import has_errors, to_json
    from .validate import validate_catalog

    diagnostics = validate_catalog(root, files or None)
    if output_format is DiagnosticFormat.json:
        typer.echo(to_json(diagnostics))
    else:
        for diagnostic in sorted(diagnostics):
            github = output_format is DiagnosticFormat.github
            typer.echo(diagnostic.github() if github else diagnostic.text())
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = len(diagnostics) - errors
        if output_format is DiagnosticFormat.text:
            typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    failed = has_errors(diagnostics) or (strict and bool(diagnostics))
    raise typer.Exit(1 if failed else 0)


# --- import and README (catalog foundation) ----------------------------------------------

# --- citations: bib, csl, keys, import-bib ------------------------------------------------

# --- venue checker and add ---------------------------------------------------------------

# --- contributor workflow: new -----------------------------------------------------------


def main() -> None:
    app(prog_name="effdiff")


if __name__ == "__main__":
    main()
