"""MkDocs hook: hands the pages of `effdiff_catalog.site.build_site` to the build.

Kept thin on purpose: all logic is in `effdiff_catalog.site`, so a move away from
mkdocs-material (Zensical reads the same mkdocs.yml) only means rewriting this file.

The catalog root is the folder of mkdocs.yml, or `$EFFDIFF_CATALOG_ROOT` (tests build a site
from a fixture catalog that way). Generated pages are virtual files, never written to docs/;
`mkdocs serve` watches papers/, taxonomy.yaml and venues.yaml and regenerates on change.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from effdiff_catalog.catalog import PAPERS_DIR, TAXONOMY_FILE, VENUES_FILE, load_catalog
from effdiff_catalog.site import SiteOutput, build_site

log = logging.getLogger("mkdocs.plugins.effdiff")
NAV_PLACEHOLDER = "papers/index.md"
_state: dict[str, Any] = {}


def catalog_root(config: MkDocsConfig) -> Path:
    env = os.environ.get("EFFDIFF_CATALOG_ROOT")
    if env:
        return Path(env).resolve()
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = catalog_root(config)
    # Large catalogs are parsed on every core; mkdocs itself uses one.
    catalog, diagnostics = load_catalog(root, workers=os.cpu_count() or 1)
    for diagnostic in diagnostics:
        # A warning, so `mkdocs build --strict` fails on a record that did not load.
        log.warning("record left out of the site: %s", diagnostic.text())
    # `extra: {paper_search: false}` gives the stock Material search over every entry (the
    # benchmark builds that variant to compare against); templates read the same flag.
    paper_search = bool(config.extra.get("paper_search", True))
    output = build_site(catalog, site_url=config.site_url or None, paper_search=paper_search)
    _state["root"] = root
    _state["output"] = output
    config.nav = _expand_nav(config.nav, output)
    return config


def _expand_nav(nav: list[Any] | None, output: SiteOutput) -> list[Any] | None:
    """Replace the `Papers: papers/index.md` item with the taxonomy's pages."""
    if nav is None:
        return None
    expanded: list[Any] = []
    for item in nav:
        if isinstance(item, dict) and len(item) == 1:
            (title, target), = item.items()
            if target == NAV_PLACEHOLDER:
                expanded.append({title: output.nav})
                continue
        expanded.append(item)
    return expanded


def on_files(files: Files, config: MkDocsConfig) -> Files:
    output: SiteOutput = _state["output"]
    for page in output.pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            log.warning("docs/%s is generated from the records; the hand-written file is "
                        "ignored", page.path)
            files.remove(existing)
        files.append(File.generated(config, page.path, content=page.content))
    for asset in output.assets:
        files.append(File.generated(config, asset.path, content=asset.content))
    return files


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    root: Path = _state["root"]
    templates = Path(__file__).resolve().parents[2] / "templates" / "site"
    for path in (root / PAPERS_DIR, root / TAXONOMY_FILE, root / VENUES_FILE, templates):
        if path.exists():
            server.watch(str(path))
    return server
