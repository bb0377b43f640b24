"""Commands on the records themselves: schema, validate, readme, keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from effdiff_catalog.cli.app import DiagnosticFormat, OutputOption, RootOption, app


@app.command()
def schema(
    output: OutputOption = None,
) -> None:
    """Write the JSON Schema of a record file, generated from the pydantic models."""
    from effdiff_catalog.records.models import schema_text, write_schema

    if output is None:
        typer.echo(schema_text(), nl=False)
        return
    write_schema(output)
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
    from effdiff_catalog.records.diagnostics import has_errors, to_json
    from effdiff_catalog.records.validate import validate_catalog

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



@app.command()
def readme(
    root: RootOption = Path("."),
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; exit 1 with a diff if README.md is stale."),
    ] = False,
) -> None:
    """Regenerate the marked regions of README.md (citation, contents, paper list, counts,
    frameworks). Exits 2 if records do not load or README.md lacks its markers."""
    from effdiff_catalog.formats.readme import ReadmeError, update_readme

    try:
        plan, written = update_readme(root, check=check)
    except (ReadmeError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if check and plan.changed:
        typer.echo(plan.diff(), nl=False)
        typer.echo("README.md is stale: run `effdiff readme`", err=True)
        raise typer.Exit(1)
    typer.echo(f"wrote {plan.path}" if written else "README.md is up to date", err=True)


@app.command()
def keys(
    root: RootOption = Path("."),
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a paper has no key.")
    ] = False,
) -> None:
    """Assign and store citation keys for papers that have none; never change a stored key.

    Convention: first author's surname + year + first meaningful title word
    (shen2025efficient); collisions get a, b, ... Duplicate stored keys are errors. Nothing
    is written while a record file fails to load (exit 1).
    """
    from effdiff_catalog.records.citekeys import store_missing_keys

    run = store_missing_keys(root, check=check)
    for diagnostic in sorted(run.duplicates):
        typer.echo(diagnostic.text(), err=True)
    if check:
        for path, key in run.keys.items():
            typer.echo(f"{path}: no citation_key (would be {key!r})")
        typer.echo(f"{len(run.keys)} paper(s) without a citation key", err=True)
        raise typer.Exit(1 if run.keys or run.failed else 0)
    for diagnostic in sorted(run.load_errors):
        typer.echo(diagnostic.text(), err=True)
    if run.load_errors:
        typer.echo("error: some records failed to load; fix them first, since their stored "
                   "keys must be known before new keys are given out", err=True)
    for path, key in run.keys.items() if run.written else ():
        typer.echo(f"{path}: citation_key {key}")
    typer.echo(f"assigned {len(run.keys) if run.written else 0} key(s)", err=True)
    raise typer.Exit(1 if run.failed else 0)
