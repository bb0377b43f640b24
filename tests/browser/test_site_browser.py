"""The built site in a real browser: search, Explore, downloads, clipboard, errors, links."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import bibtexparser
import pytest
from siteserver import FIXTURE_CATALOG, Served, WatchedPage, open_explore, shown_ids

from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.citekeys import assign_keys

pytestmark = pytest.mark.browser


def search(page: Any, site: Served, query: str) -> Any:
    """Type into Material's search box key by key, as a reader does; return the results."""
    page.goto(site.page())
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    return results


def test_typing_deepcache_finds_it_and_the_result_opens_its_page(
    page: WatchedPage, built_site: Served
) -> None:
    results = search(page.page, built_site, "DeepCache")
    assert results.count() >= 1
    link = page.page.locator(".md-search-result__item a", has_text="DeepCache: Accelerating")
    assert link.count() >= 1
    link.first.click()
    page.page.wait_for_url(re.compile(r"/paper/deepcache-2024/(\?[^#]*)?$"))
    heading = page.page.locator("article h1")
    assert heading.inner_text() == "DeepCache: Accelerating Diffusion Models for Free"
    assert page.errors == []


def result_titles(page: Any) -> list[str]:
    """Titles of every search result, including the sections folded under a page."""
    page.wait_for_timeout(300)  # let a refined query replace the previous results
    return page.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Keutzer", {"Q-Diffusion: Quantizing Diffusion Models"}),
        ("Selvaraju", {"FORA: Fast-Forward Caching in Diffusion Transformer Acceleration"}),
        ("Ermon", {"Denoising Diffusion Implicit Models"}),
    ],
)
def test_an_author_surname_finds_their_papers(
    page: WatchedPage, built_site: Served, query: str, expected: set[str]
) -> None:
    search(page.page, built_site, query)
    titles = set(result_titles(page.page))
    assert expected <= titles


def test_a_surname_shared_by_several_papers_finds_all_of_them(
    page: WatchedPage, built_site: Served
) -> None:
    catalog, _ = load_catalog(FIXTURE_CATALOG)
    mine = {p.title for p in catalog.papers() if "Gongfan Fang" in p.authors}
    assert len(mine) == 2
    search(page.page, built_site, "Gongfan")
    assert mine <= set(result_titles(page.page))


def test_an_arxiv_id_finds_its_paper(page: WatchedPage, built_site: Served) -> None:
    search(page.page, built_site, "2312.00858")
    assert "DeepCache: Accelerating Diffusion Models for Free" in result_titles(page.page)


def test_a_venue_finds_its_papers(page: WatchedPage, built_site: Served) -> None:
    search(page.page, built_site, "ICCV")
    assert "Q-Diffusion: Quantizing Diffusion Models" in result_titles(page.page)


# --- Explore ------------------------------------------------------------------------------


def expected_ids(**want: Any) -> set[str]:
    catalog, _ = load_catalog(FIXTURE_CATALOG)
    out = set()
    for paper in catalog.papers():
        if "venue" in want and paper.venue != want["venue"]:
            continue
        if "start" in want and paper.year < want["start"]:
            continue
        if "end" in want and paper.year > want["end"]:
            continue
        if want.get("code") and not paper.links.code:
            continue
        out.add(paper.id)
    return out


def test_explore_lists_every_paper_unfiltered(page: WatchedPage, built_site: Served) -> None:
    open_explore(page.page, built_site)
    assert set(shown_ids(page.page)) == expected_ids()
    assert page.errors == []


def test_explore_filters_by_venue_and_year_show_exactly_the_matching_rows(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    pg.select_option("select[name=venue]", "cvpr")
    assert set(shown_ids(pg)) == expected_ids(venue="cvpr")
    pg.fill("input[name=from]", "2022")
    pg.fill("input[name=to]", "2023")
    assert set(shown_ids(pg)) == expected_ids(venue="cvpr", start=2022, end=2023) == set()
    pg.select_option("select[name=venue]", "iclr")
    assert set(shown_ids(pg)) == expected_ids(venue="iclr", start=2022, end=2023) == {"lora-2022"}
    pg.check("input[name=code]")
    assert set(shown_ids(pg)) == {"lora-2022"}
    assert "1 of 8 papers" in pg.locator("[data-role=count]").inner_text()


def test_explore_section_and_text_filters_combine(page: WatchedPage, built_site: Served) -> None:
    pg = page.page
    open_explore(pg, built_site)
    pg.select_option("select[name=section]", "system")
    assert set(shown_ids(pg)) == {
        "deepcache-2024", "learning-to-cache-2024", "fora-2024", "distrifusion-2024"}
    pg.fill("input[name=text]", "dit")  # a tag
    assert set(shown_ids(pg)) == {"learning-to-cache-2024", "fora-2024"}
    pg.fill("input[name=text]", "xinyin ma")  # an author, two words
    assert set(shown_ids(pg)) == {"deepcache-2024", "learning-to-cache-2024"}


def test_explore_sorts_by_a_column_both_ways(page: WatchedPage, built_site: Served) -> None:
    pg = page.page
    open_explore(pg, built_site)
    header = pg.locator("th[data-sort=title] button")
    header.click()
    titles = pg.locator("#effdiff-explore tbody tr td:first-child").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)
    header.click()
    titles = pg.locator("#effdiff-explore tbody tr td:first-child").all_inner_texts()
    assert titles == sorted(titles, key=str.lower, reverse=True)
    assert pg.locator("th[data-sort=title]").get_attribute("aria-sort") == "descending"


