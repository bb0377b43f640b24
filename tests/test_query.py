"""Record selection shared by `bib`, `csl` and the website's downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.query import (
    Query,
    QueryError,
    citable,
    plan_export,
    select,
    uncitable_frameworks,
)

MINI = Path(__file__).parent / "fixtures" / "catalog-mini"


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return load_catalog(MINI)[0]


def ids(records: list) -> list[str]:
    return [r.id for r in records]


def test_no_filter_selects_everything_in_catalog_order(mini: Catalog) -> None:
    assert ids(select(mini)) == [r.id for r in mini.records]


def test_category_selects_the_node_and_everything_under_it(mini: Catalog) -> None:
    assert ids(select(mini, category="algorithm/efficient-fine-tuning")) == [
        "controlnet-2023", "lora-2022", "simda-workshop-2024"
    ]
    assert "efficient-diffusion-models-2025" in ids(select(mini, category="algorithm"))
    assert ids(select(mini, category=["system", "frameworks"])) == [
        "deepcache-2024", "deepcache", "specials-and-names-2024", "xformers"
    ]


def test_venue_filter_resolves_aliases(mini: Catalog) -> None:
    assert ids(select(mini, venues="NIPS")) == ["dpm-solver-2022"]
    assert ids(select(mini, venues=["cvpr", "TMLR"])) == [
        "controlnet-2023", "deepcache-2024", "efficient-diffusion-models-2025"
    ]


def test_year_since_tag_and_id_filters_combine_with_and(mini: Catalog) -> None:
    assert ids(select(mini, years=[2022])) == ["dpm-solver-2022", "lora-2022"]
    assert ids(select(mini, since=2024, category="system")) == [
        "deepcache-2024", "specials-and-names-2024"
    ]
    assert ids(select(mini, tags="LoRA")) == ["lora-2022"]
    assert ids(select(mini, ids=["lora-2022", "xformers"], years=2022)) == ["lora-2022"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"category": "algorithm/solver"}, "unknown category 'algorithm/solver'"),
        ({"venues": "NeurlPS"}, "did you mean 'neurips'?"),
        ({"ids": "lora-2023"}, "did you mean 'lora-2022'?"),
    ],
)
def test_unknown_filter_values_raise_with_a_suggestion(
    mini: Catalog, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(QueryError, match=message.replace("?", r"\?")):
        select(mini, **options)


def test_frameworks_are_cited_through_their_paper(mini: Catalog) -> None:
    chosen = select(mini, category="frameworks")
    assert ids(citable(chosen, mini)) == ["deepcache-2024"]
    assert ids(uncitable_frameworks(chosen, mini)) == ["xformers"]


def test_plan_export_splits_by_top_level_section_and_fixes_keys_catalog_wide(mini: Catalog) -> None:
    plan = plan_export(mini, split_sections=True)
    assert [s.name for s in plan.sets] == ["all", "algorithm", "system", "frameworks"]
    assert plan.keys["lora-2022"] == "hu2022lora"
    assert any("xformers" in note for note in plan.notes)
    one = plan_export(mini, Query.of(ids=["lora-2022"]))
    assert [s.name for s in one.sets] == ["selection"]
    assert ids(one.sets[0].papers) == ["lora-2022"]
