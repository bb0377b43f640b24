"""Commands that create records: import, import-bib, new."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from effdiff_catalog.cli.app import RootOption, app

if TYPE_CHECKING:
    from effdiff_catalog.ingest.scaffold import NewPaper


@app.command("import")
def import_list(
    source: Annotated[
        Path, typer.Argument(help="An awesome-list README in the survey's format.", exists=True,
                             dir_okay=False)
    ],
    root: RootOption = Path("."),
    bib: Annotated[
        Path | None,
        typer.Option("--bib", help="Real BibTeX entries: authors, DOI and arXiv id of matches.",
                     exists=True, dir_okay=False),
    ] = None,
    first_seen: Annotated[
        Path | None,
        typer.Option("--first-seen", help="TSV of idx and first_seen date: sets `added`.",
                     exists=True, dir_okay=False),
    ] = None,
    fixes: Annotated[
        Path | None,
        typer.Option("--fixes", help="Reviewed fixes to apply to the imported records (YAML).",
                     exists=True, dir_okay=False),
    ] = None,
    added: Annotated[
        str | None,
        typer.Option("--added", help="`added` date (YYYY-MM-DD) of entries not in --first-seen "
                     "(default: today)."),
    ] = None,
    update: Annotated[
        bool, typer.Option("--update", help="Edit records of papers already in the catalog in "
                           "place (title, venue, year, links, categories).")
    ] = False,
    allow_unparsed: Annotated[
        bool,
        typer.Option("--allow-unparsed", help="Exit 0 even if some lines were not understood."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be written; write nothing.")
    ] = False,
) -> None:
    """Create records from an awesome-list README (one file per paper or framework).

    Papers already in the catalog (same arXiv id, DOI, paper URL or normalised title) are
    reported and left alone, or with --update edited in place, keeping their comments and
    layout; a different paper is never overwritten. A new paper whose id is taken by
    another paper gets the next free id (deepcache-2024-2), reported. Every line of the
    list that is not understood is reported as FILE:LINE. Exits 1 if a line was not
    understood (unless --allow-unparsed) or a record conflicts with the catalog.
    """
    import datetime as dt

    from effdiff_catalog.ingest.awesome_list import import_list

    try:
        default_added = dt.date.fromisoformat(added) if added else None
    except ValueError as exc:
        typer.echo(f"error: --added {added!r} is not a YYYY-MM-DD date", err=True)
        raise typer.Exit(2) from exc
    try:
        done = import_list(root, source, bib_path=bib, first_seen_path=first_seen,
                           fixes_path=fixes, today=default_added, update=update, dry_run=dry_run)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for problem in done.problems:
        typer.echo(problem.render(str(bib if problem.line == 0 else source)), err=True)
    verbs = {"added": ("wrote", "would write"), "renamed": ("wrote", "would write"),
             "updated": ("updated", "would update")}
    for item in done.merged:
        if item.action in verbs:
            typer.echo(f"{verbs[item.action][dry_run]} {item.path}")
        if item.action != "added":
            typer.echo(f"{item.action}: {item.path}: {item.message}", err=True)
    written = done.count("added", "renamed", "updated")
    typer.echo(
        f"{len(done.result.entries)} entries, {len(done.result.frameworks)} frameworks -> "
        f"{len(done.built.records)} records ({written} written, {done.count('exists')} already "
        f"there, {done.count('unchanged')} unchanged, {done.count('conflict', 'invalid')} "
        f"conflicting); {len(done.unparsed)} line(s) not understood",
        err=True,
    )
    failed = (done.unparsed and not allow_unparsed) or done.count("conflict", "invalid")
    raise typer.Exit(1 if failed else 0)


@app.command("import-bib")
def import_bib(
    bib_file: Annotated[Path, typer.Argument(help="The .bib file.", exists=True, dir_okay=False)],
    category: Annotated[
        str, typer.Option("--category", help="Taxonomy path for the new records.")
    ],
    root: RootOption = Path("."),
    update: Annotated[
        bool, typer.Option("--update", help="Update papers already in the catalog.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")
    ] = False,
) -> None:
    """Turn BibTeX entries into records: venues mapped through the registry's aliases.

    Reports entries it could not map and papers already in the catalog (not added;
    with --update they are updated in place). Exits 1 if an entry was left out.
    """
    from effdiff_catalog.ingest.bibtex_input import BibImportError, import_bib_file, summarize

    try:
        report = import_bib_file(bib_file, root, category, update=update, dry_run=dry_run)
    except BibImportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for message in report.parse_errors:
        typer.echo(f"{bib_file}: {message}", err=True)
    for outcome in report.outcomes:
        where = f" -> {outcome.path}" if outcome.path else ""
        typer.echo(f"{outcome.action}: {outcome.source_key}{where}: {outcome.message}")
    prefix = "dry run, nothing written: " if dry_run else ""
    typer.echo(prefix + summarize(report), err=True)
    raise typer.Exit(1 if report.failed else 0)



def _prompt_optional(text: str, current: str | None) -> str | None:
    if current:
        return current
    answer = typer.prompt(f"{text} (optional, Enter to skip)", default="", show_default=False)
    return str(answer).strip() or None


def _prompt_venue(root: Path) -> str:
    from effdiff_catalog.ingest.scaffold import ScaffoldError, resolve_venue, venue_choices
    from effdiff_catalog.records.catalog import VENUES_FILE
    from effdiff_catalog.records.venues import VenueRegistry

    venues = VenueRegistry.load(root / VENUES_FILE)
    typer.echo("Venues (key: name):")
    for key, name in venue_choices(venues):
        typer.echo(f"  {key}: {name}")
    while True:
        answer = str(typer.prompt("Venue (a key above, or a name such as NeurIPS)")).strip()
        try:
            return resolve_venue(answer, venues)
        except ScaffoldError as exc:
            typer.echo("; ".join(exc.problems), err=True)


def _prompt_categories(root: Path) -> list[str]:
    from effdiff_catalog.ingest.scaffold import ScaffoldError, category_choices, resolve_categories
    from effdiff_catalog.records.catalog import TAXONOMY_FILE
    from effdiff_catalog.records.taxonomy import Taxonomy

    taxonomy = Taxonomy.load(root / TAXONOMY_FILE)
    choices = category_choices(taxonomy)
    typer.echo("Categories:")
    for number, (path, title) in enumerate(choices, 1):
        typer.echo(f"  {number:2d}. {title}  [{path}]")
    while True:
        answer = str(typer.prompt("Categories (numbers or paths, comma-separated)"))
        picked = []
        for part in (p.strip() for p in answer.split(",")):
            if part.isdigit() and 1 <= int(part) <= len(choices):
                picked.append(choices[int(part) - 1][0])
            elif part:
                picked.append(part)
        try:
            return resolve_categories(picked, taxonomy)
        except ScaffoldError as exc:
            typer.echo("; ".join(exc.problems), err=True)


@app.command()
def new(
    root: RootOption = Path("."),
    title: Annotated[str | None, typer.Option(help="Title as published.")] = None,
    authors: Annotated[
        list[str] | None,
        typer.Option("--authors", "--author", help="Authors in order; repeat or separate by ';'."),
    ] = None,
    venue: Annotated[
        str | None, typer.Option(help="Venue key of venues.yaml or a name (NeurIPS); 'arxiv'.")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year of the venue or preprint.")] = None,
    month: Annotated[int | None, typer.Option(min=1, max=12, help="Month (1-12).")] = None,
    arxiv: Annotated[str | None, typer.Option(help="arXiv id or URL; adds the paper link.")] = None,
    doi: Annotated[str | None, typer.Option(help="DOI (10.xxxx/...) or doi.org URL.")] = None,
    paper: Annotated[str | None, typer.Option(help="Link to the paper.")] = None,
    code: Annotated[str | None, typer.Option(help="Link to the code.")] = None,
    project: Annotated[str | None, typer.Option(help="Link to the project page.")] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category", "-c", help="Taxonomy path (repeatable): system/caching-technique."
        ),
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Keyword (repeatable).")] = None,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive", "-i",
            help="Prompt for what is missing (default: when no --title is given on a terminal).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the record instead of writing it.")
    ] = False,
) -> None:
    """Write a new paper record, from flags or by prompting: for papers without arXiv too.

    Picks the id and file name, adds the schema line, checks the record with the validator
    against the whole catalog, and refuses duplicates. Prints the new file's path.
    """
    import sys

    from effdiff_catalog.ingest.scaffold import ScaffoldError, scaffold_paper

    draft = _Draft(title, authors or [], venue, year, month, arxiv, doi,
                   {"paper": paper, "code": code, "project": project}, category or [], tag or [])
    if interactive is None:
        interactive = title is None and sys.stdin.isatty()
    if interactive:
        _prompt_missing(root, draft)
    try:
        made = scaffold_paper(root, _facts(draft), write=not dry_run)
    except ScaffoldError as exc:
        for problem in exc.problems:
            typer.echo(f"effdiff new: {problem}", err=True)
        typer.echo("effdiff new: no file written", err=True)
        raise typer.Exit(1) from None
    for warning in made.warnings:
        typer.echo(warning.text(), err=True)
    if dry_run:
        typer.echo(made.text, nl=False)
        typer.echo(f"(dry run: would write {made.path})", err=True)
    else:
        typer.echo(str(made.path))


@dataclass
class _Draft:
    """The facts of `effdiff new` as given so far, before the prompts fill the gaps."""

    title: str | None
    authors: list[str]
    venue: str | None
    year: int | None
    month: int | None
    arxiv: str | None
    doi: str | None
    links: dict[str, str | None]
    categories: list[str]
    tags: list[str]


def _prompt_list(text: str) -> list[str]:
    return [str(typer.prompt(f"{text}, separated by ';' (Enter to skip)", default="",
                             show_default=False))]


def _prompt_missing(root: Path, draft: _Draft) -> None:
    """Ask for every fact the flags did not give."""
    draft.title = draft.title or str(typer.prompt("Title")).strip()
    draft.authors = draft.authors or _prompt_list("Authors")
    draft.venue = draft.venue or _prompt_venue(root)
    draft.year = draft.year or int(typer.prompt("Year", type=int))
    if draft.month is None:
        month_text = _prompt_optional("Month 1-12", None)
        draft.month = int(month_text) if month_text and month_text.isdigit() else None
    draft.arxiv = _prompt_optional("arXiv id", draft.arxiv)
    draft.doi = _prompt_optional("DOI", draft.doi)
    paper_prompt = "Paper URL (default: the arXiv page)" if draft.arxiv else "Paper URL"
    draft.links["paper"] = _prompt_optional(paper_prompt, draft.links["paper"])
    draft.links["code"] = _prompt_optional("Code URL", draft.links["code"])
    draft.links["project"] = _prompt_optional("Project page URL", draft.links["project"])
    draft.categories = draft.categories or _prompt_categories(root)
    draft.tags = draft.tags or _prompt_list("Tags")


def _facts(draft: _Draft) -> NewPaper:
    """The scaffold's input, or a usage error naming the flags still missing."""
    from effdiff_catalog.ingest.scaffold import NewPaper

    missing = [flag for flag, value in (("--title", draft.title), ("--venue", draft.venue),
                                        ("--year", draft.year), ("--category", draft.categories))
               if not value]
    if missing or not (draft.title and draft.venue and draft.year):
        typer.echo(f"effdiff new: missing {', '.join(missing)} (or use --interactive)", err=True)
        raise typer.Exit(2)
    return NewPaper(
        title=draft.title, venue=draft.venue, year=draft.year, categories=draft.categories,
        authors=draft.authors, month=draft.month, arxiv=draft.arxiv, doi=draft.doi,
        tags=draft.tags, links={kind: url for kind, url in draft.links.items() if url},
    )


