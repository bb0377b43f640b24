"""Commands on the records themselves: schema, validate, readme, keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from effdiff_catalog.cli.app import DiagnosticFormat, OutputOption, RootOption, app


@app.command()
def schema(
    output: OutputOption = None,
) -> None:
    """Write the JSON Schema of a record file, generated from the pydantic models."""
    from effdiff_catalog.records.models import json_schema
    from effdiff_catalog.records.writer import atomic_write

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
    """Regenerate the marked regions of README.md (contents, paper list, counts, frameworks)."""
    from effdiff_catalog.formats.readme import ReadmeError, plan_readme
    from effdiff_catalog.records.catalog import load_catalog
    from effdiff_catalog.records.diagnostics import has_errors
    from effdiff_catalog.records.writer import atomic_write

    catalog, diagnostics = load_catalog(root)
    if has_errors(diagnostics):
        for diagnostic in sorted(diagnostics):
            typer.echo(diagnostic.text(), err=True)
        typer.echo("some records do not load; run `effdiff validate` and fix them first", err=True)
        raise typer.Exit(2)
    try:
        plan = plan_readme(catalog)
    except (ReadmeError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if check:
        if plan.changed:
            typer.echo(plan.diff(), nl=False)
            typer.echo("README.md is stale: run `effdiff readme`", err=True)
            raise typer.Exit(1)
        typer.echo("README.md is up to date", err=True)
        return
    if plan.changed:
        atomic_write(plan.path, plan.new)
        typer.echo(f"wrote {plan.path}", err=True)
    else:
        typer.echo("README.md is up to date", err=True)



@app.command()
def keys(
    root: RootOption = Path("."),
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a paper has no key.")
    ] = False,
) -> None:
    """Assign and store citation keys for papers that have none; never change a stored key.

    Convention: first author's surname + year + first meaningful title word
    (shen2025efficient); collisions get a, b, ... Duplicate stored keys are errors.
    """
    from effdiff_catalog.records.catalog import load_catalog
    from effdiff_catalog.records.citekeys import key_diagnostics, missing_keys
    from effdiff_catalog.records.diagnostics import has_errors
    from effdiff_catalog.records.writer import update_record_file

    catalog, diagnostics = load_catalog(root)
    duplicates = [d for d in key_diagnostics(catalog.entries) if d.rule != "citation-key-missing"]
    for diagnostic in sorted(duplicates):
        typer.echo(diagnostic.text(), err=True)
    load_errors = [d for d in diagnostics if d.severity == "error"]
    missing = missing_keys(catalog.papers())
    paths = {entry.record.id: Path(catalog.root) / entry.path for entry in catalog.entries}
    if check:
        for paper_id, key in sorted(missing.items()):
            typer.echo(f"{paths[paper_id]}: no citation_key (would be {key!r})")
        typer.echo(f"{len(missing)} paper(s) without a citation key", err=True)
        raise typer.Exit(1 if missing or has_errors(duplicates) else 0)
    if load_errors:
        for diagnostic in sorted(load_errors):
            typer.echo(diagnostic.text(), err=True)
        typer.echo(
            "error: some records failed to load; fix them first, since their stored keys "
            "must be known before new keys are given out", err=True,
        )
        raise typer.Exit(1)
    for paper_id, key in sorted(missing.items()):
        update_record_file(paths[paper_id], {"citation_key": key})
        typer.echo(f"{paths[paper_id]}: citation_key {key}")
    typer.echo(f"assigned {len(missing)} key(s)", err=True)
    raise typer.Exit(1 if has_errors(duplicates) else 0)

