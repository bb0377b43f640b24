"""`effdiff new`: valid records from flags or prompts; duplicates and bad input refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from effdiff_catalog.cli import app
from effdiff_catalog.ingest.scaffold import (
    NewPaper,
    ScaffoldError,
    clean_arxiv,
    clean_doi,
    scaffold_paper,
    split_list,
)
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.validate import validate_catalog
from effdiff_catalog.records.writer import SCHEMA_COMMENT

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "fixtures" / "workflow-repo" / "base"

LCM = [
    "--title", "LCM-LoRA: A Universal Stable-Diffusion Acceleration Module",
    "--authors", "Simian Luo; Yiqin Tan; Suraj Patil",
    "--author", "Daniel Gu",
    "--venue", "arXiv",
    "--year", "2023", "--month", "11",
    "--arxiv", "https://arxiv.org/abs/2311.05556v1",
    "--code", "https://github.com/luosiallen/latent-consistency-model",
    "--category", "low-rank-adaptation",
    "--tag", "lora",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The project's taxonomy and venues with two real records (DeepCache, DPM-Solver)."""
    root = tmp_path / "catalog"
    shutil.copytree(BASE / "papers", root / "papers")
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copy(REPO / "venues.yaml", root / "venues.yaml")
    return root


def run(root: Path, *args: str, input: str | None = None) -> Result:  # click's name
    return CliRunner().invoke(app, ["new", "--root", str(root), *args], input=input)


def papers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "papers").iterdir())


def test_new_from_flags_writes_a_valid_record_with_id_schema_line_and_arxiv_link(
    root: Path,
) -> None:
    before = dt.date.today()
    result = run(root, *LCM)
    assert result.exit_code == 0, result.output
    path = root / "papers" / "lcm-lora-2023.yaml"
    assert result.stdout.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_COMMENT
    data = yaml.safe_load(text)
    assert data["id"] == "lcm-lora-2023"
    assert data["authors"] == ["Simian Luo", "Yiqin Tan", "Suraj Patil", "Daniel Gu"]
    assert data["venue"] == "arxiv"  # 'arXiv' resolved to the registry key
    assert data["arxiv"] == "2311.05556"  # URL and version stripped
    assert data["links"] == {
        "paper": "https://arxiv.org/abs/2311.05556",
        "code": "https://github.com/luosiallen/latent-consistency-model",
    }
    assert data["categories"] == ["algorithm/efficient-fine-tuning/low-rank-adaptation"]
    assert data["tags"] == ["lora"]
    assert data["citation_key"] == "luo2023lcmlora"  # assigned once, by citekeys rules
    assert result.stderr == ""  # no warnings either
    assert before <= data["added"] <= dt.date.today()
    catalog, diagnostics = load_catalog(root)
    assert diagnostics == []
    assert len(catalog) == 3
    errors = [d for d in validate_catalog(root) if d.severity == "error"]
    assert errors == []