def test_the_shared_url_restores_the_filters(
    page: WatchedPage, context: Any, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    pg.select_option("select[name=venue]", "arxiv")
    pg.fill("input[name=from]", "2024")
    pg.fill("input[name=text]", "caching")
    pg.locator("th[data-sort=year] button").click()
    pg.wait_for_url(re.compile(r"sort=year"))
    shared = pg.url
    assert "venue=arxiv" in shared and "from=2024" in shared and "sort=year" in shared
    rows = shown_ids(pg)
    other = context.new_page()
    open_explore(other, built_site, "?" + urlparse(shared).query)
    assert shown_ids(other) == rows == ["learning-to-cache-2024", "fora-2024"]
    assert other.locator("select[name=venue]").input_value() == "arxiv"
    assert other.locator("input[name=from]").input_value() == "2024"
    assert other.locator("input[name=text]").input_value() == "caching"
    other.close()


def test_downloaded_bibtex_parses_and_holds_exactly_the_rows_shown(
    page: WatchedPage, built_site: Served, tmp_path: Path
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    pg.select_option("select[name=section]", "system/caching-technique")
    pg.check("input[name=code]")
    ids = shown_ids(pg)
    assert set(ids) == {"deepcache-2024", "learning-to-cache-2024", "fora-2024"}
    with pg.expect_download() as info:
        pg.locator("[data-action=download]").click()
    target = tmp_path / "rows.bib"
    info.value.save_as(target)
    library = bibtexparser.parse_string(target.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    catalog, _ = load_catalog(FIXTURE_CATALOG)
    keys, _ = assign_keys(catalog.papers())
    assert [entry.key for entry in library.entries] == [keys[i] for i in ids]
    assert page.errors == []


def test_every_explore_row_opens_its_paper_page(
    page: WatchedPage, context: Any, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    rows = pg.locator("#effdiff-explore tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => [a.href, a.textContent])"
    )
    assert len(rows) == 8
    for href, title in rows:
        assert urlparse(href).path.endswith("/paper/" + urlparse(href).path.split("/")[-2] + "/")
        target = context.new_page()
        target.goto(href)
        assert target.locator("article h1").inner_text() == title, href
        target.close()


# --- clipboard, errors, links ---------------------------------------------------------------


def test_copy_bibtex_puts_the_entry_on_the_clipboard(
    page: WatchedPage, context: Any, built_site: Served
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = page.page
    pg.goto(built_site.page("paper/deepcache-2024/"))
    entry = pg.locator(".effdiff-paper[data-id=deepcache-2024]")
    entry.locator("button.effdiff-copy").click()
    pg.wait_for_function("document.querySelector('.effdiff-paper button.effdiff-copy')"
                         ".hasAttribute('data-copied')")
    copied = pg.evaluate("navigator.clipboard.readText()")
    shown = entry.locator("pre code").inner_text()
    assert copied.strip() == shown.strip()
    library = bibtexparser.parse_string(copied)
    assert [e.key for e in library.entries] == ["ma2024deepcache"]
    assert "DeepCache" in library.entries[0]["title"]
    assert page.errors == []



def test_no_console_errors_on_any_page(page: WatchedPage, built_site: Served) -> None:
    root = built_site.root
    pages = [str(p.parent.relative_to(root)) for p in root.rglob("index.html")]
    assert len(pages) > 15
    for rel in sorted(pages):
        path = "" if rel == "." else rel + "/"
        page.page.goto(built_site.page(path))
        page.page.wait_for_load_state("load")
        assert page.errors == [], (path, page.errors)
