"""Validation and lint rules over a loaded catalog.

`validate_catalog` loads every record, then runs per-record rules and cross-record rules,
and returns every problem as a located `Diagnostic`; nothing stops at the first error.
`RULES` documents each rule id, with a fix: CONTRIBUTING.md and the docs are checked
against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from effdiff_catalog.identity import KEY_KINDS, DuplicateIndex, arxiv_year_month, url_key
from effdiff_catalog.records.catalog import Catalog, LoadedRecord, load_catalog
from effdiff_catalog.records.diagnostics import Diagnostic, Severity, did_you_mean
from effdiff_catalog.records.models import Paper


@dataclass(frozen=True)
class RuleDoc:
    severity: Severity
    summary: str
    fix: str


def _load_rules() -> dict[str, RuleDoc]:
    from importlib.resources import files

    raw = yaml.safe_load(files("effdiff_catalog").joinpath("data/rules.yaml").read_text("utf-8"))
    return {rule_id: RuleDoc(**doc) for rule_id, doc in raw.items()}


RULES: dict[str, RuleDoc] = _load_rules()

RecordRule = Callable[[LoadedRecord, Catalog], Iterable[Diagnostic]]
CatalogRule = Callable[[Catalog], Iterable[Diagnostic]]


def _diag(entry: LoadedRecord, rule: str, message: str, *loc: object, value: bool = True,
          suggestion: str | None = None) -> Diagnostic:
    return entry.at(RULES[rule].severity, rule, message, *loc, value=value, suggestion=suggestion)


# --- per-record rules ------------------------------------------------------------------


def check_id_matches_filename(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    name = entry.path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    if entry.record.id != stem:
        yield _diag(
            entry, "id-filename",
            f"id {entry.record.id!r} does not match the file name {name!r}",
            "id", suggestion=stem,
        )


def check_categories(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    for index, path in enumerate(entry.record.categories):
        if path not in catalog.taxonomy:
            hint = did_you_mean(path, catalog.taxonomy.by_path)
            if hint is None:
                leaf = path.rsplit("/", 1)[-1]
                leaves = {p.rsplit("/", 1)[-1]: p for p in catalog.taxonomy.by_path}
                near = did_you_mean(leaf, leaves)
                hint = leaves[near] if near else None
            yield _diag(entry, "unknown-category", f"unknown category {path!r}",
                        "categories", index, suggestion=hint)
    seen: set[str] = set()
    for index, path in enumerate(entry.record.categories):
        if path in seen:
            yield _diag(entry, "schema", f"category {path!r} is listed twice", "categories", index)
        seen.add(path)


def check_venue(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    record = entry.record
    if not isinstance(record, Paper):
        return
    if record.venue not in catalog.venues:
        known = catalog.venues.lookup(record.venue)
        hint = known.key if known else did_you_mean(record.venue, [v.key for v in catalog.venues])
        yield _diag(entry, "unknown-venue", f"unknown venue {record.venue!r}", "venue",
                    suggestion=hint)
        return
    venue = catalog.venues[record.venue]
    if not venue.meets_in(record.year):
        when = {"even-years": "in even years", "odd-years": "in odd years"}.get(venue.meets, "")
        span = f" since {venue.first_year}" if venue.first_year else ""
        yield _diag(
            entry, "venue-year",
            f"{venue.short} did not meet in {record.year} (it meets {when or 'yearly'}{span})",
            "year",
        )


# A venue paper may reach arXiv after its venue, within this many years (DecompDiff:
# ICML 2023, arXiv 2403.07902). CONTRIBUTING.md and rules.yaml state the same.
ARXIV_AFTER_VENUE_YEARS = 1


def check_arxiv_date(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    record = entry.record
    if not isinstance(record, Paper) or not record.arxiv:
        return
    issued = arxiv_year_month(record.arxiv)
    if issued is None:
        return
    year, month = issued
    venue = catalog.venues.venues.get(record.venue)
    if venue is not None and venue.is_preprint:
        if record.year != year:
            yield _diag(entry, "arxiv-date",
                        f"year {record.year} disagrees with arXiv id {record.arxiv} "
                        f"(issued {year}-{month:02d})", "year", suggestion=str(year))
        if record.month is not None and record.month != month:
            yield _diag(entry, "arxiv-date",
                        f"month {record.month} disagrees with arXiv id {record.arxiv} "
                        f"(issued {year}-{month:02d})", "month", suggestion=str(month))
    elif record.year < year - ARXIV_AFTER_VENUE_YEARS:
        yield _diag(entry, "arxiv-date",
                    f"venue year {record.year} is more than {ARXIV_AFTER_VENUE_YEARS} year "
                    f"before arXiv id {record.arxiv} was issued ({year}-{month:02d})", "year")


_ANTHOLOGY = re.compile(r"aclanthology\.org/(?:anthology/)?(\d{4})\.((?:findings-)?[a-z]+)[.-]")
_PMLR = re.compile(r"proceedings\.mlr\.press/v(\d+)/")


def venues_from_url(url: str, catalog: Catalog) -> list[tuple[str, int | None]]:
    """(venue key, year) pairs that a URL identifies, from the registry's data."""
    hits = [(venue.key, year) for venue, year in catalog.venues.from_url(url)]
    match = _ANTHOLOGY.search(url)
    if match:
        year, code = int(match.group(1)), match.group(2)
        hits += [(v.key, year) for v in catalog.venues if code in v.acl_anthology]
    match = _PMLR.search(url)
    if match:
        volume = int(match.group(1))
        hits += [
            (v.key, year) for v in catalog.venues
            for year, vol in v.pmlr_volumes.items() if vol == volume
        ]
    return hits


