"""The `effdiff` command line: parses arguments, calls the library, prints and exits.

The library never prints or exits; everything user-facing happens here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__

if TYPE_CHECKING:
    from .query import CitableSet, ExportPlan

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


# --- core: schema, validate --------------------------------------------------------------


@app.command()
def schema(
    output: OutputOption = None,
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
        bool, typer.Option("--update", help="Overwrite record files that already exist.")
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

    Ids come from titles and years, so importing the same list again finds the same files:
    they are skipped (reported) unless --update. Every line of the list that is not
    understood is reported as FILE:LINE, and the command exits 1 if there is one (unless
    --allow-unparsed).
    """
    import datetime as dt

    from .catalog import PAPERS_DIR, TAXONOMY_FILE, VENUES_FILE
    from .importer import UNPARSED, import_file
    from .taxonomy import Taxonomy
    from .venues import VenueRegistry
    from .writer import atomic_write, dump_record

    try:
        default_added = dt.date.fromisoformat(added) if added else None
    except ValueError as exc:
        typer.echo(f"error: --added {added!r} is not a YYYY-MM-DD date", err=True)
        raise typer.Exit(2) from exc
    papers_dir = root / PAPERS_DIR
    try:
        result, built = import_file(
            source, Taxonomy.load(root / TAXONOMY_FILE), VenueRegistry.load(root / VENUES_FILE),
            bib_path=bib, first_seen_path=first_seen, fixes_path=fixes, today=default_added,
        )
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for problem in sorted(result.problems + built.problems, key=lambda p: p.line):
        typer.echo(problem.render(str(bib if problem.line == 0 else source)), err=True)
    written = skipped = 0
    if not dry_run:
        papers_dir.mkdir(exist_ok=True)
    for record in built.records:
        path = papers_dir / f"{record.id}.yaml"
        if path.exists() and not update:
            skipped += 1
            typer.echo(f"skipped {path}: exists (use --update to overwrite)", err=True)
            continue
        if not dry_run:
            atomic_write(path, dump_record(record))
        written += 1
        typer.echo(f"{'would write' if dry_run else 'wrote'} {path}")
    unparsed = [p for p in result.problems + built.problems if p.rule == UNPARSED]
    typer.echo(
        f"{len(result.entries)} entries, {len(result.frameworks)} frameworks -> "
        f"{len(built.records)} records ({written} written, {skipped} skipped); "
        f"{len(unparsed)} line(s) not understood",
        err=True,
    )
    raise typer.Exit(1 if unparsed and not allow_unparsed else 0)


@app.command()
def readme(
    root: RootOption = Path("."),
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; exit 1 with a diff if README.md is stale."),
    ] = False,
) -> None:
    """Regenerate the marked regions of README.md (contents, paper list, counts, frameworks)."""
    from .catalog import load_catalog
    from .diagnostics import has_errors
    from .readme import ReadmeError, plan_readme
    from .writer import atomic_write

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


# --- citations: bib, csl, keys, import-bib ------------------------------------------------

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
    from .query import QueryError, plan_export

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
    from .writer import atomic_write

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
    from .bibtex import export

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
    from .csl import export

    plan = _cite_plan(
        root, split_sections is not None, category=category, venues=venue, years=year,
        since=since, tags=tag, ids=ids,
    )
    for chosen, target in _cite_targets(plan, split_sections, output, "json"):
        result = export(
            chosen.papers, plan.catalog.venues, keys=plan.keys, with_abstract=with_abstracts
        )
        _cite_emit(result.json(), target, _shown_warnings(chosen.name, result.warnings))


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
    from .catalog import load_catalog
    from .citekeys import key_diagnostics, missing_keys
    from .diagnostics import has_errors
    from .writer import update_record_file

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
    from .bibimport import BibImportError, import_bib_file, summarize

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


# --- venue checker and add ---------------------------------------------------------------

import typing  # noqa: E402  (kept inside this section: other sections are edited concurrently)

if typing.TYPE_CHECKING:
    from .catalog import Catalog
    from .checker.apply import ApplyOutcome
    from .checker.config import CheckerConfig
    from .checker.run import CheckRun


class CheckFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _checker_config(
    offline: bool, cache_dir: Path | None, min_confidence: float | None, contact: str | None
) -> CheckerConfig:
    from dataclasses import replace

    from .checker.config import default_config

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
    from .catalog import load_catalog

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

    from .checker.report import summary

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

    from .checker.apply import apply_results
    from .checker.report import to_json, to_markdown
    from .checker.run import check_catalog

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
    from .checker.add import add_papers

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

# --- contributor workflow: new -----------------------------------------------------------


def _prompt_optional(text: str, current: str | None) -> str | None:
    if current:
        return current
    answer = typer.prompt(f"{text} (optional, Enter to skip)", default="", show_default=False)
    return str(answer).strip() or None


def _prompt_venue(root: Path) -> str:
    from .catalog import VENUES_FILE
    from .scaffold import ScaffoldError, resolve_venue, venue_choices
    from .venues import VenueRegistry

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
    from .catalog import TAXONOMY_FILE
    from .scaffold import ScaffoldError, category_choices, resolve_categories
    from .taxonomy import Taxonomy

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

    from .scaffold import NewPaper, ScaffoldError, scaffold_paper

    if interactive is None:
        interactive = title is None and sys.stdin.isatty()
    if interactive:
        title = title or str(typer.prompt("Title")).strip()
        authors = authors or [str(typer.prompt(
            "Authors, separated by ';' (Enter to skip)", default="", show_default=False))]
        venue = venue or _prompt_venue(root)
        year = year or int(typer.prompt("Year", type=int))
        if month is None:
            month_text = _prompt_optional("Month 1-12", None)
            month = int(month_text) if month_text and month_text.isdigit() else None
        arxiv = _prompt_optional("arXiv id", arxiv)
        doi = _prompt_optional("DOI", doi)
        paper = _prompt_optional(
            "Paper URL (default: the arXiv page)" if arxiv else "Paper URL", paper)
        code = _prompt_optional("Code URL", code)
        project = _prompt_optional("Project page URL", project)
        category = category or _prompt_categories(root)
        tag = tag or [str(typer.prompt(
            "Tags, separated by ';' (Enter to skip)", default="", show_default=False))]
    missing = [
        flag for flag, value in (
            ("--title", title), ("--venue", venue), ("--year", year), ("--category", category)
        ) if not value
    ]
    if missing:
        typer.echo(f"effdiff new: missing {', '.join(missing)} (or use --interactive)", err=True)
        raise typer.Exit(2)
    assert title and venue and year and category  # for the type checker
    links = {"paper": paper, "code": code, "project": project}
    facts = NewPaper(
        title=title, venue=venue, year=year, categories=category, authors=authors or [],
        month=month, arxiv=arxiv, doi=doi, tags=tag or [],
        links={kind: url for kind, url in links.items() if url},
    )
    try:
        made = scaffold_paper(root, facts, write=not dry_run)
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


def main() -> None:
    app(prog_name="effdiff")


if __name__ == "__main__":
    main()
