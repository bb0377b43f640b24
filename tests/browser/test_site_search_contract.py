"""The search contract (issue 12, section 3): queries people type, with their expected top
results, run against the survey's own catalog in Chromium through both users of match.js:

- the header search: the site's search worker (search-worker.js over search-papers.json),
  asked directly for its whole ranked list, and Material's search box for the top result a
  reader sees;
- Explore's text filter (site.js over catalog.json).

For every query the two lists of papers are the same, in the same order. The expected
results are computed from the records here, in Python, not from the matcher.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from siteserver import REPO, Served, WatchedPage, open_explore, shown_ids

from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Paper

pytestmark = pytest.mark.browser

Want = Callable[[Paper], bool]


@functools.cache
def papers() -> dict[str, Paper]:
    catalog, _ = load_catalog(REPO)
    return {p.id: p for p in catalog.papers()}


def ids(want: Want) -> set[str]:
    return {i for i, p in papers().items() if want(p)}


def surname(name: str) -> Want:
    return lambda p: any(a.split()[-1] == name for a in p.authors)


def title_word(pattern: str) -> Want:
    return lambda p: re.search(pattern, p.title, re.I) is not None


CACHING: Want = lambda p: "system/caching-technique" in p.categories  # noqa: E731


@dataclass(frozen=True)
class Case:
    """A query; the papers the first result may be; those that must be found; those that
    must not; and, if given, exactly which papers are found."""

    query: str
    top: Want
    found: Want = lambda p: False
    not_found: Want = lambda p: False
    exactly: Want | None = None
    why: str = field(default="", compare=False)


CONTRACT = [
    # Section 1 of the issue: what the first edition missed.
    Case("cache", title_word(r"\bcache\b"), found=CACHING,
         why="all 7 caching papers, DeepCache by its compound; the title word 'cache' first"),
    Case("caching", title_word(r"\bcaching\b"), found=CACHING, why="stem: DeepCache too"),
    Case("cached", CACHING, found=CACHING, why="stem"),
    Case("Ma", surname("Ma"), found=surname("Ma"),
         why="the surname Ma first, not the 'ma' inside 'Image'"),
    Case("Schonfeld", lambda p: p.id == "cache-me-if-can-2024", why="Schönfeld, accents folded"),
    Case("CVPR", lambda p: p.venue == "cvpr", found=lambda p: p.venue == "cvpr",
         why="a venue's short name"),
    Case("2312.00858", lambda p: p.id == "deepcache-2024",
         exactly=lambda p: p.id == "deepcache-2024", why="an arXiv id"),
    Case("deepcahce", lambda p: p.id == "deepcache-2024", why="one swapped pair of letters"),
    Case("ddim", lambda p: p.id == "denoising-diffusion-implicit-models-2021",
         why="an acronym: the title's initials"),
    # Author full names, venue and year, a DOI, a venue alias.
    Case("Xinyin Ma", lambda p: "Xinyin Ma" in p.authors,
         exactly=lambda p: "Xinyin Ma" in p.authors, why="an author's full name"),
    Case("Stefano Ermon", lambda p: "Stefano Ermon" in p.authors,
         exactly=lambda p: "Stefano Ermon" in p.authors, why="an author's full name"),
    Case("CVPR 2024", lambda p: p.venue == "cvpr" and p.year == 2024,
         found=lambda p: p.venue == "cvpr" and p.year == 2024,
         exactly=lambda p: p.venue in ("cvpr", "cvpr-workshops") and p.year == 2024,
         why="venue and year (the CVPR Workshops are named CVPR too)"),
    Case("10.1109/CVPR52733.2024.01492", lambda p: p.id == "deepcache-2024",
         exactly=lambda p: p.id == "deepcache-2024", why="a DOI"),
    Case("nips", lambda p: p.venue == "neurips", found=lambda p: p.venue == "neurips",
         why="a venue alias (NIPS = NeurIPS)"),
    # Misspellings, found one edit away, and never in place of an exact match.
    Case("distilation", title_word("distillation"), found=title_word("distillation"),
         why="a misspelling, one letter dropped"),
    Case("Zhang", surname("Zhang"), found=surname("Zhang"),
         not_found=lambda p: surname("Chang")(p) and not surname("Zhang")(p),
         why="an exact match leaves out Chang, one letter away"),
    Case("adapters", title_word("adapters"), not_found=title_word("adaptors"),
         why="an exact match leaves out 'Adaptors', one letter away"),
    # Ranking: a title match before an author match.
    Case("long", title_word(r"\blong\b"),
         found=lambda p: title_word(r"\blong\b")(p) or surname("Lian")(p),
         why="'Long Video' in a title before the author Long Lian"),
]


@pytest.fixture(scope="module")
def worker(browser: Any, catalog_site: Served) -> Iterator[Callable[[str], list[str]]]:
    """The header search's engine: the site's search worker, started on one of its pages and
    asked by Material's messages (SETUP 0, QUERY 2, RESULT 3); the ids of its paper results,
    in its order."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "http://127.0.0.1:") else route.abort())
    page = context.new_page()
    page.goto(catalog_site.page("papers/"))
    page.evaluate("""url => {
      window.__worker = new Worker(url);
      window.__worker.postMessage({type: 0, data: {}});
    }""", catalog_site.page("assets/effdiff/search-worker.js"))

    def ask(query: str) -> list[str]:
        locations: list[str] = page.evaluate("""q => new Promise(resolve => {
          window.__worker.onerror = event => resolve(['worker error: ' + event.message]);
          window.__worker.onmessage = event => {
            if (event.data.type === 3)
              resolve(event.data.data.items.map(group => group[0].location));
          };
          window.__worker.postMessage({type: 2, data: q});
        })""", query)
        assert not [loc for loc in locations if loc.startswith("worker error")], locations
        return [m.group(1) for loc in locations if (m := re.match(r"paper/([^/]+)/$", loc))]

    yield ask
    context.close()


