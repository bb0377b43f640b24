"""README generation: marked regions only, deterministic order, escaping of hostile
records, `readme --check`, and the round trip survey -> records -> README -> entries."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.formats.readme import (
    ReadmeError,
    escape_markdown,
    github_anchor,
    plan_readme,
    render_regions,
    safe_url,
    splice,
)
from effdiff_catalog.ingest.awesome_list import ListEntry, build_records, parse_awesome_list
from effdiff_catalog.ingest.fixes import apply_fixes, load_fixes
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Framework, FrameworkInfo, Links, Paper
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.records.writer import write_new_record

REPO = Path(__file__).resolve().parents[1]
UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"
SURVEY = UPSTREAM / "Efficient-Diffusion-Model-Survey.README.md"
ADDED = dt.date(2025, 6, 11)

HAND_TOP = "# My list\n\nHand-written *intro* with <b>HTML</b>.\n\n"
HAND_BOTTOM = "\n## Footer\n\nMore hand-written text.\n"
SKELETON = (
    HAND_TOP
    + "<!-- BEGIN GENERATED: toc -->\nold toc\n<!-- END GENERATED: toc -->\n\nbetween\n\n"
    + "<!-- BEGIN GENERATED: papers -->\n<!-- END GENERATED: papers -->\n"
    + HAND_BOTTOM
)


def make_root(tmp_path: Path, records: Sequence[Paper | Framework]) -> Path:
    shutil.copy(REPO / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    shutil.copy(REPO / "venues.yaml", tmp_path / "venues.yaml")
    (tmp_path / "papers").mkdir()
    for record in records:
        write_new_record(tmp_path / "papers", record)
    (tmp_path / "README.md").write_text(SKELETON, encoding="utf-8")
    return tmp_path


def paper(pid: str, title: str, venue: str, year: int, month: int | None = None,
          categories: Sequence[str] = ("system/caching-technique",), **links: str) -> Paper:
    return Paper(id=pid, title=title, venue=venue, year=year, month=month,
                 categories=list(categories), links=Links(**links), added=ADDED)


def entries_of(text: str) -> list[ListEntry]:
    result = parse_awesome_list(text, Taxonomy.load(REPO / "taxonomy.yaml"))
    assert result.unparsed == []
    return result.entries


# --- escaping -----------------------------------------------------------------------------


HOSTILE = "<script>alert(1)</script> *x* [y](javascript:z) | _u_ `c` $m$ \\ ~s~"


def test_escape_markdown_neutralises_syntax() -> None:
    escaped = escape_markdown(HOSTILE)
    assert "<script>" not in escaped
    assert "\\[y\\](javascript" in escaped  # brackets escaped: not a link
    assert escaped.startswith("\\<script\\>")
    assert "\\|" in escaped and "\\$m\\$" in escaped and "\\`c\\`" in escaped


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.org/x_(y)", "https://a.org/x_%28y%29"),
        ("http://a.org/p?id=1", "http://a.org/p?id=1"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("ftp://a.org/x", None),
        ("https://a.org/with space", None),
        (None, None),
    ],
)
def test_safe_url_keeps_only_http_links(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_github_anchors_drop_emoji_and_punctuation() -> None:
    assert github_anchor("🔢 Algorithm-Level Optimization") == "-algorithm-level-optimization"
    assert github_anchor("Hardware-Software Co-Design") == "hardware-software-co-design"


def test_hostile_titles_render_escaped_and_read_back_the_same(tmp_path: Path) -> None:
    root = make_root(tmp_path, [
        paper("hostile-2024", HOSTILE, "cvpr", 2024, paper="https://a.org/x_(y)"),
        Framework(id="evil", kind="framework", title="Evil | Pipe", categories=["frameworks"],
                  framework=FrameworkInfo(training=True, inference=False, features="a | b <i>"),
                  links=Links(code="https://github.com/e/v"), added=ADDED),
    ])
    catalog, diagnostics = load_catalog(root)
    regions = render_regions(catalog)
    papers = regions["papers"]
    assert "<script>" not in papers and "<i>" not in papers
    assert "[[Paper]](https://a.org/x_%28y%29)" in papers
    row = "| Evil \\| Pipe [[Code](https://github.com/e/v)] | ✅ | ❌ | a \\| b \\<i\\> |"
    assert row in papers
    [entry] = entries_of(papers)
    assert entry.title == HOSTILE


# --- regions, order and counts ------------------------------------------------------------


def test_entries_follow_the_documented_order_with_survey_labels(tmp_path: Path) -> None:
    root = make_root(tmp_path, [
        paper("b-pre-2024", "B preprint", "arxiv", 2024, 3),
        paper("z-pre-2024", "Z preprint", "arxiv", 2024, 11),
        paper("a-venue-2023", "a venue paper", "neurips", 2023),
        paper("c-venue-2024", "C venue", "icml", 2024),
        paper("a-venue-2024", "a venue", "cvpr", 2024),
        paper("year-only-2024", "Y preprint", "arxiv", 2024),
    ])
    catalog, _ = load_catalog(root)
    entries = entries_of(render_regions(catalog)["papers"])
    assert [(e.label, e.title) for e in entries] == [
        ("CVPR 2024", "a venue"),
        ("ICML 2024", "C venue"),
        ("Arxiv 2024.11", "Z preprint"),
        ("Arxiv 2024.03", "B preprint"),
        ("Arxiv 2024", "Y preprint"),
        ("NeurIPS 2023", "a venue paper"),
    ]


def test_counts_in_the_contents_and_each_section(tmp_path: Path) -> None:
    root = make_root(tmp_path, [
        paper("a-2024", "A", "cvpr", 2024, categories=["system/caching-technique"]),
        paper("b-2024", "B", "cvpr", 2024,
              categories=["system/caching-technique", "algorithm/compression/pruning"]),
    ])
    catalog, _ = load_catalog(root)
    regions = render_regions(catalog)
    toc = regions["toc"]
    assert "- [🧑\u200d💻 System-Level Optimization](#-system-level-optimization) (2)" in toc
    assert "      - [Pruning](#pruning) (1)" in toc
    assert "- [🔢 Algorithm-Level Optimization](#-algorithm-level-optimization) (1)" in toc
    assert "### Caching Technique\n\n<sub>2 papers</sub>\n" in regions["papers"]
    assert "#### Pruning\n\n<sub>1 paper</sub>\n" in regions["papers"]


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    root = make_root(tmp_path, [paper(f"p{i}-2024", f"P{i}", "cvpr", 2024) for i in range(5)])
    catalog, _ = load_catalog(root)
    assert render_regions(catalog) == render_regions(catalog)


def test_splice_rewrites_only_the_marked_regions() -> None:
    new = splice(SKELETON, {"toc": "TOC\n", "papers": "LIST\n"})
    assert new.startswith(HAND_TOP)
    assert new.endswith("<!-- END GENERATED: papers -->\n" + HAND_BOTTOM)
    assert "\nbetween\n" in new
    assert "<!-- BEGIN GENERATED: toc -->\nTOC\n<!-- END GENERATED: toc -->" in new
    assert "old toc" not in new
    assert splice(new, {"toc": "TOC\n", "papers": "LIST\n"}) == new


@pytest.mark.parametrize(
    "broken",
    [
        "no markers at all\n",
        "<!-- END GENERATED: toc -->\n<!-- BEGIN GENERATED: toc -->\n",
        "<!-- BEGIN GENERATED: toc -->\n<!-- END GENERATED: toc -->\n" * 2,
    ],
)
def test_splice_refuses_missing_reversed_or_repeated_markers(broken: str) -> None:
    with pytest.raises(ReadmeError):
        splice(broken, {"toc": "x\n"})


# --- the command --------------------------------------------------------------------------


def test_readme_check_exits_1_with_a_diff_and_changes_nothing(tmp_path: Path) -> None:
    root = make_root(tmp_path, [paper("deepcache-2024", "DeepCache", "cvpr", 2024)])
    readme = root / "README.md"
    runner = CliRunner()
    stale = runner.invoke(app, ["readme", "--root", str(root), "--check"])
    assert stale.exit_code == 1
    assert "--- a/" in stale.output and "+++ b/" in stale.output
    assert "+- **[CVPR 2024]** DeepCache." in stale.output
    assert "-old toc" in stale.output
    assert readme.read_text(encoding="utf-8") == SKELETON

    written = runner.invoke(app, ["readme", "--root", str(root)])
    assert written.exit_code == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(HAND_TOP) and text.endswith(HAND_BOTTOM)
    fresh = runner.invoke(app, ["readme", "--root", str(root), "--check"])
    assert fresh.exit_code == 0
    assert fresh.stdout == ""


def test_readme_without_markers_is_an_error(tmp_path: Path) -> None:
    root = make_root(tmp_path, [])
    (root / "README.md").write_text("just text\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["readme", "--root", str(root), "--check"])
    assert result.exit_code == 2
    assert "no '<!-- BEGIN GENERATED: toc -->'" in result.output


# --- round trip ---------------------------------------------------------------------------


def _key(entry: ListEntry) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    return (entry.category, entry.label, entry.title, tuple(sorted(entry.links)))


def _import_survey(tmp_path: Path, with_fixes: bool) -> tuple[list[ListEntry], list[ListEntry],
                                                               dict[str, list[int]]]:
    """Survey -> records (files) -> README -> entries. Returns (survey, regenerated, sources)."""
    taxonomy = Taxonomy.load(REPO / "taxonomy.yaml")
    venues = VenueRegistry.load(REPO / "venues.yaml")
    parsed = parse_awesome_list(SURVEY.read_text(encoding="utf-8"), taxonomy)
    built = build_records(parsed, venues, today=ADDED)
    if with_fixes:
        apply_fixes(built, load_fixes(UPSTREAM / "fixes.yaml"), venues)
    root = make_root(tmp_path, built.records)
    catalog, diagnostics = load_catalog(root)
    assert len(catalog) == len(built.records)
    plan = plan_readme(catalog)
    regenerated = parse_awesome_list(plan.new, taxonomy)
    assert regenerated.unparsed == []
    assert len(regenerated.frameworks) == 9
    return parsed.entries, regenerated.entries, built.sources


def _as_merged(survey: list[ListEntry], sources: dict[str, list[int]]) -> list[ListEntry]:
    """The survey's entries as one record shows them: a paper listed twice keeps the first
    listing's title and label in both sections (DDIM's second listing is lower-case)."""
    head = {i: indexes[0] for indexes in sources.values() for i in indexes}
    by_index = {e.index: e for e in survey}
    out = []
    for e in survey:
        first = by_index[head[e.index]]
        out.append(ListEntry(e.line, e.index, e.category, first.label, first.venue_label,
                             first.year, first.month, first.title, first.links))
    return out


def test_round_trip_gives_back_the_survey_entries(tmp_path: Path) -> None:
    survey, regenerated, sources = _import_survey(tmp_path, with_fixes=False)
    assert len(regenerated) == 115
    assert sorted(map(_key, regenerated)) == sorted(map(_key, _as_merged(survey, sources)))


def test_round_trip_with_fixes_differs_exactly_at_the_fixed_entries(tmp_path: Path) -> None:
    survey, regenerated, sources = _import_survey(tmp_path, with_fixes=True)
    survey = _as_merged(survey, sources)
    shown = {"title", "venue", "year", "month", "links"}  # what a list entry shows
    fixed = {
        fix.entry for fix in load_fixes(UPSTREAM / "fixes.yaml")
        if fix.entry is not None and shown & set(fix.changes)
    }
    # every listing of a fixed record counts as fixed (DDIM and ParaTAA are listed twice)
    fixed = {i for indexes in sources.values() if fixed & set(indexes) for i in indexes}
    before = {_key(e) for e in survey}
    after = {_key(e) for e in regenerated}
    unchanged = {_key(e) for e in survey if e.index not in fixed}
    changed = {_key(e) for e in survey if e.index in fixed}
    assert unchanged <= after, "an entry without a fix changed"
    assert not (changed & after), "a fix that changes nothing in the list"
    assert len(after - before) == len(fixed)


def test_a_third_party_implementation_is_labelled_unofficial_and_imports_back(
    tmp_path: Path,
) -> None:
    taxonomy = Taxonomy.load(REPO / "taxonomy.yaml")
    paper = Paper(
        id="x-2023", title="X", venue="iccv", year=2023,
        categories=["algorithm/efficient-fine-tuning/controlnet"],
        links=Links(paper="https://a.org/x.pdf", code="https://github.com/authors/x",
                    code_unofficial="https://github.com/someone/x-reimpl"),
        added=ADDED,
    )
    catalog, _ = load_catalog(make_root(tmp_path, [paper]))
    text = render_regions(catalog)["papers"]
    assert ("[[Code]](https://github.com/authors/x) "
            "[[Code (unofficial)]](https://github.com/someone/x-reimpl)") in text
    [entry] = parse_awesome_list(text, taxonomy).entries
    assert dict(entry.links)["code_unofficial"] == "https://github.com/someone/x-reimpl"
    assert dict(entry.links)["code"] == "https://github.com/authors/x"
