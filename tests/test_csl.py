"""CSL-JSON export: valid against the CSL-JSON schema and rendered by a real CSL processor
(citeproc-py with the Harvard style it ships)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import citeproc
import jsonschema
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.formats import csl
from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.query import citable, select

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "catalog-mini"
SCHEMA = json.loads((FIXTURES / "csl" / "csl-data.json").read_text(encoding="utf-8"))
STYLE = Path(citeproc.__file__).parent / "data" / "styles" / "harvard-cite-them-right.csl"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return load_catalog(MINI)[0]


def items_of(catalog: Catalog, *, with_abstract: bool = False) -> list[dict[str, Any]]:
    papers = citable(select(catalog), catalog)
    return csl.export(papers, catalog.venues, with_abstract=with_abstract).items


def render_bibliography(items: list[dict]) -> list[str]:
    source = CiteProcJSON(items)
    style = CitationStylesStyle(str(STYLE), validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


@pytest.mark.parametrize("with_abstract", [False, True])
def test_output_validates_against_the_csl_json_schema(mini: Catalog, with_abstract: bool) -> None:
    items = items_of(mini, with_abstract=with_abstract)
    jsonschema.validate(items, SCHEMA, cls=jsonschema.Draft7Validator)
    assert len(items) == 7


def test_whole_repository_catalog_validates_against_the_schema() -> None:
    catalog, _ = load_catalog(REPO)
    if not catalog.papers():
        pytest.skip("papers/ is empty")
    jsonschema.validate(items_of(catalog), SCHEMA, cls=jsonschema.Draft7Validator)


def test_items_map_venue_kinds_to_csl_types(mini: Catalog) -> None:
    by_id = {item["id"]: item for item in items_of(mini)}
    assert by_id["lu2022dpmsolver"]["type"] == "paper-conference"
    assert by_id["lu2022dpmsolver"]["container-title"] == (
        "Advances in Neural Information Processing Systems"
    )
    assert by_id["lu2022dpmsolver"]["container-title-short"] == "NeurIPS"
    assert by_id["shen2025efficient"]["type"] == "article-journal"
    preprint = by_id["muller2024qdiffusion"]
    assert preprint["type"] == "article"
    assert preprint["publisher"] == "arXiv"
    assert preprint["number"] == "arXiv:2405.99999"
    assert preprint["issued"] == {"date-parts": [[2024, 5]]}
    assert by_id["zhang2023adding"]["DOI"] == "10.1109/ICCV51070.2023.00355"
    assert "author" not in by_id["deepcache2024accelerating"]


def test_names_are_split_with_particles_and_kept_in_utf8(mini: Catalog) -> None:
    by_id = {item["id"]: item for item in items_of(mini)}
    authors = by_id["muller2024qdiffusion"]["author"]
    assert authors[0] == {"family": "Müller", "given": "Jürgen"}
    assert authors[2] == {"family": "Ångström-Ødegård", "given": "Zoë"}
    assert authors[4] == {"family": "Beethoven", "given": "Ludwig",
                          "non-dropping-particle": "van"}


def test_title_keeps_tex_specials_as_plain_text(mini: Catalog) -> None:
    by_id = {item["id"]: item for item in items_of(mini, with_abstract=True)}
    item = by_id["muller2024qdiffusion"]
    assert item["title"] == "Q-Diffusion & Friends: 4_bit x^2 Caching #1 at 50% ~ Cost"
    assert item["abstract"].startswith("Braces {x}, a backslash \\ and math $x^2$")


def test_citeproc_renders_every_item_with_title_and_first_author(mini: Catalog) -> None:
    items = items_of(mini)
    rendered = render_bibliography(items)
    assert len(rendered) == len(items)
    text = "\n".join(rendered)
    for item in items:
        assert item["title"].split(":")[0] in text, item["id"]
        if "author" in item:
            assert item["author"][0]["family"] in text, item["id"]
    assert "Advances in Neural Information Processing Systems" in text


def test_csl_command_uses_the_same_filters_and_keys_as_bib(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    runner = CliRunner()
    out = tmp_path / "x.json"
    result = runner.invoke(
        app, ["csl", "--root", str(root), "--venue", "NIPS", "--venue", "ICLR", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    ids = [item["id"] for item in json.loads(out.read_text(encoding="utf-8"))]
    assert ids == ["lu2022dpmsolver", "hu2022lora"]
    split = tmp_path / "split"
    result = runner.invoke(app, ["csl", "--root", str(root), "--split-sections", str(split)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in split.iterdir()) == [
        "algorithm.json", "all.json", "frameworks.json", "system.json"
    ]
