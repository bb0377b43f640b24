"""The site source folder (`effdiff site-source`): an engine without plugins builds the site.

MkDocs builds the folder into the same site as the plugin generating in memory, byte for
byte; Zensical builds the same folder (its site differs by design: docs/site.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.browser.siteserver import (
    FIXTURE_CATALOG,
    ZENSICAL,
    mkdocs_build,
    run_mkdocs,
    site_contents,
    write_source,
    zensical_build,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("source") / "src"
    result = write_source(FIXTURE_CATALOG, out)
    assert result.returncode == 0, result.stderr
    return out


def test_the_folder_holds_every_page_file_and_setting(source: Path) -> None:
    config = yaml.safe_load((source / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs" and config["theme"]["custom_dir"] == "overrides"
    assert config["plugins"]["effdiff"] == {"generate": False, "paper_search": True}
    assert "assets/effdiff/site.css" in config["extra_css"]
    assert "assets/effdiff/site.js" in config["extra_javascript"]
    papers = next(item["Papers"] for item in config["nav"] if "Papers" in item)
    assert papers[0] == "papers/index.md" and len(papers) > 1  # the taxonomy's pages
    for path in ("docs/index.md", "docs/papers/system/caching-technique.md", "docs/explore.md",
                 "docs/assets/effdiff/catalog.json", "docs/assets/effdiff/search-worker.js",
                 "docs/bib/all.bib", "overrides/main.html"):
        assert (source / path).is_file(), path


def test_mkdocs_builds_the_folder_into_the_same_site_as_the_plugin(
    source: Path, tmp_path: Path
) -> None:
    from_memory = tmp_path / "memory"
    assert mkdocs_build(FIXTURE_CATALOG, from_memory).returncode == 0
    from_folder = tmp_path / "folder"
    result = run_mkdocs(source / "mkdocs.yml", from_folder)
    assert result.returncode == 0, result.stderr
    built, expected = site_contents(from_folder), site_contents(from_memory)
    assert built.keys() == expected.keys()
    assert [name for name in expected if built[name] != expected[name]] == []


def test_zensical_builds_the_folder(source: Path) -> None:
    if not ZENSICAL.exists():
        if IN_CI:
            pytest.fail("CI=true but zensical is not installed (pip install -e '.[site]')")
        pytest.skip("zensical is not installed (pip install -e '.[site]')")
    result = zensical_build(source)
    assert result.returncode == 0, result.stdout + result.stderr
    site = source / "site"
    for page in ("papers/system/caching-technique/index.html", "explore/index.html",
                 "stats/index.html", "contributing/index.html"):
        assert (site / page).is_file(), page
    assert (site / "assets" / "effdiff" / "catalog.json").is_file()
    html = (site / "papers" / "system" / "caching-technique" / "index.html").read_text("utf-8")
    assert 'id="deepcache-2024"' in html
