"""The paper search in a real browser: Material's search box, our worker and index.

The site is the fixture catalog plus, in a copy, a venue alias and an author with accents,
so that alias and accent folding are tested on real records.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from siteserver import FIXTURE_CATALOG, Served, WatchedPage, build_site, served

pytestmark = pytest.mark.browser

ACCENTED = """\
id: accent-2024
title: Sparse Attention Kernels for Diffusion Transformers
authors: [Jörg Müller, Nguyễn Văn An]
venue: cvpr
year: 2024
arxiv: '2401.99999'
categories: [system/parallel-computing, system/caching-technique]
added: 2024-03-01
"""


@pytest.fixture(scope="module")
def search_site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("search")
    catalog = root / "catalog"
    shutil.copytree(FIXTURE_CATALOG, catalog)
    venues = catalog / "venues.yaml"
    text = venues.read_text(encoding="utf-8")
    cvpr = "    kind: conference\n"
    marker = "  cvpr:\n    short: CVPR\n"
    assert marker in text
    head, tail = text.split(marker, 1)
    tail = tail.replace(cvpr, cvpr + "    aliases: [CVPRW-alias-test]\n", 1)
    venues.write_text(head + marker + tail, encoding="utf-8")
    (catalog / "papers" / "accent-2024.yaml").write_text(ACCENTED, encoding="utf-8")
    out = root / "site"
    result = build_site(catalog, out)
    assert result.returncode == 0, result.stderr
    yield from served(out, catalog)


def ready(page: Any, site: Served, path: str = "") -> Any:
    """Open a page and wait until the search says it is ready (Material's own signal)."""
    page.goto(site.page(path))
    page.wait_for_function(
        "(document.querySelector('.md-search-result__meta') || {}).textContent"
        " === 'Type to start searching'", timeout=10_000)
    return page.locator("input.md-search__input")


def results(page: Any, query: str, site: Served) -> Any:
    box = ready(page, site)
    box.click()
    box.press_sequentially(query, delay=10)
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__meta').textContent !== "
        "'Type to start searching' && document.querySelector('input.md-search__input')"
        ".value === q", arg=query)
    page.wait_for_timeout(150)
    return page.locator(".md-search-result__item")


def headings(page: Any) -> list[str]:
    """The heading of each result: the paper title, or the page title."""
    return page.locator(".md-search-result__item").evaluate_all(
        "items => items.map(i => i.querySelector('h1').textContent)")


def matching(page: Any) -> int:
    """The count Material shows: "12 matching documents"."""
    meta = page.locator(".md-search-result__meta").inner_text()
    found = re.match(r"(\d+) matching documents", meta)
    return int(found.group(1)) if found else (1 if "1 matching" in meta else 0)


def test_material_search_runs_our_worker_and_loads_the_index_on_first_focus(
    page: WatchedPage, search_site: Served
) -> None:
    requested: list[str] = []
    page.page.on("request", lambda r: requested.append(urlparse(r.url).path))
    box = ready(page.page, search_site)
    page.page.wait_for_timeout(500)
    assert any(u.endswith("/assets/effdiff/search-worker.js") for u in requested)
    assert not any(re.search(r"workers/search\.[0-9a-f]+\.min\.js", u) for u in requested)
    indexes = ("/assets/effdiff/search-papers.json", "/assets/effdiff/search-pages.json")
    assert not [u for u in requested if u.endswith(indexes)]  # nothing on a page view
    box.focus()
    page.page.wait_for_function(
        "() => performance.getEntriesByType('resource').length > 0")
    page.page.wait_for_timeout(500)
    assert {u for u in requested if u.endswith(indexes)} == {
        urlparse(search_site.page(index.lstrip("/"))).path for index in indexes}
    assert page.errors == []


def test_one_paper_is_one_result_with_its_venue_year_and_authors(
    page: WatchedPage, search_site: Served
) -> None:
    items = results(page.page, "DeepCache", search_site)
    assert headings(page.page)[0] == "DeepCache: Accelerating Diffusion Models for Free"
    first = items.first
    text = first.inner_text()
    assert "CVPR 2024" in text and "arXiv 2312.00858" in text
    assert "Xinyin Ma, Gongfan Fang, Xinchao Wang" in text
    assert first.locator("h1 mark").first.inner_text() == "DeepCache"
    assert page.page.locator(".md-search-result__meta").inner_text() == (
        f"{items.count()} matching documents")


