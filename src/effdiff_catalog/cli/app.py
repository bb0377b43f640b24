"""The `effdiff` typer app and the options its commands share.

Commands live in the modules of this package, one per group; each parses its arguments,
calls the library, prints and exits. The library never prints or exits.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from effdiff_catalog import __version__

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


OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
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



def main() -> None:
    import effdiff_catalog.cli  # noqa: F401  (registers every command)

    app(prog_name="effdiff")
