"""A page per paper (issue 12, section 2), in Chromium: what it shows, its downloads (parsed
back by bibtexparser, rispy and json, and equal to `effdiff export` of that one paper), where
its links lead, and what it tells indexers.

The site is the fixture catalog plus, in a copy, one record with everything a record can
hold (an abstract, aliases, a DOI, a project link, an accented author).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import bibtexparser
import pytest
import rispy
from siteserver import FIXTURE_CATALOG, REPO, Served, WatchedPage, build_site, served, shown_ids

from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.project import load_project

pytestmark = pytest.mark.browser

RICH = """\
id: rich-2023
title: 'Rich Record: Sampling <Fast> & *Well*'
authors: [Zoë Exämple, Sam Sample]
aliases: [RICH]
venue: icml
year: 2023
arxiv: '2305.12345'
doi: 10.5555/rich.2023
abstract: 'We sample *fast* with a < b and [no link](https://example.org/x).'
citation_key: example2023rich
links:
  paper: https://example.org/rich.pdf
  code: https://github.com/example/rich
  project: https://example.org/rich/
categories: [system/caching-technique]
added: 2024-06-10
"""
RICH_TITLE = "Rich Record: Sampling <Fast> & *Well*"
RICH_ABSTRACT = "We sample *fast* with a < b and [no link](https://example.org/x)."


@pytest.fixture(scope="module")
def paper_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = tmp_path_factory.mktemp("paper") / "catalog"
    shutil.copytree(FIXTURE_CATALOG, catalog)
    (catalog / "papers" / "rich-2023.yaml").write_text(RICH, encoding="utf-8")
    return catalog


@pytest.fixture(scope="module")
def paper_site(browser: Any, paper_catalog: Path) -> Iterator[Served]:
    out = paper_catalog.parent / "site"
    result = build_site(paper_catalog, out)
    assert result.returncode == 0, result.stderr
    yield from served(out, paper_catalog)


def open_paper(page: Any, site: Served, paper_id: str) -> Any:
    page.goto(site.page(f"paper/{paper_id}/"))
    return page.locator(f".effdiff-paper[data-id='{paper_id}']")


# --- what the page shows ----------------------------------------------------------------


def test_the_page_shows_title_authors_venue_and_year(
    page: WatchedPage, paper_site: Served
) -> None:
    paper = open_paper(page.page, paper_site, "rich-2023")
    assert paper.locator("h1").inner_text() == RICH_TITLE
    assert paper.locator(".effdiff-paper__authors").inner_text() == "Zoë Exämple, Sam Sample"
    meta = paper.locator(".effdiff-meta").inner_text()
    assert "ICML" in meta and "2023" in meta and "International Conference on Machine" in meta
    assert page.page.title().startswith(RICH_TITLE)
    assert paper.locator("strong, em, a[href='https://example.org/x']").count() == 0
    assert page.errors == []


def test_the_page_links_doi_arxiv_paper_code_and_project_over_http_only(
    page: WatchedPage, paper_site: Served
) -> None:
    paper = open_paper(page.page, paper_site, "rich-2023")
    links = dict(paper.locator(".effdiff-links a").evaluate_all(
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"))
    assert links == {
        "DOI 10.5555/rich.2023": "https://doi.org/10.5555/rich.2023",
        "arXiv 2305.12345": "https://arxiv.org/abs/2305.12345",
        "Paper": "https://example.org/rich.pdf",
        "Code": "https://github.com/example/rich",
        "Project": "https://example.org/rich/",
    }
    hrefs = page.page.locator("article a[href]").evaluate_all(
        "links => links.map(a => a.href)")
    assert hrefs and all(urlparse(h).scheme in ("http", "https") for h in hrefs)


def test_the_sections_open_the_papers_entry_on_each_section_page(
    page: WatchedPage, paper_site: Served
) -> None:
    pg = page.page
    paper = open_paper(pg, paper_site, "deepcache-2024")
    sections = paper.locator(".effdiff-paper__sections a").evaluate_all(
        "links => links.map(a => [a.textContent, a.href])")
    assert [title for title, _ in sections] == [
        "System-Level Optimization › Caching Technique", "Frameworks"]
    for _, href in sections:
        pg.goto(href)
        assert urlparse(href).fragment == "deepcache-2024"
        entry = pg.locator(".effdiff-entry[data-id=deepcache-2024]")
        assert entry.count() == 1, href
        # ... and the entry's title opens the paper's page again.
        entry.locator("a.effdiff-entry__title").click()
        pg.wait_for_url(re.compile(r"/paper/deepcache-2024/$"))


def test_the_abstract_is_shown_as_text_only_when_the_record_has_one(
    page: WatchedPage, paper_site: Served
) -> None:
    paper = open_paper(page.page, paper_site, "rich-2023")
    assert paper.locator("#abstract").count() == 1
    assert paper.locator(".effdiff-paper__abstract").inner_text() == RICH_ABSTRACT
    paper = open_paper(page.page, paper_site, "deepcache-2024")
    assert paper.locator("#abstract, .effdiff-paper__abstract").count() == 0


def test_the_neighbours_are_papers_of_its_first_section(
    page: WatchedPage, paper_site: Served, paper_catalog: Path
) -> None:
    catalog, _ = load_catalog(paper_catalog)
    same = {p.title for p in catalog.papers()
            if "system/caching-technique" in p.categories and p.id != "rich-2023"}
    paper = open_paper(page.page, paper_site, "rich-2023")
    assert paper.locator("#related").inner_text() == "More in Caching Technique"
    related = paper.locator(".effdiff-paper__related a")
    titles = related.all_inner_texts()
    assert titles and len(titles) <= 5 and set(titles) <= same
    assert RICH_TITLE not in titles
    related.first.click()
    assert page.page.locator("article h1").inner_text() == titles[0]


def test_the_edit_link_opens_the_record_file_in_the_repository(
    page: WatchedPage, paper_site: Served, paper_catalog: Path
) -> None:
    project = load_project(paper_catalog)
    paper = open_paper(page.page, paper_site, "rich-2023")
    edit = paper.locator(".effdiff-paper__edit a")
    assert edit.get_attribute("href") == (
        f"{project.repository}/edit/{project.branch}/papers/rich-2023.yaml")


# --- the entry: copy and downloads --------------------------------------------------------


def exported(catalog: Path, fmt: str, paper_id: str) -> str:
    """What `effdiff export --format <fmt> --id <id>` writes."""
    result = subprocess.run(
        [sys.executable, "-m", "effdiff_catalog.cli", "export", "--root", str(catalog),
         "--format", fmt, "--id", paper_id], check=True, capture_output=True, text=True,
        cwd=REPO)
    return result.stdout


def bibtex_entries(text: str) -> list[tuple[str, str, dict[str, str]]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return [(e.entry_type, e.key, {f.key: f.value for f in e.fields}) for e in library.entries]


PARSERS = {
    "bibtex": bibtex_entries,
    "ris": rispy.loads,
    "csl-json": json.loads,
}


@pytest.mark.parametrize(("label", "fmt", "suffix"), [
    ("BibTeX", "bibtex", ".bib"), ("RIS", "ris", ".ris"), ("CSL-JSON", "csl-json", ".json")])
@pytest.mark.parametrize("paper_id", ["rich-2023", "deepcache-2024"])
def test_each_download_parses_and_equals_effdiff_export_of_the_paper(
    page: WatchedPage, paper_site: Served, paper_catalog: Path, tmp_path: Path,
    label: str, fmt: str, suffix: str, paper_id: str,
) -> None:
    paper = open_paper(page.page, paper_site, paper_id)
    link = paper.locator(".effdiff-paper__downloads a", has_text=re.compile(f"^{label}$"))
    with page.page.expect_download() as info:
        link.click()
    key = {"rich-2023": "example2023rich", "deepcache-2024": "ma2024deepcache"}[paper_id]
    assert info.value.suggested_filename == key + suffix
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    parse = PARSERS[fmt]
    got = parse(target.read_text(encoding="utf-8"))
    assert got and got == parse(exported(paper_catalog, fmt, paper_id))
    assert len(got) == 1


def test_copy_bibtex_copies_the_entry_the_bib_download_holds(
    page: WatchedPage, context: Any, paper_site: Served
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    paper = open_paper(page.page, paper_site, "rich-2023")
    paper.locator("button.effdiff-copy").click()
    page.page.wait_for_function(
        "document.querySelector('.effdiff-paper button.effdiff-copy').textContent === 'Copied'")
    copied = page.page.evaluate("navigator.clipboard.readText()")
    download = (paper_site.root / "download" / "rich-2023.bib").read_text(encoding="utf-8")
    assert bibtex_entries(copied) == bibtex_entries(download)
    assert bibtex_entries(copied)[0][1] == "example2023rich"


# --- what leads to the page ---------------------------------------------------------------


@pytest.mark.parametrize(("author", "expected"), [
    ("Zoë Exämple", {"rich-2023"}),
    ("Xinyin Ma", {"deepcache-2024", "learning-to-cache-2024"}),
])
def test_each_author_opens_explore_filtered_by_that_author(
    page: WatchedPage, paper_site: Served, paper_catalog: Path, author: str, expected: set[str]
) -> None:
    pg = page.page
    catalog, _ = load_catalog(paper_catalog)
    assert expected == {p.id for p in catalog.papers() if author in p.authors}
    paper_id = sorted(expected)[0]
    paper = open_paper(pg, paper_site, paper_id)
    paper.locator(".effdiff-paper__authors a", has_text=author).click()
    pg.locator("#effdiff-explore[data-ready]").wait_for(state="attached")
    assert set(shown_ids(pg)) == expected
    assert pg.locator("input[name=author]").input_value() == author
    assert page.errors == []


def test_search_results_and_explore_rows_open_the_papers_page(
    page: WatchedPage, paper_site: Served
) -> None:
    pg = page.page
    pg.goto(paper_site.page("explore/?author=sam+sample"))
    pg.locator("#effdiff-explore[data-ready]").wait_for(state="attached")
    assert shown_ids(pg) == ["rich-2023"]
    pg.locator("#effdiff-explore [data-id=rich-2023] a").first.click()
    pg.wait_for_url(re.compile(r"/paper/rich-2023/$"))
    pg.goto(paper_site.page("?q=RICH"))
    result = pg.locator(".md-search-result__item a", has_text="Rich Record")
    result.first.wait_for(timeout=10_000)
    result.first.click()
    pg.wait_for_url(re.compile(r"/paper/rich-2023/(\?[^#]*)?$"))
    assert pg.locator("article h1").inner_text() == RICH_TITLE


# --- what it tells indexers -------------------------------------------------------------


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[dict[str, str | None]] = []
        self.canonical: list[str | None] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta":
            self.meta.append(values)
        elif tag == "link" and values.get("rel") == "canonical":
            self.canonical.append(values.get("href"))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data


def head_of(site: Served, paper_id: str) -> _Head:
    parser = _Head()
    parser.feed((site.root / "paper" / paper_id / "index.html").read_text(encoding="utf-8"))
    return parser


def test_each_paper_page_has_its_own_description_and_canonical_url(
    paper_site: Served, paper_catalog: Path
) -> None:
    site_url = load_project(paper_catalog).site_url
    descriptions = set()
    for folder in sorted((paper_site.root / "paper").iterdir()):
        head = head_of(paper_site, folder.name)
        (description,) = [m["content"] for m in head.meta if m.get("name") == "description"]
        assert description and description not in descriptions
        descriptions.add(description)
        assert head.canonical == [f"{site_url}paper/{folder.name}/"]
    rich = head_of(paper_site, "rich-2023")
    (description,) = [m["content"] for m in rich.meta if m.get("name") == "description"]
    assert description and description.startswith(RICH_TITLE + " (ICML 2023) by Zoë Exämple")


def test_the_json_ld_is_a_scholarly_article_same_as_its_doi_and_arxiv(
    paper_site: Served, paper_catalog: Path
) -> None:
    site_url = load_project(paper_catalog).site_url
    (raw,) = head_of(paper_site, "rich-2023").jsonld
    assert "<" not in raw and ">" not in raw  # escaped: no </script> can end it early
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
    assert data["headline"] == RICH_TITLE
    assert [a["name"] for a in data["author"]] == ["Zoë Exämple", "Sam Sample"]
    assert data["sameAs"] == ["https://doi.org/10.5555/rich.2023",
                              "https://arxiv.org/abs/2305.12345"]
    assert data["datePublished"] == "2023" and data["abstract"] == RICH_ABSTRACT
    assert data["url"] == f"{site_url}paper/rich-2023/"


def test_no_page_has_google_scholar_citation_tags(paper_site: Served) -> None:
    """This site is not the publisher and shows no full text (docs/site.md says so)."""
    for html in paper_site.root.rglob("*.html"):
        parser = _Head()
        parser.feed(html.read_text(encoding="utf-8"))
        names = [m.get("name") or "" for m in parser.meta]
        assert not [n for n in names if n.startswith("citation_")], html
    docs = (REPO / "docs" / "site.md").read_text(encoding="utf-8")
    assert "citation_" in docs and "Google Scholar" in docs
