"""What the site adds to the theme, for any engine: the package's template overrides,
styles and scripts, and the navigation with the taxonomy's pages.

The MkDocs plugin adds them to the build in memory; `site.source` writes them to a folder.
Both read them from the installed package (importlib.resources), never from a checkout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from effdiff_catalog.resources import package_path

THEME_DIR = package_path("templates", "site", "overrides")
ASSETS_SOURCE = package_path("templates", "site", "assets")
ASSETS_URL = "assets/effdiff"
# Of the package's assets, those every page loads (the others are fetched by these).
PAGE_STYLES = ("site.css",)
PAGE_SCRIPTS = ("match.js", "site.js")
# The nav item of mkdocs.yml that stands for the taxonomy's pages.
NAV_PLACEHOLDER = "papers/index.md"


def package_assets() -> list[Path]:
    """The site's own CSS and JavaScript files, shipped in the package."""
    return sorted(path for path in ASSETS_SOURCE.iterdir() if path.is_file())


def page_assets() -> tuple[list[str], list[str]]:
    """The site paths of the styles and of the scripts every page loads."""
    return ([f"{ASSETS_URL}/{name}" for name in PAGE_STYLES],
            [f"{ASSETS_URL}/{name}" for name in PAGE_SCRIPTS])


def expand_nav(nav: list[Any] | None, papers_nav: list[Any]) -> list[Any] | None:
    """Replace the `Papers: papers/index.md` item with the taxonomy's pages."""
    if nav is None:
        return None
    expanded: list[Any] = []
    for item in nav:
        if isinstance(item, dict) and len(item) == 1:
            (title, target), = item.items()
            if target == NAV_PLACEHOLDER:
                expanded.append({title: papers_nav})
                continue
        expanded.append(item)
    return expanded
