"""`effdiff import` into an existing catalog never loses data: another paper's record is
never overwritten, matching records are edited in place with their comments kept, and
files that should not change stay byte-identical.

Issue 10 found that a list entry "DeepCache: A Different Paper…" (CVPR 2024), given the
id `deepcache-2024`, replaced the real DeepCache record whole with `--update`: its DOI,
citation key and comments were lost.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import GOOD_RECORD
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.ingest.awesome_list import import_list
from effdiff_catalog.ingest.merge import changes_for
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Paper

REPO = Path(__file__).resolve().parent.parent
# The real DeepCache record, with a curator's comments and its DOI.
DEEPCACHE = GOOD_RECORD.replace(
    "id: deepcache-2024\n", "# Curated by hand: the DOI is the CVF one.\nid: deepcache-2024\n"
).replace('arxiv: "2312.00858"\n', "doi: 10.1109/CVPR52733.2024.01492   # checked on IEEE Xplore\n")
SAME = ("- **[CVPR 2024]** DeepCache: Accelerating Diffusion Models for Free. "
        "[[Paper]](https://openaccess.thecvf.com/content/CVPR2024/papers/Ma_DeepCache_"
        "Accelerating_Diffusion_Models_for_Free_CVPR_2024_paper.pdf) "
        "[[Code]](https://github.com/horseee/DeepCache) "
        "[[Project]](https://horseee.github.io/Diffusion_DeepCache/)\n")
OTHER = ("- **[CVPR 2024]** DeepCache: A Different Paper about Caching. "
         "[[Paper]](https://example.org/different.pdf)\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        shutil.copy(REPO / name, root / name)
    (root / "papers" / "deepcache-2024.yaml").write_text(DEEPCACHE, encoding="utf-8")
    return root


def write_list(root: Path, *entries: str) -> Path:
    source = root / "list.md"
    source.write_text("#### Caching Technique\n" + "".join(entries), encoding="utf-8")
    return source


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "papers").iterdir())}


def test_a_different_paper_with_a_taken_id_gets_the_next_id_and_never_overwrites(
    root: Path,
) -> None:
    source = write_list(root, OTHER)
    result = CliRunner().invoke(app, ["import", str(source), "--root", str(root), "--update",
                                      "--added", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert (root / "papers" / "deepcache-2024.yaml").read_text(encoding="utf-8") == DEEPCACHE
    other = (root / "papers" / "deepcache-2024-2.yaml").read_text(encoding="utf-8")
    assert "A Different Paper" in other
    assert "renamed: " in result.output
    assert ("id 'deepcache-2024' is taken by another paper ('DeepCache: Accelerating "
            "Diffusion Models for Free'); this paper gets 'deepcache-2024-2'") in result.output


def test_update_edits_the_matching_record_in_place_keeping_comments_and_key(root: Path) -> None:
    source = write_list(root, SAME)
    done = import_list(root, source, update=True)
    assert [(m.action, m.record.id) for m in done.merged] == [("updated", "deepcache-2024")]
    assert "same paper URL" in done.merged[0].message
    text = (root / "papers" / "deepcache-2024.yaml").read_text(encoding="utf-8")
    assert text == DEEPCACHE.replace(
        "  code: https://github.com/horseee/DeepCache\n",
        "  code: https://github.com/horseee/DeepCache\n"
        "  project: https://horseee.github.io/Diffusion_DeepCache/\n")
    again = import_list(root, source, update=True)
    assert [m.action for m in again.merged] == ["unchanged"]


def test_without_update_a_paper_already_there_is_reported_and_left_byte_identical(
    root: Path,
) -> None:
    before = snapshot(root)
    done = import_list(root, write_list(root, SAME))
    assert [m.action for m in done.merged] == ["exists"]
    assert "already in the catalog as 'deepcache-2024'" in done.merged[0].message
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k != "list.md"} == before


def test_a_same_title_with_another_doi_is_a_conflict_and_nothing_is_written(root: Path) -> None:
    shutil.copy(REPO / "tests" / "fixtures" / "upstream" / "papers.bib", root / "p.bib")
    (root / "p.bib").write_text(
        "@inproceedings{x, title={DeepCache: Accelerating Diffusion Models for Free}, "
        "author={Ma, Xinyin}, booktitle={CVPR}, year={2024}, doi={10.9999/other}}\n",
        encoding="utf-8")
    before = snapshot(root)
    source = write_list(root, SAME.replace("[[Paper]](https://openaccess", "[[Paper]](https://x"))
    result = CliRunner().invoke(app, ["import", str(source), "--root", str(root), "--update",
                                      "--bib", str(root / "p.bib")])
    assert result.exit_code == 1
    assert "conflict:" in result.output and "but another DOI" in result.output
    assert snapshot(root) == before


def test_a_pinned_record_keeps_its_venue_and_year(root: Path) -> None:
    path = root / "papers" / "deepcache-2024.yaml"
    path.write_text(DEEPCACHE.replace(
        "added: 2024-06-09", "venue_check:\n  ignore: true\n  reason: known mismatch\n"
        "added: 2024-06-09"), encoding="utf-8")
    assert "venue_check" in path.read_text(encoding="utf-8")
    source = write_list(root, SAME.replace("**[CVPR 2024]**", "**[ICCV 2023]**"))
    done = import_list(root, source, update=True)
    assert done.merged[0].action == "updated"
    assert "pinned" in done.merged[0].message
    assert "venue: cvpr\nyear: 2024" in path.read_text(encoding="utf-8")


def test_importing_the_survey_twice_changes_no_file(tmp_path: Path) -> None:
    upstream = REPO / "tests" / "fixtures" / "upstream"
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        shutil.copy(REPO / name, root / name)
    options = {"bib_path": upstream / "papers.bib",
               "first_seen_path": upstream / "first-seen.tsv",
               "fixes_path": upstream / "fixes.yaml"}
    survey = upstream / "Efficient-Diffusion-Model-Survey.README.md"
    first = import_list(root, survey, **options)  # type: ignore[arg-type]
    assert first.count("added") == len(first.built.records) == 122
    before = snapshot(root)
    second = import_list(root, survey, update=True, **options)  # type: ignore[arg-type]
    assert second.count("unchanged") == 122
    assert snapshot(root) == before


def test_changes_for_fills_identifiers_but_never_replaces_them() -> None:
    catalog, _ = load_catalog(REPO)
    current = catalog.by_id()["deepcache-2024"]
    assert isinstance(current, Paper)
    incoming = current.model_copy(update={"doi": "10.9999/x", "authors": [], "title": "New"})
    assert changes_for(current, incoming, replace=("title",), fill=("doi", "authors")) == {
        "title": "New"}
