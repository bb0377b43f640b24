"""Deployment metadata (issue 12, section 1): a whole meta description on every page, a
sitemap, canonical links, an absolute Atom feed, a 404 page that works under the site's
path, and a link to the repository; all from catalog.yaml, none hard-coded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from siteserver import FIXTURE_CATALOG, Served, WatchedPage

from effdiff_catalog.records.project import load_project

pytestmark = pytest.mark.browser


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.descriptions: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta" and ("name", "description") in attrs:
            self.descriptions.append(dict(attrs))


def test_the_meta_description_is_whole_on_every_page(built_site: Served) -> None:
    title = load_project(FIXTURE_CATALOG).survey.title
    assert '"' in title and "&" in title
    for html in built_site.root.rglob("*.html"):
        parser = _Meta()
        parser.feed(html.read_text(encoding="utf-8"))
        (meta,) = parser.descriptions
        assert set(meta) == {"name", "content"}, html  # no attribute broken off
        assert meta["content"] and meta["content"].endswith("."), html
    home = _Meta()
    home.feed((built_site.root / "index.html").read_text(encoding="utf-8"))
    assert title in (home.descriptions[0]["content"] or "")


def test_the_site_has_a_sitemap_canonical_links_and_an_absolute_feed(built_site: Served) -> None:
    site_url = load_project(FIXTURE_CATALOG).site_url
    assert site_url
    sitemap = (built_site.root / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>") >= 10 and f"<loc>{site_url}explore/</loc>" in sitemap
    explore = (built_site.root / "explore" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{site_url}explore/">' in explore
    feed = (built_site.root / "feed.xml").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" type="text/html" href="([^"]*)"', feed)
    assert links and all(link.startswith(site_url) for link in links)


def test_the_404_page_loads_its_styles_and_scripts_under_the_site_path(
    page: WatchedPage, built_site: Served
) -> None:
    failed: list[str] = []
    page.page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and (
        r.request.resource_type in ("stylesheet", "script")) else None)
    page.page.goto(built_site.page("no/such/page/"))
    assert page.page.locator("h1", has_text="404").count() == 1
    assert failed == []
    background = page.page.evaluate(
        "getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert background not in ("", "rgba(0, 0, 0, 0)")  # the theme's CSS is there


def test_every_page_links_to_the_repository(page: WatchedPage, built_site: Served) -> None:
    repository = load_project(FIXTURE_CATALOG).repository
    assert repository
    for path in ("", "papers/system/caching-technique/", "explore/"):
        page.page.goto(built_site.page(path))
        assert page.page.locator(f"a[href='{repository}']").count() >= 1, path


