"""Accessibility (issue 12, section 5): axe-core over every page type of the site, in light
and dark, at desktop and phone widths, with 0 violations of serious or critical impact
(the stock theme's included); and a visible focus on every control reached by the keyboard.

axe-core is the npm package of package-lock.json (`npm ci`, run by `make test` and
.ci/run); without it these tests skip, except under CI=true where that is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe import AXE, DESKTOP, IN_CI, PAGE_TYPES, PHONE, blocking, open_page_type, run_axe
from siteserver import Served

pytestmark = pytest.mark.browser

SCHEMES = {"light": ("light", "default"), "dark": ("dark", "slate")}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="session")
def axe_installed() -> None:
    if not AXE.is_file():
        reason = f"axe-core is not installed ({AXE.relative_to(AXE.parents[2])}: run npm ci)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


def _context(browser: Any, scheme: str, viewport: dict[str, int]) -> Any:
    """A fresh context (no stored palette), so Material follows the reader's colour scheme."""
    ctx = browser.new_context(color_scheme=scheme, viewport=viewport)
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1:", "blob:", "data:")) else route.abort())
    return ctx


@pytest.fixture(params=sorted(SCHEMES))
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def styled_page(browser: Any, axe_installed: None, scheme: str, viewport: str) -> Iterator[Any]:
    ctx = _context(browser, SCHEMES[scheme][0], VIEWPORTS[viewport])
    page = ctx.new_page()
    yield page
    ctx.close()


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_no_serious_violation(
    styled_page: Any, built_site: Served, kind: str, scheme: str
) -> None:
    open_page_type(styled_page, built_site, kind)
    shown = styled_page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert shown == SCHEMES[scheme][1]
    found = blocking(run_axe(styled_page))
    assert found == [], "\n".join(map(str, found))


def test_axe_catches_a_contrast_failure(styled_page: Any, built_site: Served) -> None:
    """The check can fail: grey on white text added to a page is reported."""
    open_page_type(styled_page, built_site, "home")
    styled_page.evaluate("""() => { const p = document.createElement('p');
        p.textContent = 'faint'; p.style.color = '#bbb'; p.style.background = '#fff';
        document.querySelector('article').append(p); }""")
    assert "color-contrast" in {v.rule for v in blocking(run_axe(styled_page))}


# --- visible focus ----------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {tag: el.tagName.toLowerCase(), name: el.name || el.textContent.trim().slice(0, 40),
          type: el.type || '', inContent: !!el.closest('.md-content'),
          visible: el.matches(':focus-visible'),
          shown: outline || (style.boxShadow !== 'none' && style.boxShadow !== '')};
}"""


def tab_through(page: Any, presses: int) -> list[dict[str, Any]]:
    """Press Tab `presses` times; what had the focus each time (inside the content)."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused and focused["inContent"]:
            seen.append(focused)
    return seen


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop"])
def test_every_explore_control_shows_the_keyboard_focus(
    styled_page: Any, built_site: Served
) -> None:
    open_page_type(styled_page, built_site, "explore")
    seen = tab_through(styled_page, 60)
    names = {f["name"] for f in seen}
    assert {"text", "section", "venue", "year", "from", "to", "author", "code"} <= names
    hidden = [f for f in seen if not (f["visible"] and f["shown"])]
    assert hidden == []


@pytest.mark.parametrize("scheme", ["light"])
@pytest.mark.parametrize("viewport", ["desktop"])
def test_paper_page_controls_show_the_keyboard_focus(
    styled_page: Any, built_site: Served
) -> None:
    open_page_type(styled_page, built_site, "paper")
    seen = tab_through(styled_page, 40)
    assert {f["tag"] for f in seen} >= {"a", "button"}
    hidden = [f for f in seen if not (f["visible"] and f["shown"])]
    assert hidden == []


@pytest.mark.parametrize("scheme", ["light"])
@pytest.mark.parametrize("viewport", ["desktop"])
def test_focus_check_catches_a_hidden_focus(styled_page: Any, built_site: Served) -> None:
    """The check can fail: with the outline taken off Explore's fields, they are reported."""
    open_page_type(styled_page, built_site, "explore")
    styled_page.add_style_tag(content=".effdiff-explore input:focus-visible "
                                      "{ outline: none !important; box-shadow: none !important }")
    hidden = {f["name"] for f in tab_through(styled_page, 30) if not f["shown"]}
    assert {"text", "from", "to", "author", "code"} <= hidden