def test_new_resolves_a_venue_alias_and_a_paper_without_arxiv(root: Path) -> None:
    result = run(
        root, "--title", "Token Merging for Fast Stable Diffusion",
        "--authors", "Daniel Bolya;Judy Hoffman", "--venue", "NIPS", "--year", "2023",
        "--paper", "https://example.org/tomesd.pdf", "-c", "algorithm/efficient-sampling",
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((root / "papers" / "token-merging-fast-stable-2023.yaml").read_text())
    assert data["venue"] == "neurips"
    assert "arxiv" not in data
    assert data["links"] == {"paper": "https://example.org/tomesd.pdf"}


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["--arxiv", "2312.00858"], "same paper: arXiv id '2312.00858'"),
        (["--paper", "https://arxiv.org/pdf/2206.00927v3"], "same paper: arXiv id '2206.00927'"),
        (["--paper", "https://www.openaccess.thecvf.com/content/CVPR2024/papers/Ma_DeepCache_"
                     "Accelerating_Diffusion_Models_for_Free_CVPR_2024_paper.pdf/"],
         "same paper: paper URL"),
        (["--title", "deepcache - accelerating diffusion models FOR free!"],
         "same paper: normalised title 'deepcache accelerating diffusion models for free'"),
    ],
    ids=["arxiv", "arxiv-link", "paper-url", "normalised-title"],
)
def test_new_refuses_a_duplicate_of_an_existing_paper(
    root: Path, args: list[str], why: str
) -> None:
    base = {"--title": "Some Entirely New Title", "--venue": "cvpr", "--year": "2024",
            "--category": "system/caching-technique"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    before = papers(root)
    result = run(root, *[item for pair in base.items() for item in pair])
    assert result.exit_code == 1
    assert "[duplicate-paper] " + why in result.stderr
    assert "is also in papers/" in result.stderr
    assert "no file written" in result.stderr
    assert papers(root) == before


def test_new_refuses_a_duplicate_doi(root: Path) -> None:
    facts = NewPaper(title="A Paper", venue="cvpr", year=2024, doi="10.1109/CVPR52733.2024.01492",
                     categories=["system/caching-technique"])
    scaffold_paper(root, facts)
    again = NewPaper(title="The Same Paper Retitled", venue="cvpr", year=2024,
                     doi="https://doi.org/10.1109/cvpr52733.2024.01492",
                     categories=["system/caching-technique"])
    with pytest.raises(ScaffoldError, match=r"\[duplicate-paper\] same paper: DOI"):
        scaffold_paper(root, again)


def test_new_picks_a_free_id_when_the_slug_is_taken(root: Path) -> None:
    result = run(
        root, "--title", "DeepCache: A Different Paper With the Same Short Name",
        "--venue", "cvpr", "--year", "2024", "-c", "system/caching-technique",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("deepcache-2024-2.yaml")
    assert yaml.safe_load((root / "papers" / "deepcache-2024-2.yaml").read_text())["id"] == (
        "deepcache-2024-2"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--venue", "neurip"], "unknown venue 'neurip' (did you mean 'neurips'?)"),
        (["--category", "system/cache-technique"],
         "unknown category 'system/cache-technique' (did you mean 'system/caching-technique'?)"),
        (["--venue", "eccv", "--year", "2023"], "[venue-year] ECCV did not meet in 2023"),
        (["--arxiv", "2312.008"], "arxiv: "),
        (["--code", "javascript:alert(1)"], "only http(s) links are allowed"),
    ],
    ids=["venue", "category", "venue-year", "arxiv", "link-scheme"],
)
def test_new_refuses_bad_input_with_a_hint_and_writes_nothing(
    root: Path, args: list[str], message: str
) -> None:
    base = {"--title": "A New Paper on Caching", "--venue": "cvpr", "--year": "2024",
            "--category": "system/caching-technique"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    before = papers(root)
    result = run(root, *[item for pair in base.items() for item in pair])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert papers(root) == before


def test_new_without_required_flags_and_without_a_terminal_says_what_is_missing(
    root: Path,
) -> None:
    result = run(root, "--title", "Only a Title", "--no-interactive")
    assert result.exit_code == 2
    assert "missing --venue, --year, --category" in result.stderr


def test_new_dry_run_prints_the_record_and_writes_nothing(root: Path) -> None:
    before = papers(root)
    result = run(root, *LCM, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(SCHEMA_COMMENT + "\nid: lcm-lora-2023\n")
    assert "would write" in result.stderr
    assert papers(root) == before


def test_new_interactive_lists_choices_reprompts_and_writes_the_record(root: Path) -> None:
    answers = "\n".join([
        "LCM-LoRA: A Universal Stable-Diffusion Acceleration Module",  # title
        "Simian Luo; Yiqin Tan",  # authors
        "neurip",  # venue: unknown, asked again
        "arxiv",  # venue
        "2023",  # year
        "11",  # month
        "2311.05556",  # arXiv id
        "",  # DOI
        "",  # paper URL: the arXiv page
        "https://github.com/luosiallen/latent-consistency-model",  # code
        "",  # project
        "99",  # categories: no such number, asked again
        "7, system/caching-technique",  # categories
        "lora; consistency",  # tags
    ]) + "\n"
    result = run(root, "--interactive", input=answers)
    assert result.exit_code == 0, result.output
    assert "  arxiv: arXiv preprint" in result.stdout  # venue choices are listed
    assert "[algorithm/efficient-fine-tuning/low-rank-adaptation]" in result.stdout
    assert "[frameworks]" not in result.stdout  # frameworks are not papers
    assert "unknown venue 'neurip' (did you mean 'neurips'?)" in result.stderr
    assert "unknown category '99'" in result.stderr
    data = yaml.safe_load((root / "papers" / "lcm-lora-2023.yaml").read_text())
    assert data["authors"] == ["Simian Luo", "Yiqin Tan"]
    assert data["venue"] == "arxiv" and data["year"] == 2023 and data["month"] == 11
    assert data["links"]["paper"] == "https://arxiv.org/abs/2311.05556"
    # Choice 7 in survey order is Low-Rank Adaptation.
    assert data["categories"] == [
        "algorithm/efficient-fine-tuning/low-rank-adaptation", "system/caching-technique",
    ]
    assert data["tags"] == ["lora", "consistency"]
    assert [d for d in validate_catalog(root) if d.severity == "error"] == []


def test_split_list_accepts_repeated_and_semicolon_separated_values() -> None:
    assert split_list(["A; B", " C ", ";", "D;"]) == ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2311.05556", "2311.05556"),
        ("arXiv:2311.05556v2", "2311.05556"),
        ("https://arxiv.org/pdf/2311.05556v1.pdf", "2311.05556"),
        ("http://www.arxiv.org/abs/cs/0601001", "cs/0601001"),
        ("  ", None),
    ],
)
def test_clean_arxiv_strips_prefixes_urls_and_versions(raw: str, clean: str | None) -> None:
    assert clean_arxiv(raw) == clean


def test_clean_doi_strips_the_resolver() -> None:
    assert clean_doi("https://doi.org/10.1109/ICCV.2023.1") == "10.1109/ICCV.2023.1"
    assert clean_doi("doi:10.1000/x") == "10.1000/x"
    assert clean_doi("https://dx.doi.org/10.1000/a%2Fb") == "10.1000/a/b"
    assert clean_doi("") is None
