"""The site's sources written to a folder, for a site generator that runs no MkDocs plugins.

`write_site_source` writes what the `effdiff` plugin hands MkDocs in memory: the hand-written
pages of docs/, the generated pages and data files, the package's styles, scripts and
theme overrides, and a mkdocs.yml that names them all (navigation expanded, settings from
catalog.yaml). `mkdocs build -f <folder>/mkdocs.yml` and `zensical build -f
<folder>/mkdocs.yml` then build the same site from the same files; the plugin stays listed
(`generate: false`) for what only MkDocs needs, and Zensical ignores it (docs/site.md).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.diagnostics import Diagnostic
from effdiff_catalog.records.project import Project
from effdiff_catalog.site.generate import build_site
from effdiff_catalog.site.settings import config_settings
from effdiff_catalog.site.theme import (
    ASSETS_SOURCE,
    ASSETS_URL,
    THEME_DIR,
    expand_nav,
    page_assets,
)

DOCS = "docs"
OVERRIDES = "overrides"
CONFIG = "mkdocs.yml"


def read_config(config_file: Path) -> dict[str, Any]:
    """A mkdocs.yml as MkDocs reads it (INHERIT and !ENV resolved), as plain data."""
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with open(config_file, encoding="utf-8") as handle:
        return yaml_load(handle, loader=get_yaml_loader())


def write_site_source(config_file: Path, out: Path) -> list[Diagnostic]:
    """Write the whole site source of the project configured by `config_file` into `out`
    (emptied first); returns the records left out, which a strict build must refuse."""
    config = read_config(config_file)
    project_dir = config_file.resolve().parent
    options = _plugin_options(config)
    catalog, diagnostics = load_catalog(project_dir / (options.get("catalog") or "."))
    site_url = config.get("site_url") or catalog.project.site_url
    output = build_site(catalog, site_url=site_url or None,
                        paper_search=options.get("paper_search", True))
    if out.exists():
        shutil.rmtree(out)
    docs = out / DOCS
    _copy_docs(project_dir / config.get("docs_dir", DOCS), docs,
               skip={item.path for item in output.pages + output.assets})
    for item in output.pages + output.assets:
        _write(docs / item.path, item.content)
    shutil.copytree(ASSETS_SOURCE, docs / ASSETS_URL, dirs_exist_ok=True)
    shutil.copytree(THEME_DIR, out / OVERRIDES)
    _write(out / CONFIG, yaml.safe_dump(
        _folder_config(config, catalog.project, output.nav, options), sort_keys=False,
        allow_unicode=True))
    return diagnostics


def _plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    return dict(_plugins(config).get("effdiff") or {})


def _copy_docs(source: Path, target: Path, skip: Iterable[str]) -> None:
    """The hand-written pages and files; a generated path wins over a hand-written file."""
    generated = set(skip)
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        if path.is_file() and rel not in generated:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / rel)


def _folder_config(
    config: dict[str, Any], project: Project, papers_nav: list[Any], options: dict[str, Any]
) -> dict[str, Any]:
    """The project's config, pointing at the folder's files instead of the package's."""
    folder = dict(config)
    folder.pop("INHERIT", None)
    folder.update(config_settings(project, config))
    folder["docs_dir"] = DOCS
    folder["site_dir"] = "site"
    folder["theme"] = {**config.get("theme", {}), "custom_dir": OVERRIDES}
    styles, scripts = page_assets()
    folder["extra_css"] = styles + list(config.get("extra_css", []))
    folder["extra_javascript"] = scripts + list(config.get("extra_javascript", []))
    folder["nav"] = expand_nav(config.get("nav"), papers_nav)
    folder["markdown_extensions"] = [_absolute_snippets(ext)
                                     for ext in config.get("markdown_extensions", [])]
    plugins = {name: value for name, value in _plugins(config).items() if name != "effdiff"}
    plugins["effdiff"] = {"generate": False,
                          "paper_search": options.get("paper_search", True)}
    folder["plugins"] = plugins
    return folder


def _plugins(config: dict[str, Any]) -> dict[str, Any]:
    """The plugins of a config, as a mapping (mkdocs.yml may list them)."""
    plugins = config.get("plugins") or {}
    if isinstance(plugins, dict):
        return dict(plugins)
    return {k: v for item in plugins for k, v in
            (item.items() if isinstance(item, dict) else [(item, {})])}


def _absolute_snippets(extension: Any) -> Any:
    """pymdownx.snippets reads its base paths from the working folder: make them absolute,
    so that the folder builds from anywhere (docs/contributing.md includes CONTRIBUTING.md)."""
    if not (isinstance(extension, dict) and "pymdownx.snippets" in extension):
        return extension
    settings = dict(extension["pymdownx.snippets"] or {})
    settings["base_path"] = [str(Path(p).resolve()) for p in settings.get("base_path", ["."])]
    return {"pymdownx.snippets": settings}


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