@app.command("init")
def init(
    from_list: Annotated[
        Path, typer.Option("--from-list", help="An awesome list in the survey's entry format.",
                           exists=True, dir_okay=False)
    ],
    root: Annotated[
        Path, typer.Option("--root", help="Folder of the new catalog (created if missing).",
                           file_okay=False)
    ] = Path("."),
    venues: Annotated[
        Path, typer.Option("--venues", help="The venue registry to start from (copied).",
                           dir_okay=False)
    ] = Path("venues.yaml"),
    added: Annotated[
        str | None, typer.Option("--added", help="`added` date of the records (default: today).")
    ] = None,
) -> None:
    """Start a new catalog from an awesome list: the taxonomy from its headings, then a
    record per entry.

    Writes taxonomy.yaml, venues.yaml (a copy of --venues), catalog.yaml, a README.md with
    the generated regions, and papers/. Reports the headings left out (no entries under
    them) and every line it could not place; exits 1 if a line was not understood.
    """
    import datetime as dt

    from effdiff_catalog.ingest.init import InitError, init_catalog

    try:
        today = dt.date.fromisoformat(added) if added else None
        report = init_catalog(root, from_list, venues=venues, today=today)
    except (InitError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for heading in report.left_out:
        typer.echo(f"{from_list}:{heading.line}: note: heading {heading.title!r} holds no "
                   "entries; not a section", err=True)
    for line in report.orphans:
        typer.echo(f"{from_list}:{line}: warning: entry before any heading; not imported",
                   err=True)
    for problem in report.imported.problems:
        typer.echo(problem.render(str(from_list)), err=True)
    written = report.imported.count("added", "renamed")
    typer.echo(f"{report.root}: {report.sections} sections, {written} records; "
               f"{len(report.imported.unparsed)} line(s) not understood", err=True)
    raise typer.Exit(1 if report.imported.unparsed or report.orphans else 0)
