"""axe-core in the browser tests: the copy `npm ci` installs (package-lock.json), injected
into a page by Playwright, never fetched from the internet."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from siteserver import REPO, Served

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# Impacts that fail the tests (WCAG AA and axe's best practices); the others are reported.
BLOCKING = ("serious", "critical")
# Rules that fail the tests at any impact: what issue 12 found on the site (a heading
# level skipped on section pages, landmarks that are not told apart).
ALWAYS = ("heading-order", "landmark-unique", "landmark-no-duplicate-banner",
          "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# One page of each type of the fixture catalog's site (its root-relative path), and what
# to wait for before the check (a script fills it in).
PAGE_TYPES: dict[str, tuple[str, str]] = {
    "home": ("", "article h1"),
    "papers index": ("papers/", "article h1"),
    "section": ("papers/algorithm/efficient-training/", "article h1"),
    "paper": ("paper/deepcache-2024/", "article h1"),
    "explore": ("explore/", "#effdiff-explore[data-ready]"),
    "statistics": ("stats/", "article h1"),
    "recently added": ("recent/", "article h1"),
    "cite": ("cite/", "article h1"),
    "downloads": ("downloads/", "article h1"),
    "frameworks": ("papers/frameworks/", "article h1"),
    "search open": ("", ".md-search-result__item"),
    "404": ("no-such-page/", "article h1"),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    nodes: int
    targets: tuple[str, ...]
    summary: str

    def __str__(self) -> str:
        return f"{self.rule} [{self.impact}] x{self.nodes}: {', '.join(self.targets[:3])} -- " \
               f"{self.summary}"


def open_page_type(page: Any, site: Served, kind: str, path: str | None = None) -> None:
    """Open one page of the given type (at another path of the same type, if given) and
    wait until its scripts have filled it in."""
    default, ready = PAGE_TYPES[kind]
    path = default if path is None else path
    response = page.goto(site.page(path))
    assert response.status == (404 if kind == "404" else 200), f"{kind}: {response.url}"
    if kind == "search open":
        open_search(page, "cache")
    page.locator(ready).first.wait_for(state="attached", timeout=15_000)
    page.wait_for_load_state("networkidle")


def open_search(page: Any, query: str) -> None:
    """Open the header search the way a reader does (its button, or the search field on a
    wide screen) and type a query."""
    button = page.locator("label.md-header__button[for=__search]")
    if button.is_visible():
        button.click()
    else:
        page.locator(".md-search__input").click()
    meta = page.locator(".md-search-result__meta")
    meta.filter(has_not_text="Initializing").wait_for(timeout=10_000)
    page.locator(".md-search__input").press_sequentially(query, delay=20)


def run_axe(page: Any) -> list[Violation]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [_violation(v) for v in result["violations"]]


def _violation(raw: dict[str, Any]) -> Violation:
    targets = tuple(json.dumps(node["target"]) for node in raw["nodes"])
    summary = raw["nodes"][0].get("failureSummary", "").replace("\n", " ")[:300]
    return Violation(raw["id"], raw.get("impact") or "", len(raw["nodes"]), targets, summary)


def blocking(violations: list[Violation]) -> list[Violation]:
    """The violations that fail the tests."""
    return [v for v in violations if v.impact in BLOCKING or v.rule in ALWAYS]
