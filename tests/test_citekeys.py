"""Citation keys: the documented convention, collision suffixes, frozen once stored, and
the duplicate/missing diagnostics; `effdiff keys` stores keys keeping comments."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.citekeys import (
    assign_keys,
    base_key,
    key_diagnostics,
    make_key,
    suffixes,
    taken_keys,
)
from effdiff_catalog.records.models import Paper

MINI = Path(__file__).parent / "fixtures" / "catalog-mini"


def paper(title: str, authors: list[str], year: int = 2024, **extra: object) -> Paper:
    return Paper(
        id="p-2024", title=title, authors=authors, venue="arxiv", year=year,
        categories=["algorithm"], added=dt.date(2024, 1, 1), **extra,
    )


@pytest.mark.parametrize(
    ("title", "authors", "year", "key"),
    [
        ("Efficient Diffusion Models: A Survey", ["Hui Shen", "Jingxuan Zhang"], 2025,
         "shen2025efficient"),
        ("DPM-Solver: A Fast ODE Solver", ["Cheng Lu"], 2022, "lu2022dpmsolver"),
        ("The Surprising Effectiveness of Caching", ["Ana Ruiz"], 2023, "ruiz2023surprising"),
        ("On a Towards Unified Model", ["Ana Ruiz"], 2023, "ruiz2023unified"),
        ("Über Schnelle Diffusion", ["Jürgen Müller"], 2021, "muller2021uber"),
        ("Nine Symphonies", ["Ludwig van Beethoven"], 2020, "beethoven2020nine"),
        ("Latent Space", ["Müller, Jürgen"], 2020, "muller2020latent"),
        ("Some Title", ["Zhang, Jr., Wei"], 2020, "zhang2020some"),
    ],
)
def test_key_follows_surname_year_first_meaningful_title_word(
    title: str, authors: list[str], year: int, key: str
) -> None:
    assert make_key(paper(title, authors, year), set()) == key


def test_record_without_authors_uses_title_words_for_the_key() -> None:
    assert base_key(paper("DeepCache: Accelerating Diffusion Models", [])) == (
        "deepcache2024accelerating"
    )


def test_name_without_ascii_letters_falls_back_to_anon() -> None:
    assert base_key(paper("Fast Sampling", ["王小明"])) == "anon2024fast"


def test_collisions_get_a_then_b_and_compare_case_insensitively() -> None:
    one = paper("Fast Sampling", ["Wei Wang"])
    taken = taken_keys(["Wang2024Fast"])
    assert make_key(one, taken) == "wang2024fasta"
    taken.add("wang2024fasta")
    assert make_key(one, taken) == "wang2024fastb"
    order = list(zip(range(30), suffixes(), strict=False))
    assert [s for _, s in order][:3] == ["", "a", "b"]
    assert [s for _, s in order][26:29] == ["z", "aa", "ab"]


def test_assign_keys_keeps_stored_keys_and_never_hands_them_out_again() -> None:
    stored = paper("Fast Sampling", ["Wei Wang"], citation_key="wang2024fast")
    stored.id = "stored-2024"
    fresh = paper("Fast Sampling Again", ["Wei Wang"])
    fresh.id = "fresh-2024"
    keys, computed = assign_keys([fresh, stored])
    assert keys == {"stored-2024": "wang2024fast", "fresh-2024": "wang2024fasta"}
    assert computed == ["fresh-2024"]


def test_key_diagnostics_flag_duplicates_at_the_key_and_missing_keys(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    dpm = root / "papers" / "dpm-solver-2022.yaml"
    dpm.write_text(
        dpm.read_text().replace(
            "venue: neurips\n", "venue: neurips\ncitation_key: Zhang2023Adding\n"
        )
    )
    catalog, _ = load_catalog(root)
    diagnostics = key_diagnostics(catalog.entries)
    duplicates = sorted(d for d in diagnostics if d.rule == "duplicate-citation-key")
    assert [(d.path, d.line, d.severity) for d in duplicates] == [
        ("papers/controlnet-2023.yaml", 11, "error"),
        ("papers/dpm-solver-2022.yaml", 12, "error"),
    ]
    assert "also used by papers/dpm-solver-2022.yaml" in duplicates[0].message
    missing = sorted(d.path for d in diagnostics if d.rule == "citation-key-missing")
    assert missing == [
        "papers/deepcache-2024.yaml", "papers/lora-2022.yaml",
        "papers/simda-workshop-2024.yaml", "papers/specials-and-names-2024.yaml",
    ]
    assert all(d.severity == "warning" for d in diagnostics if d.rule == "citation-key-missing")


def test_keys_command_stores_missing_keys_keeping_comments_and_check_passes_after(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    runner = CliRunner()
    check = runner.invoke(app, ["keys", "--root", str(root), "--check"])
    assert check.exit_code == 1
    assert "lora-2022.yaml: no citation_key (would be 'hu2022lora')" in check.output
    before = (root / "papers" / "specials-and-names-2024.yaml").read_text()

    result = runner.invoke(app, ["keys", "--root", str(root)])
    assert result.exit_code == 0, result.output
    after = (root / "papers" / "specials-and-names-2024.yaml").read_text()
    assert "# A record that exercises escaping" in after
    assert "citation_key: muller2024qdiffusion\n" in after
    # only the key line was added; the rest of the file is byte for byte the same
    assert after.replace("citation_key: muller2024qdiffusion\n", "") == before
    stored = (root / "papers" / "controlnet-2023.yaml").read_text()
    assert "citation_key: zhang2023adding" in stored

    assert runner.invoke(app, ["keys", "--root", str(root), "--check"]).exit_code == 0


def test_a_stored_key_survives_a_venue_and_year_update(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "--root", str(root)]).exit_code == 0
    path = root / "papers" / "specials-and-names-2024.yaml"
    # the preprint is published a year later at a conference
    path.write_text(path.read_text().replace("venue: arxiv\nyear: 2024", "venue: iclr\nyear: 2025"))
    assert runner.invoke(app, ["keys", "--root", str(root)]).exit_code == 0
    assert "citation_key: muller2024qdiffusion" in path.read_text()
    bib = runner.invoke(app, ["bib", "--root", str(root), "--id", "specials-and-names-2024"])
    assert "@inproceedings{muller2024qdiffusion," in bib.stdout
    assert "year          = {2025}" in bib.stdout


def test_keys_command_refuses_to_assign_while_a_record_is_broken(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    (root / "papers" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    result = CliRunner().invoke(app, ["keys", "--root", str(root)])
    assert result.exit_code == 1
    assert "fix them first" in result.output
    assert "citation_key" not in (root / "papers" / "lora-2022.yaml").read_text()


def test_validate_reports_a_duplicate_key_as_an_error(tmp_path: Path) -> None:
    from effdiff_catalog.records.validate import validate_catalog

    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    lora = root / "papers" / "lora-2022.yaml"
    text = lora.read_text()
    lora.write_text(text.replace("venue: iclr\n", "venue: iclr\ncitation_key: shen2025efficient\n"))
    found = [d for d in validate_catalog(root) if d.rule == "duplicate-citation-key"]
    assert sorted((d.path, d.severity) for d in found) == [
        ("papers/efficient-diffusion-models-2025.yaml", "error"),
        ("papers/lora-2022.yaml", "error"),
    ]
