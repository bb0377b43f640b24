"""Page weight: the bytes a reader's browser transfers for each page type, gzip-compressed.

    .venv/bin/python benchmarks/bench_site_weight.py [--papers 10000] [--no-catalog]

Builds the site of the survey's own catalog (papers/ of this repository) and of a synthetic
catalog of N papers (benchmarks/synth.py), serves each on 127.0.0.1, opens one page of
every page type of tests/browser/axe.py in Debian's Chromium (1366x900, empty cache) and
records every file it loads until the network is idle (for "search open", also what the
search box loads when it is first focused and a query typed). Each file is counted as a
server sends it with gzip (level 6, as nginx and GitHub Pages do; the sum of the files'
compressed sizes, without HTTP headers), and uncompressed.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from axe import DESKTOP, PAGE_TYPES, open_page_type  # noqa: E402
from siteserver import Served, build_site, served  # noqa: E402
from synth import make_catalog  # noqa: E402

from effdiff_catalog.records.catalog import load_catalog  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def site_file(site: Served, url: str) -> Path | None:
    """The file of the built site that answers a URL (404.html for a missing one)."""
    prefix = urlparse(site.url).path
    path = unquote(urlparse(url).path)
    if not path.startswith(prefix):
        return None
    target = site.root / path[len(prefix):]
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else site.root / "404.html"


def page_weight(browser: Any, site: Served, kind: str, path: str | None) -> tuple[int, int, int]:
    """(files, bytes, gzip bytes) loaded by one page of a type, from an empty cache."""
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    urls: list[str] = []
    page.on("requestfinished", lambda request: urls.append(request.url))
    open_page_type(page, site, kind, path)
    ctx.close()
    files = [f for f in (site_file(site, url) for url in urls) if f is not None]
    data = [f.read_bytes() for f in files]
    return len(files), sum(map(len, data)), sum(len(gzip.compress(d, 6)) for d in data)


def weights(browser: Any, catalog: Path, work: Path, paper: str) -> dict[str, tuple[int, ...]]:
    """Page type -> (files, bytes, gzip bytes) for the site of one catalog."""
    out = work / "site"
    result = build_site(catalog, out)
    if result.returncode:
        sys.exit(result.stderr)
    paths = {"paper": f"paper/{paper}/"}
    found: dict[str, tuple[int, ...]] = {}
    for site in served(out, catalog):
        found = {kind: page_weight(browser, site, kind, paths.get(kind)) for kind in PAGE_TYPES}
    return found


def table(columns: dict[str, dict[str, tuple[int, ...]]]) -> str:
    head = " | ".join(f"{name}: gzip KB (raw KB, files)" for name in columns)
    lines = [f"| page type | {head} |", "| --- |" + " ---: |" * len(columns)]
    for kind in PAGE_TYPES:
        cells = []
        for found in columns.values():
            files, raw, packed = found[kind]
            cells.append(f"{packed / 1000:,.1f} ({raw / 1000:,.1f}, {files})")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--no-catalog", action="store_true",
                        help="only the synthetic catalog, not the survey's own")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    columns: dict[str, dict[str, tuple[int, ...]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-weight-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        work = Path(tmp)
        if not args.no_catalog:
            n = len(list(load_catalog(REPO)[0].papers()))
            (work / "own").mkdir()
            columns[f"{n} papers (the catalog)"] = weights(
                browser, REPO, work / "own", "deepcache-2024")
        catalog = make_catalog(work / "synth-catalog", args.papers)
        (work / "synth").mkdir()
        columns[f"{args.papers:,} synthetic papers"] = weights(
            browser, catalog, work / "synth", "synth-0")
        browser.close()
    print(table(columns))


if __name__ == "__main__":
    main()
