"""The committed catalog's data (papers/), not the library: complete author lists, a clean
`validate`, and the import of the survey list with its reviewed fixes giving back exactly the
records in papers/.

The import reads only tests/fixtures/upstream/ (see its SOURCES.md): the survey README,
papers.bib, first-seen.tsv and fixes.yaml.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from effdiff_catalog.formats.bibtex import export
from effdiff_catalog.ingest.awesome_list import (
    BuildResult,
    build_records,
    parse_awesome_list,
    read_first_seen,
)
from effdiff_catalog.ingest.bibtex_reader import read_bib
from effdiff_catalog.ingest.fixes import Fix, apply_fixes, load_fixes
from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.validate import validate_catalog
from effdiff_catalog.records.venues import VenueRegistry

REPO = Path(__file__).resolve().parents[1]
UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"
# The date the import gives records it has no first-seen date for (the frameworks, before
# their fixes): the date of the survey README snapshot, as in the fixes.yaml header.
SNAPSHOT_DATE = dt.date(2025, 6, 11)

# Fields that legitimately differ between the import and papers/.
# citation_key: assigned after the import, by `effdiff keys`, over the whole catalog.
NOT_IMPORTED = frozenset({"citation_key"})


def looks_truncated(name: str) -> bool:
    """'others', 'and others', 'et al.' (alone or at the end of a name): a cut-off list."""
    text = " ".join(name.lower().replace(".", " ").split())
    return text in ("others", "and others", "et al") or text.endswith((" others", " et al"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    catalog, diagnostics = load_catalog(REPO)
    assert [d.text() for d in diagnostics] == []
    return catalog


@pytest.fixture(scope="module")
def venues() -> VenueRegistry:
    return VenueRegistry.load(REPO / "venues.yaml")


@pytest.fixture(scope="module")
def fixes() -> list[Fix]:
    return load_fixes(UPSTREAM / "fixes.yaml")


def build_survey(venues: VenueRegistry) -> BuildResult:
    """The survey list imported with papers.bib and first-seen.tsv, before any fix."""
    taxonomy = Taxonomy.load(REPO / "taxonomy.yaml")
    parsed = parse_awesome_list(
        (UPSTREAM / "Efficient-Diffusion-Model-Survey.README.md").read_text(encoding="utf-8"),
        taxonomy,
    )
    assert parsed.unparsed == []
    bib, messages = read_bib((UPSTREAM / "papers.bib").read_text(encoding="utf-8"))
    assert messages == []
    first_seen = read_first_seen((UPSTREAM / "first-seen.tsv").read_text(encoding="utf-8"))
    return build_records(parsed, venues, bib=bib, first_seen=first_seen, today=SNAPSHOT_DATE)


# --- (a) authors ----------------------------------------------------------------------------


def test_every_paper_has_a_complete_author_list(catalog: Catalog) -> None:
    papers = catalog.papers()
    assert len(papers) == 113
    assert [p.id for p in papers if not p.authors] == []
    assert [p.id for p in papers if any(looks_truncated(name) for name in p.authors)] == []
    assert looks_truncated("and others") and looks_truncated("Silvio Savarese et al.")
    assert not looks_truncated("Silvio Savarese")


def test_bibtex_has_no_authorless_misc_entries(catalog: Catalog) -> None:
    result = export(catalog.papers(), catalog.venues)
    assert "@misc{" not in result.text
    assert [w for w in result.warnings if "no authors" in w] == []


# --- (b) validation -------------------------------------------------------------------------


def test_the_catalog_validates_without_errors_or_missing_authors() -> None:
    diagnostics = validate_catalog(REPO)
    assert [d.text() for d in diagnostics if d.severity == "error"] == []
    assert [d.text() for d in diagnostics if d.rule == "missing-authors"] == []


# --- (c) the survey list + fixes reproduce papers/ --------------------------------------------


def _fields(record: Any) -> dict[str, Any]:
    return {k: v for k, v in record.model_dump(mode="python").items() if k not in NOT_IMPORTED}


def test_importing_the_survey_with_its_fixes_gives_the_committed_records(
    catalog: Catalog, venues: VenueRegistry, fixes: list[Fix]
) -> None:
    built = build_survey(venues)
    apply_fixes(built, fixes, venues)
    imported = {r.id: r for r in built.records}
    committed = catalog.by_id()
    assert sorted(imported) == sorted(committed)
    differences = [
        (rid, key, value, _fields(committed[rid]).get(key))
        for rid, record in sorted(imported.items())
        for key, value in _fields(record).items()
        if value != _fields(committed[rid]).get(key)
    ]
    assert differences == [], "papers/ differs from survey + fixes.yaml (id, field, import, file)"


# --- (d) every fix is reasoned and does something ----------------------------------------------


def test_every_fix_has_a_reason_and_changes_its_record(
    venues: VenueRegistry, fixes: list[Fix]
) -> None:
    """Fixes applied one at a time, in file order: each changes exactly one record.

    Only the fix as a whole must change something: a fix may restate a value it confirms
    (entry 49 sets venue NeurIPS along with the year it corrects), and a fix that changes a
    title or year sets `id` to the id the record already has, since apply_fixes would
    otherwise renew it.
    """
    assert fixes
    built = build_survey(venues)
    stale: list[str] = []
    for number, fix in enumerate(fixes):
        assert fix.reason.strip(), f"fix #{number} has no reason"
        before = [_fields(r) for r in built.records]
        apply_fixes(built, [fix], venues)
        after = [_fields(r) for r in built.records]
        changed = sum(old != new for old, new in zip(before, after, strict=True))
        if changed != 1:
            stale.append(f"fix #{number} ({fix.record or f'entry {fix.entry}'}) changes "
                         f"{changed} records")
    assert stale == []
