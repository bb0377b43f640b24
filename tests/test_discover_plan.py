"""What a discover run reads by default, and the options that read it again."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from effdiff_catalog.checker.config import default_config
from effdiff_catalog.discover.plan import (
    DEFAULT_CATEGORIES,
    Options,
    Plan,
    PlanError,
    make_plan,
)
from effdiff_catalog.records.catalog import Catalog, load_catalog

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO)[0]


def parse(options: list[str]) -> Options:
    """The options back into `Options`, through the real command's parser."""
    import typer

    import effdiff_catalog.cli as cli
    from effdiff_catalog.cli.discover import gathering_options

    command = typer.main.get_command(cli.app).commands["discover"]  # type: ignore[attr-defined]
    return gathering_options(**command.make_context("discover", list(options)).params)


def test_by_default_the_main_venues_of_this_year_and_the_last_that_meet(
    catalog: Catalog,
) -> None:
    plan = make_plan(catalog, default_config({}), Options(), TODAY)
    assert plan.arxiv is None and plan.citations is None
    assert set(plan.volumes) == {(v, y) for v in ("neurips", "icml", "iclr", "cvpr")
                                 for y in (2026, 2025)} | {("iccv", 2025)}  # odd years only
    mine = make_plan(catalog, default_config({"EFFDIFF_MAIN_VENUES": "iclr"}), Options(), TODAY)
    assert mine.volumes == (("iclr", 2026), ("iclr", 2025))


def test_an_arxiv_window_ends_today_by_default_in_the_default_categories(
    catalog: Catalog,
) -> None:
    since = dt.date(2026, 11, 24)
    plan = make_plan(catalog, default_config({}),
                     Options(volumes=False, arxiv_since=since), TODAY)
    assert plan.volumes == () and plan.arxiv is not None
    assert (plan.arxiv.since, plan.arxiv.until, plan.arxiv.categories) == (
        since, TODAY, DEFAULT_CATEGORIES)
    assert plan.arxiv.label().endswith("submitted 2026-11-24 to 2026-11-30")


@pytest.mark.parametrize("options", [
    Options(),
    Options(venues=["iclr", "cvpr"], years=[2023], arxiv_since=dt.date(2026, 11, 2),
            arxiv_until=dt.date(2026, 11, 9), categories=["stat.ML"], citations=True),
    Options(volumes=False, cites_catalog=3),
])
def test_a_plans_options_gather_the_same_plan_again(catalog: Catalog,
                                                    options: Options) -> None:
    config = default_config({})
    plan = make_plan(catalog, config, options, TODAY)
    later = TODAY + dt.timedelta(days=400)  # the defaults have moved on by then
    assert make_plan(catalog, config, parse(plan.options()), later) == plan


def test_citations_need_the_surveys_arxiv_id_from_the_project_file(catalog: Catalog) -> None:
    plan = make_plan(catalog, default_config({}), Options(volumes=False, citations=True), TODAY)
    assert plan.citations is not None
    assert plan.citations.survey == catalog.project.survey.arxiv == "2502.06805"
    survey = catalog.project.survey.model_copy(update={"arxiv": None})
    bare = replace(catalog, project=catalog.project.model_copy(update={"survey": survey}))
    with pytest.raises(PlanError, match="survey.arxiv"):
        make_plan(bare, default_config({}), Options(volumes=False, citations=True), TODAY)


def test_a_plan_that_reads_nothing_is_refused(catalog: Catalog) -> None:
    with pytest.raises(PlanError, match="nothing to gather"):
        make_plan(catalog, default_config({}), Options(volumes=False), TODAY)
    assert Plan().options() == ["--no-volumes"]
