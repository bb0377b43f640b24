"""`effdiff discover`: parse, call the library (a report, or a decision), print, exit."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from effdiff_catalog.checker import exitcodes
from effdiff_catalog.checker.config import discover_variables
from effdiff_catalog.cli.app import RootOption, app
from effdiff_catalog.cli.checker import (
    CacheDirOption,
    ContactOption,
    OfflineOption,
    _checker_config,
    _environment_help,
    _load_for_checker,
    _width,
    chooser,
)

if TYPE_CHECKING:
    from effdiff_catalog.discover.act import Acted
    from effdiff_catalog.discover.plan import Options


class DiscoverFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _exit_help() -> str:
    from effdiff_catalog.discover.run import HELP

    return HELP


def _date(value: str | None, option: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        typer.echo(f"error: {option} must be YYYY-MM-DD, got {value!r}", err=True)
        raise typer.Exit(exitcodes.USAGE) from None


def gathering_options(venue: list[str] | None, year: list[int] | None, no_volumes: bool,
                      arxiv_since: str | None, arxiv_until: str | None,
                      arxiv_category: list[str] | None, citations: bool, cites_catalog: int,
                      **_: object) -> Options:
    """The options that say what to gather, as the library takes them."""
    from effdiff_catalog.discover.plan import Options

    return Options(venue or [], year or [], not no_volumes, _date(arxiv_since, "--arxiv-since"),
                   _date(arxiv_until, "--arxiv-until"), arxiv_category or [], citations,
                   cites_catalog)


def _usage(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(exitcodes.USAGE)


def _print_decisions(acted: Acted, verb: str) -> None:
    for d in acted.decisions:
        if d.done:
            typer.echo(str(d.path) if d.path else f"{d.ident}: {d.message}")
            if d.path and d.message:
                typer.echo(f"  {d.message}", err=True)
        else:
            typer.echo(f"{d.ident}: not {verb}: {d.message}", err=True)


@app.command("discover", epilog=f"{_exit_help()}\n\n{_environment_help(discover_variables())}")
def discover(
    root: RootOption = Path("."),
    venue: Annotated[list[str] | None, typer.Option(
        "--venue", help="Read this venue's dblp proceedings (a venues.yaml key; repeatable). "
        "Default: the main venues (EFFDIFF_MAIN_VENUES) the registry knows.")] = None,
    year: Annotated[list[int] | None, typer.Option(
        "--year", help="Of these years (repeatable). Default: this year and the last.")] = None,
    no_volumes: Annotated[bool, typer.Option(
        "--no-volumes", help="Read no proceedings volume.")] = False,
    arxiv_since: Annotated[str | None, typer.Option(
        "--arxiv-since", help="Read arXiv submissions from this day (YYYY-MM-DD, UTC).")] = None,
    arxiv_until: Annotated[str | None, typer.Option(
        "--arxiv-until", help="... until this day, excluded (default: today).")] = None,
    arxiv_category: Annotated[list[str] | None, typer.Option(
        "--arxiv-category", help="arXiv category (repeatable; default cs.CV, cs.LG, cs.AI).")
    ] = None,
    citations: Annotated[bool, typer.Option(
        "--citations", help="Also the papers citing the survey (Semantic Scholar; its arXiv "
        "id from catalog.yaml).")] = False,
    cites_catalog: Annotated[int, typer.Option(
        "--cites-catalog", min=0, help="Also the papers citing at least this many catalog "
        "papers (Semantic Scholar; one walk per catalog paper with an arXiv id; 0: off).")] = 0,
    top: Annotated[int, typer.Option(
        "--top", min=0, help="Candidates to report, best first (0: all).")] = 30,
    output_format: Annotated[DiscoverFormat, typer.Option(
        "--format", help="table (terminal), markdown (an issue body), json.")
    ] = DiscoverFormat.table,
    accept: Annotated[list[str] | None, typer.Option(
        "--accept", help="Add this candidate (its id in the report; repeatable) through "
        "`effdiff add`, or from its dblp record.")] = None,
    category: Annotated[list[str] | None, typer.Option(
        "--category", "-c", help="With --accept: the taxonomy path (repeatable). Without it, "
        "the suggested sections are asked for, or listed when stdin is not a terminal.")
    ] = None,
    reject: Annotated[list[str] | None, typer.Option(
        "--reject", help="Record this candidate in discovery/rejected.yaml, so that it never "
        "comes back (repeatable).")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="With --reject: why (required).")] = None,
    offline: OfflineOption = False,
    cache_dir: CacheDirOption = None,
    contact: ContactOption = None,
) -> None:
    """Find papers the catalog is missing, rank them by fit, and suggest their sections.

    Reads dblp proceedings volumes, new arXiv submissions and (optionally) the papers
    citing the survey; drops what the catalog holds (also under another title or version)
    and what was rejected; ranks the rest with a model trained on the catalog's own records,
    each with its likely sections and the reasons. --accept and --reject act on a report:
    an id that is no arXiv id is found again with the same options as the report.
    """
    from effdiff_catalog.discover import act
    from effdiff_catalog.discover.plan import PlanError, make_plan
    from effdiff_catalog.discover.rejected import RejectedFileError
    from effdiff_catalog.discover.report import render
    from effdiff_catalog.discover.run import discover as run_discover

    if accept and reject:
        raise _usage("--accept and --reject go in separate runs")
    if (category and not accept) or (reason and not reject):
        raise _usage("--category goes with --accept, --reason with --reject")
    options = gathering_options(venue, year, no_volumes, arxiv_since, arxiv_until,
                                arxiv_category, citations, cites_catalog)
    config = _checker_config(root, offline, cache_dir, None, contact)
    catalog = _load_for_checker(root)
    try:
        if accept:
            acted = act.accept(catalog, accept, config, options, categories=category or [],
                               choose=chooser())
        elif reject:
            acted = act.reject(catalog, reject, reason or "", config, options)
        else:
            run = run_discover(catalog, make_plan(catalog, config, options, dt.date.today()),
                               config)
    except (PlanError, RejectedFileError, ValueError) as exc:
        raise _usage(str(exc)) from None
    if accept or reject:
        _print_decisions(acted, "accepted" if accept else "rejected")
        raise typer.Exit(acted.exit_status)
    typer.echo(render(run, output_format.value, top, _width()), nl=False)
    raise typer.Exit(run.exit_status)
