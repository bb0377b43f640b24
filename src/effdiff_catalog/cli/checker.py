"""The venue checker, `add` and `enrich`: parse, call the library, print, exit."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from effdiff_catalog.checker import exitcodes
from effdiff_catalog.checker.config import environment_variables
from effdiff_catalog.cli.app import RootOption, app

if TYPE_CHECKING:
    from effdiff_catalog.checker.config import CheckerConfig
    from effdiff_catalog.records.catalog import Catalog


def _environment_help(extra: Sequence[tuple[str, str]] = ()) -> str:
    """The variables (and `extra` ones) as a block click does not rewrap ('\\b')."""
    variables = [*environment_variables(), *extra]
    width = max(len(name) for name, _ in variables)
    rows = [f"  {name:<{width}}  {meaning}" for name, meaning in variables]
    return "\b\nEnvironment variables (base URLs are API roots):\n" + "\n".join(rows)


EPILOG = f"{exitcodes.HELP}\n\n{_environment_help()}"


class CheckFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use cached answers only; no network.")]
CacheDirOption = Annotated[
    Path | None, typer.Option("--cache-dir", help="Cache folder (default ROOT/.effdiff-cache).")]
ContactOption = Annotated[
    str | None,
    typer.Option("--contact", help="Contact e-mail for the User-Agent (or EFFDIFF_CONTACT).")]
IdsOption = Annotated[
    list[str] | None, typer.Option("--id", help="Only this record id (repeatable).")]


class EnrichFormat(StrEnum):
    table = "table"
    json = "json"


class Accept(StrEnum):
    update = "update"
    review = "review"


AcceptOption = Annotated[
    Accept, typer.Option("--accept", help="What is written: 'update' (agreed findings only) "
                         "or 'review' (also those for review: one source, a year only "
                         "Semantic Scholar gives, a renamed paper, a workshop).")]


def _checker_config(
    root: Path, offline: bool, cache_dir: Path | None, min_confidence: float | None,
    contact: str | None,
) -> CheckerConfig:
    from dataclasses import replace

    from effdiff_catalog.checker.config import default_config
    from effdiff_catalog.records.project import load_project

    try:
        config = default_config(project=load_project(root))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exitcodes.USAGE) from None
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


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """Progress on stderr whatever the output format: a bar on a terminal, else a line
    at every tenth (CI logs)."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        bar = Progress("[progress.description]{task.description}", BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(),
                       console=Console(stderr=True), transient=True)
        task = bar.add_task(label, total=None)
        with bar:
            yield lambda done, total: bar.update(task, completed=done, total=total)
        return
    shown = [-1]

    def line(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > shown[0]:
            shown[0] = tenth
            typer.echo(f"{label}: {done}/{total}", err=True)

    yield line


def _width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


@app.command("check-venues", epilog=EPILOG)
def check_venues(
    root: RootOption = Path("."),
    ids: IdsOption = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only records added on or after YYYY-MM-DD.")
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="table (terminal), markdown (PR body), json.")
    ] = CheckFormat.table,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the updates into the record files.")
    ] = False,
    accept: AcceptOption = Accept.update,
    offline: OfflineOption = False,
    cache_dir: CacheDirOption = None,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", min=0.0, max=1.0,
                     help="Lowest confidence proposed as an update (default 0.8)."),
    ] = None,
    contact: ContactOption = None,
) -> None:
    """Find preprint records that have since been published, with evidence.

    Asks arXiv, Semantic Scholar, OpenAlex, Crossref and dblp (rate-limited, cached). An
    update needs two sources that agree on venue and year, the year from a venue record;
    the rest is reported for review, as a conflict, or as unknown with the reason.
    """
    import datetime as dt

    from effdiff_catalog.checker.command import check_venues as run_check
    from effdiff_catalog.checker.report import format_table, to_json, to_markdown

    try:
        since_date = dt.date.fromisoformat(since) if since else None
    except ValueError:
        typer.echo(f"error: --since must be YYYY-MM-DD, got {since!r}", err=True)
        raise typer.Exit(exitcodes.USAGE) from None
    config = _checker_config(root, offline, cache_dir, min_confidence, contact)
    catalog = _load_for_checker(root)
    try:
        with _progress("checking venues") as progress:
            check = run_check(catalog, config, ids=ids, since=since_date, apply=apply,
                              accept_review=accept is Accept.review, progress=progress)
    except KeyError as exc:
        typer.echo(f"error: no record with id {exc.args[0]}", err=True)
        raise typer.Exit(exitcodes.USAGE) from None
    if output_format is CheckFormat.json:
        typer.echo(to_json(check.run, check.applied))
    elif output_format is CheckFormat.markdown:
        typer.echo(to_markdown(check.run, check.applied), nl=False)
    else:
        typer.echo(format_table(check.run, check.applied, _width()), nl=False)
    for outcome in check.applied or []:
        if not outcome.applied:
            typer.echo(f"{outcome.path}: {outcome.message}", err=True)
    raise typer.Exit(check.exit_status)