def test_the_result_opens_the_papers_page(page: WatchedPage, search_site: Served) -> None:
    results(page.page, "Müller", search_site)
    link = page.page.locator(".md-search-result__item a", has_text="Sparse Attention Kernels")
    link.first.click()
    page.page.wait_for_url(re.compile(r"/paper/accent-2024/\?h=[^#]*$"))
    assert page.page.locator("article h1").inner_text() == (
        "Sparse Attention Kernels for Diffusion Transformers")
    assert page.errors == []


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("muller", "Sparse Attention Kernels for Diffusion Transformers"),  # accents folded
        ("nguyen van", "Sparse Attention Kernels for Diffusion Transformers"),
        ("CVPRW-alias-test", "DeepCache: Accelerating Diffusion Models for Free"),  # alias
        ("cvpr", "DistriFusion: Distributed Parallel Inference for High-Resolution "
                 "Diffusion Models"),  # venue key / short name
        ("2312.00858", "DeepCache: Accelerating Diffusion Models for Free"),  # arXiv id
        ("2312.008", "DeepCache: Accelerating Diffusion Models for Free"),  # its prefix
        ("quantiz", "Q-Diffusion: Quantizing Diffusion Models"),  # a title word's prefix
        ("keutzer 2023", "Q-Diffusion: Quantizing Diffusion Models"),  # surname and year
    ],
)
def test_found_by_title_word_author_venue_alias_year_or_arxiv_id(
    page: WatchedPage, search_site: Served, query: str, title: str
) -> None:
    results(page.page, query, search_site)
    assert title in headings(page.page)
    assert page.errors == []


def test_every_query_word_must_match_so_a_refining_word_narrows(
    page: WatchedPage, search_site: Served
) -> None:
    results(page.page, "diffusion", search_site)
    broad = headings(page.page)  # Material renders the first 10, more on scrolling
    broad_count = matching(page.page)
    assert broad_count > 10
    page.page.locator("input.md-search__input").press_sequentially(" caching", delay=10)
    page.page.wait_for_function(
        "n => parseInt(document.querySelector('.md-search-result__meta').textContent) < n",
        arg=broad_count)
    page.page.wait_for_timeout(150)
    narrow = headings(page.page)
    assert len(narrow) == matching(page.page) < 10
    assert {"FORA: Fast-Forward Caching in Diffusion Transformer Acceleration",
            "Learning-to-Cache: Accelerating Diffusion Transformer via Layer Caching"} <= set(
        narrow)
    assert "Denoising Diffusion Implicit Models" in broad
    assert "Denoising Diffusion Implicit Models" not in narrow


def test_a_word_found_nowhere_says_no_results(page: WatchedPage, search_site: Served) -> None:
    items = results(page.page, "zzyzxnothing", search_site)
    assert items.count() == 0
    assert page.page.locator(".md-search-result__meta").inner_text() == (
        "No matching documents")


def test_hand_written_pages_are_found(page: WatchedPage, search_site: Served) -> None:
    results(page.page, "pre-commit", search_site)  # only in CONTRIBUTING.md
    assert "Contributing" in headings(page.page)
    results(page.page, "Transactions Machine Learning Research", search_site)
    assert "About the survey" in headings(page.page)


def test_a_section_page_is_found_by_its_title(page: WatchedPage, search_site: Served) -> None:
    results(page.page, "caching technique", search_site)
    assert headings(page.page)[0] == "Caching Technique"


def test_the_q_parameter_opens_search_with_results(
    page: WatchedPage, search_site: Served
) -> None:
    page.page.goto(search_site.page("?q=Ermon"))
    page.page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert "Denoising Diffusion Implicit Models" in headings(page.page)
    assert page.page.locator("input.md-search__input").input_value() == "Ermon"


def test_enter_opens_the_best_result(page: WatchedPage, search_site: Served) -> None:
    results(page.page, "Selvaraju", search_site)
    page.page.keyboard.press("Enter")
    page.page.wait_for_url(re.compile(r"/paper/fora-2024/(\?[^#]*)?$"))
    assert "FORA" in page.page.locator("article h1").inner_text()


def test_materials_own_index_is_left_empty_and_holds_no_paper(search_site: Served) -> None:
    """Material fetches its index on every page view: the documents are in the file the
    paper search fetches on demand, and the papers and sections are in its own index."""
    stub = json.loads((search_site.root / "search" / "search_index.json").read_text("utf-8"))
    assert stub["docs"] == []
    moved = json.loads((search_site.root / "assets" / "effdiff" / "search-pages.json")
                       .read_text(encoding="utf-8"))
    locations = [d["location"] for d in moved["docs"]]
    assert "contributing/" in locations and "about/" in locations
    assert not [loc for loc in locations if loc.startswith(("paper/", "papers/"))]
    assert "Q-Diffusion: Quantizing" not in json.dumps(moved)