def explore_ids(page: Any, site: Served, query: str) -> list[str]:
    open_explore(page, site)
    page.fill("input[name=text]", query)
    return shown_ids(page)


def first_heading(page: Any, site: Served, query: str) -> str:
    """The heading of the first paper result in Material's search box."""
    page.goto(site.page("papers/"))
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=5)
    first = page.locator(".md-search-result__item a[href*='/paper/'] h1").first
    first.wait_for(timeout=10_000)
    page.wait_for_timeout(200)  # a later keystroke's results replace the earlier ones
    return str(first.text_content())


@pytest.mark.parametrize("case", CONTRACT, ids=[c.query for c in CONTRACT])
def test_the_search_contract(
    case: Case, worker: Callable[[str], list[str]], page: WatchedPage, catalog_site: Served
) -> None:
    header = worker(case.query)
    explore = explore_ids(page.page, catalog_site, case.query)
    assert header == explore, "the header search and Explore disagree"
    assert header, f"{case.query!r} finds nothing"
    by_id = papers()
    assert case.top(by_id[header[0]]), f"top result {header[0]} ({case.why})"
    assert ids(case.found) <= set(header), sorted(ids(case.found) - set(header))
    assert not ids(case.not_found) & set(header), sorted(ids(case.not_found) & set(header))
    if case.exactly is not None:
        assert set(header) == ids(case.exactly)
    assert first_heading(page.page, catalog_site, case.query) == by_id[header[0]].title
    assert page.errors == []


def test_the_contract_has_the_expected_papers_to_find() -> None:
    """The records the contract leans on are in the catalog (else a case would pass empty)."""
    assert len(ids(CACHING)) >= 7 and "deepcache-2024" in ids(CACHING)
    assert ids(surname("Chang")) - ids(surname("Zhang")) and ids(title_word("adaptors"))
    assert ids(surname("Lian")) & ids(lambda p: "Long Lian" in p.authors)
    assert len(ids(lambda p: p.venue == "cvpr" and p.year == 2024)) >= 3


def test_a_title_match_ranks_before_an_author_match(
    worker: Callable[[str], list[str]]
) -> None:
    """'long': the paper with Long in its title is older than Long Lian's, yet comes first."""
    found = worker("long")
    titled = [i for i in found if title_word(r"\blong\b")(papers()[i])]
    by_author = [i for i in found if i not in titled]
    assert titled and by_author
    assert found == titled + by_author
    newest_first = sorted(found, key=lambda i: -papers()[i].year)
    assert newest_first != found  # the site's order alone would not give this ranking
