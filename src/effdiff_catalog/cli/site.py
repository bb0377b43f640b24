"""The website: `site-source` writes its sources for a site generator without plugins."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from effdiff_catalog.cli.app import app


@app.command("site-source")
def site_source(
    out: Annotated[Path, typer.Option("--out", "-o", file_okay=False,
                                      help="The folder to write (emptied first).")],
    config: Annotated[Path, typer.Option("--config", "-f", dir_okay=False, exists=True,
                                         help="The project's mkdocs.yml.")] = Path("mkdocs.yml"),
) -> None:
    """Write the website's sources into a folder: pages (hand-written and generated), data
    files, styles, scripts, theme overrides and a mkdocs.yml naming them.

    Build it with `mkdocs build -f OUT/mkdocs.yml` or `zensical build -f OUT/mkdocs.yml`.
    Exits 1 if a record failed to load (it is left out, as a strict build would refuse).
    """
    from effdiff_catalog.site.source import write_site_source

    diagnostics = write_site_source(config, out)
    for diagnostic in sorted(diagnostics):
        typer.echo(f"record left out of the site: {diagnostic.text()}", err=True)
    typer.echo(f"wrote {out}", err=True)
    if diagnostics:
        raise typer.Exit(1)
