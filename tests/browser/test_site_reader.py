"""What a new reader met on the first edition of the site (issue 12, section 1): one test per
wall, each reproduced in Chromium at 1366x900 or 390x844 before it was fixed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from siteserver import (
    FIXTURE_CATALOG,
    REPO,
    Served,
    WatchedPage,
    build_site,
    open_explore,
    served,
    shown_ids,
)

from effdiff_catalog.records.catalog import load_catalog

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def phone(context: Any) -> Iterator[Any]:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    yield page
    page.close()


def every_page(site: Served) -> list[str]:
    """The path of every HTML page of a built site, from its root."""
    found = [p.parent.relative_to(site.root).as_posix() for p in site.root.rglob("index.html")]
    return sorted("" if rel == "." else rel + "/" for rel in found)


# --- layout on a phone ------------------------------------------------------------------


def test_no_page_is_wider_than_a_phone(phone: Any, built_site: Served) -> None:
    too_wide = []
    for path in every_page(built_site):
        phone.goto(built_site.page(path))
        if path == "explore/":
            phone.locator("#effdiff-explore[data-ready]").wait_for(state="attached")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append((path, width))
    assert too_wide == []


def test_explore_rows_on_a_phone_keep_titles_readable_and_links_on_screen(
    phone: Any, built_site: Served
) -> None:
    open_explore(phone, built_site)
    boxes = phone.locator("#effdiff-explore [data-id] a").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().right)")
    assert boxes and max(boxes) <= PHONE["width"]
    title = phone.locator("#effdiff-explore [data-id=deepcache-2024] a").first
    assert title.bounding_box()["width"] >= 0.6 * PHONE["width"] or (
        title.inner_text() == "DeepCache: Accelerating Diffusion Models for Free"
        and title.bounding_box()["height"] < 80)  # short enough to fit on two lines


def frameworks_table(page: Any, site: Served) -> Any:
    page.goto(site.page("papers/frameworks/"))
    table = page.locator("table", has_text="FlashAttention")
    if table.count() == 0:  # the first edition had the table on a page of its own
        page.goto(site.page("frameworks/"))
        table = page.locator("table", has_text="FlashAttention")
    return table.first


def test_the_frameworks_table_fits_a_phone_says_yes_and_no_in_words_and_is_styled(
    phone: Any, built_site: Served
) -> None:
    table = frameworks_table(phone, built_site)
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= PHONE["width"]
    text = table.inner_text()
    assert "\u2705" not in text and "\u274c" not in text  # emoji fonts are not everywhere
    assert "Yes" in text and "No" in text
    border = table.evaluate("t => getComputedStyle(t).borderTopWidth")
    assert border not in ("", "0px")


# --- frameworks -------------------------------------------------------------------------


def test_frameworks_are_counted_through_their_paper(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    pg.goto(built_site.page("papers/"))
    row = pg.locator("tbody tr", has=pg.locator("a", has_text="Frameworks"))
    assert re.search(r"\b1\b", row.inner_text()), row.inner_text()
    pg.goto(built_site.page("stats/"))
    chart = pg.locator("#chart-per-section")
    assert chart.locator("text", has_text=re.compile(r"^1$")).count() >= 1
    open_explore(pg, built_site, "?section=frameworks")
    assert shown_ids(pg) == ["deepcache-2024"]


def test_the_menu_lists_frameworks_once(page: WatchedPage, built_site: Served) -> None:
    page.page.goto(built_site.page("papers/"))
    targets = page.page.locator(".md-nav--primary a.md-nav__link").evaluate_all(
        "links => links.filter(a => a.textContent.trim() === 'Frameworks').map(a => a.href)")
    assert len(set(targets)) == 1, targets


def test_the_frameworks_download_is_what_effdiff_bib_writes(
    built_site: Served, tmp_path: Path
) -> None:
    subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", "bib", "--root",
                    str(FIXTURE_CATALOG), "--split-sections", str(tmp_path)],
                   check=True, capture_output=True, cwd=REPO)
    for name in ("all", "algorithm", "system", "frameworks"):
        expected = (tmp_path / f"{name}.bib").read_text(encoding="utf-8")
        assert (built_site.root / "bib" / f"{name}.bib").read_text(encoding="utf-8") == expected
    assert "deepcache" in (tmp_path / "frameworks.bib").read_text(encoding="utf-8").lower()


# --- Explore's text box finds what the header search finds ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cache", {"deepcache-2024", "learning-to-cache-2024", "fora-2024"}),  # stem, compound
        ("2312.00858", {"deepcache-2024"}),  # an arXiv id
        ("CVPR", {"deepcache-2024", "distrifusion-2024"}),  # a venue
        ("cvpr 2024", {"deepcache-2024", "distrifusion-2024"}),
        ("deepcahce", {"deepcache-2024"}),  # one typo
    ],
)
def test_explore_text_finds_what_people_type(
    page: WatchedPage, built_site: Served, text: str, expected: set[str]
) -> None:
    open_explore(page.page, built_site)
    page.page.fill("input[name=text]", text)
    assert set(shown_ids(page.page)) == expected


def explore_text(page: Any, site: Served, text: str) -> list[str]:
    open_explore(page, site)
    page.fill("input[name=text]", text)
    return shown_ids(page)


def test_explore_finds_the_caching_papers_by_cache_and_by_caching(
    page: WatchedPage, catalog_site: Served
) -> None:
    catalog, _ = load_catalog(REPO)
    caching = {p.id for p in catalog.papers() if "system/caching-technique" in p.categories}
    assert len(caching) >= 7 and "deepcache-2024" in caching
    for text in ("cache", "caching", "cached"):
        assert caching <= set(explore_text(page.page, catalog_site, text)), text


def test_explore_ma_is_a_word_start_not_the_ma_of_image(
    page: WatchedPage, catalog_site: Served
) -> None:
    """'Ma' is the surname Ma (and words that start with ma), never the 'ma' of 'Image'."""
    catalog, _ = load_catalog(REPO)
    by_id = {p.id: p for p in catalog.papers()}
    ids = explore_text(page.page, catalog_site, "Ma")
    surname_ma = [i for i in ids if any(a.split()[-1] == "Ma" for a in by_id[i].authors)]
    assert surname_ma and ids[:len(surname_ma)] == surname_ma  # the surname ranks first
    assert len(ids) < 50  # the first edition's substring match found 50 of 113
    for paper_id in ids:
        paper = by_id[paper_id]
        venue = catalog.venues.venues[paper.venue]
        sections = [catalog.taxonomy.by_path[c].title for c in paper.categories]
        text = " ".join([paper.title, *paper.authors, paper.venue, venue.short, venue.name,
                         *venue.aliases, *sections])
        words = re.findall(r"\w+", text.lower())
        assert any(w.startswith("ma") for w in words), paper_id


@pytest.mark.parametrize(
    ("text", "wanted"),
    [("Schonfeld", "cache-me-if-can-2024"),  # Schönfeld, accents folded
     ("2312.00858", "deepcache-2024"),  # an arXiv id
     ("CVPR", "deepcache-2024")],  # a venue's short name
)
def test_explore_finds_accented_names_arxiv_ids_and_venues(
    page: WatchedPage, catalog_site: Served, text: str, wanted: str
) -> None:
    assert wanted in explore_text(page.page, catalog_site, text)


def test_explore_does_not_promise_tags(page: WatchedPage, built_site: Served) -> None:
    open_explore(page.page, built_site)
    placeholder = page.page.locator("input[name=text]").get_attribute("placeholder") or ""
    assert "tag" not in placeholder.lower()


# --- Explore's rough edges --------------------------------------------------------------


def test_show_more_is_hidden_when_every_row_is_shown(
    page: WatchedPage, built_site: Served
) -> None:
    open_explore(page.page, built_site)
    assert len(shown_ids(page.page)) == 8
    assert not page.page.locator("[data-action=more]").is_visible()


def test_no_matching_row_says_so_offers_reset_and_disables_download(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    pg.fill("input[name=text]", "zzyzxnothing")
    assert shown_ids(pg) == []
    message = pg.locator("#effdiff-explore [data-role=empty]")
    assert message.is_visible() and "No paper matches" in message.inner_text()
    assert pg.locator("[data-action=download]").is_disabled()
    message.locator("button", has_text="Reset").click()
    assert len(shown_ids(pg)) == 8


@pytest.mark.parametrize("venue", ["CVPR", "cvpr", "Cvpr"])
def test_a_venue_in_the_address_is_read_by_key_or_name(
    page: WatchedPage, built_site: Served, venue: str
) -> None:
    open_explore(page.page, built_site, f"?venue={venue}")
    assert set(shown_ids(page.page)) == {"deepcache-2024", "distrifusion-2024"}


def test_from_after_to_is_explained_not_silently_empty(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site, "?from=2024&to=2021")
    hint = pg.locator("#effdiff-explore [data-role=hint]")
    assert hint.is_visible() and "From" in hint.inner_text()


def test_the_menus_show_counts_and_a_single_year_can_be_chosen(
    page: WatchedPage, built_site: Served
) -> None:
    pg = page.page
    open_explore(pg, built_site)
    venues = pg.locator("select[name=venue] option").all_inner_texts()
    assert "CVPR (2)" in [v.strip() for v in venues]
    pg.select_option("select[name=year]", "2023")
    assert set(shown_ids(pg)) == {"audioldm-2023", "q-diffusion-2023"}


# --- content ----------------------------------------------------------------------------


def test_curator_notes_are_not_shown_in_the_lists(page: WatchedPage, built_site: Served) -> None:
    page.page.goto(built_site.page("papers/algorithm/efficient-fine-tuning/"))
    note = "Listed in the survey as an arXiv 2024.10 preprint"
    assert page.page.locator("article").inner_text().count(note) == 0


def test_recently_added_lists_a_day_by_title(page: WatchedPage, built_site: Served) -> None:
    page.page.goto(built_site.page("recent/"))
    day = page.page.locator("h2", has_text="2024-06-09")
    items = day.locator("xpath=following-sibling::ul[1]/li/a").all_inner_texts()
    assert len(items) == 5
    assert items == sorted(items, key=str.casefold)


def test_the_home_page_shows_a_menu_on_a_wide_screen(
    page: WatchedPage, built_site: Served
) -> None:
    for width in (1220, 1366, 1600):
        page.page.set_viewport_size({"width": width, "height": 900})
        page.page.goto(built_site.page())
        menu = page.page.locator(".md-nav--primary .md-nav__link", has_text="Explore")
        assert menu.first.is_visible(), width


def test_the_developer_page_is_not_a_search_result(page: WatchedPage, built_site: Served) -> None:
    pg = page.page
    pg.goto(built_site.page("?q=generated"))
    pg.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    pg.wait_for_timeout(300)
    hrefs = pg.locator(".md-search-result__item a").evaluate_all("a => a.map(x => x.href)")
    assert hrefs and not [h for h in hrefs if urlparse(h).path.endswith("/site/")]


def test_the_cite_page_says_what_the_explore_download_holds(
    page: WatchedPage, built_site: Served
) -> None:
    page.page.goto(built_site.page("cite/"))
    assert "exactly the rows shown" not in page.page.locator("article").inner_text()


# A catalog larger than one Explore page (100 rows): 150 synthetic papers.


@pytest.fixture(scope="module")
def big_site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import make_catalog

    root = tmp_path_factory.mktemp("big")
    catalog = make_catalog(root / "catalog", 150)
    out = root / "site"
    result = build_site(catalog, out)
    assert result.returncode == 0, result.stderr
    yield from served(out, catalog)


def test_the_download_says_it_holds_every_matching_paper_not_only_those_shown(
    page: WatchedPage, big_site: Served, tmp_path: Path
) -> None:
    pg = page.page
    open_explore(pg, big_site)
    assert len(shown_ids(pg)) == 100
    button = pg.locator("[data-action=download]")
    assert "150" in button.inner_text()
    with pg.expect_download() as info:
        button.click()
    info.value.save_as(tmp_path / "all.bib")
    assert len(re.findall(r"^@", (tmp_path / "all.bib").read_text(encoding="utf-8"), re.M)) == 150
    more = pg.locator("[data-action=more]")
    assert more.is_visible() and "50" in more.inner_text()
    more.click()
    assert len(shown_ids(pg)) == 150 and not more.is_visible()