def check_venue_against_urls(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    record = entry.record
    if not isinstance(record, Paper) or record.venue not in catalog.venues:
        return
    for field in ("paper", "proceedings"):
        url = getattr(record.links, field)
        if not url:
            continue
        hits = venues_from_url(url, catalog)
        if not hits:
            continue
        if not any(key == record.venue for key, _ in hits):
            key, year = hits[0]
            shown = catalog.venues[key].short + (f" {year}" if year else "")
            yield _diag(entry, "venue-url-mismatch",
                        f"venue {record.venue!r} disagrees with the {field} URL, which is {shown}",
                        "venue", suggestion=key)
            continue
        years = {year for key, year in hits if key == record.venue and year}
        if years and record.year not in years:
            shown = ", ".join(str(y) for y in sorted(years))
            yield _diag(entry, "venue-url-mismatch",
                        f"year {record.year} disagrees with the {field} URL, which is "
                        f"{catalog.venues[record.venue].short} {shown}",
                        "year", suggestion=shown)


_TRAILING_JUNK = ".,;:!?)]}'\""
_UI_QUERY_KEYS = {"tab", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
                  "ref", "ref_src", "fbclid", "gclid", "via"}


def url_problems(url: str) -> list[str]:
    """Hygiene problems of an http(s) link, in words (empty when clean)."""
    problems: list[str] = []
    if url[-1] not in _TRAILING_JUNK and "?" not in url and "#" not in url:
        return problems  # the common, clean case, without parsing
    if url[-1] in _TRAILING_JUNK and not (url.endswith(")") and "(" in url):
        problems.append(f"stray {url[-1]!r} at the end")
    parts = urlsplit(url)
    if url.endswith("?") or url.endswith("?#"):
        problems.append("empty query string '?'")
    if url.endswith("#"):
        problems.append("empty fragment '#'")
    if parts.query:
        keys = {pair.split("=", 1)[0] for pair in parts.query.split("&")}
        junk = sorted(keys & _UI_QUERY_KEYS)
        if junk:
            problems.append(f"UI query string ({', '.join(junk)}=...)")
    fragment = parts.fragment
    if parts.netloc.endswith("github.com") and fragment and not fragment.startswith("L"):
        problems.append(f"README anchor '#{parts.fragment}' on a repository link")
    return problems


def check_urls(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    for field, url in entry.record.links.items():
        for problem in url_problems(url):
            yield _diag(entry, "url-hygiene", f"links.{field}: {problem}: {url}", "links", field)


_LATEX_DEBRIS = re.compile(r"\$|\\[a-zA-Z]+|[{}]|ackslash|\\\\")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MOJIBAKE = re.compile(r"Ã.|â€|Â |\ufffd")


def title_problem(title: str) -> tuple[str, str] | None:
    """(rule, message) for a garbled or all-caps title, or None."""
    if _CONTROL.search(title):
        return "title-garbled", "title holds control characters"
    if _LATEX_DEBRIS.search(title):
        return "title-garbled", "title holds LaTeX debris (write Δ, not $\\Delta$)"
    if _MOJIBAKE.search(title):
        return "title-garbled", "title holds broken encoding (mojibake)"
    if title != title.strip() or "  " in title:
        return "title-garbled", "title has stray whitespace"
    if title.upper() == title and len(re.findall(r"[^\W\d_]{2,}", title)) >= 4:
        return "title-caps", "title is in all capitals; write it in title case"
    return None


def check_title(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    problem = title_problem(entry.record.title)
    if problem:
        yield _diag(entry, problem[0], problem[1], "title")


def check_authors(entry: LoadedRecord, catalog: Catalog) -> Iterable[Diagnostic]:
    if isinstance(entry.record, Paper) and not entry.record.authors:
        yield _diag(entry, "missing-authors", "no authors listed", "title", value=False)


RECORD_RULES: list[RecordRule] = [
    check_id_matches_filename,
    check_categories,
    check_venue,
    check_arxiv_date,
    check_venue_against_urls,
    check_urls,
    check_title,
    check_authors,
]

# --- cross-record rules ------------------------------------------------------------------


def _duplicates(
    entries: Sequence[LoadedRecord], key: Callable[[LoadedRecord], Iterable[str]]
) -> dict[str, list[LoadedRecord]]:
    """Values that more than one entry has, with those entries (in catalog order)."""
    first: dict[str, LoadedRecord] = {}
    groups: dict[str, list[LoadedRecord]] = {}
    for entry in entries:
        for value in key(entry):
            other = first.setdefault(value, entry)
            if other is entry:
                continue
            group = groups.setdefault(value, [other])
            if group[-1] is not entry:
                group.append(entry)
    return groups


def _pairwise(
    groups: dict[str, list[LoadedRecord]], rule: str, what: str, loc: tuple[object, ...]
) -> Iterable[Diagnostic]:
    for value, group in groups.items():
        for entry in group:
            others = ", ".join(o.path for o in group if o is not entry)
            yield _diag(entry, rule, f"{what} {value!r} is also in {others}", *loc)


def check_duplicate_ids(catalog: Catalog) -> Iterable[Diagnostic]:
    groups = _duplicates(catalog.entries, lambda e: [e.record.id])
    yield from _pairwise(groups, "duplicate-id", "id", ("id",))


def check_duplicate_papers(catalog: Catalog) -> Iterable[Diagnostic]:
    """Two records that are the same paper, by `identity` (one report per pair of files,
    under the strongest key they share)."""
    # Keyed by file, not by id: two files with one id are still two papers to compare.
    papers = {e.path: e for e in catalog.entries if isinstance(e.record, Paper)}
    index = DuplicateIndex((path, e.record) for path, e in papers.items())
    shared = sorted(index.groups(), key=lambda group: KEY_KINDS.index(group[0]))
    reported: set[frozenset[str]] = set()
    for kind, value, paths_in_group in shared:
        group = [papers[path] for path in paths_in_group]
        paths = frozenset(paths_in_group)
        if paths in reported:
            continue
        reported.add(paths)
        what, loc = _DUPLICATE_KEYS[kind]
        yield from _pairwise({value: group}, "duplicate-paper", f"same paper: {what}", loc)


_DUPLICATE_KEYS: dict[str, tuple[str, tuple[object, ...]]] = {
    "arxiv": ("arXiv id", ("arxiv",)),
    "doi": ("DOI", ("doi",)),
    "url": ("paper URL", ("links", "paper")),
    "title": ("normalised title", ("title",)),
}


def check_duplicate_code_urls(catalog: Catalog) -> Iterable[Diagnostic]:
    papers = [e for e in catalog.entries if isinstance(e.record, Paper) and e.record.links.code]
    groups = _duplicates(papers, lambda e: [url_key(e.record.links.code or "")])
    yield from _pairwise(groups, "duplicate-code-url", "code URL", ("links", "code"))


def check_citation_keys(catalog: Catalog) -> Iterable[Diagnostic]:
    try:
        from effdiff_catalog.records.citekeys import key_diagnostics
    except ImportError:  # the citation module is optional for the core
        return []
    return key_diagnostics(catalog.entries)


CATALOG_RULES: list[CatalogRule] = [
    check_duplicate_ids,
    check_duplicate_papers,
    check_duplicate_code_urls,
    check_citation_keys,
]


def run_rules(catalog: Catalog) -> list[Diagnostic]:
    """Every rule over an already loaded catalog."""
    out: list[Diagnostic] = []
    for entry in catalog.entries:
        for record_rule in RECORD_RULES:
            out.extend(record_rule(entry, catalog))
    for catalog_rule in CATALOG_RULES:
        out.extend(catalog_rule(catalog))
    return out


def validate_catalog(root: Path, files: Sequence[Path] | None = None) -> list[Diagnostic]:
    """Load and check the catalog under `root`; with `files`, report only on those files.

    The given files are still compared with the whole catalog, so a pull request that adds
    a duplicate of an existing paper is caught.
    """
    root = Path(root)
    catalog, diagnostics = load_catalog(root)
    diagnostics = diagnostics + run_rules(catalog)
    if files:
        wanted = set()
        for file in files:
            path = Path(file)
            absolute = path if path.is_absolute() else Path.cwd() / path
            try:
                wanted.add(str(absolute.resolve().relative_to(root.resolve())))
            except ValueError:
                wanted.add(str(path))
        diagnostics = [d for d in diagnostics if d.path in wanted]
    return sorted(set(diagnostics))
