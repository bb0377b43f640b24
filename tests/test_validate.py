"""Each lint rule fires on a small real record, at the offending key, and only there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import GOOD_RECORD, CatalogBuilder
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.identity import arxiv_year_month
from effdiff_catalog.records.diagnostics import Diagnostic
from effdiff_catalog.records.validate import RULES, url_problems, validate_catalog


def record(**changes: str) -> str:
    """GOOD_RECORD with some top-level lines replaced (key -> full replacement text)."""
    lines = GOOD_RECORD.splitlines()
    out = []
    skipping = False
    for line in lines:
        key = line.split(":", 1)[0] if line and not line.startswith((" ", "#")) else None
        if key is not None:
            skipping = False
            if key in changes:
                out.append(changes.pop(key))
                skipping = True
                continue
        elif skipping:
            continue
        out.append(line)
    out.extend(changes.values())
    return "\n".join(out) + "\n"


def only(diagnostics: list[Diagnostic], rule: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.rule == rule]


def test_the_good_record_is_clean(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    assert validate_catalog(catalog_builder.root) == []


@pytest.mark.parametrize(
    ("changes", "rule", "line", "col", "suggestion"),
    [
        ({"titel": 'titel: "x"'}, "unknown-key", 18, 1, "title"),
        ({"links": "links:\n  paper: https://arxiv.org/abs/2312.00858\n  cod: https://github.com/x/y"},
         "unknown-key", 14, 3, "code"),
        ({"categories": "categories:\n  - system/caching"}, "unknown-category", 16, 5,
         "system/caching-technique"),
        ({"venue": "venue: cvrp"}, "unknown-venue", 8, 8, "cvpr"),
        ({"venue": "venue: nips"}, "unknown-venue", 8, 8, "neurips"),
        ({"year": "year: twenty"}, "schema", 9, 7, None),
        ({"arxiv": 'arxiv: "2312.00858v2"'}, "arxiv-format", 10, 8, None),
        ({"id": "id: deep-cache-2024"}, "id-filename", 2, 5, "deepcache-2024"),
        ({"title": "title: Deep\\u0007Cache"}, "title-garbled", 3, 8, None),
        ({"title": 'title: "$\\\\Delta$-DiT: Accelerating"'}, "title-garbled", 3, 8, None),
        ({"title": "title: MIXED-TYPE TABULAR DATA SYNTHESIS WITH DIFFUSION"}, "title-caps", 3, 8,
         None),
        ({"year": "year: 2023"}, "venue-url-mismatch", 9, 7, "2024"),
        ({"venue": "venue: iccv"}, "venue-url-mismatch", 8, 8, "cvpr"),
        ({"links": "links:\n  paper: javascript:alert(1)"}, "url-scheme", 13, 10, None),
        ({"links": "links:\n  code: data:text/html,<script>alert(1)</script>"}, "url-scheme", 13, 9,
         None),
        ({"links": "links:\n  code: https://github.com/TencentARC/T2I-Adapter."}, "url-hygiene", 13,
         9, None),
        ({"links": "links:\n  code: https://github.com/PipeFusion/PipeFusion?tab=readme-ov-file"},
         "url-hygiene", 13, 9, None),
        ({"links": "links:\n  project: https://fwmb.github.io/blockcaching/#"}, "url-hygiene", 13,
         12, None),
        ({"authors": "authors: []"}, "missing-authors", 3, 1, None),
    ],
)
def test_rule_fires_at_the_offending_key(
    catalog_builder: CatalogBuilder,
    changes: dict[str, str], rule: str, line: int, col: int, suggestion: str | None,
) -> None:
    catalog_builder.write("deepcache-2024.yaml", record(**changes))
    diagnostics = validate_catalog(catalog_builder.root)
    hits = only(diagnostics, rule)
    assert hits, f"{rule} did not fire: {[d.text() for d in diagnostics]}"
    assert (hits[0].line, hits[0].col) == (line, col), hits[0].text()
    assert hits[0].suggestion == suggestion
    assert hits[0].severity == RULES[rule].severity


def test_venue_year_knows_eccv_meets_in_even_years(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", record(
        venue="venue: eccv", year="year: 2023", links="links:\n  code: https://github.com/a/b"))
    hits = only(validate_catalog(catalog_builder.root), "venue-year")
    assert len(hits) == 1 and "ECCV" in hits[0].message and hits[0].line == 9


def test_preprint_year_and_month_must_match_the_arxiv_id(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", record(
        venue="venue: arxiv", year="year: 2023", month="month: 3",
        arxiv='arxiv: "2211.13221"', links="links:\n  paper: https://arxiv.org/abs/2211.13221"))
    hits = only(validate_catalog(catalog_builder.root), "arxiv-date")
    assert sorted((d.line, d.suggestion) for d in hits) == [(9, "2022"), (17, "11")]


@pytest.mark.parametrize(("year", "fires"), [(2024, False), (2023, False), (2022, True)])
def test_a_venue_paper_may_reach_arxiv_up_to_a_year_after_its_venue(
    catalog_builder: CatalogBuilder, year: int, fires: bool
) -> None:
    """DecompDiff is ICML 2023 with arXiv 2403.07902: allowed, as CONTRIBUTING.md says."""
    catalog_builder.write("deepcache-2024.yaml", record(
        venue="venue: icml", year=f"year: {year}", arxiv='arxiv: "2403.07902"',
        links="links:\n  paper: https://arxiv.org/abs/2403.07902"))
    hits = only(validate_catalog(catalog_builder.root), "arxiv-date")
    assert bool(hits) == fires
    if fires:
        assert "more than 1 year before arXiv id 2403.07902" in hits[0].message
    contributing = (Path(__file__).parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "by at most one year" in contributing


def test_same_paper_twice_is_reported_on_both_files(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    catalog_builder.write("deepcache-again-2024.yaml", record(
        id="id: deepcache-again-2024", title='title: "Deepcache -- accelerating diffusion models '
        'for free"', arxiv='arxiv: "2401.00001"',
        links="links:\n  paper: https://example.org/deepcache.pdf"))
    hits = only(validate_catalog(catalog_builder.root), "duplicate-paper")
    assert sorted(Path(d.path).name for d in hits) == [
        "deepcache-2024.yaml", "deepcache-again-2024.yaml"]
    assert all("normalised title" in d.message for d in hits)


@pytest.mark.parametrize("field", ["arXiv id", "paper URL"])
def test_duplicate_paper_by_arxiv_or_url(catalog_builder: CatalogBuilder, field: str) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    other = {"id": "id: other-2024", "title": "title: Another Title Entirely"}
    if field == "paper URL":
        other["arxiv"] = 'arxiv: "2401.00001"'
        other["links"] = ("links:\n  paper: http://www.openaccess.thecvf.com/content/CVPR2024/"
                          "papers/Ma_DeepCache_Accelerating_Diffusion_Models_for_Free_CVPR_2024_"
                          "paper.pdf/")
    else:
        other["links"] = "links:\n  paper: https://arxiv.org/pdf/2312.00858v1.pdf"
    catalog_builder.write("other-2024.yaml", record(**other))
    hits = only(validate_catalog(catalog_builder.root), "duplicate-paper")
    assert len(hits) == 2 and all(field in d.message for d in hits)


def test_same_code_url_on_two_papers(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    catalog_builder.write("other-2024.yaml", record(
        id="id: other-2024", title="title: Another Title Entirely", arxiv='arxiv: "2401.00001"',
        links="links:\n  paper: https://arxiv.org/abs/2401.00001\n"
              "  code: https://github.com/horseee/DeepCache/"))
    hits = only(validate_catalog(catalog_builder.root), "duplicate-code-url")
    assert len(hits) == 2


def test_duplicate_ids_are_reported(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    catalog_builder.write("deepcache-2024.yml", GOOD_RECORD)
    rules = {d.rule for d in validate_catalog(catalog_builder.root)}
    assert "duplicate-id" in rules


def test_one_bad_file_does_not_hide_problems_in_others(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("broken.yaml", b"id: [\n")
    catalog_builder.write("deepcache-2024.yaml", record(venue="venue: cvrp"))
    rules = sorted(d.rule for d in validate_catalog(catalog_builder.root))
    assert rules == ["unknown-venue", "yaml-syntax"]


def test_files_argument_reports_only_those_files_but_compares_with_all(
    catalog_builder: CatalogBuilder,
) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    new = catalog_builder.write("deepcache-dup-2024.yaml", record(id="id: deepcache-dup-2024"))
    catalog_builder.write("broken.yaml", b"id: [\n")
    diagnostics = validate_catalog(catalog_builder.root, [new])
    assert {d.path for d in diagnostics} == {"papers/deepcache-dup-2024.yaml"}
    assert "duplicate-paper" in {d.rule for d in diagnostics}


def test_cli_text_json_and_exit_status(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", record(venue="venue: cvrp"))
    runner = CliRunner()
    text = runner.invoke(app, ["validate", "--root", str(catalog_builder.root)])
    assert text.exit_code == 1
    assert text.stdout.splitlines()[0] == (
        "papers/deepcache-2024.yaml:8:8: error [unknown-venue] unknown venue 'cvrp' "
        "(did you mean 'cvpr'?)")
    as_json = runner.invoke(app, ["validate", "--root", str(catalog_builder.root),
                                  "--format", "json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)[0]["rule"] == "unknown-venue"
    github = runner.invoke(app, ["validate", "--root", str(catalog_builder.root),
                                 "--format", "github"])
    assert github.stdout.splitlines()[0] == (
        "::error file=papers/deepcache-2024.yaml,line=8,col=8::[unknown-venue] unknown venue "
        "'cvrp' (did you mean 'cvpr'?)")


def test_warnings_alone_exit_zero_unless_strict(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", record(authors="authors: []"))
    runner = CliRunner()
    args = ["validate", "--root", str(catalog_builder.root)]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 1


@pytest.mark.parametrize(
    ("arxiv_id", "expected"),
    [("2405.20320", (2024, 5)), ("0704.0001", (2007, 4)), ("math/0601001", (2006, 1)),
     ("hep-th/9901001", (1999, 1))],
)
def test_arxiv_ids_carry_their_date(arxiv_id: str, expected: tuple[int, int]) -> None:
    assert arxiv_year_month(arxiv_id) == expected


def test_clean_urls_have_no_problems() -> None:
    assert url_problems("https://openreview.net/pdf?id=cXbnGtO0NZ") == []
    assert url_problems("https://github.com/a/b/blob/main/x.py#L10") == []
    assert url_problems("https://en.wikipedia.org/wiki/Foo_(bar)") == []


def test_every_rule_has_a_fix_documented() -> None:
    for rule_id, doc in RULES.items():
        assert doc.summary and doc.fix, rule_id
        assert doc.severity in ("error", "warning")
