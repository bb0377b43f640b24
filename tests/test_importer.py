"""The awesome-list importer: parsing each variant of the survey's format, reporting every
line it does not understand, merging duplicates, BibTeX enrichment, dates and fixes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.identity import normalise_arxiv
from effdiff_catalog.ingest.awesome_list import (
    BIB_DISAGREES,
    BIB_TRUNCATED,
    UNKNOWN_VENUE,
    UNPARSED,
    build_records,
    import_file,
    parse_awesome_list,
    read_first_seen,
)
from effdiff_catalog.ingest.bibtex_reader import read_bib
from effdiff_catalog.ingest.fixes import Fix, apply_fixes
from effdiff_catalog.records.models import Framework, Paper
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.venues import VenueRegistry

REPO = Path(__file__).resolve().parents[1]
UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"
SURVEY = UPSTREAM / "Efficient-Diffusion-Model-Survey.README.md"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(REPO / "taxonomy.yaml")


@pytest.fixture(scope="module")
def venues() -> VenueRegistry:
    return VenueRegistry.load(REPO / "venues.yaml")


def parse(text: str, taxonomy: Taxonomy):  # type: ignore[no-untyped-def]
    return parse_awesome_list(text, taxonomy)


# --- parsing ------------------------------------------------------------------------------


def test_dash_entry_with_paper_and_code_links(taxonomy: Taxonomy) -> None:
    text = (
        "#### Caching Technique\n"
        "- **[CVPR 2024]** DeepCache: Accelerating Diffusion Models for Free. "
        "[[Paper]](https://example.org/p.pdf) [[Code]](https://github.com/horseee/DeepCache)\n"
    )
    result = parse(text, taxonomy)
    assert result.problems == []
    [entry] = result.entries
    assert entry.line == 2
    assert entry.category == "system/caching-technique"
    assert (entry.venue_label, entry.year, entry.month) == ("CVPR", 2024, None)
    assert entry.title == "DeepCache: Accelerating Diffusion Models for Free"
    assert dict(entry.links) == {
        "paper": "https://example.org/p.pdf", "code": "https://github.com/horseee/DeepCache",
    }


def test_arxiv_label_gives_year_and_month(taxonomy: Taxonomy) -> None:
    text = "### Solver\n- **[Arxiv 2024.07]** Some Solver [[Paper]](https://arxiv.org/pdf/2407.1)\n"
    [entry] = parse(text, taxonomy).entries
    assert (entry.venue_label, entry.year, entry.month) == ("Arxiv", 2024, 7)
    assert entry.title == "Some Solver"


def test_star_bullets_indented_and_nested_under_a_section_bullet(taxonomy: Taxonomy) -> None:
    text = (
        "## 🔢 Algorithm-Level Optimization\n"
        "* Quantization\n"
        "    * **[ICLR 2020]** Learned Step Size Quantization. [[Paper]](https://a.org/x)\n"
        "  + **[NeurIPS 2023]** PTQD. [[Paper]](https://a.org/y)[[Code]](https://github.com/z/p)\n"
    )
    result = parse(text, taxonomy)
    assert result.problems == []
    assert [e.category for e in result.entries] == ["algorithm/compression/quantization"] * 2
    assert dict(result.entries[1].links)["code"] == "https://github.com/z/p"


def test_project_and_other_link_labels(taxonomy: Taxonomy) -> None:
    text = (
        "#### Knowledge Distillation\n"
        "- **[ICLR 2023]** DreamFusion. [[Paper]](https://o.net/p) [[Project]](https://d.io/) "
        "[[Video]](https://v.io/1) [[pdf]](https://o.net/pdf)\n"
    )
    [entry] = parse(text, taxonomy).entries
    links = dict(entry.links)
    assert links["project"] == "https://d.io/"
    assert links["video"] == "https://v.io/1"
    assert entry.links[0] == ("paper", "https://o.net/p")  # the first paper link is kept first


def test_headings_at_any_depth_map_onto_the_taxonomy_by_title(taxonomy: Taxonomy) -> None:
    text = (
        "# Parallel Computing\n- **[CVPR 2024]** A. [[Paper]](https://a.org/1)\n"
        "###### solver\n- **[ICLR 2021]** B. [[Paper]](https://a.org/2)\n"
        "## 🔧 Frameworks\n"
    )
    result = parse(text, taxonomy)
    assert [e.category for e in result.entries] == [
        "system/parallel-computing", "algorithm/efficient-sampling/solver",
    ]


def test_every_line_not_understood_is_reported_with_its_number(taxonomy: Taxonomy) -> None:
    text = "\n".join([
        "Intro prose is not part of the list.",          # 1: preamble, skipped
        "- **[ICLR 2024]** Too early. [[Paper]](https://a.org/0)",  # 2: before any section
        "#### Adapter",                                   # 3
        "- **[ICLR 2024]** Good. [[Paper]](https://a.org/1)",       # 4
        "Some prose inside a section.",                   # 5
        "- **[Coming soon]** No year. [[Paper]](https://a.org/2)",  # 6
        "- **[AAAI 2024]** Odd link. [[Slides!]](https://a.org/3)",  # 7
        "- **[AAAI 2024]** [[Paper]](https://a.org/4)",   # 8: no title
        "| stray | table |",                             # 9: table outside Frameworks
        "## ⭐ Star History",                              # 10: not in the taxonomy
        "- **[ICLR 2024]** Orphan. [[Paper]](https://a.org/5)",     # 11
        "Prose under a hand-written heading is fine.",    # 12
    ])
    result = parse(text, taxonomy)
    assert [e.title for e in result.entries] == ["Good", "Odd link"]
    reported = {p.line: p.message for p in result.problems}
    assert sorted(reported) == [2, 5, 6, 7, 8, 9, 11]
    assert all(p.rule == UNPARSED for p in result.problems)
    assert "before any taxonomy heading" in reported[2]
    assert "Slides!" in reported[7]
    assert "Star History" in reported[11]
    assert result.problems[0].text.startswith("- **[ICLR 2024]** Too early")


def test_code_fences_and_html_comments_are_skipped(taxonomy: Taxonomy) -> None:
    text = (
        "#### Pruning\n"
        "```\n- **[ICLR 2024]** Inside a fence. [[Paper]](https://a.org/1)\nprose\n```\n"
        "<!-- a comment\n- **[ICLR 2024]** Commented out. [[Paper]](https://a.org/2)\n-->\n"
        "<!-- one line -->\n<div align=\"center\">\n</div>\n<sub>3 papers</sub>\n"
        "- **[ICML 2024]** LayerMerge. [[Paper]](https://a.org/3)\n"
    )
    result = parse(text, taxonomy)
    assert result.problems == []
    assert [e.title for e in result.entries] == ["LayerMerge"]


def test_frameworks_table_rows(taxonomy: Taxonomy) -> None:
    text = (
        "## 🔧 Frameworks\n<div align=\"center\">\n\n"
        "|  | Training | Inference | Key Features |\n"
        "|:---:|:---:|:---:|:---|\n"
        "| FlashAttention [[Code](https://github.com/Dao-AILab/flash-attention)] | ✅ | ✅ "
        "| Fast attention |\n"
        "| xDiT [[Code](https://github.com/xdit-project/xDiT)]   |  ❌ | ✅ | A \\| B |\n"
        "| Broken [[Code](https://x.org)] | maybe | ✅ | ? |\n"
        "| Short | ✅ |\n"
    )
    result = parse(text, taxonomy)
    names = [(f.name, f.training, f.inference, f.features) for f in result.frameworks]
    assert names == [
        ("FlashAttention", True, True, "Fast attention"), ("xDiT", False, True, "A | B"),
    ]
    assert dict(result.frameworks[0].links) == {
        "code": "https://github.com/Dao-AILab/flash-attention"
    }
    assert [p.line for p in result.problems] == [8, 9]


def test_escaped_markdown_in_titles_is_unescaped(taxonomy: Taxonomy) -> None:
    text = "#### Solver\n- **[ICLR 2024]** A \\*star\\* \\[x\\] \\$1. [[Paper]](https://a.org)\n"
    [entry] = parse(text, taxonomy).entries
    assert entry.title == "A *star* [x] $1"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/pdf/2407.12718?", "2407.12718"),
        ("https://arxiv.org/abs/2211.13221", "2211.13221"),
        ("http://arxiv.org/pdf/2106.09685v2.pdf", "2106.09685"),
        ("https://arxiv.org/pdf/2405.07510v3", "2405.07510"),
        ("https://arxiv.org/abs/math/0601001v1", "math/0601001"),
        ("https://openreview.net/pdf?id=abc", None),
        ("https://arxiv.org/pdf/not-an-id", None),
        (None, None),
    ],
)
def test_arxiv_ids_from_links(url: str | None, expected: str | None) -> None:
    assert normalise_arxiv(url) == expected


# --- building records ---------------------------------------------------------------------


def test_duplicate_listings_merge_into_one_record_with_both_categories(
    taxonomy: Taxonomy, venues: VenueRegistry
) -> None:
    text = (
        "#### Training Tricks\n"
        "- **[ICLR 2021]** Denoising Diffusion Implicit Models. [[Paper]](https://o.net/pdf?id=S)\n"
        "#### Solver\n"
        "- **[ICLR 2021]** Denoising diffusion implicit models. [[Paper]](https://o.net/pdf?id=S)\n"
        "- **[Arxiv 2024.05]** Other. [[Paper]](https://arxiv.org/pdf/2405.07510)\n"
        "#### Adapter\n"
        "- **[Arxiv 2024.05]** Other, retitled. [[Paper]](https://arxiv.org/abs/2405.07510v2)\n"
    )
    result = parse(text, taxonomy)
    built = build_records(result, venues, today=dt.date(2025, 1, 1))
    papers = [r for r in built.records if isinstance(r, Paper)]
    assert len(papers) == 2
    ddim, other = papers
    assert ddim.title == "Denoising Diffusion Implicit Models"  # the first listing's
    assert ddim.categories == [
        "algorithm/efficient-training/training-tricks", "algorithm/efficient-sampling/solver",
    ]
    assert (ddim.venue, ddim.year) == ("iclr", 2021)
    assert other.arxiv == "2405.07510"
    assert other.categories == [
        "algorithm/efficient-sampling/solver", "algorithm/efficient-fine-tuning/adapter",
    ]
    assert built.sources[other.id] == [2, 3]
    # the second listing had another title and link: reported, first one kept
    assert any(p.line == 7 for p in built.problems)


def test_unknown_venue_labels_are_reported_not_dropped(
    taxonomy: Taxonomy, venues: VenueRegistry
) -> None:
    text = "#### Solver\n- **[FooConf 2023]** A Paper. [[Paper]](https://a.org/1)\n"
    built = build_records(parse(text, taxonomy), venues, today=dt.date(2025, 1, 1))
    [paper] = built.records
    assert isinstance(paper, Paper) and paper.venue == "fooconf"
    assert [(p.line, p.rule) for p in built.problems] == [(2, UNKNOWN_VENUE)]


def test_venue_aliases_map_through_the_registry(taxonomy: Taxonomy, venues: VenueRegistry) -> None:
    text = "#### Solver\n- **[NIPS 2019]** A Paper. [[Paper]](https://a.org/1)\n"
    [paper] = build_records(parse(text, taxonomy), venues, today=dt.date(2025, 1, 1)).records
    assert isinstance(paper, Paper) and paper.venue == "neurips"


BIB = r"""
@inproceedings{key1,
  author = {M{\"u}ller, J{\'o}zsef and Wei Li and others},
  title = {{BRECQ:} Pushing the Limit},
  booktitle = {ICLR},
  year = {2021},
  doi = {10.1000/xyz},
}
@article{key2,
  author = {Ada Lovelace},
  title = {Something Else Entirely},
  journal = {arXiv preprint arXiv:2405.07510},
  year = {2024},
}
@article{key3,
  author = {Wrong Person},
  title = {Same Title Other Paper},
  eprint = {2405.99999},
  year = {2024},
}
"""


def test_bibtex_names_are_decoded_reordered_and_truncation_reported(
    taxonomy: Taxonomy, venues: VenueRegistry
) -> None:
    bib, messages = read_bib(BIB)
    assert messages == []
    assert bib[0].authors == ("József Müller", "Wei Li")
    assert bib[0].truncated is True
    text = (
        "#### Quantization\n"
        "- **[ICLR 2021]** BRECQ: Pushing the Limit. [[Paper]](https://o.net/1)\n"
        "- **[Arxiv 2024.05]** Retitled. [[Paper]](https://arxiv.org/pdf/2405.07510)\n"
        "- **[Arxiv 2024.05]** Same Title Other Paper. [[Paper]](https://arxiv.org/pdf/2405.11111)\n"
    )
    built = build_records(parse(text, taxonomy), venues, bib=bib, today=dt.date(2025, 1, 1))
    brecq, by_arxiv, conflict = (r for r in built.records if isinstance(r, Paper))
    assert brecq.authors == ["József Müller", "Wei Li"]
    assert brecq.doi == "10.1000/xyz"
    assert by_arxiv.authors == ["Ada Lovelace"]  # matched by arXiv id despite the title
    assert conflict.authors == []  # same title, other arXiv id: not taken
    rules = {(p.line, p.rule) for p in built.problems}
    assert (2, BIB_TRUNCATED) in rules
    assert (4, BIB_DISAGREES) in rules


def test_first_seen_dates_set_added_and_merged_entries_take_the_earliest(
    taxonomy: Taxonomy, venues: VenueRegistry
) -> None:
    tsv = "idx\ttitle\tfirst_seen\tcommit\n0\tA\t2024-06-09\tabc\n1\tA\t2024-05-01\tdef\n"
    text = (
        "#### Solver\n- **[ICLR 2021]** A. [[Paper]](https://a.org/1)\n"
        "#### Pruning\n- **[ICLR 2021]** A. [[Paper]](https://a.org/1)\n"
        "- **[ICLR 2021]** B. [[Paper]](https://a.org/2)\n"
    )
    built = build_records(
        parse(text, taxonomy), venues, first_seen=read_first_seen(tsv), today=dt.date(2030, 1, 1)
    )
    a, b = built.records
    assert a.added == dt.date(2024, 5, 1)
    assert b.added == dt.date(2030, 1, 1)  # not in the file: the default


def test_the_survey_readme_imports_completely(venues: VenueRegistry, taxonomy: Taxonomy) -> None:
    result, built = import_file(
        SURVEY, taxonomy, venues, bib_path=UPSTREAM / "papers.bib",
        first_seen_path=UPSTREAM / "first-seen.tsv", today=dt.date(2025, 6, 11),
    )
    assert len(result.entries) == 115
    assert result.unparsed == []
    papers = [r for r in built.records if isinstance(r, Paper)]
    frameworks = [r for r in built.records if isinstance(r, Framework)]
    assert len(papers) == 113  # DDIM and ParaTAA are listed twice
    assert sorted(f.title for f in frameworks) == sorted([
        "FlashAttention", "xFormers", "DeepSpeed", "OneFlow", "Stable-Fast", "Onediff",
        "DeepCache", "TGATE", "xDiT",
    ])
    merged = {rid: idx for rid, idx in built.sources.items() if len(idx) > 1}
    assert sorted(merged.values()) == [[34, 62], [43, 66]]
    assert sum(len(p.categories) for p in papers) == 115
    # 26 have no BibTeX entry; PipeFusion's has another arXiv id; two entries (SeqDiffuSeq,
    # Retrieval-Augmented Diffusion Models) carry another title of the paper: no match.
    assert sum(bool(p.authors) for p in papers) == 113 - 26 - 1 - 2
    deepcache = next(f for f in frameworks if f.title == "DeepCache")
    assert deepcache.paper_id == "deepcache-2024"
    assert not [p for p in built.problems if p.rule == UNKNOWN_VENUE]


# --- fixes --------------------------------------------------------------------------------


def test_fixes_change_fields_merge_links_and_renew_ids(
    taxonomy: Taxonomy, venues: VenueRegistry
) -> None:
    text = (
        "#### Solver\n"
        "- **[Arxiv 2022.09]** Flow Straight. [[Paper]](https://arxiv.org/pdf/2209.03003) "
        "[[Code]](https://github.com/a/b.)\n"
    )
    built = build_records(parse(text, taxonomy), venues, today=dt.date(2025, 1, 1))
    fixes = [
        Fix({"venue": "ICLR", "year": 2023, "month": None}, "dblp", entry=0),
        Fix({"links": {"code": "https://github.com/a/b", "project": "https://p.io"}}, "dot",
            entry=0),
    ]
    apply_fixes(built, fixes, venues)
    [paper] = built.records
    assert isinstance(paper, Paper)
    assert (paper.venue, paper.year, paper.month) == ("iclr", 2023, None)
    assert paper.links.code == "https://github.com/a/b"
    assert paper.links.paper == "https://arxiv.org/pdf/2209.03003"
    assert paper.id == "flow-straight-2023"
    assert built.sources == {"flow-straight-2023": [0]}


def test_a_fix_for_a_missing_record_or_with_a_bad_value_is_an_error(
    taxonomy: Taxonomy, venues: VenueRegistry
) -> None:
    text = "#### Solver\n- **[ICLR 2021]** A. [[Paper]](https://a.org/1)\n"
    built = build_records(parse(text, taxonomy), venues, today=dt.date(2025, 1, 1))
    with pytest.raises(ValueError, match="no such record"):
        apply_fixes(built, [Fix({"year": 2020}, "r", entry=7)], venues)
    with pytest.raises(ValueError, match="http"):
        apply_fixes(built, [Fix({"links": {"code": "javascript:alert(1)"}}, "r", entry=0)], venues)


# --- the command --------------------------------------------------------------------------


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    shutil.copy(REPO / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    shutil.copy(REPO / "venues.yaml", tmp_path / "venues.yaml")
    return tmp_path


def test_import_command_reports_unparsed_lines_and_exits_1(root: Path) -> None:
    source = root / "list.md"
    source.write_text(
        "#### Solver\n- **[ICLR 2021]** A Paper. [[Paper]](https://a.org/1)\nwhat is this\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        app, ["import", str(source), "--root", str(root), "--added", "2025-01-02"]
    )
    assert result.exit_code == 1
    assert f"{source}:3: warning [import-unparsed]" in result.output
    written = root / "papers" / "paper-2021.yaml"
    assert written.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert "added: 2025-01-02" in written.read_text(encoding="utf-8")

    again = runner.invoke(
        app, ["import", str(source), "--root", str(root), "--allow-unparsed"]
    )
    assert again.exit_code == 0
    assert "already in the catalog as 'paper-2021' (same paper URL)" in again.output
    assert "added: 2025-01-02" in written.read_text(encoding="utf-8")

    source.write_text(
        "#### Solver\n- **[ICLR 2021]** A Paper. [[Paper]](https://a.org/2)\n", encoding="utf-8"
    )
    updated = runner.invoke(app, ["import", str(source), "--root", str(root), "--update"])
    assert updated.exit_code == 0
    assert "https://a.org/2" in written.read_text(encoding="utf-8")