def ask_sections(title: str, suggestions: Sequence[tuple[str, float]]) -> list[str]:
    """Ask on the terminal which sections a paper goes under: numbers of the suggestions,
    or taxonomy paths, separated by commas; nothing leaves the paper out."""
    typer.echo(f"\n{title}", err=True)
    for n, (path, score) in enumerate(suggestions, start=1):
        typer.echo(f"  {n}. {path} ({score:.2f})", err=True)
    answer = typer.prompt("Section(s): numbers or taxonomy paths, comma-separated "
                          "(empty: skip)", default="", show_default=False, err=True)
    chosen = []
    for part in (p.strip() for p in answer.split(",")):
        if part.isdigit() and 1 <= int(part) <= len(suggestions):
            chosen.append(suggestions[int(part) - 1][0])
        elif part:
            chosen.append(part)
    return chosen


def chooser() -> Callable[[str, Sequence[tuple[str, float]]], list[str]] | None:
    """Ask a person only where one can answer: stdin is a terminal."""
    return ask_sections if sys.stdin.isatty() else None


@app.command("add", epilog=_environment_help())
def add(
    refs: Annotated[list[str], typer.Argument(help="arXiv ids or arxiv.org URLs.")],
    category: Annotated[
        list[str] | None, typer.Option(
            "--category", "-c", help="Taxonomy path (repeatable). Without it, the likely "
            "sections are shown and asked for, or, when stdin is not a terminal, listed "
            "and the paper is not added (exit status 2).")
    ] = None,
    root: RootOption = Path("."),
    offline: OfflineOption = False,
    cache_dir: CacheDirOption = None,
    contact: ContactOption = None,
) -> None:
    """Add papers from their arXiv ids: fetches the metadata and writes new records.

    Title, authors, date and abstract come from arXiv; the venue from the venue checker's
    rules (else the record stays an arXiv preprint); the citation key by the convention.
    Prints each file written. Refuses papers already in the catalog. Exit status 1 when
    any reference could not be added, 2 when a category is needed and none was given.
    """
    from effdiff_catalog.checker.add import add_papers

    config = _checker_config(root, offline, cache_dir, None, contact)
    catalog = _load_for_checker(root)
    try:
        outcomes = add_papers(catalog, refs, category or [], config, choose=chooser())
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exitcodes.USAGE) from None
    for outcome in outcomes:
        if outcome.path is not None:
            typer.echo(str(outcome.path))
            if outcome.venue_reason:
                typer.echo(f"  {outcome.venue_reason}", err=True)
        else:
            typer.echo(f"{outcome.ref}: not added: {outcome.error}", err=True)
    if any(o.needs_category for o in outcomes):
        raise typer.Exit(exitcodes.USAGE)
    raise typer.Exit(1 if any(o.path is None for o in outcomes) else 0)


@app.command("enrich", epilog=f"{exitcodes.ENRICH_HELP}\n\n{_environment_help()}")
def enrich(
    root: RootOption = Path("."),
    ids: IdsOption = None,
    update: Annotated[
        bool, typer.Option("--update", help="Also replace present values that the sources "
                                            "agree differ.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report only; write nothing.")
    ] = False,
    accept: AcceptOption = Accept.update,
    output_format: Annotated[
        EnrichFormat, typer.Option("--format", help="table (terminal) or json.")
    ] = EnrichFormat.table,
    offline: OfflineOption = False,
    cache_dir: CacheDirOption = None,
    contact: ContactOption = None,
) -> None:
    """Complete records from the sources: missing authors, arXiv id, DOI, abstract, and
    the citation key where there is none.

    A field is filled when two sources agree (the rest is reported for review); a present
    value is never replaced without --update. Writes are atomic and keep comments.
    """
    from effdiff_catalog.checker.enrich import enrich_catalog, enrich_json, enrich_table

    config = _checker_config(root, offline, cache_dir, None, contact)
    catalog = _load_for_checker(root)
    try:
        with _progress("enriching records") as progress:
            run = enrich_catalog(catalog, config, ids=ids, update=update, write=not dry_run,
                                 accept_review=accept is Accept.review, progress=progress)
    except KeyError as exc:
        typer.echo(f"error: no record with id {exc.args[0]}", err=True)
        raise typer.Exit(exitcodes.USAGE) from None
    if output_format is EnrichFormat.json:
        typer.echo(enrich_json(run))
    else:
        typer.echo(enrich_table(run, _width()), nl=False)
    raise typer.Exit(run.exit_status)
