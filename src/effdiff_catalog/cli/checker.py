"""The venue checker and `add`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from effdiff_catalog.cli.app import RootOption, app

if TYPE_CHECKING:
    from effdiff_catalog.checker.apply import ApplyOutcome
    from effdiff_catalog.checker.config import CheckerConfig
    from effdiff_catalog.checker.run import CheckRun
    from effdiff_catalog.records.catalog import Catalog



class CheckFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _checker_config(
    offline: bool, cache_dir: Path | None, min_confidence: float | None, contact: str | None
) -> CheckerConfig:
    from dataclasses import replace

    from effdiff_catalog.checker.config import default_config

    config = default_config()
    changes: dict[str, object] = {"offline": offline}
    if cache_dir is not None:
        changes["cache_dir"] = cache_dir
    if min_confidence is not None:
        changes["min_confidence"] = min_confidence
    if contact:
        changes["contact"] = contact
    return replace(config, **changes)  # type: ignore[arg-type]


def _load_for_checker(root: Path) -> Catalog:
    from effdiff_catalog.records.catalog import load_catalog

    catalog, diagnostics = load_catalog(root)
    bad = sum(d.severity == "error" for d in diagnostics)
    if bad:
        typer.echo(f"warning: {bad} record problem(s); those records are skipped "
                   "(run `effdiff validate`)", err=True)
    return catalog


def _print_check_table(run: CheckRun, outcomes: list[ApplyOutcome] | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from effdiff_catalog.checker.report import summary

    styles = {"update": "green", "review": "yellow", "conflict": "red", "unknown": "dim",
              "pinned": "blue"}
    applied = {o.record_id for o in outcomes or [] if o.applied}
    table = Table(title="Venue check", show_lines=False, expand=False)
    for column in ("record", "status", "proposed", "doi / proceedings", "source (matched)",
                   "conf.", "why"):
        table.add_column(column, overflow="fold")
    for r in run.results:
        proposed = f"{r.venue_name} {r.year}" if r.venue_name else ""
        if r.record_id in applied:
            proposed += " (applied)"
        links = "\n".join(x for x in (r.doi, r.proceedings_url) if x)
        source = f"{r.source or ''}\n{', '.join(r.matched)}".strip()
        table.add_row(
            Text(r.record_id), Text(r.status, style=styles.get(r.status, "")), Text(proposed),
            Text(links), Text(source), f"{r.confidence:.2f}" if r.confidence else "",
            Text("; ".join(r.reasons)),
        )
    console = Console()
    console.print(table)
    counts = summary(run, outcomes)
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("check-venues")
def check_venues(
    root: RootOption = Path("."),
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Check only this record id (repeatable).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only records added on or after YYYY-MM-DD.")
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="table (terminal), markdown (PR body), json.")
    ] = CheckFormat.table,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write accepted updates into the record files.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use cached answers only; no network.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Cache folder (default ROOT/.effdiff-cache).")
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", min=0.0, max=1.0,
                     help="Lowest confidence proposed as an update (default 0.8)."),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="Contact e-mail for the User-Agent (or EFFDIFF_CONTACT)."),
    ] = None,
) -> None:
    """Find preprint records that have since been published, with evidence.

    Asks arXiv, Semantic Scholar and dblp (rate-limited, cached). Exit status: 0 when
    there is nothing to update, 1 when updates were found (and applied with --apply),
    2 on a usage error.
    """
    import datetime as dt

    from effdiff_catalog.checker.apply import apply_results
    from effdiff_catalog.checker.report import to_json, to_markdown
    from effdiff_catalog.checker.run import check_catalog

    try:
        since_date = dt.date.fromisoformat(since) if since else None
    except ValueError:
        typer.echo(f"error: --since must be YYYY-MM-DD, got {since!r}", err=True)
        raise typer.Exit(2) from None
    try:
        config = _checker_config(offline, cache_dir, min_confidence, contact)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    catalog = _load_for_checker(root)
    progress_cb = None
    progress_ctx = None
    if output_format is CheckFormat.table:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        progress_ctx = Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=Console(stderr=True), transient=True,
        )
        task = progress_ctx.add_task("checking venues", total=None)

        def progress_cb(done: int, total: int) -> None:
            assert progress_ctx is not None
            progress_ctx.update(task, completed=done, total=total)

    try:
        if progress_ctx is not None:
            with progress_ctx:
                run = check_catalog(catalog, config, ids=ids, since=since_date,
                                    progress=progress_cb)
        else:
            run = check_catalog(catalog, config, ids=ids, since=since_date)
    except KeyError as exc:
        typer.echo(f"error: no record with id {exc.args[0]}", err=True)
        raise typer.Exit(2) from None
    outcomes = apply_results(root, run.results, catalog.venues) if apply else None
    if output_format is CheckFormat.json:
        typer.echo(to_json(run, outcomes))
    elif output_format is CheckFormat.markdown:
        typer.echo(to_markdown(run, outcomes), nl=False)
    else:
        _print_check_table(run, outcomes)
    for outcome in outcomes or []:
        if not outcome.applied:
            typer.echo(f"{outcome.path}: {outcome.message}", err=True)
    found = any(r.status == "update" for r in run.results)
    raise typer.Exit(1 if found else 0)


@app.command("add")
def add(
    refs: Annotated[list[str], typer.Argument(help="arXiv ids or arxiv.org URLs.")],
    category: Annotated[
        list[str], typer.Option("--category", "-c", help="Taxonomy path (repeatable).")
    ],
    root: RootOption = Path("."),
    offline: Annotated[
        bool, typer.Option("--offline", help="Use cached answers only; no network.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Cache folder (default ROOT/.effdiff-cache).")
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="Contact e-mail for the User-Agent (or EFFDIFF_CONTACT)."),
    ] = None,
) -> None:
    """Add papers from their arXiv ids: fetches the metadata and writes new records.

    Prints each file written. Refuses papers already in the catalog. Exit status 1 when
    any reference could not be added.
    """
    from effdiff_catalog.checker.add import add_papers

    config = _checker_config(offline, cache_dir, None, contact)
    catalog = _load_for_checker(root)
    try:
        outcomes = add_papers(catalog, refs, category, config)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    failed = False
    for outcome in outcomes:
        if outcome.path is not None:
            typer.echo(str(outcome.path))
            if outcome.venue_reason:
                typer.echo(f"  {outcome.venue_reason}", err=True)
        else:
            failed = True
            typer.echo(f"{outcome.ref}: not added: {outcome.error}", err=True)
    raise typer.Exit(1 if failed else 0)
