"""Explore (issue 12, section 4) in Chromium: the address names filters by key, name or
alias in any case; the Download button says what its file holds; each Statistics bar opens
its Explore view; Back and Forward step through filter changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import bibtexparser
import pytest
from siteserver import FIXTURE_CATALOG, Served, WatchedPage, open_explore, shown_ids

from effdiff_catalog.records.catalog import load_catalog

pytestmark = pytest.mark.browser

CACHING = {"deepcache-2024", "learning-to-cache-2024", "fora-2024"}


def ids_where(**want: Any) -> set[str]:
    catalog, _ = load_catalog(FIXTURE_CATALOG)
    return {p.id for p in catalog.papers()
            if all(getattr(p, k) == v for k, v in want.items())}


# --- the address ------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "?venue=cvpr", "?venue=CVPR", "?venue=Cvpr",  # key and short name, any case
    "?venue=IEEE%2FCVF+Conference+on+Computer+Vision+and+Pattern+Recognition",  # full name
    "?venue=ieee/cvf%20conference%20on%20computer%20vision%20and%20pattern%20recognition",
])
def test_a_venue_is_read_by_key_short_or_full_name_in_any_case(
    page: WatchedPage, built_site: Served, query: str
) -> None:
    open_explore(page.page, built_site, query)
    assert set(shown_ids(page.page)) == ids_where(venue="cvpr") != set()
    assert page.page.locator("select[name=venue]").input_value() == "cvpr"


@pytest.mark.parametrize("query", [
    "?section=system/caching-technique",  # its key (path)
    "?section=Caching+Technique", "?section=caching%20technique",  # its title, any case
    "?section=SYSTEM/CACHING-TECHNIQUE",
])
def test_a_section_is_read_by_path_or_title_in_any_case(
    page: WatchedPage, built_site: Served, query: str
) -> None:
    open_explore(page.page, built_site, query)
    assert set(shown_ids(page.page)) == CACHING
    assert page.page.locator("select[name=section]").input_value() == "system/caching-technique"


def test_an_unknown_name_in_the_address_filters_nothing_and_says_nothing_wrong(
    page: WatchedPage, built_site: Served
) -> None:
    open_explore(page.page, built_site, "?venue=no-such-venue")
    assert len(shown_ids(page.page)) == len(ids_where())
    assert page.errors == []


def test_the_author_filter_reads_a_name_in_any_case_and_without_accents(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site, "?author=XINYIN+MA")
    assert set(shown_ids(pg)) == {"deepcache-2024", "learning-to-cache-2024"}
    pg.fill("input[name=author]", "fang")  # a surname alone
    assert set(shown_ids(pg)) == {"deepcache-2024", "learning-to-cache-2024"}
    pg.wait_for_url(re.compile(r"author=fang"))


# --- Download -----------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "label", "expected"), [
    ("?venue=cvpr", "Download BibTeX of the 2 matching papers", ids_where(venue="cvpr")),
    ("?text=deepcache", "Download BibTeX of the matching paper", {"deepcache-2024"}),
])
def test_the_download_button_says_what_its_file_holds(
    page: WatchedPage, built_site: Served, tmp_path: Path,
    query: str, label: str, expected: set[str],
) -> None:
    pg = page.page
    open_explore(pg, built_site, query)
    button = pg.locator("[data-action=download]")
    assert button.inner_text() == label and button.is_enabled()
    with pg.expect_download() as info:
        button.click()
    target = tmp_path / "rows.bib"
    info.value.save_as(target)
    library = bibtexparser.parse_string(target.read_text(encoding="utf-8"))
    assert library.failed_blocks == [] and len(library.entries) == len(expected)


def test_with_no_row_the_download_is_disabled_and_says_so(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site, "?text=zzyzxnothing")
    button = pg.locator("[data-action=download]")
    assert button.is_disabled()
    assert button.inner_text() == "Download BibTeX (no paper matches)"
    pg.fill("input[name=text]", "deepcache")
    assert button.is_enabled() and button.inner_text().endswith("matching paper")


# --- Statistics ---------------------------------------------------------------------------


def test_every_statistics_bar_opens_the_explore_view_of_its_papers(
    page: WatchedPage, context: Any, built_site: Served
) -> None:
    pg = page.page
    pg.goto(built_site.page("stats/"))
    bars = pg.locator("svg.effdiff-chart a").evaluate_all("""links => links.map(a => [
        new URL(a.getAttribute('href'), location.href).href,
        a.querySelector('.effdiff-chart__label').textContent,
        Number(a.querySelector('.effdiff-chart__value').textContent)])""")
    assert {next(iter(parse_qs(urlparse(href).query))) for href, _, _ in bars} == {
        "year", "venue", "section"}
    other = context.new_page()
    for href, label, value in bars:
        other.goto(href)
        other.locator("#effdiff-explore[data-ready]").wait_for(state="attached")
        assert len(shown_ids(other)) == value, (label, href)
        assert other.locator("[data-role=count]").inner_text().startswith(f"{value} of "), href
    other.close()


# --- Back and Forward -------------------------------------------------------------------


def filters(page: Any) -> tuple[str, str, str]:
    return (page.locator("select[name=venue]").input_value(),
            page.locator("input[name=text]").input_value(),
            page.locator("select[name=year]").input_value())


def test_back_and_forward_step_through_filter_changes(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    everything = set(shown_ids(pg))
    pg.select_option("select[name=venue]", "arxiv")
    by_venue = set(shown_ids(pg))
    pg.locator("input[name=text]").press_sequentially("fora", delay=20)  # one entry
    pg.wait_for_timeout(700)  # the typing pause that ends the entry
    by_text = set(shown_ids(pg))
    pg.select_option("select[name=year]", "2024")
    by_year = set(shown_ids(pg))
    assert everything > by_venue > by_text >= by_year
    steps = [(("arxiv", "fora", ""), by_text), (("arxiv", "", ""), by_venue),
             (("", "", ""), everything)]
    for state, rows in steps:
        pg.go_back()
        pg.wait_for_function("s => document.querySelector('select[name=venue]').value === s[0]"
                             " && document.querySelector('input[name=text]').value === s[1]"
                             " && document.querySelector('select[name=year]').value === s[2]",
                             arg=list(state))
        assert set(shown_ids(pg)) == rows and filters(pg) == state
    assert urlparse(pg.url).path.endswith("/explore/")  # still on Explore, not the page before
    pg.go_forward()
    pg.go_forward()
    pg.wait_for_function("document.querySelector('input[name=text]').value === 'fora'")
    assert set(shown_ids(pg)) == by_text and "text=fora" in pg.url
    assert page.errors == []
