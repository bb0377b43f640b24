"""Real-browser fixtures: the fixture catalog's site, built once, served on 127.0.0.1.

Debian's chromium is driven by Playwright (never a downloaded browser). Without
/usr/bin/chromium the tests skip, except under CI=true where that is a failure.
Every request that is not to 127.0.0.1 is aborted, so nothing can reach the internet.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from siteserver import FIXTURE_CATALOG, REPO, Served, WatchedPage, build_site, served

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@functools.cache
def _chromium_problem() -> str | None:
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    problem = _chromium_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true but {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def built_site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The fixture catalog's site, built once per session (after the browser check)."""
    out = tmp_path_factory.mktemp("site")
    result = build_site(FIXTURE_CATALOG, out)
    assert result.returncode == 0, result.stderr
    yield from served(out, FIXTURE_CATALOG)


@pytest.fixture(scope="session")
def catalog_site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The survey's own catalog (papers/ of this repository), built once per session."""
    out = tmp_path_factory.mktemp("catalog-site")
    result = build_site(REPO, out)
    assert result.returncode == 0, result.stderr
    yield from served(out, REPO)


def _local_only(route: Any) -> None:
    url: str = route.request.url
    if url.startswith(("http://127.0.0.1:", "blob:", "data:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(accept_downloads=True)
    ctx.route("**/*", _local_only)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[WatchedPage]:
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield WatchedPage(pg, errors)
    pg.close()
