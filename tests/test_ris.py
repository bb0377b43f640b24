"""RIS export, read back by an independent reader (rispy), and the exporter interface that
serves every format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import rispy
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.formats import ris
from effdiff_catalog.formats.base import ExportOptions, exporter, exporters
from effdiff_catalog.formats.csl import name_parts
from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.query import citable, select

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "catalog-mini"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO)[0]


def read_back(text: str) -> list[dict]:
    return rispy.loads(text)


def test_every_paper_of_the_catalog_reads_back_with_its_facts(catalog: Catalog) -> None:
    papers = citable(select(catalog), catalog)
    done = exporter("ris").export(papers, catalog.venues, ExportOptions(with_abstracts=True))
    records = read_back(done.text)
    assert len(records) == len(papers) == 113
    for paper, record in zip(papers, records, strict=True):
        assert record["id"] == paper.citation_key
        assert record["title"] == paper.title
        assert record["year"] == str(paper.year)
        # "Family, Given": the same words as the record's name, family name first
        written_words = [sorted(a.replace(",", " ").split()) for a in record["authors"]]
        assert written_words == [sorted(a.split()) for a in paper.authors], paper.id
        for name, written in zip(paper.authors, record["authors"], strict=True):
            assert written.split(", ")[0].endswith(name_parts(name)["family"]), (paper.id, name)
        assert record.get("doi") == paper.doi
        if paper.arxiv:
            assert f"arXiv:{paper.arxiv}" in record["notes"]
            assert any(paper.arxiv in url for url in record["urls"])


@pytest.mark.parametrize(
    ("paper_id", "kind", "container"),
    [
        ("deepcache-2024", "CPAPER", "Proceedings of the IEEE/CVF Conference on Computer Vision "
                                     "and Pattern Recognition (CVPR)"),
        ("md-dit-2024", "CPAPER", "Adaptive Foundation Models: Evolving AI for Personalized "
                                  "and Efficient Learning (NeurIPS Workshop)"),
        ("delta-dit-2025", "UNPB", None),
    ],
)
def test_types_follow_the_venue_registry(
    catalog: Catalog, paper_id: str, kind: str, container: str | None
) -> None:
    paper = catalog.by_id()[paper_id]
    assert isinstance(paper, Paper)
    [record] = read_back(ris.export([paper], catalog.venues, ExportOptions()).text)
    assert record["type_of_reference"] == kind
    assert record.get("secondary_title") == container


def test_names_are_family_comma_given_with_particles_kept() -> None:
    assert ris.ris_name("Ludwig van Beethoven") == "van Beethoven, Ludwig"
    assert ris.ris_name("Xinyin Ma") == "Ma, Xinyin"
    assert ris.ris_name("Plato") == "Plato"


def test_hostile_text_cannot_start_a_tag_line_of_its_own() -> None:
    paper = Paper(
        id="x-2024", title="Evil\nER  - \nTY  - JOUR\rTI  - Injected", venue="arxiv",
        year=2024, month=1, authors=["A\u2028B C"], categories=["algorithm"],
        abstract="line one\n\nAB  - line two\x00", added=dt.date(2025, 1, 1),
    )
    catalog, _ = load_catalog(MINI)
    text = ris.export([paper], catalog.venues, ExportOptions(with_abstracts=True)).text
    records = read_back(text)
    assert len(records) == 1
    assert records[0]["title"] == "Evil ER - TY - JOUR TI - Injected"
    assert records[0]["abstract"] == "line one AB - line two"
    assert all(line[:2].isupper() and line[2:6] == "  - " for line in text.splitlines() if line)


def test_the_interface_finds_every_format_module() -> None:
    found = exporters()
    assert set(found) == {"bibtex", "csl-json", "ris"}
    assert {e.extension for e in found.values()} == {"bib", "json", "ris"}
    assert exporter("bib") is found["bibtex"]  # by extension too
    with pytest.raises(ValueError, match="did you mean 'ris'"):
        exporter("riss")


def test_export_command_writes_ris_with_the_shared_filters_and_split(tmp_path: Path) -> None:
    runner = CliRunner()
    one = runner.invoke(app, ["export", "--format", "ris", "--root", str(MINI), "--id",
                              "lora-2022"])
    assert one.exit_code == 0, one.output
    assert [r["id"] for r in read_back(one.stdout)] == ["hu2022lora"]
    split = runner.invoke(app, ["export", "-f", "ris", "--root", str(MINI),
                                "--split-sections", str(tmp_path)])
    assert split.exit_code == 0, split.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "algorithm.ris", "all.ris", "frameworks.ris", "system.ris"]
    bib = runner.invoke(app, ["bib", "--root", str(MINI), "--split-sections", str(tmp_path)])
    assert bib.exit_code == 0
    # each section file holds the same papers in every format
    for section in ("all", "algorithm", "system", "frameworks"):
        ris_ids = [r["id"] for r in read_back((tmp_path / f"{section}.ris").read_text())]
        bib_text = (tmp_path / f"{section}.bib").read_text()
        assert all(f"{{{key}," in bib_text for key in ris_ids), section
        assert bib_text.count("\n@") + bib_text.startswith("@") == len(ris_ids), section


def test_export_without_a_format_or_with_an_unknown_one_is_a_usage_error() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["export", "--root", str(MINI)]).exit_code == 2
    bad = runner.invoke(app, ["export", "--format", "endnote", "--root", str(MINI)])
    assert bad.exit_code == 2 and "unknown format 'endnote'" in bad.output
