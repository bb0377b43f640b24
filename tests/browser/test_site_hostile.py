"""Hostile record content: nothing runs in the browser, and the text shows as text."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from siteserver import FIXTURE_CATALOG, Served, WatchedPage, build_site, served

pytestmark = pytest.mark.browser

SCRIPT_TITLE = "<script>window.__pwned = 'title'</script>Evil Title"
IMG_AUTHOR = "<img src=x onerror=\"window.__pwned='author'\">Mallory"
MD_NOTE = "[click me](javascript:window.__pwned='note') **bold** <b onmouseover=x>hi</b>"
TAG = "<svg onload=\"window.__pwned='tag'\">"

HOSTILE = f"""\
id: hostile-2024
title: {json.dumps(SCRIPT_TITLE)}
authors: [{json.dumps(IMG_AUTHOR)}, "Eve [x](javascript:alert(1))"]
venue: arxiv
year: 2024
month: 5
links:
  paper: https://example.org/paper?a=1&b=<2>
categories: [system/caching-technique]
tags: [{json.dumps(TAG)}]
note: {json.dumps(MD_NOTE)}
added: 2030-01-01
"""
# Validation rejects this one: it must never reach the site.
JAVASCRIPT_LINK = """\
id: jslink-2024
title: Javascript Link Paper
authors: [Trudy]
venue: arxiv
year: 2024
links:
  paper: "javascript:window.__pwned='link'"
categories: [system/caching-technique]
added: 2030-01-02
"""


@pytest.fixture(scope="module")
def hostile_site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("hostile")
    catalog = root / "catalog"
    shutil.copytree(FIXTURE_CATALOG, catalog)
    (catalog / "papers" / "hostile-2024.yaml").write_text(HOSTILE, encoding="utf-8")
    (catalog / "papers" / "jslink-2024.yaml").write_text(JAVASCRIPT_LINK, encoding="utf-8")
    out = root / "site"
    result = build_site(catalog, out, strict=False)
    assert result.returncode == 0, result.stderr
    assert "jslink-2024" in result.stderr and "url-scheme" in result.stderr
    assert "hostile-2024" not in result.stderr  # it loads: its content is the test
    yield from served(out, catalog)


PAGES = [
    "papers/system/caching-technique/", "paper/hostile-2024/", "explore/", "recent/", "stats/",
    "explore/?text=evil", "?q=Evil",
]


@pytest.mark.parametrize("path", PAGES)
def test_nothing_runs_and_the_text_shows_as_text(
    page: WatchedPage, hostile_site: Served, path: str
) -> None:
    pg = page.page
    pg.goto(hostile_site.page(path))
    pg.wait_for_load_state("load")
    if path.startswith("explore"):
        pg.locator("#effdiff-explore[data-ready]").wait_for(state="attached")
    pg.wait_for_timeout(300)
    assert pg.evaluate("window.__pwned") is None
    content = pg.locator("article.md-content__inner")
    # No script but the paper page's JSON-LD data (a script that does not run).
    assert content.locator("script:not([type='application/ld+json'])").count() == 0
    assert content.locator("img[onerror], svg[onload], b[onmouseover]").count() == 0
    assert pg.locator("a[href^='javascript:' i]").count() == 0
    if path in ("papers/system/caching-technique/", "paper/hostile-2024/", "explore/", "recent/",
                "explore/?text=evil"):
        assert SCRIPT_TITLE in content.inner_text()
    assert page.errors == []


def test_the_paper_page_shows_every_hostile_field_verbatim(
    page: WatchedPage, hostile_site: Served
) -> None:
    pg = page.page
    pg.goto(hostile_site.page("paper/hostile-2024/"))
    pg.locator(".effdiff-paper__note summary").click()
    entry = pg.locator(".effdiff-paper[data-id=hostile-2024]")
    text = entry.inner_text()
    for value in (SCRIPT_TITLE, IMG_AUTHOR, MD_NOTE, TAG, "Eve [x](javascript:alert(1))"):
        assert value in text
    assert pg.title().startswith(SCRIPT_TITLE)  # the <title>, escaped by the plugin
    assert pg.locator(".md-header__topic").last.inner_text().strip() == SCRIPT_TITLE
    data = json.loads(pg.locator("script[type='application/ld+json']").text_content())
    assert data["headline"] == SCRIPT_TITLE and IMG_AUTHOR in [a["name"] for a in data["author"]]
    assert entry.locator("a", has_text="click me").count() == 0
    assert entry.locator("strong, b").count() == 0
    # The one link kept is the http(s) one, with its query intact.
    assert entry.locator("a.effdiff-link", has_text="Paper").first.get_attribute("href") == (
        "https://example.org/paper?a=1&b=<2>")
    assert pg.evaluate("window.__pwned") is None


def test_the_rejected_javascript_link_record_is_not_on_the_site(hostile_site: Served) -> None:
    for html in Path(hostile_site.root).rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "Javascript Link Paper" not in text, html
        assert "__pwned='link'" not in text and "__pwned=&#39;link" not in text, html


def test_search_results_show_hostile_fields_as_text(
    page: WatchedPage, hostile_site: Served
) -> None:
    """Material inserts result titles and texts as HTML: the paper search escapes them."""
    pg = page.page
    pg.goto(hostile_site.page("?q=Mallory"))
    item = pg.locator(".md-search-result__item", has_text="Evil Title")
    item.first.wait_for(timeout=10_000)
    assert item.first.locator("h1").inner_text() == SCRIPT_TITLE
    assert IMG_AUTHOR in item.first.inner_text()
    results = pg.locator(".md-search-result")
    assert results.locator("script, img, svg[onload], b[onmouseover]").count() == 0
    assert results.locator("mark", has_text="Mallory").count() == 1
    pg.wait_for_timeout(200)
    assert pg.evaluate("window.__pwned") is None
    assert page.errors == []
